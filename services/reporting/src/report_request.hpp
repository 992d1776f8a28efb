#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "nationpulse/base/expected.hpp"

namespace nationpulse::reporting {

/// The fields of a `message-log` request (messaging.md §5.1) that reporting uses.
/// `filters` is deliberately absent: `filters.query` is SQL from the bus and is ignored (D-11), and
/// `filters.headers`/`records` are replaced by the whitelist (report_table.hpp).
struct ReportRequest {
  std::string export_id;
  std::int64_t user_id = 0;
  std::string table;         ///< one of the six keys of FindReportTable
  std::string country_code;  ///< matches ^[A-Za-z0-9_]{2,12}$
};

/// Parses and validates a request message value. Keys are matched like Go's decoder: an exact match first,
/// otherwise case-insensitively. `userID` may be a JSON integer or a string holding one.
/// The error is a one-line message fit for a log line or a failure result.
Expected<ReportRequest, std::string> ParseReportRequest(std::string_view json);

}  // namespace nationpulse::reporting
