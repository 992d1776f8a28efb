#include "settings.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace nationpulse::bff {
namespace {

using namespace std::chrono_literals;

const std::string kAccess(40, 'a');
const std::string kRefresh(40, 'r');

TEST(Settings, DefaultsMatchTheContract) {
  config::Env env(config::Env::Vars{{"ACCESS_SECRET", kAccess}, {"REFRESH_SECRET", kRefresh}});
  auto s = LoadSettings(env);
  EXPECT_EQ(s.http.port, 8081);
  EXPECT_EQ(s.postgres.host, "localhost");
  EXPECT_EQ(s.postgres.port, 5432);
  EXPECT_EQ(s.postgres.dbname, "nationPulseDB");
  EXPECT_EQ(s.postgres.password, "postgres");
  EXPECT_EQ(s.redis.port, 6379);
  EXPECT_EQ(s.cache_ttl, 900s);
  EXPECT_EQ(s.cors_allowed_origins,
            (std::vector<std::string>{"http://localhost:5173", "http://localhost:3000"}));
}

TEST(Settings, ReadsOverridesAndBothPasswordNames) {
  config::Env env(config::Env::Vars{{"ACCESS_SECRET", kAccess},
                                    {"REFRESH_SECRET", kRefresh},
                                    {"PORT", "9090"},
                                    {"PG_DB_ADDR", "db:6543"},
                                    {"PG_DB_PASSWORD", "s3cret"},
                                    {"REDIS_ADDR", "cache:6380"},
                                    {"REDIS_PASS", "rp"},
                                    {"REDIS_DB", "2"},
                                    {"CACHE_TTL", "60s"},
                                    {"LOG_LEVEL", "debug"}});
  auto s = LoadSettings(env);
  EXPECT_EQ(s.http.port, 9090);
  EXPECT_EQ(s.postgres.host, "db");
  EXPECT_EQ(s.postgres.port, 6543);
  EXPECT_EQ(s.postgres.password, "s3cret");
  EXPECT_EQ(s.redis.host, "cache");
  EXPECT_EQ(s.redis.port, 6380);
  EXPECT_EQ(s.redis.password, "rp");
  EXPECT_EQ(s.redis.db, 2);
  EXPECT_EQ(s.cache_ttl, 60s);
  EXPECT_EQ(s.log_level, log::Level::kDebug);
}

TEST(Settings, BadValuesStopStartupNamingTheVariable) {
  config::Env env(config::Env::Vars{{"PORT", "70000"}, {"PG_DB_ADDR", "db:x"}, {"LOG_LEVEL", "loud"}});
  try {
    LoadSettings(env);
    FAIL() << "expected ConfigError";
  } catch (const config::ConfigError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("PORT"), std::string::npos) << what;
    EXPECT_NE(what.find("PG_DB_ADDR"), std::string::npos) << what;
    EXPECT_NE(what.find("LOG_LEVEL"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace nationpulse::bff
