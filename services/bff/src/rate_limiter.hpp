#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace nationpulse::bff {

/// Token buckets keyed by string (client address, account name): each key may spend `burst`
/// attempts at once and regains `per_minute` per minute. In memory, per BFF instance; the map is
/// bounded (idle full buckets are dropped first). Thread-safe.
class RateLimiter {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  /// Named so a caller passing only a clock does not restate the bound.
  static constexpr std::size_t kDefaultMaxKeys = 100'000;

  RateLimiter(double per_minute, double burst, std::size_t max_keys = kDefaultMaxKeys, Clock clock = {});

  /// Takes one token for `key`. @returns 0 when allowed, else the seconds until one is available.
  std::int64_t Acquire(std::string_view key);
  bool enabled() const { return per_minute_ > 0; }

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point updated;
  };
  void Refill(Bucket& b, std::chrono::steady_clock::time_point now) const;
  void Prune(std::chrono::steady_clock::time_point now);

  double per_minute_;
  double burst_;
  std::size_t max_keys_;
  Clock clock_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace nationpulse::bff
