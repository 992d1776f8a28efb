#include "nationpulse/db/pool.hpp"

#include <gtest/gtest.h>

namespace nationpulse::db {
namespace {

using namespace std::chrono_literals;

TEST(BuildConnInfo, QuotesValuesAndSetsSessionOptions) {
  PoolOptions o;
  o.host = "db.local";
  o.port = 6543;
  o.password = "p a'ss\\word";
  o.statement_timeout = 2500ms;
  o.connect_timeout = 1500ms;
  const auto info = BuildConnInfo(o);
  EXPECT_NE(info.find("host='db.local' port=6543"), std::string::npos) << info;
  EXPECT_NE(info.find(R"(password='p a\'ss\\word')"), std::string::npos) << info;
  EXPECT_NE(info.find("connect_timeout=2"), std::string::npos) << info;
  EXPECT_NE(info.find("options='-c statement_timeout=2500 -c TimeZone=UTC'"), std::string::npos) << info;
}

TEST(ParseAddress, HostAndPort) {
  std::string host;
  int port = 0;
  ParseAddress("postgres-db:5433", host, port);
  EXPECT_EQ(host, "postgres-db");
  EXPECT_EQ(port, 5433);
  ParseAddress("localhost", host, port);
  EXPECT_EQ(host, "localhost");
  EXPECT_EQ(port, 5432);
  ParseAddress("[::1]:5434", host, port);
  EXPECT_EQ(host, "::1");
  EXPECT_EQ(port, 5434);
  EXPECT_THROW(ParseAddress("h:99999", host, port), std::invalid_argument);
  EXPECT_THROW(ParseAddress("h:abc", host, port), std::invalid_argument);
}

TEST(Pool, UnreachableServerIsUnavailableAndThenFailsFast) {
  PoolOptions o;
  o.port = 1;  // nothing listens on port 1 on loopback
  o.connect_timeout = 1s;
  o.reconnect_backoff = 5s;
  Pool pool(o);
  auto first = pool.Ping();
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().kind, DbError::Kind::kUnavailable);
  const auto t0 = std::chrono::steady_clock::now();
  auto second = pool.Ping();
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().kind, DbError::Kind::kUnavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 100ms);  // inside the back-off: no new connect attempt
  EXPECT_EQ(pool.stats().open, 0u);
}

}  // namespace
}  // namespace nationpulse::db
