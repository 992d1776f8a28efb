// Integration tests against the real Redis of the test infrastructure (make test).
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <boost/asio/ip/tcp.hpp>
#include <map>
#include <thread>

#include "nationpulse/cache/cache_aside.hpp"
#include "nationpulse/cache/redis.hpp"
#include "nationpulse/testing/test_env.hpp"

namespace nationpulse::cache {
namespace {

using namespace std::chrono_literals;

RedisOptions TestOptions() {
  RedisOptions o;
  const auto addr = testing::RequireEnv("REDIS_ADDR");
  const auto colon = addr.rfind(':');
  o.host = addr.substr(0, colon);
  o.port = std::stoi(addr.substr(colon + 1));
  o.size = 2;
  return o;
}

TEST(RedisIntegration, SetGetDelWithTtl) {
  Redis redis(TestOptions());
  ASSERT_TRUE(redis.Ping());
  const std::string value = "bin\0ary \"json\"";
  ASSERT_TRUE(redis.SetEx("np:test:k", value, 1s));
  auto got = redis.Get("np:test:k");
  ASSERT_TRUE(got);
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, value);
  auto missing = redis.Get("np:test:missing");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->has_value());
  std::this_thread::sleep_for(1100ms);
  auto expired = redis.Get("np:test:k");
  ASSERT_TRUE(expired);
  EXPECT_FALSE(expired->has_value());
  ASSERT_TRUE(redis.SetEx("np:test:once", "7", 60s));
  auto once = redis.GetDel("np:test:once");
  ASSERT_TRUE(once);
  ASSERT_TRUE(once->has_value());
  EXPECT_EQ(**once, "7");
  auto twice = redis.GetDel("np:test:once");
  ASSERT_TRUE(twice);
  EXPECT_FALSE(twice->has_value());  // the second use finds nothing
  ASSERT_TRUE(redis.SetEx("np:test:a", "1", 60s));
  auto removed = redis.Del({"np:test:a", "np:test:missing"});
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, 1);
}

TEST(RedisIntegration, HashWithTtl) {
  Redis redis(TestOptions());
  ASSERT_TRUE(redis.Del({"np:test:h"}));
  auto empty = redis.HGetAll("np:test:h");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
  ASSERT_TRUE(redis.HSetWithTtl("np:test:h", "r1", "population:USA", 60s));
  ASSERT_TRUE(redis.HSetWithTtl("np:test:h", "r2", "health:FRA", 60s));
  auto all = redis.HGetAll("np:test:h");
  ASSERT_TRUE(all);
  std::map<std::string, std::string> got(all->begin(), all->end());
  EXPECT_EQ(got, (std::map<std::string, std::string>{{"r1", "population:USA"}, {"r2", "health:FRA"}}));
  auto removed = redis.HDel("np:test:h", {"r1", "nope"});
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, 1);
  ASSERT_TRUE(redis.HSetWithTtl("np:test:h", "r3", "x", 1s));
  std::this_thread::sleep_for(1100ms);
  auto expired = redis.HGetAll("np:test:h");
  ASSERT_TRUE(expired);
  EXPECT_TRUE(expired->empty());  // the TTL covers the whole hash
}

TEST(RedisIntegration, ErrorReplyIsReported) {
  Redis redis(TestOptions());
  ASSERT_TRUE(redis.Del({"np:test:list"}));
  // A SELECT of a database that does not exist gives an error reply, not a broken connection.
  auto o = TestOptions();
  o.db = 100000;
  Redis bad(o);
  auto r = bad.Ping();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, CacheError::Kind::kReply);
}

TEST(RedisIntegration, SlowServerTimesOut) {
  // A listener that accepts and never answers stands in for a hung Redis.
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor acceptor(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  RedisOptions o;
  o.host = "127.0.0.1";
  o.port = acceptor.local_endpoint().port();
  o.command_timeout = 200ms;
  Redis redis(o);
  const auto t0 = std::chrono::steady_clock::now();
  auto r = redis.Get("k");
  const auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, CacheError::Kind::kTimeout);
  EXPECT_LT(took, 1s);
}

TEST(CacheAside, MissLoadsAndStoresThenHits) {
  Redis redis(TestOptions());
  ASSERT_TRUE(redis.Del({"np:test:aside"}));
  metrics::Registry reg;
  auto& results = reg.AddCounter("cache_total", "c", {"result"});
  CacheAside cache(redis, results);
  int loads = 0;
  auto loader = [&]() -> Expected<Loaded, std::string> {
    ++loads;
    return Loaded{"[1,2]", true};
  };
  auto a = cache.GetOrLoad<std::string>("np:test:aside", 60s, loader);
  auto b = cache.GetOrLoad<std::string>("np:test:aside", 60s, loader);
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  EXPECT_EQ(*a, "[1,2]");
  EXPECT_EQ(*b, "[1,2]");
  EXPECT_EQ(loads, 1);
  EXPECT_EQ(results.WithLabels({"miss"}).Value(), 1);
  EXPECT_EQ(results.WithLabels({"hit"}).Value(), 1);
}

TEST(CacheAside, UncacheableAndInvalidAndLoaderErrors) {
  Redis redis(TestOptions());
  metrics::Registry reg;
  auto& results = reg.AddCounter("cache_total", "c", {"result"});
  CacheAside cache(redis, results);
  ASSERT_TRUE(redis.Del({"np:test:empty", "np:test:bad"}));
  auto empty = cache.GetOrLoad<std::string>("np:test:empty", 60s, [] {
    return Expected<Loaded, std::string>(Loaded{"[]", false});
  });
  ASSERT_TRUE(empty);
  auto stored = redis.Get("np:test:empty");
  ASSERT_TRUE(stored);
  EXPECT_FALSE(stored->has_value());  // empty results are not cached

  ASSERT_TRUE(redis.SetEx("np:test:bad", "not json", 60s));
  auto fixed = cache.GetOrLoad<std::string>(
      "np:test:bad", 60s,
      [] {
        return Expected<Loaded, std::string>(Loaded{"[3]", true});
      },
      [](std::string_view v) { return !v.empty() && v.front() == '['; });
  ASSERT_TRUE(fixed);
  EXPECT_EQ(*fixed, "[3]");
  EXPECT_EQ(results.WithLabels({"invalid"}).Value(), 1);

  auto failed = cache.GetOrLoad<std::string>(
      "np:test:none", 60s, [] { return Expected<Loaded, std::string>(Unexpected{std::string("db down")}); });
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error(), "db down");
}

TEST(CacheAside, RedisDownFallsBackToLoader) {
  RedisOptions o;
  o.port = 1;
  Redis redis(o);
  metrics::Registry reg;
  auto& results = reg.AddCounter("cache_total", "c", {"result"});
  CacheAside cache(redis, results);
  auto v = cache.GetOrLoad<std::string>("k", 60s, [] {
    return Expected<Loaded, std::string>(Loaded{"[9]", true});
  });
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, "[9]");
  EXPECT_EQ(results.WithLabels({"error"}).Value(), 1);
}

}  // namespace
}  // namespace nationpulse::cache
