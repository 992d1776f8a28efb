#pragma once

// Shared by the BFF's libFuzzer targets (http_fuzz.cpp, json_body_fuzz.cpp; fuzz preset only, see
// docs/reliability.md, "Fuzzing"). Not part of np_bff_lib.
//
// FuzzBff is the BFF as App serves it: the same Components (components.hpp: API objects, route table,
// server-wide middleware chain) built from the same settings (LoadSettings with only the two secrets
// set), but with every dependency dead *without any I/O*:
//  * Postgres: a Unix socket in a directory that does not exist, so the first connect fails at once
//    (ENOENT) and the pool's reconnect back-off makes every later call fail fast (503);
//  * Redis: a pool of size 0 with a zero acquire timeout, so every call fails with "pool exhausted"
//    before any socket exists (503, or the Postgres fallback for cache reads);
//  * Kafka: no bootstrap servers, so the producer never connects (it is only reached by a publish
//    that passed the gate, which no fuzz input can: tokens are HS256 with secrets the fuzzer does
//    not know... except the fixed test secrets below, whose tokens then stop at Redis).
// Route handlers run on the calling thread. DispatchOne() is what http::Server does with one parsed
// request (libs/http/src/server.cpp: Dispatch, Finish) without sockets; the chain itself runs through
// the server's own http::RunChain / http::RunChainAround (nationpulse/http/dispatch.hpp).

#include <boost/url/parse.hpp>
#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "components.hpp"
#include "nationpulse/config/env.hpp"
#include "nationpulse/http/dispatch.hpp"
#include "nationpulse/http/json_response.hpp"
#include "nationpulse/http/router.hpp"
#include "nationpulse/http/types.hpp"
#include "nationpulse/log/log.hpp"
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

/// The BFF's Components with the fuzz settings, plus the router and chain App would serve. The fuzzers
/// build one per process and leak it on purpose (no teardown of the Kafka producer's threads when
/// libFuzzer calls exit()).
struct FuzzBff {
  /// `gate_override` replaces the TokenGate (the JSON body fuzzer lets requests through to reach the
  /// body parsers of protected routes).
  explicit FuzzBff(std::unique_ptr<AccessGate> gate_override = nullptr)
      : c(FuzzSettings(),
          Components::Overrides{
              .gate = std::move(gate_override),
              // Sign-in limits as configured, on a clock that moves an hour per input: one input cannot
              // spend another's tokens, so limiting never depends on the order inputs were run in.
              .limiter_clock = [this] { return Clock(); },
              // Fixed, so an input's answer does not depend on the day it is replayed.
              .current_year = [] { return 2025; },
          }) {
    c.RegisterDependencyMetrics();
    chain = c.Chain();
    router = c.BuildRouter();
  }

  std::chrono::steady_clock::time_point Clock() const {
    return std::chrono::steady_clock::time_point{} + std::chrono::hours(epoch);
  }

  std::int64_t epoch = 1;  ///< advanced once per fuzz input (see the rate limiters)
  Components c;
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

/// http::RunChain with the server's SafeRunChain turned into a record: an exception becomes the 500
/// the server would send, and `threw` says so (the fuzzers treat it as a finding).
inline Answer RunChain(const FuzzBff& bff, const http::Router::Match& match, const http::Request& req,
                       http::RequestContext& ctx) {
  Answer answer;
  try {
    answer.response = http::RunChain(bff.chain, match, req, ctx);
  } catch (const std::exception& e) {
    answer.threw = true;
    answer.exception = e.what();
    answer.response = http::JsonError(http::Status::internal_server_error, "Internal Server Error");
  }
  return answer;
}

/// http::RunChainAround over the fuzz BFF's chain.
inline http::Response RunChainAround(const FuzzBff& bff, http::Response fixed, const http::Request& req,
                                     http::RequestContext& ctx) {
  return http::RunChainAround(bff.chain, std::move(fixed), req, ctx);
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
