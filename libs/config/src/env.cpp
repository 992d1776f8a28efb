#include "nationpulse/config/env.hpp"

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace nationpulse::config {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

Env::Env() : use_process_env_(true) {}

Env::Env(Vars vars) : vars_(std::move(vars)), use_process_env_(false) {}

void Env::LoadDotEnv(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    auto text = Trim(line);
    if (text.empty() || text.front() == '#') continue;
    if (text.starts_with("export ")) text = Trim(text.substr(7));
    const auto eq = text.find('=');
    if (eq == std::string_view::npos) continue;
    auto key = Trim(text.substr(0, eq));
    auto value = Trim(text.substr(eq + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    dotenv_.emplace(std::string(key), std::string(value));
  }
}

std::optional<std::string> Env::Raw(std::string_view name) const {
  const std::string key(name);
  names_read_.insert(key);
  if (use_process_env_) {
    if (const char* v = std::getenv(key.c_str()); v != nullptr && *v != '\0') return std::string(v);
  } else if (auto it = vars_.find(key); it != vars_.end() && !it->second.empty()) {
    return it->second;
  }
  if (auto it = dotenv_.find(key); it != dotenv_.end() && !it->second.empty()) return it->second;
  return std::nullopt;
}

std::optional<std::string> Env::Optional(std::string_view name) const { return Raw(name); }

std::string Env::String(std::string_view name, std::string_view fallback) const {
  auto v = Raw(name);
  return v ? *v : std::string(fallback);
}

std::string Env::FirstOf(std::initializer_list<std::string_view> names, std::string_view fallback) const {
  for (auto name : names) names_read_.emplace(name);
  for (auto name : names) {
    if (auto v = Raw(name)) return *v;
  }
  return std::string(fallback);
}

std::int64_t Env::Int(std::string_view name, std::int64_t fallback, std::int64_t min, std::int64_t max) {
  auto v = Raw(name);
  if (!v) return fallback;
  const auto text = Trim(*v);
  std::int64_t out = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    errors_.push_back(std::string(name) + "=\"" + *v + "\" is not an integer");
    return fallback;
  }
  if (out < min || out > max) {
    errors_.push_back(std::string(name) + "=" + std::to_string(out) + " is outside [" + std::to_string(min) +
                      ", " + std::to_string(max) + "]");
    return fallback;
  }
  return out;
}

std::chrono::milliseconds Env::Duration(std::string_view name, std::chrono::milliseconds fallback) {
  auto v = Raw(name);
  if (!v) return fallback;
  auto d = ParseDuration(Trim(*v));
  if (!d || d->count() < 0) {
    errors_.push_back(std::string(name) + "=\"" + *v + "\" is not a duration (examples: 500ms, 5s, 2m, 1h)");
    return fallback;
  }
  return *d;
}

bool Env::Bool(std::string_view name, bool fallback) {
  auto v = Raw(name);
  if (!v) return fallback;
  std::string lower;
  for (char c : Trim(*v)) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower == "1" || lower == "true" || lower == "yes" || lower == "on") return true;
  if (lower == "0" || lower == "false" || lower == "no" || lower == "off") return false;
  errors_.push_back(std::string(name) + "=\"" + *v + "\" is not a boolean (true/false)");
  return fallback;
}

std::vector<std::string> Env::List(std::string_view name, std::string_view fallback) const {
  const std::string text = String(name, fallback);
  std::vector<std::string> out;
  std::string_view rest(text);
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    auto item = Trim(rest.substr(0, comma));
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return out;
}

void Env::Check() const {
  if (errors_.empty()) return;
  std::ostringstream msg;
  msg << "invalid configuration: ";
  for (std::size_t i = 0; i < errors_.size(); ++i) msg << (i ? "; " : "") << errors_[i];
  throw ConfigError(msg.str());
}

std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double seconds_only = 0;
  {
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds_only);
    if (ec == std::errc() && ptr == text.data() + text.size()) {
      return std::chrono::milliseconds(static_cast<std::int64_t>(seconds_only * 1000));
    }
  }
  double total_ms = 0;
  while (!text.empty()) {
    double number = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec != std::errc() || number < 0) return std::nullopt;
    text.remove_prefix(static_cast<std::size_t>(ptr - text.data()));
    std::size_t unit_len = 0;
    while (unit_len < text.size() && std::isalpha(static_cast<unsigned char>(text[unit_len]))) ++unit_len;
    const auto unit = text.substr(0, unit_len);
    text.remove_prefix(unit_len);
    double scale = 0;
    if (unit == "ms") {
      scale = 1;
    } else if (unit == "s") {
      scale = 1000;
    } else if (unit == "m") {
      scale = 60'000;
    } else if (unit == "h") {
      scale = 3'600'000;
    } else if (unit == "d") {
      scale = 86'400'000;
    } else {
      return std::nullopt;
    }
    total_ms += number * scale;
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(total_ms));
}

}  // namespace nationpulse::config
