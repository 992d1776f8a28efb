#pragma once

#include <string_view>
#include <vector>

namespace nationpulse::report {

/// How one result column becomes one CSV cell (messaging.md §8 [REC]).
enum class CellKind {
  kInt,        ///< integer, decimal
  kText,       ///< text/varchar, as is
  kDouble,     ///< double precision, plain decimal (CsvWriter::AppendDouble)
  kTimestamp,  ///< timestamp(tz), RFC 3339 UTC
};

/// One whitelisted report: the fixed query (D-11: never the SQL from the bus), the CSV header row and the
/// kind of each result column, in the getter's output order (data-model.md §1).
struct ReportTable {
  std::string_view key;  ///< requestTableString, e.g. "economy:gdp"
  std::string_view sql;  ///< takes the country code as $1
  std::vector<std::string_view> headers;
  std::vector<CellKind> kinds;  ///< same length as headers
};

/// The whitelist entry for a requestTableString, or nullptr when the key is not one of the six tables.
const ReportTable* FindReportTable(std::string_view key);

/// All six tables, in the order of messaging.md §5.1.
const std::vector<ReportTable>& AllReportTables();

}  // namespace nationpulse::report
