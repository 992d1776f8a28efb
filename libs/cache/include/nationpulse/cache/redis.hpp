#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nationpulse/base/expected.hpp"
#include "nationpulse/metrics/registry.hpp"

struct redisContext;

namespace nationpulse::cache {

/// Outcomes of a Redis call a caller must handle. The cache is an optimisation: callers fall
/// back to the source of truth on any of these.
struct CacheError {
  enum class Kind {
    kUnavailable,  ///< cannot connect / connection lost / pool exhausted
    kTimeout,      ///< the command did not complete within command_timeout
    kReply,        ///< Redis answered with an error (e.g. WRONGTYPE, NOAUTH)
  };
  Kind kind = Kind::kUnavailable;
  std::string message;
};

struct RedisOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string password;  ///< AUTH when non-empty (REDIS_PASS, ignored by the original)
  int db = 0;            ///< SELECT when non-zero (REDIS_DB)
  std::size_t size = 8;
  std::chrono::milliseconds connect_timeout{300};
  std::chrono::milliseconds command_timeout{300};
  std::chrono::milliseconds acquire_timeout{200};
  /// After a failed connect, fail fast for this long so a dead Redis adds no latency.
  std::chrono::milliseconds reconnect_backoff{1000};
};

/// Pool of synchronous hiredis connections with connect/command timeouts and lazy reconnect.
/// Blocking: call from worker threads only.
///
///   cache::Redis redis(options);
///   auto v = redis.Get("dashboard:health");      // Expected<optional<string>, CacheError>
///   redis.SetEx("dashboard:health", json, 900s);
class Redis {
 public:
  explicit Redis(RedisOptions options);
  ~Redis();
  Redis(const Redis&) = delete;
  Redis& operator=(const Redis&) = delete;

  Expected<std::optional<std::string>, CacheError> Get(std::string_view key);
  /// Atomically reads and deletes (GETDEL, Redis 6.2+): a one-time token can be used once only.
  Expected<std::optional<std::string>, CacheError> GetDel(std::string_view key);
  Expected<void, CacheError> SetEx(std::string_view key, std::string_view value, std::chrono::seconds ttl);
  /// @returns the number of keys removed.
  Expected<std::int64_t, CacheError> Del(const std::vector<std::string>& keys);
  Expected<void, CacheError> Ping();

  /// HSET key field value, then EXPIRE key ttl (the whole hash expires `ttl` after its last write).
  Expected<void, CacheError> HSetWithTtl(std::string_view key, std::string_view field, std::string_view value,
                                         std::chrono::seconds ttl);
  /// HGETALL as (field, value) pairs; empty when the key does not exist.
  Expected<std::vector<std::pair<std::string, std::string>>, CacheError> HGetAll(std::string_view key);
  /// @returns the number of fields removed.
  Expected<std::int64_t, CacheError> HDel(std::string_view key, const std::vector<std::string>& fields);

  struct Stats {
    std::size_t open = 0;
    std::size_t in_use = 0;
  };
  Stats stats() const;

  /// Publishes the pool on `registry`: nationpulse_<service>_redis_pool_connections{state} (open,
  /// in_use) and nationpulse_<service>_redis_command_duration_seconds{outcome} (ok, unavailable,
  /// timeout, reply). Call once, before the client is shared; it must outlive the registry's scrapes.
  void RegisterMetrics(metrics::Registry& registry, const std::string& service);

 private:
  struct Reply;
  Expected<Reply, CacheError> Command(const std::vector<std::string_view>& argv);
  Expected<Reply, CacheError> Send(const std::vector<std::string_view>& argv);
  /// A command answering a bulk string or nil (GET, GETDEL).
  Expected<std::optional<std::string>, CacheError> StringCommand(std::string_view verb, std::string_view key);
  Expected<redisContext*, CacheError> Acquire();
  void Release(redisContext* ctx, bool healthy);
  Expected<redisContext*, CacheError> Connect();

  RedisOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<redisContext*> idle_;
  std::size_t open_ = 0;
  std::size_t in_use_ = 0;
  std::chrono::steady_clock::time_point last_failure_{};
  std::string last_error_;
  metrics::Family<metrics::Histogram>* duration_ = nullptr;
};

}  // namespace nationpulse::cache
