#include "rate_limiter.hpp"

#include <gtest/gtest.h>

namespace nationpulse::bff {
namespace {

using namespace std::chrono_literals;

struct FakeClock {
  std::chrono::steady_clock::time_point now{};
  RateLimiter::Clock fn() {
    return [this] { return now; };
  }
};

TEST(RateLimiter, BurstThenRefusalWithRetryAfterThenRecovery) {
  FakeClock clock;
  RateLimiter limiter(6, 3, 100, clock.fn());  // 6 per minute = one every 10 s, burst 3
  EXPECT_EQ(limiter.Acquire("ip:1"), 0);
  EXPECT_EQ(limiter.Acquire("ip:1"), 0);
  EXPECT_EQ(limiter.Acquire("ip:1"), 0);
  EXPECT_EQ(limiter.Acquire("ip:1"), 10);
  EXPECT_EQ(limiter.Acquire("ip:2"), 0);  // keys are independent
  clock.now += 4s;
  EXPECT_EQ(limiter.Acquire("ip:1"), 6);
  clock.now += 6s;
  EXPECT_EQ(limiter.Acquire("ip:1"), 0);  // recovered
  EXPECT_GT(limiter.Acquire("ip:1"), 0);
}

TEST(RateLimiter, RefillIsCappedAtBurst) {
  FakeClock clock;
  RateLimiter limiter(60, 2, 100, clock.fn());
  clock.now += 1h;
  EXPECT_EQ(limiter.Acquire("k"), 0);
  EXPECT_EQ(limiter.Acquire("k"), 0);
  EXPECT_GT(limiter.Acquire("k"), 0);
}

TEST(RateLimiter, ZeroRateDisables) {
  RateLimiter limiter(0, 1);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(limiter.Acquire("k"), 0);
}

TEST(RateLimiter, BoundedKeys) {
  FakeClock clock;
  RateLimiter limiter(1, 1, 10, clock.fn());
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(limiter.Acquire("k" + std::to_string(i)), 0);
}

}  // namespace
}  // namespace nationpulse::bff
