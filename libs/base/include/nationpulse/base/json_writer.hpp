#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nationpulse {

/// Appends compact JSON to a string, producing what the Go original's encoding/json
/// emits for the same values: floats in shortest round-trip form without a trailing ".0"
/// (34950, 79.1, 1e+21), '<', '>', '&' escaped as \u003c etc. nlohmann::json cannot do the
/// float part (it prints 34950.0), so response bodies are written with this.
///
/// The writer does not validate structure; callers emit keys and values in order:
///   JsonWriter w(out); w.BeginObject(); w.Key("year"); w.Int(2010); w.EndObject();
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  void Key(std::string_view key);
  void String(std::string_view value);
  void Int(std::int64_t value);
  void Double(double value);
  void OptionalDouble(std::optional<double> value);
  void Bool(bool value);
  void Null();
  /// Inserts already-serialised JSON (e.g. a cached array) as one value.
  void Raw(std::string_view json);

 private:
  void Separate();

  std::string& out_;
  bool need_comma_ = false;
};

/// Go-compatible number text for a float64 ('f' format in [1e-6, 1e21), else 'e'); NaN/Inf
/// are not representable in JSON and come out as null.
std::string FormatJsonDouble(double value);

/// Appends `value` as a quoted JSON string with Go's escaping rules.
void AppendJsonString(std::string& out, std::string_view value);

}  // namespace nationpulse
