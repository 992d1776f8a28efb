// Integration tests against the real PostgreSQL of the test infrastructure (make test).
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "nationpulse/db/pool.hpp"
#include "nationpulse/testing/test_env.hpp"

namespace nationpulse::db {
namespace {

using namespace std::chrono_literals;

PoolOptions TestOptions() {
  PoolOptions o;
  ParseAddress(testing::RequireEnv("PG_DB_ADDR"), o.host, o.port);
  o.dbname = testing::RequireEnv("PG_DB_NAME");
  o.user = testing::RequireEnv("PG_DB_USER");
  o.password = testing::RequireEnv("PG_DB_PASS");
  o.size = 2;
  o.acquire_timeout = 300ms;
  o.statement_timeout = 500ms;
  o.application_name = "np-pool-test";
  return o;
}

TEST(PoolPg, RunsParameterisedQueries) {
  Pool pool(TestOptions());
  auto rows = pool.Run([](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    return tx.exec_params("SELECT $1::int + 1, current_setting('TimeZone')", 41);
  });
  ASSERT_TRUE(rows) << rows.error().message;
  EXPECT_EQ((*rows)[0][0].as<int>(), 42);
  EXPECT_EQ((*rows)[0][1].as<std::string>(), "UTC");
  EXPECT_TRUE(pool.Ping());
  EXPECT_EQ(pool.stats().open, 1u);  // the connection was reused, not reopened
}

TEST(PoolPg, BadSqlIsAQueryErrorAndKeepsTheConnection) {
  Pool pool(TestOptions());
  auto r = pool.Run([](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    return tx.exec("SELECT * FROM no_such_table");
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, DbError::Kind::kQuery);
  EXPECT_EQ(r.error().sqlstate, "42P01");
  EXPECT_TRUE(pool.Ping());
}

TEST(PoolPg, StatementTimeoutIsReportedAsTimeout) {
  Pool pool(TestOptions());
  auto r = pool.Run([](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    return tx.exec("SELECT pg_sleep(5)");
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, DbError::Kind::kTimeout);
  EXPECT_TRUE(pool.Ping());
}

TEST(PoolPg, ExhaustedPoolFailsAfterAcquireTimeout) {
  auto o = TestOptions();
  o.size = 1;
  o.statement_timeout = 3000ms;
  Pool pool(o);
  auto busy = std::async(std::launch::async, [&] {
    return pool.Run([](pqxx::connection& c) {
      pqxx::nontransaction tx(c);
      tx.exec("SELECT pg_sleep(1)");
    });
  });
  while (pool.stats().in_use == 0) std::this_thread::sleep_for(5ms);
  const auto t0 = std::chrono::steady_clock::now();
  auto r = pool.Ping();
  const auto waited = std::chrono::steady_clock::now() - t0;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, DbError::Kind::kPoolExhausted);
  EXPECT_GE(waited, 250ms);
  EXPECT_LT(waited, 900ms);
  EXPECT_TRUE(busy.get());
}

TEST(PoolPg, ReconnectsTransparentlyAfterTheServerKillsTheSession) {
  Pool pool(TestOptions());
  ASSERT_TRUE(pool.Ping());
  // Another session terminates ours, as a Postgres restart would.
  Pool killer(TestOptions());
  auto killed = killer.Run([](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    return tx.exec(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE application_name = 'np-pool-test' AND pid <> pg_backend_pid()");
  });
  ASSERT_TRUE(killed);
  ASSERT_GE(killed->size(), 1u);
  auto again = pool.Ping();  // the stale connection is discarded and the call retried once
  EXPECT_TRUE(again) << again.error().message;
}

}  // namespace
}  // namespace nationpulse::db
