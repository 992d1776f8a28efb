#include "csv_writer.hpp"

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "nationpulse/db/text_format.hpp"

namespace nationpulse::reporting {
namespace {

bool NeedsQuotes(std::string_view s) {
  if (s.empty()) return false;
  if (s.front() == ' ' || s.front() == '\t') return true;
  return s.find_first_of(",\"\r\n") != std::string_view::npos;
}

}  // namespace

std::string FormatDouble(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (value == 0) return "0";  // also -0
  // Round to 15 significant digits: "-d.ddddddddddddddde±XX".
  std::array<char, 40> buf{};
  std::snprintf(buf.data(), buf.size(), "%.14e", value);
  std::string_view text(buf.data());
  std::string out;
  if (text.front() == '-') {
    out += '-';
    text.remove_prefix(1);
  }
  const auto e_pos = text.find('e');
  const int exponent = std::atoi(std::string(text.substr(e_pos + 1)).c_str());
  std::string digits;
  for (const char c : text.substr(0, e_pos)) {
    if (c != '.') digits += c;
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();

  if (exponent >= 0) {
    const auto int_len = static_cast<std::size_t>(exponent) + 1;
    if (digits.size() <= int_len) {
      out += digits;
      out.append(int_len - digits.size(), '0');
    } else {
      out.append(digits, 0, int_len);
      out += '.';
      out.append(digits, int_len);
    }
  } else {
    out += "0.";
    out.append(static_cast<std::size_t>(-exponent - 1), '0');
    out += digits;
  }
  return out;
}

void CsvWriter::BeginCell() {
  if (row_open_) out_ += ',';
  row_open_ = true;
}

void CsvWriter::WriteRow(const std::vector<std::string_view>& cells) {
  for (const auto cell : cells) AppendText(cell);
  EndRow();
}

void CsvWriter::AppendText(std::string_view text) {
  BeginCell();
  if (!NeedsQuotes(text)) {
    out_ += text;
    return;
  }
  out_ += '"';
  for (const char c : text) {
    if (c == '"') out_ += '"';
    out_ += c;
  }
  out_ += '"';
}

void CsvWriter::AppendInt(std::int64_t value) {
  BeginCell();
  out_ += std::to_string(value);
}

void CsvWriter::AppendDouble(double value) {
  BeginCell();
  out_ += FormatDouble(value);
}

void CsvWriter::AppendTimestamp(std::string_view pg_text) { AppendText(db::TimestampToRfc3339(pg_text)); }

void CsvWriter::AppendNull() { BeginCell(); }

void CsvWriter::EndRow() {
  out_ += '\n';
  row_open_ = false;
  ++rows_;
}

}  // namespace nationpulse::reporting
