#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "nationpulse/base/expected.hpp"

namespace nationpulse::fetch {

/// Budgets and retry policy of one Get. connect/attempt timeouts below 1 ms count as 1 ms.
struct FetchOptions {
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds attempt_timeout{60000};  ///< whole transfer of one attempt (CURLOPT_TIMEOUT_MS)
  /// Abort an attempt that receives no byte (header or body) for this long once connected: a stalled
  /// server. Also bounds the wait for the first response byte. 0 = no stall detection.
  std::chrono::milliseconds stall_timeout{15000};
  /// Budget of the whole call (all attempts and back-off sleeps); 0 = only the per-attempt limits.
  /// A retry whose back-off would not fit fails at once with the last attempt's error.
  std::chrono::milliseconds deadline{0};
  std::size_t max_body_bytes = 256u << 20;  ///< larger (decoded) bodies fail with kTooLarge (not retried)
  int max_attempts = 4;                     ///< 1 = no retry
  /// Doubled per retry, capped by backoff_max; a Retry-After (seconds or date) is honoured up to backoff_max.
  std::chrono::milliseconds backoff_initial{1000};
  std::chrono::milliseconds backoff_max{30000};
  std::string user_agent = "nationpulse-ingestion/1.0";
};

/// Why a Get failed.
struct FetchError {
  enum class Kind {
    kBadUrl,      ///< not an http, https or file URL (or a redirect to one)
    kNetwork,     ///< transport failure (refused, reset, truncated body, TLS, missing file, ...)
    kTimeout,     ///< connect, attempt, stall or overall deadline exceeded
    kHttpStatus,  ///< final status other than 200 (http_status says which)
    kTooLarge,    ///< body exceeded max_body_bytes
    kAborted,     ///< the sink returned false
    kCancelled,   ///< `cancelled` returned true
  };
  Kind kind = Kind::kNetwork;
  long http_status = 0;  ///< the last status seen (0 when none)
  int attempts = 0;      ///< attempts made (0 when the URL was rejected up front)
  std::string message;   ///< one line: URL without query, status and/or curl's error text
};

/// "bad_url", "network", "timeout", "http_status", "too_large", "aborted", "cancelled".
const char* KindName(FetchError::Kind kind);

struct FetchResult {
  long http_status = 200;  ///< always 200 (a successful file:// read counts as 200)
  int attempts = 1;
  std::size_t bytes = 0;  ///< body bytes given to the sink by the successful attempt
  std::chrono::milliseconds elapsed{};
};

/// Receives the body of one attempt, in order, as it arrives.
class BodySink {
 public:
  virtual ~BodySink() = default;
  /// Called before every attempt after the first: discard whatever the failed attempt delivered
  /// (possibly nothing).
  virtual void Restart() = 0;
  /// Returning false aborts the call with kAborted (not retried). An exception thrown here propagates
  /// out of Get after the transfer is torn down.
  virtual bool OnChunk(std::string_view bytes) = 0;
};

/// GETs `url` (http, https or file) and streams a 200 body into `sink`; non-200 bodies never reach it.
/// Retries 429, 5xx, timeouts, stalls and transport failures (refused, reset, truncated body) up to
/// max_attempts with back-off, logging each retry (log::Warn); other statuses (e.g. 404), an oversized
/// body, a rejected URL and a missing file fail at once. Redirects (at most 5, http/https only) are
/// followed, gzip/deflate bodies are decoded, proxies come from the usual environment variables.
/// `cancelled` (optional) is polled about every 50-100 ms during transfers and back-off sleeps (e.g.
/// service shutdown) → kCancelled. Thread-safe: every call has its own curl handles.
/// @throws whatever sink.Restart()/OnChunk() or `cancelled` throw; std::runtime_error when libcurl
/// cannot be initialised or configured (not a per-request condition).
///
///   auto got = fetch::Get(url, {.attempt_timeout = 60s}, parser, [&] { return stopping.load(); });
///   if (!got) log::Error("feed failed", {{"kind", fetch::KindName(got.error().kind)}, ...});
Expected<FetchResult, FetchError> Get(const std::string& url, const FetchOptions& options, BodySink& sink,
                                      const std::function<bool()>& cancelled = {});

/// POSTs `body` to an http(s) `url` once (no retry, no redirect) within `timeout` and returns the
/// status; the response body is discarded. For fire-and-forget reports such as span export, where a
/// failure is counted, not retried. Thread-safe.
///
///   auto status = fetch::Post(endpoint, json, "application/json", 5s);
Expected<long, FetchError> Post(const std::string& url, const std::string& body,
                                const std::string& content_type, std::chrono::milliseconds timeout);

}  // namespace nationpulse::fetch
