#include "settings.hpp"

#include "nationpulse/cache/settings.hpp"
#include "nationpulse/db/settings.hpp"

namespace nationpulse::reporting {

using namespace std::chrono_literals;

Settings LoadSettings(config::Env& env) {
  Settings s;
  std::vector<std::string> errors;
  s.postgres = db::PoolOptionsFromEnv(env, "nationpulse-reporting", errors);
  // A report reads a whole table: a longer per-statement budget than the BFF's (each cursor FETCH is one).
  s.postgres.statement_timeout = env.Duration("PG_STATEMENT_TIMEOUT", 30s);
  s.postgres.size = static_cast<std::size_t>(env.Int("PG_POOL_SIZE", 2, 1, 64));
  s.redis = cache::RedisOptionsFromEnv(env, errors);
  s.redis.size = static_cast<std::size_t>(env.Int("REDIS_POOL_SIZE", 2, 1, 64));
  // A report may be megabytes: Redis gets more than the BFF's 300 ms per command.
  s.redis.command_timeout = env.Duration("REDIS_TIMEOUT", 2s);

  s.kafka_brokers = env.String("KAFKA_BROKERS", "localhost:9092");
  s.request_topic = env.String("KAFKA_READER_TOPIC", "message-log");
  s.result_topic = env.String("KAFKA_WRITER_TOPIC", "message-send");
  s.group_id = env.String("KAFKA_GROUP_ID", "nationpulse-reporting");
  s.topic_partitions = static_cast<int>(env.Int("KAFKA_TOPIC_PARTITIONS", 3, 1, 1000));
  s.topic_replication = static_cast<int>(env.Int("KAFKA_TOPIC_REPLICATION", 3, 1, 16));
  s.result_ttl = std::chrono::seconds(env.Int("REPORT_CACHE_TTL_SECONDS", 300, 1, 7 * 24 * 3600));
  s.publish_timeout = env.Duration("KAFKA_PUBLISH_TIMEOUT", 10s);
  s.max_result_bytes = static_cast<std::size_t>(env.Int("REPORT_MAX_BYTES", 16 << 20, 64 << 10, 100 << 20));
  s.retry_backoff_max = env.Duration("REPORT_RETRY_BACKOFF_MAX", 5s);
  s.grpc_address =
      env.String("GRPC_ADDRESS", "0.0.0.0") + ":" + std::to_string(env.Int("GRPC_PORT", 50052, 1, 65535));
  s.http_address = env.String("HTTP_ADDRESS", "0.0.0.0");
  s.http_port = static_cast<std::uint16_t>(env.Int("METRICS_PORT", 8082, 0, 65535));
  s.probe_interval = env.Duration("HEALTH_PROBE_INTERVAL", 2s);
  try {
    s.log_level = log::ParseLevel(env.String("LOG_LEVEL", "info"));
  } catch (const std::invalid_argument& e) {
    errors.push_back(std::string("LOG_LEVEL: ") + e.what());
  }
  if (s.kafka_brokers.empty()) errors.push_back("KAFKA_BROKERS must not be empty");
  if (s.request_topic == s.result_topic)
    errors.push_back("KAFKA_READER_TOPIC and KAFKA_WRITER_TOPIC must differ");

  errors.insert(errors.begin(), env.errors().begin(), env.errors().end());
  if (!errors.empty()) {
    std::string msg = "invalid configuration: ";
    for (std::size_t i = 0; i < errors.size(); ++i) msg += (i ? "; " : "") + errors[i];
    throw config::ConfigError(msg);
  }
  return s;
}

}  // namespace nationpulse::reporting
