#pragma once

#include <string>
#include <vector>

#include "nationpulse/http/types.hpp"

namespace nationpulse::metrics {
class Registry;
}

namespace nationpulse::http {

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
