#pragma once

#include <string>
#include <vector>

#include "nationpulse/http/types.hpp"

namespace nationpulse::metrics {
class Registry;
}

namespace nationpulse::http {

/// W3C Trace Context: continues the request's `traceparent` (or starts a trace), runs the rest of the
/// chain inside a server span named "<METHOD> <route template>" (so every log line of the request
/// carries its trace_id/span_id), and answers with the span's `traceparent` header. 5xx answers and
/// exceptions mark the span failed. Put it first in the chain.
Middleware Tracing();

/// One JSON log line per request after the handler returns: msg "request completed", fields
/// path, query, status (the real one), latency (seconds), method, user-agent, route.
Middleware AccessLog();

/// http_requests_total{method,path,status} and http_request_duration_seconds{method,path},
/// the two metric names of the original. `path` is the route template ("unmatched" when no
/// route matched) so label cardinality stays bounded whatever clients send.
Middleware RequestMetrics(metrics::Registry& registry);

struct CorsOptions {
  /// Exact origins allowed to call with credentials; "*" allows any origin without credentials.
  std::vector<std::string> allowed_origins;
  std::string allow_methods = "GET, POST, OPTIONS";
  std::string allow_headers = "Content-Type, Authorization";
};

/// Answers every OPTIONS with 204 before later steps (so preflights never reach auth) and adds
/// CORS headers for allowed origins only; an unlisted origin gets none (the browser then blocks).
Middleware Cors(CorsOptions options);

}  // namespace nationpulse::http
