#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace nationpulse::testing {

/// Lines of `text` without their "\n".
std::vector<std::string> SplitLines(const std::string& text);

/// A browser's EventSource on the BFF's report stream (rest-api.md §8.6), reduced to what tests and
/// benchmarks need: the response head, the raw text, and the complete export-status events.
///
///   SseClient sse(port, cookie);            // GET /api/uu/reports/subscribe/event
///   auto event = sse.WaitEvent(20s);        // the first event's data, parsed
class SseClient {
 public:
  using Head = boost::beast::http::response<boost::beast::http::empty_body>;

  /// Connects and reads the response head. @throws boost::system::system_error on a network failure.
  SseClient(std::uint16_t port, const std::string& cookie,
            const std::string& target = "/api/uu/reports/subscribe/event");

  const Head& head() { return parser_.get(); }

  /// Reads until `done(text)` holds or `budget` passed; returns done(text). Stops early when the server
  /// ends the stream (see closed()).
  bool ReadUntil(const std::function<bool(const std::string&)>& done, std::chrono::milliseconds budget);
  /// The data lines of every complete export-status event so far.
  std::vector<std::string> Events() const;
  /// Event number `index` (0-based) within `budget`, parsed; nullopt on timeout.
  std::optional<nlohmann::json> WaitEvent(std::chrono::milliseconds budget = std::chrono::seconds(20),
                                          std::size_t index = 0);
  bool WaitClosed(std::chrono::milliseconds budget);
  bool closed() const { return closed_; }
  const std::string& text() const { return text_; }

 private:
  boost::asio::io_context ioc_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  boost::beast::http::response_parser<boost::beast::http::empty_body> parser_;
  // The parser keeps a reference to the callback.
  std::function<std::size_t(std::uint64_t, std::string_view, boost::beast::error_code&)> on_chunk_;
  std::string text_;
  bool closed_ = false;
};

}  // namespace nationpulse::testing
