#pragma once

#include <boost/beast/http.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
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

/// The writing end of a streamed response (Server-Sent Events). Thread-safe: any thread may Send;
/// the bytes of one stream go out in order and writes never interleave.
class StreamSink {
 public:
  virtual ~StreamSink() = default;
  /// Queues bytes to send as one HTTP chunk. False once the stream is closed (client gone, write
  /// error or timeout, server stopping, too many unsent bytes).
  virtual bool Send(std::string bytes) = 0;
  /// Ends the stream: the terminating chunk, then the connection closes. Idempotent, any thread.
  virtual void Close() = 0;
  virtual bool closed() const = 0;
};

/// Set by a handler in RequestContext::stream to keep the connection open after its answer: the
/// returned response (status 200) is sent with chunked encoding, its body as the first chunk, and
/// the connection then stays writable through a StreamSink until either side closes it.
struct StreamSpec {
  /// Sent every heartbeat_interval while open (e.g. ": ping\n\n"); empty sends nothing.
  std::string heartbeat;
  std::chrono::milliseconds heartbeat_interval{15000};
  /// A stream with more unsent bytes than this is closed (a client that does not read).
  std::size_t max_queued_bytes = 1 << 20;
  /// Called once, on an I/O thread, after the head and first chunk were written. Must not block.
  std::function<void(std::shared_ptr<StreamSink>)> on_open;
  /// Called exactly once when the stream ends for any reason, also when it never opened (the
  /// final response was not 200, HEAD, write failure, server stopping). Any thread; must not block.
  std::function<void()> on_close;
};

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
  /// Set by a handler to answer with a stream instead of a plain response (see StreamSpec).
  std::optional<StreamSpec> stream;

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
