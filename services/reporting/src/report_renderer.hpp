#pragma once

#include <cstddef>
#include <string>

#include "nationpulse/base/expected.hpp"
#include "nationpulse/db/pool.hpp"
#include "nationpulse/report/messages.hpp"

namespace nationpulse::reporting {

/// Why a report could not be rendered.
struct RenderError {
  /// True when trying again later may succeed (Postgres down or restarting, pool exhausted); false when the
  /// same request will fail again (the query itself failed or timed out).
  bool transient = false;
  std::string message;
};

/// Runs the whitelisted getter of a request and renders the completed result message (messaging.md §5.2
/// with our extra fields): the CSV of §8 [REC] (header row always, even for zero rows), base64-encoded.
///
/// Rows are read through a server-side cursor `batch_rows` at a time and each batch is CSV-encoded and
/// base64-encoded at once, so only the final message is held whole: a large table is never in memory as a
/// full result set, a full CSV and a full base64 copy at the same time.
///
///   auto message = RenderReport(pool, request);   // the value to publish on message-send
Expected<std::string, RenderError> RenderReport(db::Pool& pool, const report::ReportRequest& request,
                                                std::size_t batch_rows = 2000);

/// Standard base64 (with padding) of `bytes` appended to `out`; `bytes.size()` must be a multiple of 3
/// unless it is the last piece.
void AppendBase64(std::string& out, std::string_view bytes);

}  // namespace nationpulse::reporting
