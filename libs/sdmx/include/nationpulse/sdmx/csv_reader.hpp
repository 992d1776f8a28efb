#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "nationpulse/base/expected.hpp"
#include "nationpulse/sdmx/error.hpp"

namespace nationpulse::sdmx {

/// Limits against hostile or broken input.
struct CsvOptions {
  std::size_t max_record_bytes = std::size_t{1} << 20;  ///< raw bytes of one record, separators included
  std::size_t max_fields = 1024;                        ///< fields of one record (SDMX files have < 50)
};

/// One CSV record: its fields, unquoted and unescaped, and where it starts.
struct CsvRecord {
  std::size_t line = 0;  ///< 1-based physical line of the record's first byte
  std::vector<std::string> fields;
};

/// Incremental RFC 4180 reader: feed it byte chunks as they arrive (a record, a quoted field, a
/// CRLF or the BOM may be split anywhere between chunks) and take complete records out.
///
/// Accepted: comma separator; double-quoted fields with "" escapes, commas and line breaks inside;
/// CRLF, LF or a lone CR as record end; bytes passed through unchanged (UTF-8 stays UTF-8); one
/// leading UTF-8 BOM skipped; a last record without a line end. Empty lines are skipped (so a
/// trailing empty line is ignored). Every record must have as many fields as the first one.
/// Errors (see ParseError::Kind) carry the 1-based line; after one, the reader stays failed and
/// returns the same error. The results never depend on how the input was split into chunks.
///
///   CsvReader reader;
///   for (auto chunk : body_chunks) if (auto ok = reader.Feed(chunk); !ok) return ok.error();
///   if (auto ok = reader.Finish(); !ok) return ok.error();
///   for (CsvRecord rec; reader.Next(rec);) use(rec.fields);  // may also be drained after each Feed
class CsvReader final {
 public:
  explicit CsvReader(CsvOptions options = {});

  /// Parses `chunk`; records it completes become available to Next().
  /// @throws std::logic_error when called after Finish() (a programming error).
  Expected<void, ParseError> Feed(std::string_view chunk);

  /// Declares the end of input: completes a last record that has no line end, and fails with
  /// kUnterminatedQuote when the input stops inside a quoted field. Calling it again is a no-op.
  Expected<void, ParseError> Finish();

  /// Moves the oldest complete record into `out`; false when none is pending. Records completed
  /// before an error are still delivered.
  bool Next(CsvRecord& out);

  /// Complete records not yet taken by Next().
  [[nodiscard]] std::size_t pending() const noexcept { return ready_.size(); }

 private:
  enum class State { kRecordStart, kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted };

  Expected<void, ParseError> Consume(std::string_view bytes);
  Expected<void, ParseError> EndField();
  Expected<void, ParseError> EndRecord();
  Expected<void, ParseError> Fail(ParseError::Kind kind, std::size_t line, std::string message);
  Expected<void, ParseError> CountBytes(std::size_t n);
  void CountLines(char c) noexcept;

  CsvOptions options_;
  State state_ = State::kRecordStart;
  std::size_t bom_matched_ = 0;
  bool bom_done_ = false;
  bool finished_ = false;
  bool failed_ = false;
  ParseError error_;
  std::size_t line_ = 1;  // line of the next byte
  bool prev_cr_ = false;
  std::size_t record_line_ = 0;
  std::size_t record_bytes_ = 0;
  std::size_t expected_fields_ = 0;
  std::string field_;
  std::vector<std::string> fields_;
  std::deque<CsvRecord> ready_;
};

}  // namespace nationpulse::sdmx
