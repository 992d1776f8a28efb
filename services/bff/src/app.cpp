#include "app.hpp"

#include "admin_api.hpp"
#include "auth_api.hpp"
#include "nationpulse/cache/cache_aside.hpp"
#include "nationpulse/db/pool.hpp"
#include "nationpulse/health/health.hpp"
#include "nationpulse/http/json_response.hpp"
#include "nationpulse/http/middlewares.hpp"
#include "nationpulse/http/ops.hpp"
#include "nationpulse/http/server.hpp"
#include "nationpulse/log/log.hpp"
#include "nationpulse/metrics/registry.hpp"
#include "nationpulse/trace/exporter.hpp"
#include "read_api.hpp"
#include "report_api.hpp"

namespace nationpulse::bff {

using http::Request;
using http::RequestContext;
using http::Response;
using http::Status;

struct App::Impl {
  Impl(Settings s, std::unique_ptr<AccessGate> g)
      : settings(std::move(s)),
        pool(settings.postgres),
        redis(settings.redis),
        sessions(pool, redis, settings.auth),
        permissions(pool, redis),
        gate(g ? std::move(g) : std::make_unique<TokenGate>(sessions, permissions)),
        signin_per_ip(settings.signin_per_minute_per_ip, settings.signin_burst_per_ip),
        signin_per_account(settings.signin_per_minute_per_account, settings.signin_burst_per_account),
        auth_api(sessions, permissions, *gate, settings.secure_cookies, signin_per_ip, signin_per_account),
        admin_api(pool, permissions, *gate),
        cache_results(registry.AddCounter(
            "nationpulse_bff_cache_requests_total",
            "Cache-aside lookups by result (error = Redis failed and Postgres answered instead).",
            {"result"})),
        local_cache(settings.local_cache_ttl, settings.local_cache_entries),
        cache(redis, cache_results, &local_cache),
        read_api(pool, cache, *gate, ReadApi::Options{settings.cache_ttl, settings.cache_enabled, {}}),
        report_api(redis, *gate, registry, settings.reports) {}

  http::Router BuildRouter();
  void RegisterPoolMetrics();

  Settings settings;
  metrics::Registry registry;
  db::Pool pool;
  cache::Redis redis;
  SessionService sessions;
  PermissionService permissions;
  std::unique_ptr<AccessGate> gate;
  RateLimiter signin_per_ip;
  RateLimiter signin_per_account;
  AuthApi auth_api;
  AdminApi admin_api;
  metrics::Family<metrics::Counter>& cache_results;
  cache::LocalCache local_cache;
  cache::CacheAside cache;
  ReadApi read_api;
  ReportApi report_api;
  std::unique_ptr<http::Server> server;
  std::unique_ptr<health::GrpcServer> grpc;
  std::unique_ptr<health::DependencyMonitor> monitor;
  bool stopped = false;
};

http::Router App::Impl::BuildRouter() {
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

void App::Impl::RegisterPoolMetrics() {
  pool.RegisterMetrics(registry, "bff");
  redis.RegisterMetrics(registry, "bff");
  auto& http_conns = registry.AddGauge("nationpulse_bff_http_open_connections", "Open HTTP connections.");
  auto& queue =
      registry.AddGauge("nationpulse_bff_http_worker_queue_depth", "Requests waiting for a worker.");
  registry.OnCollect([this, &http_conns, &queue] {
    if (server) {
      http_conns.WithLabels({}).Set(static_cast<double>(server->open_connections()));
      queue.WithLabels({}).Set(static_cast<double>(server->worker_queue_depth()));
    }
  });
}

App::App(Settings settings, std::unique_ptr<AccessGate> gate)
    : impl_(std::make_unique<Impl>(std::move(settings), std::move(gate))) {
  impl_->RegisterPoolMetrics();
  auto& overload = impl_->registry
                       .AddCounter("nationpulse_bff_http_overload_rejections_total",
                                   "Requests refused with 503 because the worker queue was full.")
                       .WithLabels({});
  impl_->settings.http.on_overload = [&overload] { overload.Inc(); };
  // Order of rest-api.md §3: (recovery is built into the server) logging, metrics, CORS.
  std::vector<http::Middleware> chain{http::Tracing(), http::AccessLog(),
                                      http::RequestMetrics(impl_->registry),
                                      http::Cors({impl_->settings.cors_allowed_origins})};
  impl_->server =
      std::make_unique<http::Server>(impl_->settings.http, impl_->BuildRouter(), std::move(chain));
}

App::~App() { Stop(); }

void App::Start() {
  auto& s = *impl_;
  // Health first: an orchestrator sees NOT_SERVING, never a closed port, while the rest starts.
  s.grpc = std::make_unique<health::GrpcServer>(
      health::GrpcServerOptions{.address = s.settings.grpc_address,
                                .service_names = {"nationpulse.bff", "bff"},
                                .registry = &s.registry,
                                .metrics_service = "bff"});
  // grpc.md §3 [REC]: the BFF is healthy when Postgres and Redis answer. Redis is required here although
  // /readyz stays ready without it (reads fall back to Postgres): this is the operator's view of the
  // suite's health, readiness is whether to send traffic. Kafka only carries reports: it degrades.
  auto probe = [](auto ping) -> Expected<void, std::string> {
    if (auto r = ping(); !r) return Unexpected(r.error().message);
    return {};
  };
  s.monitor = std::make_unique<health::DependencyMonitor>(
      std::vector<health::Dependency>{
          {"postgres", true, [&s, probe] { return probe([&s] { return s.pool.Ping(); }); }},
          {"redis", true, [&s, probe] { return probe([&s] { return s.redis.Ping(); }); }},
          {"kafka", false,
           [&s] {
             return s.report_api.kafka_up() ? Expected<void, std::string>{}
                                            : Unexpected(std::string("unreachable"));
           }},
      },
      s.settings.probe_interval, [&s](bool serving) {
        if (!s.stopped) s.grpc->SetServing(serving);
      });
  impl_->server->Start();
  impl_->report_api.Start();
  impl_->monitor->Start();
  log::Info("bff listening", {{"address", impl_->settings.http.address}, {"port", impl_->server->port()}});
}

void App::Stop() {
  if (!impl_ || impl_->stopped) return;
  impl_->stopped = true;
  // NOT_SERVING first so probes and balancers stop sending, then HTTP (it closes the SSE streams),
  // then the consumer the streams were fed from.
  if (impl_->grpc) impl_->grpc->SetServing(false);
  if (impl_->server) impl_->server->Stop();
  impl_->report_api.Stop();
  if (impl_->monitor) impl_->monitor->Stop();
  if (impl_->grpc) impl_->grpc->Shutdown(std::chrono::seconds(1));
}

std::uint16_t App::port() const { return impl_->server->port(); }
int App::grpc_port() const { return impl_->grpc ? impl_->grpc->port() : 0; }

}  // namespace nationpulse::bff
