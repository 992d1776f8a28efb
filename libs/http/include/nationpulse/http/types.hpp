#pragma once

#include <boost/beast/http.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nationpulse::http {

namespace bhttp = boost::beast::http;

using Request = bhttp::request<bhttp::string_body>;
using Response = bhttp::response<bhttp::string_body>;
using Verb = bhttp::verb;
using Status = bhttp::status;

struct Route;

/// Per-request state shared by middlewares and the handler. Lives on the thread that runs
/// the chain; never shared across threads concurrently.
struct RequestContext {
  /// The matched route, or nullptr when no route matched (404/405 are produced by the router).
  const Route* route = nullptr;
  /// Decoded URL path (no query).
  std::string path;
  /// Raw query string (without '?').
  std::string query;
  std::string remote_address;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  /// Values set by middlewares for later steps (e.g. the authenticated user id).
  std::map<std::string, std::string, std::less<>> values;

  /// First value of a query parameter, percent-decoded; nullopt when absent.
  std::optional<std::string> QueryParam(std::string_view name) const;
};

using Handler = std::function<Response(const Request&, RequestContext&)>;
using Next = std::function<Response()>;
/// A step of the chain: inspect the request, answer it, or call next() and adjust the answer.
using Middleware = std::function<Response(const Request&, RequestContext&, const Next&)>;

/// Where a route's chain runs. Handlers that block (Postgres, Redis) must use kWorker so an
/// I/O thread never waits on a database; kInline is for cheap answers (/livez, /metrics).
enum class Execution { kInline, kWorker };

struct RouteOptions {
  Execution execution = Execution::kWorker;
  /// Route-specific steps, run after the server-wide chain (e.g. authentication).
  std::vector<Middleware> middlewares;
  /// Skip the server-wide chain entirely (the original's /metrics bypasses logging and CORS).
  bool bypass_chain = false;
  /// Optional non-blocking attempt on the I/O thread before a kWorker route is queued (e.g. an
  /// in-memory cache lookup). A response it returns is wrapped in the server-wide chain and sent
  /// without a thread hop; nullopt sends the request to the worker as usual. Only consulted for
  /// routes without route middlewares, since those may block. It must never block.
  std::function<std::optional<Response>(const Request&, RequestContext&)> fast_path;
};

/// Options of a cheap route that answers on the I/O thread.
inline RouteOptions InlineRoute() {
  RouteOptions o;
  o.execution = Execution::kInline;
  return o;
}

struct Route {
  Verb method;
  /// Exact path; also the `path` label of metrics, so label cardinality stays bounded.
  std::string pattern;
  Handler handler;
  RouteOptions options;
};

}  // namespace nationpulse::http
