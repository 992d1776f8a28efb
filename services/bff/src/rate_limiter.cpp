#include "rate_limiter.hpp"

#include <cmath>

namespace nationpulse::bff {

RateLimiter::RateLimiter(double per_minute, double burst, std::size_t max_keys, Clock clock)
    : per_minute_(per_minute), burst_(std::max(1.0, burst)), max_keys_(max_keys), clock_(std::move(clock)) {
  if (!clock_) clock_ = [] { return std::chrono::steady_clock::now(); };
}

void RateLimiter::Refill(Bucket& b, std::chrono::steady_clock::time_point now) const {
  const double minutes = std::chrono::duration<double, std::ratio<60>>(now - b.updated).count();
  b.tokens = std::min(burst_, b.tokens + minutes * per_minute_);
  b.updated = now;
}

void RateLimiter::Prune(std::chrono::steady_clock::time_point now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    Refill(it->second, now);
    it = it->second.tokens >= burst_ ? buckets_.erase(it) : std::next(it);
  }
  // Still full of active attackers: forget everything rather than grow without bound.
  if (buckets_.size() >= max_keys_) buckets_.clear();
}

std::int64_t RateLimiter::Acquire(std::string_view key) {
  if (!enabled()) return 0;
  const auto now = clock_();
  std::lock_guard lock(mutex_);
  auto it = buckets_.find(std::string(key));
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) Prune(now);
    it = buckets_.emplace(std::string(key), Bucket{burst_, now}).first;
  }
  auto& b = it->second;
  Refill(b, now);
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return 0;
  }
  const double seconds = (1.0 - b.tokens) * 60.0 / per_minute_;
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(seconds)));
}

}  // namespace nationpulse::bff
