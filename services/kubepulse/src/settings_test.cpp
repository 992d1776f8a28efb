#include "settings.hpp"

#include <gtest/gtest.h>

namespace nationpulse::kubepulse {
namespace {

using namespace std::chrono_literals;

TEST(KubePulseSettings, DefaultsLeaveEveryTargetUnset) {
  config::Env env(config::Env::Vars{});
  const Settings s = LoadSettings(env);
  EXPECT_EQ(s.bff_addr, "");
  EXPECT_EQ(s.reporting_addr, "");
  EXPECT_EQ(s.ingestion_addr, "");
  EXPECT_EQ(s.cronjob_addr, "");
  EXPECT_EQ(s.interval, 10s);
  EXPECT_EQ(s.timeout, 2s);
  EXPECT_FALSE(s.probe_infra);
  EXPECT_FALSE(s.postgres.has_value());
  EXPECT_FALSE(s.redis.has_value());
  EXPECT_EQ(s.kafka_brokers, "");
  EXPECT_EQ(s.http_address, "0.0.0.0");
  EXPECT_EQ(s.http_port, 8090);
  EXPECT_EQ(s.log_level, log::Level::kInfo);
  EXPECT_EQ(UnsetTargetVariables(s),
            (std::vector<std::string>{"BFF_ADDR", "REPORTING_ADDR", "INGESTION_ADDR", "CRONJOB_ADDR"}));
}

TEST(KubePulseSettings, TargetsKeepTheStableOrderAndNames) {
  config::Env env(config::Env::Vars{{"BFF_ADDR", "bff-service:50051"},
                                    {"REPORTING_ADDR", "reporting-service:50051"},
                                    {"CRONJOB_ADDR", "cronjob-service:50051"},
                                    {"PULSE_INTERVAL_SECONDS", "5"},
                                    {"PULSE_TIMEOUT_SECONDS", "1"},
                                    {"KUBEPULSE_PORT", "9000"},
                                    {"KUBEPULSE_ADDRESS", "127.0.0.1"},
                                    {"LOG_LEVEL", "warn"}});
  const Settings s = LoadSettings(env);
  EXPECT_EQ(s.interval, 5s);
  EXPECT_EQ(s.timeout, 1s);
  EXPECT_EQ(s.http_port, 9000);
  EXPECT_EQ(s.http_address, "127.0.0.1");
  EXPECT_EQ(s.log_level, log::Level::kWarn);
  const auto targets = Targets(s);
  ASSERT_EQ(targets.size(), 4u);
  EXPECT_EQ(targets[0].name, "BFF-Service");
  EXPECT_EQ(targets[0].address, "bff-service:50051");
  EXPECT_EQ(targets[1].name, "Reporting-Svc");
  EXPECT_EQ(targets[2].name, "Ingestion-Svc");
  EXPECT_FALSE(targets[2].configured());
  EXPECT_EQ(targets[3].name, "Cronjob-Svc");
  EXPECT_EQ(targets[3].address, "cronjob-service:50051");
  for (const auto& t : targets) EXPECT_EQ(t.kind, TargetKind::kGrpc);
  EXPECT_EQ(UnsetTargetVariables(s), std::vector<std::string>{"INGESTION_ADDR"});
}

TEST(KubePulseSettings, InfraVariablesAreIgnoredUnlessAskedFor) {
  // Even a malformed PG_DB_ADDR does not matter while KUBEPULSE_PROBE_INFRA is off.
  config::Env env(config::Env::Vars{
      {"PG_DB_ADDR", "db:notaport"}, {"REDIS_ADDR", "redis:6379"}, {"KAFKA_BROKERS", "k1:9092"}});
  const Settings s = LoadSettings(env);
  EXPECT_FALSE(s.postgres.has_value());
  EXPECT_FALSE(s.redis.has_value());
  EXPECT_EQ(Targets(s).size(), 4u);
}

TEST(KubePulseSettings, InfraProbesUseTheProbeTimeoutAndFollowTheServices) {
  config::Env env(config::Env::Vars{{"KUBEPULSE_PROBE_INFRA", "true"},
                                    {"PG_DB_ADDR", "postgres-db:5433"},
                                    {"PG_DB_USER", "pulse"},
                                    {"PG_DB_PASSWORD", "secret"},
                                    {"PG_DB_NAME", "np"},
                                    {"REDIS_ADDR", "redis-cache:6380"},
                                    {"KAFKA_BROKERS", "kafka-1:9092,kafka-2:9094"},
                                    {"PULSE_TIMEOUT_SECONDS", "3"}});
  const Settings s = LoadSettings(env);
  ASSERT_TRUE(s.postgres.has_value());
  EXPECT_EQ(s.postgres->host, "postgres-db");
  EXPECT_EQ(s.postgres->port, 5433);
  EXPECT_EQ(s.postgres->user, "pulse");
  EXPECT_EQ(s.postgres->password, "secret");
  EXPECT_EQ(s.postgres->dbname, "np");
  EXPECT_EQ(s.postgres->size, 1u);
  EXPECT_EQ(s.postgres->connect_timeout, 3s);
  EXPECT_EQ(s.postgres->statement_timeout, 3s);
  ASSERT_TRUE(s.redis.has_value());
  EXPECT_EQ(s.redis->host, "redis-cache");
  EXPECT_EQ(s.redis->port, 6380);
  EXPECT_EQ(s.redis->command_timeout, 3s);
  const auto targets = Targets(s);
  ASSERT_EQ(targets.size(), 7u);
  EXPECT_EQ(targets[4].name, "Postgres");
  EXPECT_EQ(targets[4].kind, TargetKind::kPostgres);
  EXPECT_EQ(targets[4].address, "postgres-db:5433");
  EXPECT_EQ(targets[5].name, "Redis");
  EXPECT_EQ(targets[5].kind, TargetKind::kRedis);
  EXPECT_EQ(targets[6].name, "Kafka");
  EXPECT_EQ(targets[6].kind, TargetKind::kKafka);
  EXPECT_EQ(targets[6].address, "kafka-1:9092,kafka-2:9094");
}

TEST(KubePulseSettings, InfraOnWithoutAddressesAddsNoRows) {
  config::Env env(config::Env::Vars{{"KUBEPULSE_PROBE_INFRA", "true"}});
  const Settings s = LoadSettings(env);
  EXPECT_TRUE(s.probe_infra);
  EXPECT_EQ(Targets(s).size(), 4u);
}

TEST(KubePulseSettings, RejectsBadValuesNamingEachOne) {
  config::Env env(config::Env::Vars{{"PULSE_INTERVAL_SECONDS", "0"},
                                    {"PULSE_TIMEOUT_SECONDS", "soon"},
                                    {"KUBEPULSE_PORT", "70000"},
                                    {"LOG_LEVEL", "loud"}});
  try {
    LoadSettings(env);
    FAIL() << "expected ConfigError";
  } catch (const config::ConfigError& e) {
    const std::string msg = e.what();
    for (const char* name :
         {"PULSE_INTERVAL_SECONDS", "PULSE_TIMEOUT_SECONDS", "KUBEPULSE_PORT", "LOG_LEVEL"}) {
      EXPECT_NE(msg.find(name), std::string::npos) << name << " in " << msg;
    }
  }
}

TEST(KubePulseSettings, TimeoutMustNotExceedTheInterval) {
  config::Env env(config::Env::Vars{{"PULSE_INTERVAL_SECONDS", "2"}, {"PULSE_TIMEOUT_SECONDS", "3"}});
  EXPECT_THROW(LoadSettings(env), config::ConfigError);
  config::Env equal(config::Env::Vars{{"PULSE_INTERVAL_SECONDS", "2"}, {"PULSE_TIMEOUT_SECONDS", "2"}});
  EXPECT_NO_THROW(LoadSettings(equal));
}

}  // namespace
}  // namespace nationpulse::kubepulse
