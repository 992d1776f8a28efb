#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "auth_service.hpp"
#include "nationpulse/cache/redis.hpp"
#include "nationpulse/config/env.hpp"
#include "nationpulse/db/pool.hpp"
#include "nationpulse/http/server.hpp"
#include "nationpulse/log/log.hpp"
#include "report_api.hpp"

namespace nationpulse::bff {

/// Every setting of the BFF, read from the environment (docs/operations.md lists them).
struct Settings {
  http::ServerOptions http;
  db::PoolOptions postgres;
  cache::RedisOptions redis;
  std::chrono::seconds cache_ttl{900};
  bool cache_enabled = true;
  std::chrono::milliseconds local_cache_ttl{5000};
  std::size_t local_cache_entries = 10'000;
  std::vector<std::string> cors_allowed_origins;
  log::Level log_level = log::Level::kInfo;
  AuthOptions auth;
  bool secure_cookies = false;
  /// Sign-in attempts: token buckets per client address and per account name (0 disables).
  double signin_per_minute_per_ip = 30;
  double signin_burst_per_ip = 10;
  double signin_per_minute_per_account = 10;
  double signin_burst_per_account = 5;
  /// grpc.health.v1 (GRPC_ADDRESS:GRPC_PORT): SERVING while Postgres and Redis answer; Kafka only degrades.
  std::string grpc_address = "0.0.0.0:50051";
  std::chrono::milliseconds probe_interval{2000};
  /// Reports: Kafka, topics, the per-instance result group, SSE limits.
  ReportOptions reports;
};

/// @throws config::ConfigError naming every malformed variable.
Settings LoadSettings(config::Env& env);

}  // namespace nationpulse::bff
