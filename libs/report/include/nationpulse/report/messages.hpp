#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "nationpulse/base/expected.hpp"

namespace nationpulse::report {

/// The fields of a `message-log` request (messaging.md §5.1) that matter.
/// `filters` is deliberately absent: `filters.query` is SQL from the bus and is ignored (D-11), and
/// `filters.headers`/`records` come from the whitelist (tables.hpp).
struct ReportRequest {
  std::string export_id;
  std::int64_t user_id = 0;
  std::string table;         ///< one of the six keys of FindReportTable
  std::string country_code;  ///< matches ^[A-Za-z0-9_]{2,12}$
  /// Our extra field `requestID`: one id per accepted publish, echoed on the result so the BFF
  /// delivers each result once. Empty in messages from the original Go BFF.
  std::string request_id;
};

/// Parses and validates a request message value. Keys are matched like Go's decoder: an exact match first,
/// otherwise case-insensitively. `userID` may be a JSON integer or a string holding one.
/// The error is a one-line message fit for a log line or a failure result.
Expected<ReportRequest, std::string> ParseReportRequest(std::string_view json);

/// Whom a request belongs to, read as far as the message allows, so that a request ParseReportRequest
/// refused can still be answered with a failure result. Empty/nullopt for what cannot be read.
struct RequestOwner {
  std::string export_id;
  std::optional<std::int64_t> user_id;
  std::string request_id;
};
RequestOwner PeekRequestOwner(std::string_view json);

/// The §5.1 message the BFF publishes, keys in the original's order plus `requestID`:
/// {"exportID","userID","filters":{"headers","records":[],"query"},"requestTableString",
/// "requestCountryCode","requestID"}. `filters` is filled from the whitelist for wire compatibility
/// with the original reporting service. @throws std::invalid_argument for a table not in the whitelist.
std::string EncodeReportRequest(const ReportRequest& request);

/// A `message-send` result (§5.2) with our optional fields.
struct ReportResult {
  std::string status;               ///< "completed" or "failed"
  std::int64_t status_code = 0;     ///< 1 completed, -1 failed
  std::optional<std::string> data;  ///< base64 of the CSV
  std::string export_id;
  std::optional<std::int64_t> user_id;
  std::string request_id;
  std::string error;
};

/// Parses a result message; keys as written by EncodeFailureResult / the success writer (or the
/// original, which has only Status, StatusCode and Data).
Expected<ReportResult, std::string> ParseReportResult(std::string_view json);

/// {"Status":"failed","StatusCode":-1,"Data":null,"exportID":...,"userID":...,"requestID":...,"error":...}.
/// userID is null when unknown.
std::string EncodeFailureResult(const RequestOwner& owner, std::string_view error);

/// A completed result is written in pieces so the base64 CSV, the largest part, is appended in place and
/// never copied: `out = SuccessResultHead(); <append base64>; AppendSuccessResultTail(out, request);` gives
/// {"Status":"completed","StatusCode":1,"Data":"<base64>","exportID":...,"userID":...,"requestID":...}.
std::string SuccessResultHead();
void AppendSuccessResultTail(std::string& out, const ReportRequest& request);

/// Redis key of a stored result, per user (the original shared `reporting:<exportID>` between users):
/// "reporting:<userID>:<exportID>".
std::string ResultKey(std::int64_t user_id, std::string_view export_id);

/// Redis hash of a user's accepted but undelivered requests (field requestID, value exportID), read by the
/// BFF when an SSE stream opens so that a result finished before the browser subscribed is not lost.
std::string PendingKey(std::int64_t user_id);

}  // namespace nationpulse::report
