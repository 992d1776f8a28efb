#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "nationpulse/base/expected.hpp"
#include "nationpulse/metrics/registry.hpp"

namespace nationpulse::db {

/// Outcomes of a database call that a caller must handle (mapped to HTTP 503/500 at the edge).
struct DbError {
  enum class Kind {
    kUnavailable,    ///< cannot connect, or the connection broke (server down or restarting)
    kPoolExhausted,  ///< every connection stayed busy for the whole acquire timeout
    kTimeout,        ///< statement_timeout cancelled the query
    kQuery,          ///< the statement itself failed (bad SQL, constraint, bad data)
  };
  Kind kind = Kind::kQuery;
  std::string message;
  std::string sqlstate;
};

const char* KindName(DbError::Kind kind);

struct PoolOptions {
  std::string host = "127.0.0.1";
  int port = 5432;
  std::string dbname = "nationPulseDB";
  std::string user = "postgres";
  std::string password = "postgres";
  std::size_t size = 8;
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds acquire_timeout{2000};
  std::chrono::milliseconds statement_timeout{5000};
  /// After a failed connect, fail fast for this long instead of waiting connect_timeout per call.
  std::chrono::milliseconds reconnect_backoff{500};
  std::string application_name = "nationpulse";
};

/// libpq key=value connection string; values are quoted and escaped, so passwords with spaces,
/// quotes or backslashes work (the original built an unescaped URL, D-22). Sessions run in UTC
/// with the configured statement_timeout.
std::string BuildConnInfo(const PoolOptions& options);

/// Splits "host:port" (PG_DB_ADDR); the port defaults to 5432.
/// @throws std::invalid_argument for a malformed port.
void ParseAddress(const std::string& address, std::string& host, int& port);

/// Fixed-size pool of libpqxx connections, created lazily and replaced when they break (so the
/// service recovers by itself after Postgres restarts). Every call blocks: use it from worker
/// threads only, never from an I/O thread.
///
///   db::Pool pool(options);
///   auto rows = pool.Run([&](pqxx::connection& c) {
///     pqxx::nontransaction tx(c);
///     return tx.exec_params("SELECT * FROM getpopulationofcountry($1)", code);
///   });
///   if (!rows) return rows.error().kind == DbError::Kind::kQuery ? 500 : 503;
class Pool {
 public:
  explicit Pool(PoolOptions options);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  /// Runs `fn` with a leased connection and maps libpqxx exceptions to DbError. A connection that
  /// turns out broken is discarded; when it was an idle pooled one, `fn` is retried once on a
  /// fresh connection (the usual case right after a Postgres restart). `fn` must therefore be
  /// safe to run twice when it fails on a broken connection (reads are).
  template <typename Fn>
  auto Run(Fn&& fn) -> Expected<decltype(fn(std::declval<pqxx::connection&>())), DbError>;

  /// `SELECT 1` within the statement timeout.
  Expected<void, DbError> Ping();

  struct Stats {
    std::size_t size = 0;     ///< configured maximum
    std::size_t open = 0;     ///< connections that exist
    std::size_t in_use = 0;   ///< leased right now
    std::size_t waiting = 0;  ///< callers waiting for a lease
  };
  Stats stats() const;

  /// Publishes the pool on `registry`: nationpulse_<service>_db_pool_connections{state} (open, in_use,
  /// waiting, max) and nationpulse_<service>_db_operation_duration_seconds{outcome} (lease + work of
  /// each Run; outcome ok or the DbError kind). Call once, before the pool is shared; the pool must
  /// outlive the registry's scrapes.
  void RegisterMetrics(metrics::Registry& registry, const std::string& service);

 private:
  struct Lease {
    std::unique_ptr<pqxx::connection> conn;
    bool reused = false;
  };
  Expected<Lease, DbError> Acquire();
  void Release(std::unique_ptr<pqxx::connection> conn, bool healthy);
  Expected<void, DbError> RunErased(const std::function<void(pqxx::connection&)>& fn);
  Expected<void, DbError> RunAttempts(const std::function<void(pqxx::connection&)>& fn);

  PoolOptions options_;
  std::string conninfo_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
  std::size_t open_ = 0;
  std::size_t in_use_ = 0;
  std::size_t waiting_ = 0;
  std::chrono::steady_clock::time_point last_connect_failure_{};
  std::string last_connect_error_;
  metrics::Family<metrics::Histogram>* duration_ = nullptr;
};

template <typename Fn>
auto Pool::Run(Fn&& fn) -> Expected<decltype(fn(std::declval<pqxx::connection&>())), DbError> {
  using R = decltype(fn(std::declval<pqxx::connection&>()));
  if constexpr (std::is_void_v<R>) {
    return RunErased([&](pqxx::connection& c) { fn(c); });
  } else {
    std::optional<R> out;
    auto status = RunErased([&](pqxx::connection& c) { out.emplace(fn(c)); });
    if (!status) return Unexpected{status.error()};
    return std::move(*out);
  }
}

}  // namespace nationpulse::db
