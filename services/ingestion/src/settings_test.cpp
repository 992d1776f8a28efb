#include "settings.hpp"

#include <gtest/gtest.h>

namespace nationpulse::ingestion {
namespace {

using namespace std::chrono_literals;

TEST(IngestionSettings, Defaults) {
  config::Env env(config::Env::Vars{});
  const Settings s = LoadSettings(env);
  EXPECT_EQ(s.job.base_url, "https://sdmx.oecd.org/public/rest/data");
  EXPECT_FALSE(s.job.snapshot_dir.has_value());
  EXPECT_EQ(s.job.delay_between_requests, 1s);
  EXPECT_EQ(s.job.indicators.at("Population"), "OECD.ELS.SAE,DSD_POPULATION@DF_POP_HIST,/.POP.PS._T..");
  EXPECT_EQ(s.job.fetch.attempt_timeout, 60s);
  EXPECT_EQ(s.grpc_address, "0.0.0.0:50053");
  EXPECT_EQ(s.postgres.statement_timeout, 5min);
}

TEST(IngestionSettings, FromEnvironment) {
  config::Env env(config::Env::Vars{{"BASE_URL", "http://127.0.0.1:9999/data/"},
                                    {"DELAY_BETWEEN_REQUESTS", "0"},
                                    {"HEALTH_INDICATOR", "X,Y,/Z"},
                                    {"SNAPSHOT_DIR", "/"},
                                    {"GRPC_PORT", "50051"}});
  const Settings s = LoadSettings(env);
  EXPECT_EQ(s.job.base_url, "http://127.0.0.1:9999/data");
  EXPECT_EQ(s.job.delay_between_requests, 0s);
  EXPECT_EQ(s.job.indicators.at("Health"), "X,Y,/Z");
  EXPECT_EQ(s.job.snapshot_dir.value_or(""), "/");
  EXPECT_EQ(s.grpc_address, "0.0.0.0:50051");
}

TEST(IngestionSettings, EveryProblemIsNamed) {
  config::Env env(
      config::Env::Vars{{"SNAPSHOT_DIR", "/no/such/dir"}, {"FETCH_ATTEMPTS", "0"}, {"FEED_TIMEOUT", "soon"}});
  try {
    LoadSettings(env);
    FAIL() << "expected ConfigError";
  } catch (const config::ConfigError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("SNAPSHOT_DIR"), std::string::npos) << what;
    EXPECT_NE(what.find("FETCH_ATTEMPTS"), std::string::npos) << what;
    EXPECT_NE(what.find("FEED_TIMEOUT"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace nationpulse::ingestion
