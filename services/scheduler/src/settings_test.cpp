#include "settings.hpp"

#include <gtest/gtest.h>

namespace nationpulse::scheduler {
namespace {

using namespace std::chrono_literals;

TEST(SchedulerSettings, Defaults) {
  config::Env env(config::Env::Vars{});
  const Settings s = LoadSettings(env);
  EXPECT_EQ(s.schedule_spec, "@every 360h");
  ASSERT_TRUE(s.schedule.Interval().has_value());
  EXPECT_EQ(*s.schedule.Interval(), 360h);
  EXPECT_TRUE(s.time_zone.is_utc());
  EXPECT_FALSE(s.run_on_start);
  EXPECT_EQ(s.ingestion_target, "localhost:50053");
  EXPECT_EQ(s.job_timeout, 30min);
  EXPECT_EQ(s.connect_timeout, 10s);
  EXPECT_EQ(s.retry_attempts, 3);
  EXPECT_EQ(s.retry_backoff, 2s);
  EXPECT_EQ(s.retry_backoff_max, 60s);
  EXPECT_EQ(s.grpc_address, "0.0.0.0:50054");
  EXPECT_EQ(s.http_address, "0.0.0.0");
  EXPECT_EQ(s.http_port, 8084);
  EXPECT_EQ(s.probe_interval, 2s);
  EXPECT_EQ(s.log_level, log::Level::kInfo);
}

TEST(SchedulerSettings, FromEnvironment) {
  config::Env env(config::Env::Vars{{"CRON_SCHEDULE", "0 3 * * MON"},
                                    {"CRON_TZ", "UTC"},
                                    {"GRPC_SERVER_ADDR", "ingestion:50053"},
                                    {"GRPC_JOB_TIMEOUT", "45m"},
                                    {"GRPC_CONNECT_TIMEOUT", "5s"},
                                    {"RUN_ON_START", "true"},
                                    {"RETRY_ATTEMPTS", "0"},
                                    {"GRPC_PORT", "50051"},
                                    {"GRPC_ADDRESS", "127.0.0.1"},
                                    {"METRICS_PORT", "9000"},
                                    {"HEALTH_PROBE_INTERVAL", "10s"},
                                    {"LOG_LEVEL", "debug"}});
  const Settings s = LoadSettings(env);
  EXPECT_EQ(s.schedule_spec, "0 3 * * MON");
  EXPECT_FALSE(s.schedule.Interval().has_value());
  EXPECT_TRUE(s.run_on_start);
  EXPECT_EQ(s.ingestion_target, "ingestion:50053");
  EXPECT_EQ(s.job_timeout, 45min);
  EXPECT_EQ(s.connect_timeout, 5s);
  EXPECT_EQ(s.retry_attempts, 0);
  EXPECT_EQ(s.grpc_address, "127.0.0.1:50051");
  EXPECT_EQ(s.http_port, 9000);
  EXPECT_EQ(s.probe_interval, 10s);
  EXPECT_EQ(s.log_level, log::Level::kDebug);
}

TEST(SchedulerSettings, TheOriginalDefaultOf15dIsValid) {
  config::Env env(config::Env::Vars{{"CRON_SCHEDULE", "@every 15d"}});
  EXPECT_EQ(*LoadSettings(env).schedule.Interval(), 360h);
}

TEST(SchedulerSettings, IanaTimeZone) {
  config::Env env(config::Env::Vars{{"CRON_TZ", "America/New_York"}});
  try {
    EXPECT_EQ(LoadSettings(env).time_zone.name(), "America/New_York");
  } catch (const config::ConfigError& e) {
    GTEST_SKIP() << "time zone data missing: " << e.what();
  }
}

TEST(SchedulerSettings, EveryProblemIsNamed) {
  config::Env env(config::Env::Vars{{"CRON_SCHEDULE", "@every 15x"},
                                    {"CRON_TZ", "Mars/Olympus_Mons"},
                                    {"GRPC_JOB_TIMEOUT", "soon"},
                                    {"GRPC_CONNECT_TIMEOUT", "0"},
                                    {"RUN_ON_START", "maybe"},
                                    {"RETRY_ATTEMPTS", "-1"},
                                    {"METRICS_PORT", "70000"},
                                    {"LOG_LEVEL", "loud"}});
  try {
    LoadSettings(env);
    FAIL() << "expected ConfigError";
  } catch (const config::ConfigError& e) {
    const std::string what = e.what();
    for (const char* name : {"CRON_SCHEDULE", "CRON_TZ", "GRPC_JOB_TIMEOUT", "GRPC_CONNECT_TIMEOUT",
                             "RUN_ON_START", "RETRY_ATTEMPTS", "METRICS_PORT", "LOG_LEVEL"}) {
      EXPECT_NE(what.find(name), std::string::npos) << name << " not named in: " << what;
    }
    EXPECT_NE(what.find("unknown unit"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace nationpulse::scheduler
