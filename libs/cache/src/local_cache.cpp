#include "nationpulse/cache/local_cache.hpp"

namespace nationpulse::cache {

LocalCache::LocalCache(std::chrono::milliseconds ttl, std::size_t max_entries, Clock clock)
    : ttl_(ttl), max_per_shard_(std::max<std::size_t>(1, max_entries / kShards)), clock_(std::move(clock)) {
  if (!clock_) clock_ = [] { return std::chrono::steady_clock::now(); };
}

LocalCache::Shard& LocalCache::ShardFor(std::string_view key) {
  return shards_[std::hash<std::string_view>{}(key) % kShards];
}

std::shared_ptr<const std::string> LocalCache::Get(std::string_view key) {
  if (!enabled()) return nullptr;
  auto& shard = ShardFor(key);
  std::lock_guard lock(shard.mutex);
  auto it = shard.map.find(std::string(key));
  if (it == shard.map.end()) return nullptr;
  if (it->second.expires <= clock_()) {
    shard.map.erase(it);
    return nullptr;
  }
  return it->second.value;
}

void LocalCache::Put(std::string_view key, std::string value) {
  if (!enabled()) return;
  auto entry = Entry{std::make_shared<const std::string>(std::move(value)), clock_() + ttl_};
  auto& shard = ShardFor(key);
  std::lock_guard lock(shard.mutex);
  if (shard.map.size() >= max_per_shard_ && shard.map.find(std::string(key)) == shard.map.end()) {
    shard.map.clear();
  }
  shard.map.insert_or_assign(std::string(key), std::move(entry));
}

void LocalCache::Erase(std::string_view key) {
  auto& shard = ShardFor(key);
  std::lock_guard lock(shard.mutex);
  shard.map.erase(std::string(key));
}

std::size_t LocalCache::size() const {
  std::size_t n = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s.mutex);
    n += s.map.size();
  }
  return n;
}

}  // namespace nationpulse::cache
