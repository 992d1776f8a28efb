#include "nationpulse/testing/sse_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <sstream>

namespace nationpulse::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream ss(text);
  for (std::string line; std::getline(ss, line);) lines.push_back(line);
  return lines;
}

SseClient::SseClient(std::uint16_t port, const std::string& cookie, const std::string& target)
    : stream_(ioc_) {
  stream_.expires_after(5s);
  stream_.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  bhttp::request<bhttp::empty_body> req{bhttp::verb::get, target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  req.set(bhttp::field::accept, "text/event-stream");
  req.set(bhttp::field::origin, "http://localhost:5173");
  if (!cookie.empty()) req.set(bhttp::field::cookie, cookie);
  bhttp::write(stream_, req);
  parser_.body_limit(boost::none);
  on_chunk_ = [this](std::uint64_t, std::string_view body, beast::error_code&) {
    text_.append(body);
    return body.size();
  };
  parser_.on_chunk_body(on_chunk_);
  bhttp::read_header(stream_, buffer_, parser_);
  if (!parser_.chunked()) closed_ = true;  // a plain (error) answer, not a stream
}

bool SseClient::ReadUntil(const std::function<bool(const std::string&)>& done,
                          std::chrono::milliseconds budget) {
  const auto deadline = Clock::now() + budget;
  while (!done(text_)) {
    if (closed_ || Clock::now() >= deadline) return done(text_);
    stream_.expires_at(std::min(deadline, Clock::now() + 250ms));
    beast::error_code ec;
    bhttp::read_some(stream_, buffer_, parser_, ec);
    if (ec == beast::error::timeout) continue;
    if (ec || parser_.is_done()) closed_ = true;
  }
  return true;
}

std::vector<std::string> SseClient::Events() const {
  std::vector<std::string> out;
  // Only complete events: everything up to the last blank line.
  const auto end = text_.rfind("\n\n");
  if (end == std::string::npos) return out;
  const auto lines = SplitLines(text_.substr(0, end + 1));
  for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
    if (lines[i] == "event: export-status" && lines[i + 1].starts_with("data: ")) {
      out.push_back(lines[i + 1].substr(6));
    }
  }
  return out;
}

std::optional<nlohmann::json> SseClient::WaitEvent(std::chrono::milliseconds budget, std::size_t index) {
  ReadUntil([&](const std::string&) { return Events().size() > index; }, budget);
  const auto events = Events();
  if (events.size() <= index) return std::nullopt;
  return nlohmann::json::parse(events[index]);
}

bool SseClient::WaitClosed(std::chrono::milliseconds budget) {
  ReadUntil([this](const std::string&) { return closed_; }, budget);
  return closed_;
}

}  // namespace nationpulse::testing
