#include "nationpulse/cache/local_cache.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace nationpulse::cache {
namespace {

using namespace std::chrono_literals;

struct FakeClock {
  std::chrono::steady_clock::time_point now{};
  LocalCache::Clock fn() {
    return [this] { return now; };
  }
};

TEST(LocalCache, FreshEntriesAreServedAndExpire) {
  FakeClock clock;
  LocalCache cache(2s, 100, clock.fn());
  cache.Put("k", "v");
  auto v = cache.Get("k");
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, "v");
  clock.now += 1999ms;
  EXPECT_TRUE(cache.Get("k"));
  clock.now += 1ms;
  EXPECT_FALSE(cache.Get("k"));
  EXPECT_EQ(cache.size(), 0u);  // the expired entry was dropped on read
}

TEST(LocalCache, DisabledWithZeroTtl) {
  LocalCache cache(0ms, 100);
  cache.Put("k", "v");
  EXPECT_FALSE(cache.Get("k"));
  EXPECT_FALSE(cache.enabled());
}

TEST(LocalCache, StaysBounded) {
  LocalCache cache(60s, 32);
  for (int i = 0; i < 10'000; ++i) cache.Put("key" + std::to_string(i), "v");
  EXPECT_LE(cache.size(), 32u);
}

TEST(LocalCache, EraseAndOverwrite) {
  LocalCache cache(60s, 100);
  cache.Put("k", "1");
  cache.Put("k", "2");
  EXPECT_EQ(*cache.Get("k"), "2");
  cache.Erase("k");
  EXPECT_FALSE(cache.Get("k"));
}

TEST(LocalCache, ValuesOutliveEviction) {
  LocalCache cache(60s, 100);
  cache.Put("k", "payload");
  auto held = cache.Get("k");
  cache.Erase("k");
  EXPECT_EQ(*held, "payload");  // a reader keeps its value while another thread evicts it
}

TEST(LocalCache, ConcurrentUse) {
  LocalCache cache(60s, 1000);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5000; ++i) {
        const auto key = "k" + std::to_string(i % 50);
        cache.Put(key, std::to_string(t));
        auto v = cache.Get(key);
        EXPECT_TRUE(v);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(cache.size(), 50u);
}

}  // namespace
}  // namespace nationpulse::cache
