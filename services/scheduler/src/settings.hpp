#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "nationpulse/config/env.hpp"
#include "nationpulse/cron/schedule.hpp"
#include "nationpulse/cron/time_zone.hpp"
#include "nationpulse/log/log.hpp"

namespace nationpulse::scheduler {

/// Every setting of the scheduler (the original "cronjob"), read from the environment
/// (docs/operations.md lists them).
struct Settings {
  /// CRON_SCHEDULE as given, for logs and --next.
  std::string schedule_spec = "@every 360h";
  cron::Schedule schedule = cron::Schedule::Parse("@every 360h").value();
  /// CRON_TZ: where calendar specs are evaluated (@every ignores it).
  cron::TimeZone time_zone;
  /// Fire once at start instead of one interval (or the next calendar match) later.
  bool run_on_start = false;
  /// The ingestion service (GRPC_SERVER_ADDR), any gRPC target.
  std::string ingestion_target = "localhost:50053";
  /// Deadline of one whole NotifyBFF stream.
  std::chrono::milliseconds job_timeout{30 * 60 * 1000};
  /// Budget to establish the connection before each attempt.
  std::chrono::milliseconds connect_timeout{10'000};
  /// Retries of a call that fails with UNAVAILABLE before any message (0 = none).
  int retry_attempts = 3;
  std::chrono::milliseconds retry_backoff{2000};        ///< first delay, doubled after each retry
  std::chrono::milliseconds retry_backoff_max{60'000};  ///< cap of the delay
  std::string grpc_address = "0.0.0.0:50054";           ///< grpc.health.v1
  std::string http_address = "0.0.0.0";
  std::uint16_t http_port = 8084;  ///< /metrics, /livez
  std::chrono::milliseconds probe_interval{2000};
  log::Level log_level = log::Level::kInfo;
};

/// @throws config::ConfigError naming every malformed variable.
Settings LoadSettings(config::Env& env);

}  // namespace nationpulse::scheduler
