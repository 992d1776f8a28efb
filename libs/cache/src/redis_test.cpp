#include "nationpulse/cache/redis.hpp"

#include <gtest/gtest.h>

namespace nationpulse::cache {
namespace {

using namespace std::chrono_literals;

TEST(Redis, UnreachableServerFailsFastWithinBackoff) {
  RedisOptions o;
  o.port = 1;  // nothing listens on port 1 on loopback
  o.reconnect_backoff = 5s;
  Redis redis(o);
  auto first = redis.Get("k");
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().kind, CacheError::Kind::kUnavailable);
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(redis.Ping());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 50ms);
  EXPECT_EQ(redis.stats().open, 0u);
}

}  // namespace
}  // namespace nationpulse::cache
