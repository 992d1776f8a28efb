#include "settings.hpp"

#include <cstdlib>

#include "nationpulse/db/settings.hpp"

namespace nationpulse::ingestion {

using namespace std::chrono_literals;

Settings LoadSettings(config::Env& env) {
  Settings s;
  std::vector<std::string> errors;
  s.postgres = db::PoolOptionsFromEnv(env, "nationpulse-ingestion", errors);
  s.postgres.size = static_cast<std::size_t>(env.Int("PG_POOL_SIZE", 2, 1, 64));
  // One statement COPYs a whole feed.
  s.postgres.statement_timeout = env.Duration("PG_STATEMENT_TIMEOUT", 5min);

  auto& j = s.job;
  j.base_url = env.String("BASE_URL", "https://sdmx.oecd.org/public/rest/data");
  while (!j.base_url.empty() && j.base_url.back() == '/') j.base_url.pop_back();
  for (const Feed& feed : AllFeeds()) {
    // An empty variable counts as unset (config::Env): the original's fatal "empty indicator" cannot happen.
    j.indicators[std::string(feed.key)] = env.String(feed.indicator_env, feed.default_indicator);
  }
  if (auto dir = env.Optional("SNAPSHOT_DIR"); dir && !dir->empty()) {
    // file:// URLs need an absolute path.
    if (char* real = realpath(dir->c_str(), nullptr)) {
      j.snapshot_dir = real;
      std::free(real);
    } else {
      errors.push_back("SNAPSHOT_DIR: " + *dir + " does not exist");
    }
  }
  j.delay_between_requests = env.Duration("DELAY_BETWEEN_REQUESTS", 1s);
  j.start_period_years_back = static_cast<int>(env.Int("START_PERIOD_YEARS_BACK", 16, 0, 200));
  j.fetch.connect_timeout = env.Duration("FETCH_CONNECT_TIMEOUT", 10s);
  j.fetch.attempt_timeout = env.Duration("FEED_TIMEOUT", 60s);
  j.fetch.stall_timeout = env.Duration("FETCH_STALL_TIMEOUT", 30s);
  j.fetch.deadline = env.Duration("FEED_DEADLINE", 5min);
  j.fetch.max_attempts = static_cast<int>(env.Int("FETCH_ATTEMPTS", 4, 1, 20));
  j.fetch.backoff_initial = env.Duration("FETCH_BACKOFF_INITIAL", 1s);
  j.fetch.backoff_max = env.Duration("FETCH_BACKOFF_MAX", 30s);
  j.fetch.max_body_bytes = static_cast<std::size_t>(env.Int("MAX_FEED_BYTES", 256 << 20, 1 << 10, 4LL << 30));
  j.temp_dir = env.String("TMPDIR", "/tmp");

  s.grpc_address =
      env.String("GRPC_ADDRESS", "0.0.0.0") + ":" + std::to_string(env.Int("GRPC_PORT", 50053, 0, 65535));
  s.http_address = env.String("HTTP_ADDRESS", "0.0.0.0");
  s.http_port = static_cast<std::uint16_t>(env.Int("METRICS_PORT", 8083, 0, 65535));
  s.probe_interval = env.Duration("HEALTH_PROBE_INTERVAL", 2s);
  s.shutdown_grace = env.Duration("SHUTDOWN_TIMEOUT", 30s);
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

}  // namespace nationpulse::ingestion
