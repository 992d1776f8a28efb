#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "access_gate.hpp"
#include "nationpulse/cache/cache_aside.hpp"
#include "nationpulse/db/pool.hpp"
#include "nationpulse/http/router.hpp"
#include "row_json.hpp"

namespace nationpulse::bff {

/// The public dashboard routes and the country data routes (rest-api.md routes 10–18):
/// Postgres functions behind a Redis cache-aside, answers in the contract's JSON envelope.
class ReadApi {
 public:
  struct Options {
    std::chrono::seconds cache_ttl{900};
    /// false: every read goes to Postgres (benchmarks, debugging a suspected stale cache).
    bool use_cache = true;
    /// Current calendar year (server clock); injectable for tests.
    std::function<int()> current_year;
  };

  ReadApi(db::Pool& pool, cache::CacheAside& cache, AccessGate& gate, Options options);

  /// Adds the nine routes to `router`.
  void Register(http::Router& router);

 private:
  http::Response Serve(const std::string& cache_key, const std::string& sql, const RowShape& shape,
                       const std::vector<std::string>& params);
  http::Response CountryRoute(const http::RequestContext& ctx, const std::string& key_prefix,
                              const std::string& key_suffix, const std::string& sql, const RowShape& shape);

  db::Pool& pool_;
  cache::CacheAside& cache_;
  AccessGate& gate_;
  Options options_;
};

/// The error answer for a failed database call: 503 when the database is unavailable, busy or
/// timed out (the client may retry), 500 for a failing statement.
http::Response DbErrorResponse(const db::DbError& error);

/// Calendar year of the system clock in UTC.
int CurrentUtcYear();

}  // namespace nationpulse::bff
