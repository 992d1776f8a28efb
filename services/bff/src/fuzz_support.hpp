#pragma once

// Shared by the BFF's libFuzzer targets (http_fuzz.cpp, json_body_fuzz.cpp; fuzz preset only, see
// docs/reliability.md, "Fuzzing"). Not part of np_bff_lib.
//
// FuzzBff is the BFF as App assembles it (app.cpp, App::Impl): the same settings (LoadSettings with
// only the two secrets set), the same API objects and route table, the same server-wide middleware
// chain, but with every dependency dead *without any I/O*:
//  * Postgres: a Unix socket in a directory that does not exist, so the first connect fails at once
//    (ENOENT) and the pool's reconnect back-off makes every later call fail fast (503);
//  * Redis: a pool of size 0 with a zero acquire timeout, so every call fails with "pool exhausted"
//    before any socket exists (503, or the Postgres fallback for cache reads);
//  * Kafka: no bootstrap servers, so the producer never connects (it is only reached by a publish
//    that passed the gate, which no fuzz input can: tokens are HS256 with secrets the fuzzer does
//    not know... except the fixed test secrets below, whose tokens then stop at Redis).
// Route handlers run on the calling thread; DispatchOne() mirrors what http::Server does with one
// parsed request (libs/http/src/server.cpp: Dispatch, RunChain, Finish), without sockets.
// Keep BuildRouter() and the chain in step with App::Impl::BuildRouter() and App::App().

#include <boost/url/parse.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>
#include <vector>

#include "admin_api.hpp"
#include "auth_api.hpp"
#include "nationpulse/cache/cache_aside.hpp"
#include "nationpulse/cache/local_cache.hpp"
#include "nationpulse/config/env.hpp"
#include "nationpulse/http/json_response.hpp"
#include "nationpulse/http/middlewares.hpp"
#include "nationpulse/http/ops.hpp"
#include "nationpulse/log/log.hpp"
#include "nationpulse/metrics/registry.hpp"
#include "nationpulse/trace/exporter.hpp"
#include "nationpulse/trace/trace.hpp"
#include "read_api.hpp"
#include "report_api.hpp"
#include "settings.hpp"

namespace nationpulse::bff::fuzz {

/// HS256 keys of the fuzz BFF. Fixed (not random) so that seeds can carry correctly signed tokens:
/// those pass the signature check and then stop at the dead Redis (503).
inline constexpr std::string_view kAccessSecret = "nationpulse-fuzz-access-secret-0123456789";
inline constexpr std::string_view kRefreshSecret = "nationpulse-fuzz-refresh-secret-0123456789";
/// Token clock: 2025-01-01T00:00:00Z, so the seed tokens never expire.
inline constexpr std::int64_t kNow = 1735689600;

/// Log output is formatted (that code runs) and then dropped.
class NullBuffer final : public std::streambuf {
 protected:
  int_type overflow(int_type c) override { return traits_type::not_eof(c); }
  std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
};

inline Settings FuzzSettings() {
  config::Env env(config::Env::Vars{{"ACCESS_SECRET", std::string(kAccessSecret)},
                                    {"REFRESH_SECRET", std::string(kRefreshSecret)}});
  Settings s = LoadSettings(env);
  s.postgres.host = "/nonexistent/nationpulse-fuzz";  // Unix socket directory: connect fails with ENOENT
  s.postgres.size = 1;
  s.postgres.connect_timeout = std::chrono::milliseconds(100);
  s.postgres.reconnect_backoff = std::chrono::hours(24 * 365);
  s.redis.size = 0;                                        // no connection may ever be opened ...
  s.redis.acquire_timeout = std::chrono::milliseconds(0);  // ... and waiting for one fails at once
  s.reports.brokers = "";
  s.auth.now = [] { return kNow; };
  return s;
}

/// The BFF's objects, as App::Impl holds them. The fuzzers build one per process and leak it on purpose
/// (no teardown of the Kafka producer's threads when libFuzzer calls exit()).
struct FuzzBff {
  /// `gate_override` replaces the TokenGate (the JSON body fuzzer lets requests through to reach the
  /// body parsers of protected routes).
  explicit FuzzBff(std::unique_ptr<AccessGate> gate_override = nullptr)
      : settings(FuzzSettings()),
        pool(settings.postgres),
        redis(settings.redis),
        sessions(pool, redis, settings.auth),
        permissions(pool, redis),
        gate(gate_override ? std::move(gate_override) : std::make_unique<TokenGate>(sessions, permissions)),
        // Sign-in limits as configured, on a clock that moves an hour per input: one input cannot
        // spend another's tokens, so limiting never depends on the order inputs were run in.
        signin_per_ip(settings.signin_per_minute_per_ip, settings.signin_burst_per_ip, 100'000,
                      [this] { return Clock(); }),
        signin_per_account(settings.signin_per_minute_per_account, settings.signin_burst_per_account, 100'000,
                           [this] { return Clock(); }),
        auth_api(sessions, permissions, *gate, settings.secure_cookies, signin_per_ip, signin_per_account),
        admin_api(pool, permissions, *gate),
        cache_results(registry.AddCounter("nationpulse_bff_cache_requests_total",
                                          "Cache-aside lookups by result.", {"result"})),
        local_cache(settings.local_cache_ttl, settings.local_cache_entries),
        cache(redis, cache_results, &local_cache),
        read_api(pool, cache, *gate,
                 ReadApi::Options{settings.cache_ttl, settings.cache_enabled, [] { return 2025; }}),
        report_api(redis, *gate, registry, settings.reports) {
    pool.RegisterMetrics(registry, "bff");  // App::Impl::RegisterPoolMetrics
    redis.RegisterMetrics(registry, "bff");
    chain = {http::Tracing(), http::AccessLog(), http::RequestMetrics(registry),
             http::Cors({settings.cors_allowed_origins})};
    BuildRouter();
  }

  void BuildRouter() {
    auth_api.Register(router);
    admin_api.Register(router);
    read_api.Register(router);
    report_api.Register(router);
    router.Add(
        http::Verb::get, "/livez",
        [](const http::Request&, http::RequestContext&) { return http::JsonSuccess(R"({"status":"ok"})"); },
        http::InlineRoute());
    router.Add(http::Verb::get, "/readyz", [this](const http::Request&, http::RequestContext&) {
      auto pg = pool.Ping();
      std::string data = R"({"postgres":")" + std::string(pg ? "ok" : "down") + R"(","redis":")" +
                         std::string(redis.Ping() ? "ok" : "degraded") + R"(","kafka":")" +
                         std::string(report_api.kafka_up() ? "ok" : "degraded") + "\"}";
      if (pg) return http::JsonSuccess(data);
      auto res = http::JsonError(http::Status::service_unavailable, "not ready");
      res.body() = http::EnvelopeBody(false, data, "not ready: postgres unavailable");
      return res;
    });
    trace::RegisterMetrics(registry, "bff");
    http::AddMetricsRoute(router, registry);
  }

  std::chrono::steady_clock::time_point Clock() const {
    return std::chrono::steady_clock::time_point{} + std::chrono::hours(epoch);
  }

  Settings settings;
  metrics::Registry registry;
  db::Pool pool;
  cache::Redis redis;
  SessionService sessions;
  PermissionService permissions;
  std::unique_ptr<AccessGate> gate;
  std::int64_t epoch = 1;  ///< advanced once per fuzz input (see the rate limiters)
  RateLimiter signin_per_ip;
  RateLimiter signin_per_account;
  AuthApi auth_api;
  AdminApi admin_api;
  metrics::Family<metrics::Counter>& cache_results;
  cache::LocalCache local_cache;
  cache::CacheAside cache;
  ReadApi read_api;
  ReportApi report_api;
  std::vector<http::Middleware> chain;
  http::Router router;
};

/// Sends log lines (at the BFF's default level, info) nowhere. Call once, before the first request.
inline void SilenceLogs() {
  static NullBuffer buffer;
  static std::ostream sink(&buffer);
  log::InitForTest("bff-fuzz", log::Level::kInfo, sink);
}

/// What the server's chain produced, plus whether a handler threw (the server turns that into a 500).
struct Answer {
  http::Response response;
  bool threw = false;
  std::string exception;
};

/// server.cpp RunChain: the server-wide chain, then the route's steps, then the handler, or the
/// router's 404/405 answer when nothing matched; exceptions become a 500 as in SafeRunChain.
inline Answer RunChain(const FuzzBff& bff, const http::Router::Match& match, const http::Request& req,
                       http::RequestContext& ctx) {
  const http::Route* route = match.route;
  std::function<http::Response(std::size_t)> route_chain = [&](std::size_t i) -> http::Response {
    if (route == nullptr) {
      if (match.path_known) {
        auto res = http::JsonError(http::Status::method_not_allowed, "method not allowed");
        res.set(http::bhttp::field::allow, match.allow);
        return res;
      }
      return http::JsonError(http::Status::not_found, "404 page not found");
    }
    if (i < route->options.middlewares.size()) {
      return route->options.middlewares[i](req, ctx, [&, i] { return route_chain(i + 1); });
    }
    return route->handler(req, ctx);
  };
  std::function<http::Response(std::size_t)> global = [&](std::size_t i) -> http::Response {
    if (i < bff.chain.size()) return bff.chain[i](req, ctx, [&, i] { return global(i + 1); });
    return route_chain(0);
  };
  Answer answer;
  try {
    answer.response = route != nullptr && route->options.bypass_chain ? route_chain(0) : global(0);
  } catch (const std::exception& e) {
    answer.threw = true;
    answer.exception = e.what();
    answer.response = http::JsonError(http::Status::internal_server_error, "Internal Server Error");
  }
  return answer;
}

/// server.cpp RunChainAround: the server-wide chain around an answer the server decided itself.
inline http::Response RunChainAround(const FuzzBff& bff, http::Response fixed, const http::Request& req,
                                     http::RequestContext& ctx) {
  try {
    std::function<http::Response(std::size_t)> step = [&](std::size_t i) -> http::Response {
      if (i < bff.chain.size()) return bff.chain[i](req, ctx, [&, i] { return step(i + 1); });
      return fixed;
    };
    return step(0);
  } catch (const std::exception&) {
  }
  return fixed;
}

/// server.cpp Dispatch + Finish for one complete request: target parsing (400), routing, the
/// inline fast path, the chain, then the head/keep-alive handling of Finish. A stream a handler asked
/// for is closed at once (as Finish does when it cannot open it). `ctx_out` receives the context.
inline Answer DispatchOne(FuzzBff& bff, const http::Request& req, http::RequestContext* ctx_out = nullptr) {
  http::RequestContext ctx;
  ctx.remote_address = "192.0.2.10";
  Answer answer;
  if (auto url = boost::urls::parse_origin_form(req.target())) {
    ctx.path = url->path();
    ctx.query = std::string(url->encoded_query());
  } else {
    // WriteError: 400, Connection: close, with its Content-Length; no body for HEAD.
    answer.response = http::JsonError(http::Status::bad_request, "malformed request target");
    answer.response.version(11);
    answer.response.keep_alive(false);
    if (req.method() == http::Verb::head) {
      answer.response.content_length(answer.response.body().size());
      answer.response.body().clear();
    } else {
      answer.response.prepare_payload();
    }
    return answer;
  }
  const auto match = bff.router.Find(req.method(), ctx.path);
  ctx.route = match.route;
  bool done = false;
  if (match.route != nullptr && match.route->options.execution == http::Execution::kWorker) {
    const auto& opts = match.route->options;
    if (opts.fast_path && opts.middlewares.empty() && req.method() != http::Verb::options) {
      std::optional<http::Response> quick;
      try {
        quick = opts.fast_path(req, ctx);
      } catch (const std::exception& e) {
        answer.threw = true;
        answer.exception = std::string("fast path: ") + e.what();
      }
      if (quick) {
        answer.response = RunChainAround(bff, std::move(*quick), req, ctx);
        done = true;
      }
    }
  }
  if (!done) {
    auto run = RunChain(bff, match, req, ctx);
    answer.response = std::move(run.response);
    answer.threw = answer.threw || run.threw;
    if (run.threw) answer.exception = run.exception;
  }
  if (ctx.stream) {
    if (ctx.stream->on_close) ctx.stream->on_close();
    ctx.stream.reset();
  }
  auto& res = answer.response;
  const bool head = req.method() == http::Verb::head;
  res.version(11);
  res.keep_alive(req.keep_alive());
  if (head) {
    const auto length = res.body().size();
    res.body().clear();
    res.content_length(length);
  } else {
    res.prepare_payload();
  }
  if (ctx_out != nullptr) *ctx_out = std::move(ctx);
  return answer;
}

/// A JSON envelope as http::JsonSuccess/JsonError write it: {"isSuccess":bool,"data":...,"error":...}
/// with isSuccess true exactly for statuses below 400 and error null then, a string otherwise.
inline bool IsEnvelope(std::string_view body, unsigned status) {
  const auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || json.size() != 3 || !json.contains("isSuccess") || !json.contains("data") ||
      !json.contains("error")) {
    return false;
  }
  const auto& ok = json["isSuccess"];
  const auto& error = json["error"];
  if (!ok.is_boolean() || ok.get<bool>() != (status < 400)) return false;
  return status < 400 ? error.is_null() : error.is_string();
}

}  // namespace nationpulse::bff::fuzz
