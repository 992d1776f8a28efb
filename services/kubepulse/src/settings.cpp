#include "settings.hpp"

#include "nationpulse/cache/settings.hpp"
#include "nationpulse/db/settings.hpp"

namespace nationpulse::kubepulse {

Settings LoadSettings(config::Env& env) {
  Settings s;
  std::vector<std::string> errors;
  s.bff_addr = env.String("BFF_ADDR", "");
  s.reporting_addr = env.String("REPORTING_ADDR", "");
  s.ingestion_addr = env.String("INGESTION_ADDR", "");
  s.cronjob_addr = env.String("CRONJOB_ADDR", "");
  s.interval = std::chrono::seconds(env.Int("PULSE_INTERVAL_SECONDS", 10, 1, 24 * 3600));
  s.timeout = std::chrono::seconds(env.Int("PULSE_TIMEOUT_SECONDS", 2, 1, 3600));
  // A timeout longer than the interval would make rounds overlap their own schedule.
  if (s.timeout > s.interval) {
    errors.push_back("PULSE_TIMEOUT_SECONDS (" + std::to_string(s.timeout.count()) +
                     ") must not exceed PULSE_INTERVAL_SECONDS (" + std::to_string(s.interval.count()) + ")");
  }
  s.probe_infra = env.Bool("KUBEPULSE_PROBE_INFRA", false);
  // The shared PG_*/REDIS_* readers are only consulted when asked to, so unrelated variables in the
  // environment cannot stop kubepulse from starting. Every client budget is the probe timeout.
  if (s.probe_infra) {
    const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(s.timeout);
    if (auto addr = env.Optional("PG_DB_ADDR")) {
      s.postgres_addr = *addr;
      s.postgres = db::PoolOptionsFromEnv(env, "nationpulse-kubepulse", errors);
      s.postgres->size = 1;
      s.postgres->connect_timeout = timeout;
      s.postgres->acquire_timeout = timeout;
      s.postgres->statement_timeout = timeout;
      s.postgres->reconnect_backoff = std::chrono::milliseconds(0);
    }
    if (auto addr = env.Optional("REDIS_ADDR")) {
      s.redis_addr = *addr;
      s.redis = cache::RedisOptionsFromEnv(env, errors);
      s.redis->size = 1;
      s.redis->connect_timeout = timeout;
      s.redis->command_timeout = timeout;
      s.redis->acquire_timeout = timeout;
      s.redis->reconnect_backoff = std::chrono::milliseconds(0);
    }
    s.kafka_brokers = env.String("KAFKA_BROKERS", "");
  }
  s.http_address = env.String("KUBEPULSE_ADDRESS", "0.0.0.0");
  s.http_port = static_cast<std::uint16_t>(env.Int("KUBEPULSE_PORT", 8090, 0, 65535));
  try {
    s.log_level = log::ParseLevel(env.String("LOG_LEVEL", "info"));
  } catch (const std::invalid_argument& e) {
    errors.push_back(std::string("LOG_LEVEL: ") + e.what());
  }

  errors.insert(errors.begin(), env.errors().begin(), env.errors().end());
  if (!errors.empty()) {
    std::string msg = "invalid configuration: ";
    for (std::size_t i = 0; i < errors.size(); ++i) msg += (i ? "; " : "") + errors[i];
    throw config::ConfigError(msg);
  }
  return s;
}

std::vector<Target> Targets(const Settings& s) {
  std::vector<Target> targets = {
      {"BFF-Service", TargetKind::kGrpc, s.bff_addr},
      {"Reporting-Svc", TargetKind::kGrpc, s.reporting_addr},
      {"Ingestion-Svc", TargetKind::kGrpc, s.ingestion_addr},
      {"Cronjob-Svc", TargetKind::kGrpc, s.cronjob_addr},
  };
  if (s.postgres) targets.push_back({"Postgres", TargetKind::kPostgres, s.postgres_addr});
  if (s.redis) targets.push_back({"Redis", TargetKind::kRedis, s.redis_addr});
  if (!s.kafka_brokers.empty()) targets.push_back({"Kafka", TargetKind::kKafka, s.kafka_brokers});
  return targets;
}

std::vector<std::string> UnsetTargetVariables(const Settings& s) {
  std::vector<std::string> unset;
  if (s.bff_addr.empty()) unset.emplace_back("BFF_ADDR");
  if (s.reporting_addr.empty()) unset.emplace_back("REPORTING_ADDR");
  if (s.ingestion_addr.empty()) unset.emplace_back("INGESTION_ADDR");
  if (s.cronjob_addr.empty()) unset.emplace_back("CRONJOB_ADDR");
  return unset;
}

}  // namespace nationpulse::kubepulse
