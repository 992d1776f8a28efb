#include "components.hpp"

#include <string>
#include <utility>

#include "nationpulse/http/json_response.hpp"
#include "nationpulse/http/middlewares.hpp"
#include "nationpulse/http/ops.hpp"
#include "nationpulse/trace/exporter.hpp"

namespace nationpulse::bff {

using http::Request;
using http::RequestContext;
using http::Status;

Components::Components(Settings s, Overrides overrides)
    : settings(std::move(s)),
      pool(settings.postgres),
      redis(settings.redis),
      sessions(pool, redis, settings.auth),
      permissions(pool, redis),
      gate(overrides.gate ? std::move(overrides.gate) : std::make_unique<TokenGate>(sessions, permissions)),
      signin_per_ip(settings.signin_per_minute_per_ip, settings.signin_burst_per_ip,
                    RateLimiter::kDefaultMaxKeys, overrides.limiter_clock),
      signin_per_account(settings.signin_per_minute_per_account, settings.signin_burst_per_account,
                         RateLimiter::kDefaultMaxKeys, overrides.limiter_clock),
      auth_api(sessions, permissions, *gate, settings.secure_cookies, signin_per_ip, signin_per_account),
      admin_api(pool, permissions, *gate),
      cache_results(registry.AddCounter(
          "nationpulse_bff_cache_requests_total",
          "Cache-aside lookups by result (error = Redis failed and Postgres answered instead).", {"result"})),
      local_cache(settings.local_cache_ttl, settings.local_cache_entries),
      cache(redis, cache_results, &local_cache),
      read_api(
          pool, cache, *gate,
          ReadApi::Options{settings.cache_ttl, settings.cache_enabled, std::move(overrides.current_year)}),
      report_api(redis, *gate, registry, settings.reports) {}

http::Router Components::BuildRouter() {
  http::Router router;
  auth_api.Register(router);
  admin_api.Register(router);
  read_api.Register(router);
  report_api.Register(router);

  // Liveness: the process answers; no dependency is consulted (a dead Postgres must not make
  // an orchestrator restart a healthy BFF).
  router.Add(
      http::Verb::get, "/livez",
      [](const Request&, RequestContext&) { return http::JsonSuccess(R"({"status":"ok"})"); },
      http::InlineRoute());
  // Readiness: Postgres reachable. Redis is reported but does not make the BFF unready: the
  // cache is an optimisation and reads fall back to Postgres (design notes, "Concurrency").
  router.Add(http::Verb::get, "/readyz", [this](const Request&, RequestContext&) {
    auto pg = pool.Ping();
    auto rd = redis.Ping();
    // Kafka only carries reports: without it reads and sign-in still work, so it degrades, never blocks.
    std::string data = R"({"postgres":")" + std::string(pg ? "ok" : "down") + R"(","redis":")" +
                       std::string(rd ? "ok" : "degraded") + R"(","kafka":")" +
                       std::string(report_api.kafka_up() ? "ok" : "degraded") + "\"}";
    if (pg) return http::JsonSuccess(data);
    auto res = http::JsonError(Status::service_unavailable, "not ready");
    res.body() = http::EnvelopeBody(false, data, "not ready: postgres unavailable");
    return res;
  });
  trace::RegisterMetrics(registry, "bff");
  http::AddMetricsRoute(router, registry);
  return router;
}

std::vector<http::Middleware> Components::Chain() {
  // Order of rest-api.md §3: (recovery is built into the server) logging, metrics, CORS.
  return {http::Tracing(), http::AccessLog(), http::RequestMetrics(registry),
          http::Cors({settings.cors_allowed_origins})};
}

void Components::RegisterDependencyMetrics() {
  pool.RegisterMetrics(registry, "bff");
  redis.RegisterMetrics(registry, "bff");
}

}  // namespace nationpulse::bff
