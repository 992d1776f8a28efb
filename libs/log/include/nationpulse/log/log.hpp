#pragma once

#include <memory>
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

}  // namespace nationpulse::log
