#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "access_gate.hpp"
#include "admin_api.hpp"
#include "auth_api.hpp"
#include "auth_service.hpp"
#include "nationpulse/cache/cache_aside.hpp"
#include "nationpulse/cache/local_cache.hpp"
#include "nationpulse/cache/redis.hpp"
#include "nationpulse/db/pool.hpp"
#include "nationpulse/http/router.hpp"
#include "nationpulse/http/types.hpp"
#include "nationpulse/metrics/registry.hpp"
#include "permissions.hpp"
#include "rate_limiter.hpp"
#include "read_api.hpp"
#include "report_api.hpp"
#include "settings.hpp"

namespace nationpulse::bff {

/// The BFF's objects, its route table and its server-wide chain, without the server, the gRPC health
/// server or the dependency monitor. App serves these; the fuzzers (fuzz_support.hpp) drive them
/// without sockets. Being one definition is the point: a harness that copied this would test
/// something that drifts from what ships.
///
/// Holds references between its members (the APIs to the gate, the routes to `this`): neither
/// copyable nor movable, and it must outlive the router and chain it hands out.
struct Components {
  /// What tests and fuzzers replace. Every empty member means "as in production"; the `{}` initialisers
  /// let a designated initialiser name only what it replaces (GCC's -Wmissing-field-initializers).
  struct Overrides {
    /// Null: TokenGate over `sessions` and `permissions`.
    std::unique_ptr<AccessGate> gate{};
    /// Clock of both sign-in limiters (a fuzzer moves it per input so inputs cannot drain each other's
    /// buckets). Empty: steady_clock.
    RateLimiter::Clock limiter_clock{};
    /// ReadApi's current calendar year, so answers do not change with the date. Empty: server clock.
    std::function<int()> current_year{};
  };

  Components(Settings settings, Overrides overrides);
  Components(const Components&) = delete;
  Components& operator=(const Components&) = delete;

  /// Every route, /livez, /readyz and /metrics. Registers the trace metrics on `registry`: call once.
  http::Router BuildRouter();
  /// The server-wide middleware chain. Registers the request metrics on `registry`: call once.
  std::vector<http::Middleware> Chain();
  /// Publishes the Postgres and Redis pools on `registry`; call once, before serving.
  void RegisterDependencyMetrics();

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
};

}  // namespace nationpulse::bff
