#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <string_view>

namespace nationpulse::log {

enum class Level { kTrace, kDebug, kInfo, kWarn, kError, kCritical, kOff };

/// Parses "trace", "debug", "info", "warn"/"warning", "error", "critical", "off".
/// @throws std::invalid_argument for anything else.
Level ParseLevel(std::string_view text);

/// Configures the process-wide logger: one JSON object per line on stdout with the keys
/// ts (RFC 3339 UTC), level, service, msg, trace_id and span_id when the thread runs inside a span
/// (trace::Current()), then the caller's fields. Call once from main().
void Init(std::string_view service, Level level);
/// Same, writing to `out` (tests). The stream must outlive logging.
void InitForTest(std::string_view service, Level level, std::ostream& out);

void SetLevel(Level level);
bool Enabled(Level level);

/// Logs `msg` with extra fields (a JSON object; other JSON values are put under "fields").
void Write(Level level, std::string_view msg, const nlohmann::json& fields = nlohmann::json::object());

inline void Debug(std::string_view msg, const nlohmann::json& fields = nlohmann::json::object()) {
  Write(Level::kDebug, msg, fields);
}
inline void Info(std::string_view msg, const nlohmann::json& fields = nlohmann::json::object()) {
  Write(Level::kInfo, msg, fields);
}
inline void Warn(std::string_view msg, const nlohmann::json& fields = nlohmann::json::object()) {
  Write(Level::kWarn, msg, fields);
}
inline void Error(std::string_view msg, const nlohmann::json& fields = nlohmann::json::object()) {
  Write(Level::kError, msg, fields);
}

/// Flushes pending output (before exit).
void Flush();

/// At most `burst` lines per `window` from one call site that can fire once per request: during a
/// dependency outage it would otherwise write a line for every refused request. The first line let
/// through after some were held back carries "suppressed": <how many>. Thread-safe.
///
///   static log::Throttle throttle(5, std::chrono::seconds(10));
///   throttle.Warn("database call failed", {{"error", e.message}});
class Throttle {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  /// `clock`: empty for steady_clock (tests pass their own).
  Throttle(std::uint32_t burst, std::chrono::steady_clock::duration window, Clock clock = {});

  /// Writes the line if its window has room left, else counts it as suppressed. A level that is not
  /// enabled is neither written nor counted. @returns whether the line was written.
  bool Write(Level level, std::string_view msg, nlohmann::json fields = nlohmann::json::object());
  bool Warn(std::string_view msg, nlohmann::json fields = nlohmann::json::object()) {
    return Write(Level::kWarn, msg, std::move(fields));
  }

 private:
  const std::uint32_t burst_;
  const std::chrono::steady_clock::duration window_;
  const Clock clock_;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point window_start_{};
  bool started_ = false;
  std::uint32_t written_ = 0;     ///< lines written in the current window
  std::uint64_t suppressed_ = 0;  ///< lines held back since the last one written
};

}  // namespace nationpulse::log
