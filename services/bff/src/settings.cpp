#include "settings.hpp"

#include <unistd.h>

#include <fstream>
#include <iterator>

#include "nationpulse/cache/settings.hpp"
#include "nationpulse/db/settings.hpp"

namespace nationpulse::bff {

using namespace std::chrono_literals;

namespace {

/// A secret from NAME, or from the file named by NAME_FILE (Kubernetes/compose secrets). There is
/// no built-in fallback: the original's hard-coded keys (D-01) are exactly what must not exist.
std::string Secret(config::Env& env, const std::string& name, std::vector<std::string>& errors) {
  if (auto v = env.Optional(name)) return *v;
  if (auto path = env.Optional(name + "_FILE")) {
    std::ifstream in(*path, std::ios::binary);
    std::string value((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
      errors.push_back(name + "_FILE: cannot read " + *path);
      return {};
    }
    while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
    if (value.empty()) errors.push_back(name + "_FILE: " + *path + " is empty or unreadable");
    return value;
  }
  errors.push_back(name + " (or " + name + "_FILE) is required: a random string of at least 32 bytes");
  return {};
}

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "local";
  return name;
}

}  // namespace

Settings LoadSettings(config::Env& env) {
  Settings s;
  std::vector<std::string> errors;

  s.http.address = env.String("BFF_LISTEN_ADDRESS", "0.0.0.0");
  s.http.port = static_cast<std::uint16_t>(env.Int("PORT", 8081, 1, 65535));
  s.http.io_threads = static_cast<std::size_t>(env.Int("HTTP_IO_THREADS", 2, 1, 64));
  s.http.worker_threads = static_cast<std::size_t>(env.Int("HTTP_WORKER_THREADS", 8, 1, 256));
  s.http.worker_queue = static_cast<std::size_t>(env.Int("HTTP_WORKER_QUEUE", 512, 1, 100'000));
  s.http.header_limit = static_cast<std::size_t>(env.Int("HTTP_MAX_HEADER_BYTES", 16 * 1024, 1024, 1 << 20));
  s.http.body_limit = static_cast<std::size_t>(env.Int("HTTP_MAX_BODY_BYTES", 1 << 20, 1024, 64 << 20));
  s.http.read_header_timeout = env.Duration("HTTP_READ_HEADER_TIMEOUT", 10s);
  s.http.read_body_timeout = env.Duration("HTTP_READ_BODY_TIMEOUT", 30s);
  s.http.idle_timeout = env.Duration("HTTP_IDLE_TIMEOUT", 60s);
  s.http.write_timeout = env.Duration("HTTP_WRITE_TIMEOUT", 30s);
  s.http.drain_timeout = env.Duration("SHUTDOWN_TIMEOUT", 5s);
  s.http.max_connections = static_cast<std::size_t>(env.Int("HTTP_MAX_CONNECTIONS", 10'000, 1, 1'000'000));

  s.postgres = db::PoolOptionsFromEnv(env, "nationpulse-bff", errors);
  s.redis = cache::RedisOptionsFromEnv(env, errors);

  s.cache_ttl = std::chrono::duration_cast<std::chrono::seconds>(env.Duration("CACHE_TTL", 15min));
  s.cache_enabled = env.Bool("CACHE_ENABLED", true);
  s.local_cache_ttl = env.Duration("CACHE_LOCAL_TTL", 5s);
  s.local_cache_entries =
      static_cast<std::size_t>(env.Int("CACHE_LOCAL_MAX_ENTRIES", 10'000, 16, 10'000'000));
  s.cors_allowed_origins = env.List("CORS_ALLOWED_ORIGINS", "http://localhost:5173,http://localhost:3000");
  try {
    s.log_level = log::ParseLevel(env.String("LOG_LEVEL", "info"));
  } catch (const std::invalid_argument& e) {
    errors.push_back(std::string("LOG_LEVEL: ") + e.what());
  }

  s.auth.access_secret = Secret(env, "ACCESS_SECRET", errors);
  s.auth.refresh_secret = Secret(env, "REFRESH_SECRET", errors);
  for (const auto& [name, value] : {std::pair{"ACCESS_SECRET", &s.auth.access_secret},
                                    std::pair{"REFRESH_SECRET", &s.auth.refresh_secret}}) {
    if (!value->empty() && value->size() < 32)
      errors.push_back(std::string(name) + " must be at least 32 bytes long");
  }
  if (!s.auth.access_secret.empty() && s.auth.access_secret == s.auth.refresh_secret) {
    errors.push_back("ACCESS_SECRET and REFRESH_SECRET must differ");
  }
  s.auth.access_ttl =
      std::chrono::duration_cast<std::chrono::seconds>(env.Duration("ACCESS_TOKEN_TTL", 15min));
  s.auth.refresh_ttl =
      std::chrono::duration_cast<std::chrono::seconds>(env.Duration("REFRESH_TOKEN_TTL", 168h));
  if (s.auth.access_ttl < std::chrono::seconds(60)) errors.push_back("ACCESS_TOKEN_TTL must be at least 1m");
  if (s.auth.refresh_ttl < s.auth.access_ttl)
    errors.push_back("REFRESH_TOKEN_TTL must not be shorter than ACCESS_TOKEN_TTL");
  s.auth.allow_passwordless = env.Bool("AUTH_ALLOW_PASSWORDLESS", false);
  s.secure_cookies = env.Bool("COOKIE_SECURE", false);
  s.signin_per_minute_per_ip = static_cast<double>(env.Int("SIGNIN_RATE_PER_IP", 30, 0, 1'000'000));
  s.signin_burst_per_ip = static_cast<double>(env.Int("SIGNIN_BURST_PER_IP", 10, 1, 1'000'000));
  s.signin_per_minute_per_account = static_cast<double>(env.Int("SIGNIN_RATE_PER_ACCOUNT", 10, 0, 1'000'000));
  s.signin_burst_per_account = static_cast<double>(env.Int("SIGNIN_BURST_PER_ACCOUNT", 5, 1, 1'000'000));

  s.grpc_address =
      env.String("GRPC_ADDRESS", "0.0.0.0") + ":" + std::to_string(env.Int("GRPC_PORT", 50051, 0, 65535));
  s.probe_interval = env.Duration("HEALTH_PROBE_INTERVAL", 2s);

  auto& r = s.reports;
  r.brokers = env.String("KAFKA_BROKERS", "localhost:9092");
  r.request_topic = env.String("KAFKA_WRITER_TOPIC", "message-log");
  r.result_topic = env.String("KAFKA_READER_TOPIC", "message-send");
  r.group_id = env.String("KAFKA_GROUP_ID", "nationpulse-bff-" + HostName());
  r.topic_partitions = static_cast<int>(env.Int("KAFKA_TOPIC_PARTITIONS", 3, 1, 1000));
  r.topic_replication = static_cast<int>(env.Int("KAFKA_TOPIC_REPLICATION", 3, 1, 16));
  r.publish_timeout = env.Duration("KAFKA_PUBLISH_TIMEOUT", 5s);
  r.pending_ttl = std::chrono::duration_cast<std::chrono::seconds>(env.Duration("REPORT_PENDING_TTL", 10min));
  r.heartbeat = env.Duration("SSE_HEARTBEAT_INTERVAL", 15s);
  r.hub.max_streams_per_user = static_cast<std::size_t>(env.Int("REPORT_STREAMS_PER_USER", 4, 1, 1000));
  r.hub.buffer_ttl = std::chrono::seconds(env.Int("REPORT_CACHE_TTL_SECONDS", 300, 1, 7 * 24 * 3600));
  r.hub.pending_ttl = r.pending_ttl;
  r.max_result_bytes = static_cast<std::size_t>(env.Int("REPORT_MAX_BYTES", 16 << 20, 64 << 10, 100 << 20));
  if (r.brokers.empty()) errors.push_back("KAFKA_BROKERS must not be empty");
  if (r.request_topic == r.result_topic)
    errors.push_back("KAFKA_WRITER_TOPIC and KAFKA_READER_TOPIC must differ");
  if (r.publish_timeout < 100ms) errors.push_back("KAFKA_PUBLISH_TIMEOUT must be at least 100ms");
  if (r.heartbeat < 1s) errors.push_back("SSE_HEARTBEAT_INTERVAL must be at least 1s");

  errors.insert(errors.begin(), env.errors().begin(), env.errors().end());
  if (!errors.empty()) {
    std::string msg = "invalid configuration: ";
    for (std::size_t i = 0; i < errors.size(); ++i) msg += (i ? "; " : "") + errors[i];
    throw config::ConfigError(msg);
  }
  return s;
}

}  // namespace nationpulse::bff
