#include "settings.hpp"

#include <gtest/gtest.h>

namespace nationpulse::reporting {
namespace {

using namespace std::chrono_literals;

TEST(ReportingSettings, Defaults) {
  config::Env env(config::Env::Vars{});
  const Settings s = LoadSettings(env);
  EXPECT_EQ(s.kafka_brokers, "localhost:9092");
  EXPECT_EQ(s.request_topic, "message-log");
  EXPECT_EQ(s.result_topic, "message-send");
  EXPECT_EQ(s.group_id, "nationpulse-reporting");  // not the BFF's "my-group" (D-09, D-43)
  EXPECT_EQ(s.result_ttl, 300s);
  EXPECT_EQ(s.grpc_address, "0.0.0.0:50052");
  EXPECT_EQ(s.redis.port, 6379);  // not the original's 6378 typo
  EXPECT_EQ(s.postgres.statement_timeout, 30s);
}

TEST(ReportingSettings, FromEnvironment) {
  config::Env env(config::Env::Vars{{"KAFKA_BROKERS", "k1:9092,k2:9094"},
                                    {"KAFKA_READER_TOPIC", "requests"},
                                    {"KAFKA_WRITER_TOPIC", "results"},
                                    {"KAFKA_TOPIC_PARTITIONS", "1"},
                                    {"KAFKA_TOPIC_REPLICATION", "1"},
                                    {"REPORT_CACHE_TTL_SECONDS", "60"},
                                    {"GRPC_PORT", "50051"},
                                    {"REDIS_ADDR", "cache:6380"},
                                    {"PG_DB_ADDR", "db:6543"}});
  const Settings s = LoadSettings(env);
  EXPECT_EQ(s.kafka_brokers, "k1:9092,k2:9094");
  EXPECT_EQ(s.request_topic, "requests");
  EXPECT_EQ(s.result_topic, "results");
  EXPECT_EQ(s.topic_partitions, 1);
  EXPECT_EQ(s.topic_replication, 1);
  EXPECT_EQ(s.result_ttl, 60s);
  EXPECT_EQ(s.grpc_address, "0.0.0.0:50051");
  EXPECT_EQ(s.redis.host, "cache");
  EXPECT_EQ(s.redis.port, 6380);
  EXPECT_EQ(s.postgres.host, "db");
  EXPECT_EQ(s.postgres.port, 6543);
}

TEST(ReportingSettings, EveryProblemIsNamed) {
  config::Env env(config::Env::Vars{{"REPORT_CACHE_TTL_SECONDS", "0"},
                                    {"KAFKA_READER_TOPIC", "same"},
                                    {"KAFKA_WRITER_TOPIC", "same"},
                                    {"REDIS_ADDR", "cache:x"}});
  try {
    LoadSettings(env);
    FAIL() << "expected ConfigError";
  } catch (const config::ConfigError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("REPORT_CACHE_TTL_SECONDS"), std::string::npos) << what;
    EXPECT_NE(what.find("must differ"), std::string::npos) << what;
    EXPECT_NE(what.find("REDIS_ADDR"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace nationpulse::reporting
