#pragma once

#include <cstddef>
#include <string>

namespace nationpulse::sdmx {

/// Why an SDMX input was rejected: returned (never thrown) by every reader of this library, since
/// bad input from the OECD API or a file is an outcome the ingestion must handle, not a bug.
struct ParseError {
  enum class Kind {
    kUnterminatedQuote,  ///< the input ended inside a quoted field
    kStrayQuote,         ///< a quote inside an unquoted field, or text right after a closing quote
    kFieldCount,         ///< a record's field count differs from the header's
    kRecordTooLarge,     ///< a record exceeded CsvOptions::max_record_bytes or max_fields
    kBinary,             ///< a NUL byte: the input is not text
    kNoHeader,           ///< the input held no record at all (empty body)
    kMissingColumn,      ///< a column the feed requires is not in the header (`column` names it)
    kBadValue,           ///< the value column holds something other than a finite number
    kMissingPeriod,      ///< the period column is empty
    kBadStructure,       ///< a structure file is not well-formed SDMX-ML or defines no data structure
    kIo,                 ///< a file could not be read
  };
  Kind kind = Kind::kBadStructure;
  std::size_t line = 0;  ///< 1-based line of the offending record; 0 when not tied to one line
  std::string column;    ///< the column concerned (kMissingColumn, kBadValue, kMissingPeriod), else empty
  std::string message;   ///< one line for logs and job messages, naming line and column
};

/// Stable lower-case name of a kind, e.g. "missing_column" (for logs and metrics labels).
const char* KindName(ParseError::Kind kind);

}  // namespace nationpulse::sdmx
