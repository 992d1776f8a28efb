#include "nationpulse/config/env.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace nationpulse::config {
namespace {

using namespace std::chrono_literals;

TEST(Env, DefaultsWhenUnsetOrEmpty) {
  Env env(Env::Vars{{"EMPTY", ""}});
  EXPECT_EQ(env.String("MISSING", "x"), "x");
  EXPECT_EQ(env.String("EMPTY", "y"), "y");
  EXPECT_EQ(env.Int("MISSING", 8081, 1, 65535), 8081);
  EXPECT_NO_THROW(env.Check());
}

TEST(Env, ParsesTypedValues) {
  Env env(Env::Vars{{"PORT", "9000"}, {"T", "250ms"}, {"B", "true"}, {"L", " a, b ,,c "}});
  EXPECT_EQ(env.Int("PORT", 8081, 1, 65535), 9000);
  EXPECT_EQ(env.Duration("T", 1s), 250ms);
  EXPECT_TRUE(env.Bool("B", false));
  EXPECT_EQ(env.List("L", ""), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_NO_THROW(env.Check());
}

TEST(Env, BadValuesAreCollectedAndNamed) {
  Env env(Env::Vars{{"PORT", "80x"}, {"POOL", "0"}, {"TIMEOUT", "soon"}, {"FLAG", "maybe"}});
  EXPECT_EQ(env.Int("PORT", 8081, 1, 65535), 8081);
  EXPECT_EQ(env.Int("POOL", 4, 1, 64), 4);
  env.Duration("TIMEOUT", 1s);
  env.Bool("FLAG", false);
  try {
    env.Check();
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("PORT=\"80x\""), std::string::npos) << what;
    EXPECT_NE(what.find("POOL=0 is outside [1, 64]"), std::string::npos) << what;
    EXPECT_NE(what.find("TIMEOUT"), std::string::npos) << what;
    EXPECT_NE(what.find("FLAG"), std::string::npos) << what;
  }
}

TEST(Env, FirstOfAcceptsAlternativeNames) {
  Env env(Env::Vars{{"PG_DB_PASSWORD", "secret"}});
  EXPECT_EQ(env.FirstOf({"PG_DB_PASS", "PG_DB_PASSWORD"}, "postgres"), "secret");
  Env both(Env::Vars{{"PG_DB_PASS", "a"}, {"PG_DB_PASSWORD", "b"}});
  EXPECT_EQ(both.FirstOf({"PG_DB_PASS", "PG_DB_PASSWORD"}, "postgres"), "a");
}

TEST(Env, DotEnvIsAFallback) {
  const std::string path = ::testing::TempDir() + "np_env_test.env";
  {
    std::ofstream f(path);
    f << "# comment\nexport A=from_file\nB=\"quoted value\"\nC=file\n";
  }
  Env env(Env::Vars{{"C", "from_env"}});
  env.LoadDotEnv(path);
  EXPECT_EQ(env.String("A", ""), "from_file");
  EXPECT_EQ(env.String("B", ""), "quoted value");
  EXPECT_EQ(env.String("C", ""), "from_env");
  std::remove(path.c_str());
}

TEST(Env, RecordsEveryNameAskedForSetOrNot) {
  Env env(Env::Vars{{"SET", "1"}});
  env.String("SET", "");
  env.Int("UNSET", 3, 0, 9);
  env.FirstOf({"PG_DB_PASS", "PG_DB_PASSWORD"}, "x");
  EXPECT_EQ(env.names_read(), (std::set<std::string>{"PG_DB_PASS", "PG_DB_PASSWORD", "SET", "UNSET"}));
}

TEST(ParseDuration, GoStyle) {
  EXPECT_EQ(ParseDuration("5s"), 5s);
  EXPECT_EQ(ParseDuration("1h30m"), 90min);
  EXPECT_EQ(ParseDuration("360h"), 360h);
  EXPECT_EQ(ParseDuration("15d"), 360h);
  EXPECT_EQ(ParseDuration("1.5s"), 1500ms);
  EXPECT_EQ(ParseDuration("2"), 2s);
  EXPECT_FALSE(ParseDuration("5 s"));
  EXPECT_FALSE(ParseDuration("5x"));
  EXPECT_FALSE(ParseDuration(""));
}

}  // namespace
}  // namespace nationpulse::config
