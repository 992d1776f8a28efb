#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "nationpulse/base/expected.hpp"
#include "nationpulse/cache/local_cache.hpp"
#include "nationpulse/cache/redis.hpp"
#include "nationpulse/metrics/registry.hpp"

namespace nationpulse::cache {

/// What a loader produced: the value to return, and whether it may be cached (the contract
/// caches only non-empty results).
struct Loaded {
  std::string value;
  bool cacheable = true;
};

/// Cache-aside over Redis: read the key; on a hit return it, on a miss (or a cached value that
/// fails `valid`) call the loader and store its result with a TTL. An optional LocalCache in
/// front answers hot keys without a Redis round trip (bounded staleness: its short TTL). Redis errors never
/// fail the call: the loader answers instead and the fallback is counted (the cache is an optimisation, never
/// a dependency).
///
///   CacheAside cache(redis, registry.AddCounter("..._cache_requests_total", "...", {"result"}));
///   auto json = cache.GetOrLoad<db::DbError>("health:USA", 900s, [&] { return LoadFromDb(); });
class CacheAside {
 public:
  /// `results` must have exactly one label; it is incremented with local_hit, hit, miss,
  /// invalid, error (read failed, served by the loader) and store_error.
  CacheAside(Redis& redis, metrics::Family<metrics::Counter>& results, LocalCache* local = nullptr)
      : redis_(redis),
        local_(local),
        local_hit_(results.WithLabels({"local_hit"})),
        hit_(results.WithLabels({"hit"})),
        miss_(results.WithLabels({"miss"})),
        invalid_(results.WithLabels({"invalid"})),
        error_(results.WithLabels({"error"})),
        store_error_(results.WithLabels({"store_error"})) {}

  /// Non-blocking look-up of the in-process cache only (counted as local_hit when found); for
  /// answering on an I/O thread. nullptr when absent, expired, or there is no local cache.
  std::shared_ptr<const std::string> Peek(std::string_view key) {
    if (local_ == nullptr) return nullptr;
    auto value = local_->Get(key);
    if (value) local_hit_.Inc();
    return value;
  }

  template <typename E, typename Loader>
  Expected<std::string, E> GetOrLoad(std::string_view key, std::chrono::seconds ttl, Loader&& loader,
                                     const std::function<bool(std::string_view)>& valid = {}) {
    if (local_ != nullptr) {
      if (auto value = local_->Get(key)) {
        local_hit_.Inc();
        return std::string(*value);
      }
    }
    auto cached = redis_.Get(key);
    bool redis_ok = true;
    if (!cached) {
      error_.Inc();
      redis_ok = false;
    } else if (cached->has_value()) {
      if (!valid || valid(**cached)) {
        hit_.Inc();
        if (local_ != nullptr) local_->Put(key, **cached);
        return std::move(**cached);
      }
      invalid_.Inc();
    } else {
      miss_.Inc();
    }
    Expected<Loaded, E> loaded = loader();
    if (!loaded) return Unexpected{loaded.error()};
    // After a failed read Redis is likely down: skip the write rather than wait on it again.
    if (loaded->cacheable) {
      if (redis_ok && !redis_.SetEx(key, loaded->value, ttl)) store_error_.Inc();
      // Kept locally even while Redis is down: it spares Postgres the repeated reads.
      if (local_ != nullptr) local_->Put(key, loaded->value);
    }
    return std::move(loaded->value);
  }

 private:
  Redis& redis_;
  LocalCache* local_;
  metrics::Counter& local_hit_;
  metrics::Counter& hit_;
  metrics::Counter& miss_;
  metrics::Counter& invalid_;
  metrics::Counter& error_;
  metrics::Counter& store_error_;
};

}  // namespace nationpulse::cache
