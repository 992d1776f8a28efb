#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "nationpulse/cache/redis.hpp"
#include "nationpulse/config/env.hpp"
#include "nationpulse/db/pool.hpp"
#include "nationpulse/log/log.hpp"

namespace nationpulse::reporting {

/// Every setting of the reporting service, read from the environment (docs/operations.md lists them).
struct Settings {
  db::PoolOptions postgres;
  cache::RedisOptions redis;
  std::string kafka_brokers = "localhost:9092";
  /// From reporting's point of view (messaging.md §2 [REC]): it reads requests, writes results.
  std::string request_topic = "message-log";
  std::string result_topic = "message-send";
  std::string group_id = "nationpulse-reporting";  ///< never shared with the BFF (D-09, D-43)
  int topic_partitions = 3;
  int topic_replication = 3;
  std::chrono::seconds result_ttl{300};
  /// Largest result message (REPORT_MAX_BYTES); larger reports are answered with a failure.
  std::size_t max_result_bytes = 16u << 20;
  std::chrono::milliseconds publish_timeout{10000};
  std::chrono::milliseconds retry_backoff_max{5000};
  std::string grpc_address = "0.0.0.0:50052";  ///< grpc.health.v1
  std::string http_address = "0.0.0.0";
  std::uint16_t http_port = 8082;  ///< /metrics, /livez
  std::chrono::milliseconds probe_interval{2000};
  log::Level log_level = log::Level::kInfo;
};

/// @throws config::ConfigError naming every malformed variable.
Settings LoadSettings(config::Env& env);

}  // namespace nationpulse::reporting
