#include "nationpulse/log/log.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <mutex>
#include <stdexcept>
#include <utility>

#include "nationpulse/base/json_writer.hpp"
#include "nationpulse/trace/trace.hpp"

namespace nationpulse::log {
namespace {

std::shared_ptr<spdlog::logger>& Logger() {
  static std::shared_ptr<spdlog::logger> logger;
  return logger;
}

spdlog::level::level_enum ToSpd(Level level) {
  switch (level) {
    case Level::kTrace:
      return spdlog::level::trace;
    case Level::kDebug:
      return spdlog::level::debug;
    case Level::kInfo:
      return spdlog::level::info;
    case Level::kWarn:
      return spdlog::level::warn;
    case Level::kError:
      return spdlog::level::err;
    case Level::kCritical:
      return spdlog::level::critical;
    case Level::kOff:
      return spdlog::level::off;
  }
  return spdlog::level::info;
}

void Install(std::string_view service, Level level, spdlog::sink_ptr sink) {
  auto logger = std::make_shared<spdlog::logger>("nationpulse", std::move(sink));
  // The message part (%v) is pre-rendered JSON members, so the pattern closes the object.
  std::string service_json;
  AppendJsonString(service_json, service);
  logger->set_formatter(std::make_unique<spdlog::pattern_formatter>(
      R"({"ts":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","service":)" + service_json + ",%v}",
      spdlog::pattern_time_type::utc));
  logger->set_level(ToSpd(level));
  logger->flush_on(spdlog::level::warn);
  Logger() = std::move(logger);
}

}  // namespace

Level ParseLevel(std::string_view text) {
  if (text == "trace") return Level::kTrace;
  if (text == "debug") return Level::kDebug;
  if (text == "info") return Level::kInfo;
  if (text == "warn" || text == "warning") return Level::kWarn;
  if (text == "error") return Level::kError;
  if (text == "critical") return Level::kCritical;
  if (text == "off") return Level::kOff;
  throw std::invalid_argument("unknown log level \"" + std::string(text) +
                              "\" (trace, debug, info, warn, error, critical, off)");
}

void Init(std::string_view service, Level level) {
  Install(service, level, std::make_shared<spdlog::sinks::stdout_sink_mt>());
}

void InitForTest(std::string_view service, Level level, std::ostream& out) {
  Install(service, level, std::make_shared<spdlog::sinks::ostream_sink_mt>(out, true));
}

void SetLevel(Level level) {
  if (auto& l = Logger()) l->set_level(ToSpd(level));
}

bool Enabled(Level level) {
  auto& l = Logger();
  return l && l->should_log(ToSpd(level));
}

void Write(Level level, std::string_view msg, const nlohmann::json& fields) {
  auto& logger = Logger();
  if (!logger) {
    // Logging before Init() must not be lost (e.g. a config error at start-up).
    Init("nationpulse", Level::kInfo);
  }
  if (!logger->should_log(ToSpd(level))) return;
  std::string body = "\"msg\":";
  AppendJsonString(body, msg);
  // Inside a traced request or job every line names its span, so logs and traces join on trace_id.
  if (const auto span = trace::Current()) {
    body += ",\"trace_id\":\"" + span->TraceIdHex() + "\",\"span_id\":\"" + span->SpanIdHex() + "\"";
  }
  if (fields.is_object()) {
    for (const auto& [key, value] : fields.items()) {
      body.push_back(',');
      AppendJsonString(body, key);
      body.push_back(':');
      body += value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
  } else if (!fields.is_null()) {
    body += ",\"fields\":" + fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  logger->log(ToSpd(level), "{}", body);
}

void Flush() {
  if (auto& l = Logger()) l->flush();
}

Throttle::Throttle(std::uint32_t burst, std::chrono::steady_clock::duration window, Clock clock)
    : burst_(burst),
      window_(window),
      clock_(clock ? std::move(clock) : Clock([] { return std::chrono::steady_clock::now(); })) {}

bool Throttle::Write(Level level, std::string_view msg, nlohmann::json fields) {
  if (!Enabled(level)) return false;
  std::uint64_t dropped = 0;
  {
    std::lock_guard lock(mutex_);
    const auto now = clock_();
    if (!started_ || now - window_start_ >= window_) {
      started_ = true;
      window_start_ = now;
      written_ = 0;
    }
    if (written_ >= burst_) {
      ++suppressed_;
      return false;
    }
    ++written_;
    dropped = std::exchange(suppressed_, 0);
  }
  if (dropped > 0) {
    if (!fields.is_object()) fields = nlohmann::json{{"fields", std::move(fields)}};
    fields["suppressed"] = dropped;
  }
  log::Write(level, msg, fields);
  return true;
}

}  // namespace nationpulse::log
