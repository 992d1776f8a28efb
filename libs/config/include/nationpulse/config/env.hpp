#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace nationpulse::config {

/// Thrown by Env::Check() when any setting was malformed; what() names every bad variable.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Typed reads of environment settings with defaults. An empty value counts as unset (as in
/// the Go original). Bad values do not throw at once: they are collected so that start-up can
/// report all of them in one message, and the default is returned meanwhile.
///
///   config::Env env;                        // process environment (+ optional .env file)
///   auto port = env.Int("PORT", 8081, 1, 65535);
///   env.Check();                            // @throws ConfigError naming each bad variable
class Env {
 public:
  using Vars = std::map<std::string, std::string>;

  /// Reads the process environment.
  Env();
  /// Reads only the given variables (tests, tools).
  explicit Env(Vars vars);

  /// Adds KEY=VALUE lines of `path` as fallbacks for variables the environment lacks
  /// (like godotenv in the original). A missing file is not an error.
  void LoadDotEnv(const std::string& path);

  std::string String(std::string_view name, std::string_view fallback) const;
  /// The first of several accepted names that is set (e.g. PG_DB_PASS and PG_DB_PASSWORD).
  std::string FirstOf(std::initializer_list<std::string_view> names, std::string_view fallback) const;
  std::optional<std::string> Optional(std::string_view name) const;
  std::int64_t Int(std::string_view name, std::int64_t fallback, std::int64_t min, std::int64_t max);
  /// Accepts Go-style durations ("1500ms", "5s", "2m", "1h", "1h30m") or a bare number of seconds.
  std::chrono::milliseconds Duration(std::string_view name, std::chrono::milliseconds fallback);
  bool Bool(std::string_view name, bool fallback);
  /// Comma-separated list, items trimmed, empty items dropped.
  std::vector<std::string> List(std::string_view name, std::string_view fallback) const;

  /// @throws ConfigError listing every variable that failed to parse.
  void Check() const;
  const std::vector<std::string>& errors() const { return errors_; }

  /// Every variable name asked for so far, set or not (FirstOf records all its names). Lets a
  /// binary list the settings it reads (`--print-env`) so deployment files can be checked against it.
  const std::set<std::string>& names_read() const { return names_read_; }

 private:
  std::optional<std::string> Raw(std::string_view name) const;

  std::map<std::string, std::string> vars_;
  std::map<std::string, std::string> dotenv_;
  bool use_process_env_;
  std::vector<std::string> errors_;
  mutable std::set<std::string> names_read_;
};

/// Parses a Go-style duration; nullopt when malformed.
std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text);

}  // namespace nationpulse::config
