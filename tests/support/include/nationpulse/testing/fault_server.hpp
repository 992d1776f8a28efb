#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace nationpulse::testing {

/// One scripted answer of a FaultServer.
struct FaultResponse {
  enum class Kind {
    kOk,         ///< status + body (Content-Length, or Transfer-Encoding: chunked when `chunked`)
    kTruncated,  ///< declares the whole body, sends `send_bytes` of it, then closes
    kStall,      ///< headers + `send_bytes` of the body, then silence for `stall`, then closes
    kClose,      ///< reads the request and closes without answering
  };
  Kind kind = Kind::kOk;
  int status = 200;
  std::string body;
  std::string content_type = "text/csv; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;  ///< extra response headers
  bool chunked = false;        ///< Transfer-Encoding: chunked (kTruncated/kStall: one frame, no last chunk)
  std::size_t chunk_size = 0;  ///< body written in pieces of this size (0 = one piece)
  std::chrono::milliseconds chunk_delay{0};  ///< pause after each piece but the last
  std::size_t send_bytes = 0;                ///< kTruncated/kStall: body bytes actually sent
  std::chrono::milliseconds stall{0};

  /// 200 with `body` in one piece.
  static FaultResponse Ok(std::string body, std::string content_type = "text/csv; charset=utf-8");
  /// 200 with `body` sent chunked in pieces of `chunk_size`, pausing `delay` between them (a slow server).
  static FaultResponse Slow(std::string body, std::size_t chunk_size, std::chrono::milliseconds delay);
  /// `code` with `body`, plus Retry-After: <seconds> when given.
  static FaultResponse Status(int code, std::string body = "error",
                              std::optional<int> retry_after_seconds = std::nullopt);
  /// 302 (or `code`) to `location`.
  static FaultResponse Redirect(std::string location, int code = 302);
  /// Content-Length of `full_body` but only its first `send_bytes`, then close (CURLE_PARTIAL_FILE).
  static FaultResponse Truncated(std::string full_body, std::size_t send_bytes);
  /// Headers and the first `send_bytes` of `body`, then nothing for `stall`, then close.
  static FaultResponse Stall(std::string body, std::size_t send_bytes, std::chrono::milliseconds stall);
  /// Close the connection without answering (CURLE_GOT_NOTHING).
  static FaultResponse Close();
};

/// A request a FaultServer received.
struct FaultRequest {
  std::string method;
  std::string path;                            ///< without the query
  std::string query;                           ///< after '?', empty when none
  std::map<std::string, std::string> headers;  ///< names in lower case
  std::chrono::steady_clock::time_point at;    ///< when the request head was complete
  int connection = 0;                          ///< 1, 2, ...: which accepted connection carried it
  std::string body;                            ///< the Content-Length body, empty when none
};

/// A loopback HTTP/1.1 server for fault-injection tests, on a free port of 127.0.0.1, one thread per
/// connection. Each path (query ignored) answers with its scripted responses in order; the last one
/// repeats; unscripted paths get 404. Responses say "Connection: close" unless `keep_alive`.
/// Every request is recorded. The destructor interrupts pauses and stalls and joins all threads at once.
///
///   FaultServer server;
///   server.Script("/data", {FaultResponse::Status(503), FaultResponse::Ok("a,b\n1,2\n")});
///   Get(server.Url("/data?x=1"), ...);  ... EXPECT_EQ(server.Requests("/data").size(), 2u);
class FaultServer {
 public:
  /// @throws std::runtime_error when no socket can be bound.
  explicit FaultServer(bool keep_alive = false);
  ~FaultServer();
  FaultServer(const FaultServer&) = delete;
  FaultServer& operator=(const FaultServer&) = delete;

  /// Replaces the script of `path` (no query). Thread-safe, also while requests are served.
  void Script(const std::string& path, std::vector<FaultResponse> responses);
  /// "http://127.0.0.1:<port>" + path_and_query.
  std::string Url(const std::string& path_and_query) const;
  std::uint16_t port() const { return port_; }

  /// All requests so far, or those of `path`, in arrival order.
  std::vector<FaultRequest> Requests() const;
  std::vector<FaultRequest> Requests(const std::string& path) const;
  /// Waits until `path` got at least `count` requests; false after `budget`.
  bool WaitForRequests(const std::string& path, std::size_t count, std::chrono::milliseconds budget) const;

 private:
  void AcceptLoop();
  void Serve(int fd, int connection);
  FaultResponse Next(const std::string& path);
  /// Sleeps up to `pause`; false when the server is stopping.
  bool Pause(std::chrono::milliseconds pause);
  bool SendAll(int fd, const std::string& data);

  bool keep_alive_;
  int listen_fd_ = -1;
  int wake_pipe_[2] = {-1, -1};
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};

  mutable std::mutex mu_;
  mutable std::condition_variable cv_;  // signals new requests and stop
  std::map<std::string, std::vector<FaultResponse>> scripts_;
  std::map<std::string, std::size_t> served_;  // responses consumed per path
  std::vector<FaultRequest> requests_;
  std::set<int> open_fds_;
  std::vector<std::thread> connection_threads_;
  std::thread accept_thread_;
};

}  // namespace nationpulse::testing
