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

TEST(Settings, AuthDefaults) {
  config::Env env(config::Env::Vars{{"ACCESS_SECRET", kAccess}, {"REFRESH_SECRET", kRefresh}});
  auto s = LoadSettings(env);
  EXPECT_EQ(s.auth.access_secret, kAccess);
  EXPECT_EQ(s.auth.refresh_secret, kRefresh);
  EXPECT_EQ(s.auth.access_ttl, 900s);
  EXPECT_EQ(s.auth.refresh_ttl, 604800s);
  EXPECT_FALSE(s.auth.allow_passwordless);
  EXPECT_FALSE(s.secure_cookies);
}

std::string ErrorOf(config::Env::Vars vars) {
  config::Env env(std::move(vars));
  try {
    LoadSettings(env);
  } catch (const config::ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(Settings, SecretsAreRequiredStrongAndDistinct) {
  EXPECT_NE(ErrorOf({}).find("ACCESS_SECRET (or ACCESS_SECRET_FILE) is required"), std::string::npos);
  EXPECT_NE(ErrorOf({{"ACCESS_SECRET", "short"}, {"REFRESH_SECRET", kRefresh}}).find("at least 32 bytes"),
            std::string::npos);
  EXPECT_NE(ErrorOf({{"ACCESS_SECRET", kAccess}, {"REFRESH_SECRET", kAccess}}).find("must differ"),
            std::string::npos);
  EXPECT_NE(ErrorOf({{"ACCESS_SECRET", kAccess}, {"REFRESH_SECRET", kRefresh}, {"ACCESS_TOKEN_TTL", "500ms"}})
                .find("ACCESS_TOKEN_TTL must be at least 1m"),
            std::string::npos);
  EXPECT_EQ(ErrorOf({{"ACCESS_SECRET", kAccess}, {"REFRESH_SECRET", kRefresh}}), "");
}

TEST(Settings, SecretFromFile) {
  const std::string path = ::testing::TempDir() + "np_access_secret";
  {
    std::ofstream f(path);
    f << kAccess << "\n";
  }
  config::Env env(config::Env::Vars{{"ACCESS_SECRET_FILE", path}, {"REFRESH_SECRET", kRefresh}});
  EXPECT_EQ(LoadSettings(env).auth.access_secret, kAccess);
  std::remove(path.c_str());
  EXPECT_NE(ErrorOf({{"ACCESS_SECRET_FILE", "/nonexistent/secret"}, {"REFRESH_SECRET", kRefresh}})
                .find("ACCESS_SECRET_FILE"),
            std::string::npos);
}

}  // namespace
}  // namespace nationpulse::bff
