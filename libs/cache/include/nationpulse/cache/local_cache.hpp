#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace nationpulse::cache {

/// Small in-process cache in front of Redis: a hot key is served without a network round trip.
/// Entries live for a short TTL (seconds), so several BFF instances see a change in Redis or
/// Postgres within that bound; the map is bounded (oldest-expiring entries are not tracked, a
/// full shard is simply cleared, which is cheap and rare for the few hundred keys of the API).
/// Thread-safe (sharded mutexes). A TTL of zero disables it.
class LocalCache {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  LocalCache(std::chrono::milliseconds ttl, std::size_t max_entries, Clock clock = {});

  /// The value when present and fresh.
  std::shared_ptr<const std::string> Get(std::string_view key);
  void Put(std::string_view key, std::string value);
  void Erase(std::string_view key);
  bool enabled() const { return ttl_.count() > 0; }
  std::size_t size() const;

 private:
  struct Entry {
    std::shared_ptr<const std::string> value;
    std::chrono::steady_clock::time_point expires;
  };
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, Entry> map;
  };
  static constexpr std::size_t kShards = 16;
  Shard& ShardFor(std::string_view key);

  std::chrono::milliseconds ttl_;
  std::size_t max_per_shard_;
  Clock clock_;
  std::array<Shard, kShards> shards_;
};

}  // namespace nationpulse::cache
