#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nationpulse::reporting {

/// RFC 4180 CSV writer of messaging.md §8: delimiter ',', line terminator "\n"; a field is double-quoted
/// when it contains a comma, a double quote (doubled inside), CR or LF, or starts with a space or tab.
/// Cells are formatted per §8 [REC] (D-45).
///
/// Streaming-friendly: it appends to a caller-owned string, which the caller may flush and clear at any
/// time (even mid-row); the writer keeps only the "first cell of the row" state.
class CsvWriter {
 public:
  explicit CsvWriter(std::string& out) : out_(out) {}

  /// Writes a whole row of text cells (the header row; always write it, even for zero data rows).
  void WriteRow(const std::vector<std::string_view>& cells);

  void AppendText(std::string_view text);
  void AppendInt(std::int64_t value);
  /// Plain decimal, up to 15 significant digits, no exponent, no trailing zeros (345950000, 79.1,
  /// 0.0000001). NaN and infinities are written as Postgres spells them ("NaN", "Infinity", "-Infinity").
  void AppendDouble(double value);
  /// Postgres timestamp(tz) text ("2025-11-02 09:14:03.51872+00") as RFC 3339 ("2025-11-02T09:14:03.51872Z").
  void AppendTimestamp(std::string_view pg_text);
  /// SQL NULL: an empty cell.
  void AppendNull();
  /// Ends the current row with "\n".
  void EndRow();

  /// Data and header rows ended so far.
  [[nodiscard]] std::size_t rows() const noexcept { return rows_; }

 private:
  void BeginCell();

  std::string& out_;
  bool row_open_ = false;
  std::size_t rows_ = 0;
};

/// The §8 [REC] double text (see CsvWriter::AppendDouble).
std::string FormatDouble(double value);

}  // namespace nationpulse::reporting
