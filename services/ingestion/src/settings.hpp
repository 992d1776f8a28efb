#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "ingestion_job.hpp"
#include "nationpulse/config/env.hpp"
#include "nationpulse/db/pool.hpp"
#include "nationpulse/log/log.hpp"

namespace nationpulse::ingestion {

/// Every setting of the ingestion service, read from the environment (docs/operations.md lists them).
struct Settings {
  db::PoolOptions postgres;
  JobOptions job;
  std::string grpc_address = "0.0.0.0:50053";  ///< NotifyBFF and grpc.health.v1
  std::string http_address = "0.0.0.0";
  std::uint16_t http_port = 8083;  ///< /metrics, /livez
  std::chrono::milliseconds probe_interval{2000};
  std::chrono::milliseconds shutdown_grace{30000};
  log::Level log_level = log::Level::kInfo;
};

/// @throws config::ConfigError naming every malformed variable.
Settings LoadSettings(config::Env& env);

}  // namespace nationpulse::ingestion
