#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nationpulse/cache/redis.hpp"
#include "nationpulse/config/env.hpp"
#include "nationpulse/db/pool.hpp"
#include "nationpulse/log/log.hpp"
#include "status.hpp"

namespace nationpulse::kubepulse {

/// Every setting of kubepulse, read from the environment (grpc.md §4; docs/operations.md lists them).
struct Settings {
  /// The four health endpoints, "host:port"; empty = unset (no defaults, as in the original).
  std::string bff_addr;               ///< BFF_ADDR
  std::string reporting_addr;         ///< REPORTING_ADDR
  std::string ingestion_addr;         ///< INGESTION_ADDR
  std::string cronjob_addr;           ///< CRONJOB_ADDR
  std::chrono::seconds interval{10};  ///< PULSE_INTERVAL_SECONDS: start of one round to the next
  std::chrono::seconds timeout{2};    ///< PULSE_TIMEOUT_SECONDS: budget of each probe
  /// KUBEPULSE_PROBE_INFRA: also ping the dependencies below that are set.
  bool probe_infra = false;
  std::optional<db::PoolOptions> postgres;   ///< when probe_infra and PG_DB_ADDR is set
  std::string postgres_addr;                 ///< PG_DB_ADDR as given, for display
  std::optional<cache::RedisOptions> redis;  ///< when probe_infra and REDIS_ADDR is set
  std::string redis_addr;                    ///< REDIS_ADDR as given, for display
  std::string kafka_brokers;                 ///< KAFKA_BROKERS when probe_infra; empty = not probed
  std::string http_address = "0.0.0.0";      ///< KUBEPULSE_ADDRESS
  std::uint16_t http_port = 8090;            ///< KUBEPULSE_PORT (0 picks a free port: tests)
  log::Level log_level = log::Level::kInfo;
};

/// @throws config::ConfigError naming every malformed variable.
Settings LoadSettings(config::Env& env);

/// The rows in their stable order: BFF-Service, Reporting-Svc, Ingestion-Svc, Cronjob-Svc (always,
/// configured or not), then Postgres, Redis, Kafka for the infrastructure probes that are enabled.
std::vector<Target> Targets(const Settings& settings);

/// The names of the unset target variables (BFF_ADDR, ...), for the start-up warning.
std::vector<std::string> UnsetTargetVariables(const Settings& settings);

}  // namespace nationpulse::kubepulse
