#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "nationpulse/http/router.hpp"
#include "nationpulse/http/types.hpp"

namespace nationpulse::http {

struct ServerOptions {
  std::string address = "0.0.0.0";
  std::uint16_t port = 8081;  ///< 0 picks a free port (tests); see Server::port()
  std::size_t io_threads = 2;
  std::size_t worker_threads = 8;
  std::size_t worker_queue = 512;
  std::size_t header_limit = 16 * 1024;                   ///< larger request heads get 431
  std::size_t body_limit = 1024 * 1024;                   ///< larger bodies get 413
  std::chrono::milliseconds read_header_timeout{10'000};  ///< whole head of the first request
  std::chrono::milliseconds read_body_timeout{30'000};
  std::chrono::milliseconds idle_timeout{60'000};  ///< keep-alive wait for the next request
  std::chrono::milliseconds write_timeout{30'000};
  std::chrono::milliseconds drain_timeout{5'000};  ///< graceful stop budget
  std::size_t max_connections = 10'000;
  /// Called (on an I/O thread) each time a request is refused because the worker queue is full.
  std::function<void()> on_overload;
};

/// Boost.Beast HTTP/1.1 server: I/O threads own the sockets, route chains marked kWorker run
/// on a bounded WorkerPool (a full pool answers 503 at once). Every request passes the
/// server-wide middleware chain, then the route's own steps, then the handler; an exception
/// anywhere becomes a 500 JSON envelope, never a dead connection or process. The server-wide
/// chain also wraps the server's own 503 (overload) and 413 answers, so it must never block:
/// blocking steps (auth) belong in RouteOptions::middlewares of kWorker routes. A handler that
/// sets RequestContext::stream turns its 200 answer into a chunked stream (Server-Sent Events);
/// Stop() ends open streams at once instead of draining them.
///
///   Server server(opts, std::move(router), {AccessLog(), Metrics(reg), Cors(cors)});
///   server.Start();        // @throws std::system_error when the address cannot be bound
///   ... server.Stop();     // stops accepting, finishes in-flight requests, closes idle ones
class Server {
 public:
  Server(ServerOptions options, Router router, std::vector<Middleware> chain);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void Start();
  /// Graceful stop within options.drain_timeout; idempotent.
  void Stop();
  std::uint16_t port() const;

  /// Live numbers for metrics.
  std::size_t open_connections() const;
  std::size_t worker_queue_depth() const;
  std::size_t rejected_overload() const;
  /// Streamed responses (StreamSpec) currently open.
  std::size_t open_streams() const;

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace nationpulse::http
