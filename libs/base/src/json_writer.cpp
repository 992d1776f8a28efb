#include "nationpulse/base/json_writer.hpp"

#include <array>
#include <charconv>
#include <cmath>

namespace nationpulse {

void JsonWriter::Separate() {
  if (need_comma_) out_.push_back(',');
}

void JsonWriter::BeginObject() {
  Separate();
  out_.push_back('{');
  need_comma_ = false;
}

void JsonWriter::EndObject() {
  out_.push_back('}');
  need_comma_ = true;
}

void JsonWriter::BeginArray() {
  Separate();
  out_.push_back('[');
  need_comma_ = false;
}

void JsonWriter::EndArray() {
  out_.push_back(']');
  need_comma_ = true;
}

void JsonWriter::Key(std::string_view key) {
  Separate();
  AppendJsonString(out_, key);
  out_.push_back(':');
  need_comma_ = false;
}

void JsonWriter::String(std::string_view value) {
  Separate();
  AppendJsonString(out_, value);
  need_comma_ = true;
}

void JsonWriter::Int(std::int64_t value) {
  Separate();
  std::array<char, 24> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value);
  out_.append(buf.data(), end);
  need_comma_ = true;
}

void JsonWriter::Double(double value) {
  Separate();
  out_ += FormatJsonDouble(value);
  need_comma_ = true;
}

void JsonWriter::OptionalDouble(std::optional<double> value) {
  if (value) {
    Double(*value);
  } else {
    Null();
  }
}

void JsonWriter::Bool(bool value) {
  Separate();
  out_ += value ? "true" : "false";
  need_comma_ = true;
}

void JsonWriter::Null() {
  Separate();
  out_ += "null";
  need_comma_ = true;
}

void JsonWriter::Raw(std::string_view json) {
  Separate();
  out_ += json;
  need_comma_ = true;
}

std::string FormatJsonDouble(double value) {
  if (!std::isfinite(value)) return "null";
  std::array<char, 64> buf{};
  const double magnitude = std::fabs(value);
  // Same switch point as Go's encoding/json: plain decimal unless very large or very small.
  const bool scientific = magnitude != 0 && (magnitude < 1e-6 || magnitude >= 1e21);
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value,
                                 scientific ? std::chars_format::scientific : std::chars_format::fixed);
  std::string text(buf.data(), end);
  if (scientific) {
    // Go writes a two-digit exponent without its leading zero: 1e-07 -> 1e-7.
    const auto e = text.find('e');
    if (e != std::string::npos && text.size() > e + 3 && text[e + 2] == '0') {
      text.erase(e + 2, 1);
    }
  }
  return text;
}

void AppendJsonString(std::string& out, std::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (const char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '<':
      case '>':
      case '&':
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xF]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

}  // namespace nationpulse
