#include "settings.hpp"

namespace nationpulse::scheduler {

using namespace std::chrono_literals;

Settings LoadSettings(config::Env& env) {
  Settings s;
  std::vector<std::string> errors;
  s.schedule_spec = env.String("CRON_SCHEDULE", "@every 360h");
  if (auto parsed = cron::Schedule::Parse(s.schedule_spec)) {
    s.schedule = parsed.value();
  } else {
    errors.push_back("CRON_SCHEDULE: " + parsed.error().message);
  }
  if (auto zone = cron::TimeZone::Load(env.String("CRON_TZ", "UTC"))) {
    s.time_zone = zone.value();
  } else {
    errors.push_back("CRON_TZ: " + zone.error());
  }
  s.run_on_start = env.Bool("RUN_ON_START", false);
  s.ingestion_target = env.String("GRPC_SERVER_ADDR", "localhost:50053");
  s.job_timeout = env.Duration("GRPC_JOB_TIMEOUT", 30min);
  s.connect_timeout = env.Duration("GRPC_CONNECT_TIMEOUT", 10s);
  s.retry_attempts = static_cast<int>(env.Int("RETRY_ATTEMPTS", 3, 0, 100));
  s.grpc_address =
      env.String("GRPC_ADDRESS", "0.0.0.0") + ":" + std::to_string(env.Int("GRPC_PORT", 50054, 1, 65535));
  s.http_address = env.String("HTTP_ADDRESS", "0.0.0.0");
  s.http_port = static_cast<std::uint16_t>(env.Int("METRICS_PORT", 8084, 0, 65535));
  s.probe_interval = env.Duration("HEALTH_PROBE_INTERVAL", 2s);
  try {
    s.log_level = log::ParseLevel(env.String("LOG_LEVEL", "info"));
  } catch (const std::invalid_argument& e) {
    errors.push_back(std::string("LOG_LEVEL: ") + e.what());
  }
  if (s.job_timeout < 1s) errors.push_back("GRPC_JOB_TIMEOUT must be at least 1s");
  if (s.connect_timeout < 100ms) errors.push_back("GRPC_CONNECT_TIMEOUT must be at least 100ms");
  if (s.probe_interval < 100ms) errors.push_back("HEALTH_PROBE_INTERVAL must be at least 100ms");

  errors.insert(errors.begin(), env.errors().begin(), env.errors().end());
  if (!errors.empty()) {
    std::string msg = "invalid configuration: ";
    for (std::size_t i = 0; i < errors.size(); ++i) msg += (i ? "; " : "") + errors[i];
    throw config::ConfigError(msg);
  }
  return s;
}

}  // namespace nationpulse::scheduler
