#include "nationpulse/testing/fault_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <stdexcept>

namespace nationpulse::testing {
namespace {

constexpr std::size_t kMaxHead = 64 * 1024;

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string Trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  const auto end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

const char* Reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 307:
      return "Temporary Redirect";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Status";
  }
}

std::string ChunkFrame(const std::string& piece) {
  char size[32];
  std::snprintf(size, sizeof(size), "%zx\r\n", piece.size());
  return size + piece + "\r\n";
}

// Splits `body` into the pieces the server writes one at a time.
std::vector<std::string> Pieces(const std::string& body, std::size_t chunk_size) {
  std::vector<std::string> out;
  if (chunk_size == 0) chunk_size = std::max<std::size_t>(body.size(), 1);
  for (std::size_t at = 0; at < body.size(); at += chunk_size) out.push_back(body.substr(at, chunk_size));
  return out;
}

void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

FaultResponse FaultResponse::Ok(std::string body, std::string content_type) {
  FaultResponse r;
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  return r;
}

FaultResponse FaultResponse::Slow(std::string body, std::size_t chunk_size, std::chrono::milliseconds delay) {
  FaultResponse r;
  r.body = std::move(body);
  r.chunked = true;
  r.chunk_size = chunk_size;
  r.chunk_delay = delay;
  return r;
}

FaultResponse FaultResponse::Status(int code, std::string body, std::optional<int> retry_after_seconds) {
  FaultResponse r;
  r.status = code;
  r.body = std::move(body);
  r.content_type = "text/plain";
  if (retry_after_seconds) r.headers.emplace_back("Retry-After", std::to_string(*retry_after_seconds));
  return r;
}

FaultResponse FaultResponse::Redirect(std::string location, int code) {
  FaultResponse r = Status(code, "");
  r.headers.emplace_back("Location", std::move(location));
  return r;
}

FaultResponse FaultResponse::Truncated(std::string full_body, std::size_t send_bytes) {
  FaultResponse r;
  r.kind = Kind::kTruncated;
  r.body = std::move(full_body);
  r.send_bytes = send_bytes;
  return r;
}

FaultResponse FaultResponse::Stall(std::string body, std::size_t send_bytes,
                                   std::chrono::milliseconds stall) {
  FaultResponse r;
  r.kind = Kind::kStall;
  r.body = std::move(body);
  r.send_bytes = send_bytes;
  r.stall = stall;
  return r;
}

FaultResponse FaultResponse::Close() {
  FaultResponse r;
  r.kind = Kind::kClose;
  return r;
}

FaultServer::FaultServer(bool keep_alive) : keep_alive_(keep_alive) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error("FaultServer: socket failed");
  const int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(listen_fd_, 64) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0 ||
      ::pipe2(wake_pipe_, O_CLOEXEC) != 0) {
    CloseFd(listen_fd_);
    CloseFd(wake_pipe_[0]);
    CloseFd(wake_pipe_[1]);
    throw std::runtime_error("FaultServer: cannot listen on 127.0.0.1");
  }
  port_ = ntohs(addr.sin_port);
  accept_thread_ = std::thread([this] { AcceptLoop(); });
}

FaultServer::~FaultServer() {
  // stopping_ is set before mu_ is taken, so a Pause() either sees it or is already waiting for the
  // notification below.
  stopping_ = true;
  {
    std::lock_guard lock(mu_);
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);  // wakes blocked recv/send
  }
  cv_.notify_all();
  const char byte = 'x';
  [[maybe_unused]] const auto written = ::write(wake_pipe_[1], &byte, 1);
  accept_thread_.join();
  // No thread is added once the accept loop has ended.
  for (auto& t : connection_threads_) t.join();
  CloseFd(listen_fd_);
  CloseFd(wake_pipe_[0]);
  CloseFd(wake_pipe_[1]);
}

void FaultServer::Script(const std::string& path, std::vector<FaultResponse> responses) {
  std::lock_guard lock(mu_);
  scripts_[path] = std::move(responses);
  served_[path] = 0;
}

std::string FaultServer::Url(const std::string& path_and_query) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path_and_query;
}

std::vector<FaultRequest> FaultServer::Requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

std::vector<FaultRequest> FaultServer::Requests(const std::string& path) const {
  std::lock_guard lock(mu_);
  std::vector<FaultRequest> out;
  for (const auto& r : requests_) {
    if (r.path == path) out.push_back(r);
  }
  return out;
}

bool FaultServer::WaitForRequests(const std::string& path, std::size_t count,
                                  std::chrono::milliseconds budget) const {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, budget, [&] {
    return static_cast<std::size_t>(std::count_if(requests_.begin(), requests_.end(),
                                                  [&](const FaultRequest& r) { return r.path == path; })) >=
           count;
  });
}

void FaultServer::AcceptLoop() {
  int connections = 0;
  for (;;) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (stopping_ || fds[1].revents != 0) return;
    if ((fds[0].revents & POLLIN) == 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    // Small pieces (slow bodies, partial sends) must leave at once, not wait for Nagle.
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    std::lock_guard lock(mu_);
    if (stopping_) {
      ::close(fd);
      return;
    }
    open_fds_.insert(fd);
    const int id = ++connections;
    connection_threads_.emplace_back([this, fd, id] { Serve(fd, id); });
  }
}

FaultResponse FaultServer::Next(const std::string& path) {
  std::lock_guard lock(mu_);
  const auto it = scripts_.find(path);
  if (it == scripts_.end() || it->second.empty()) return FaultResponse::Status(404, "no script for " + path);
  const std::size_t index = served_[path]++;
  return it->second[std::min(index, it->second.size() - 1)];
}

bool FaultServer::Pause(std::chrono::milliseconds pause) {
  std::unique_lock lock(mu_);
  return !cv_.wait_for(lock, pause, [this] { return stopping_.load(); });
}

bool FaultServer::SendAll(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

void FaultServer::Serve(int fd, int connection) {
  std::string buffer;
  for (bool open = true; open && !stopping_;) {
    std::size_t end;
    while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
      char chunk[4096];
      const ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0 || buffer.size() > kMaxHead) {
        open = false;
        break;
      }
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
    if (!open) break;

    FaultRequest request;
    request.connection = connection;
    request.at = std::chrono::steady_clock::now();
    const std::string head = buffer.substr(0, end);
    buffer.erase(0, end + 4);
    std::size_t line_end = head.find("\r\n");
    const std::string request_line = head.substr(0, line_end);
    const auto sp1 = request_line.find(' ');
    const auto sp2 = request_line.find(' ', sp1 == std::string::npos ? sp1 : sp1 + 1);
    request.method = request_line.substr(0, sp1);
    const std::string target =
        sp1 == std::string::npos
            ? ""
            : request_line.substr(sp1 + 1, sp2 == std::string::npos ? sp2 : sp2 - sp1 - 1);
    const auto q = target.find('?');
    request.path = target.substr(0, q);
    if (q != std::string::npos) request.query = target.substr(q + 1);
    while (line_end != std::string::npos) {
      const std::size_t start = line_end + 2;
      line_end = head.find("\r\n", start);
      const std::string line =
          head.substr(start, line_end == std::string::npos ? line_end : line_end - start);
      const auto colon = line.find(':');
      if (colon != std::string::npos)
        request.headers[Lower(line.substr(0, colon))] = Trim(line.substr(colon + 1));
    }
    // A request body is read (recorded, e.g. what a collector stub receives) to keep the stream in step.
    if (const auto cl = request.headers.find("content-length"); cl != request.headers.end()) {
      std::size_t length = 0;
      std::from_chars(cl->second.data(), cl->second.data() + cl->second.size(), length);
      while (buffer.size() < length) {
        char chunk[4096];
        const ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
        if (n <= 0) break;
        buffer.append(chunk, static_cast<std::size_t>(n));
      }
      request.body = buffer.substr(0, std::min(length, buffer.size()));
      buffer.erase(0, std::min(length, buffer.size()));
    }
    const std::string path = request.path;
    {
      std::lock_guard lock(mu_);
      requests_.push_back(std::move(request));
    }
    cv_.notify_all();

    const FaultResponse r = Next(path);
    if (r.kind == FaultResponse::Kind::kClose) break;
    const bool chunked = r.chunked;
    const bool keep = keep_alive_ && r.kind == FaultResponse::Kind::kOk;
    std::string out = "HTTP/1.1 " + std::to_string(r.status) + " " + Reason(r.status) + "\r\n";
    if (!r.content_type.empty()) out += "Content-Type: " + r.content_type + "\r\n";
    out += chunked ? std::string("Transfer-Encoding: chunked\r\n")
                   : "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
    for (const auto& [name, value] : r.headers) out += name + ": " + value + "\r\n";
    out += keep ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
    if (!SendAll(fd, out)) break;

    if (r.kind == FaultResponse::Kind::kOk) {
      const auto pieces = Pieces(r.body, r.chunk_size);
      bool ok = true;
      for (std::size_t i = 0; ok && i < pieces.size(); ++i) {
        ok = SendAll(fd, chunked ? ChunkFrame(pieces[i]) : pieces[i]);
        if (ok && i + 1 < pieces.size() && r.chunk_delay.count() > 0) ok = Pause(r.chunk_delay);
      }
      if (ok && chunked) ok = SendAll(fd, "0\r\n\r\n");
      open = ok && keep;
    } else {
      // kTruncated and kStall: part of the declared body, then (after the stall) the connection ends.
      // Chunked: one frame and no last-chunk, i.e. a chunked body cut short.
      const std::string part = r.body.substr(0, std::min(r.send_bytes, r.body.size()));
      if (!SendAll(fd, chunked && !part.empty() ? ChunkFrame(part) : part)) break;
      if (r.kind == FaultResponse::Kind::kStall) Pause(r.stall);
      open = false;
    }
  }
  {
    std::lock_guard lock(mu_);
    open_fds_.erase(fd);
  }
  // An orderly FIN after everything sent, so the client sees a short body rather than a reset.
  ::shutdown(fd, SHUT_WR);
  ::close(fd);
}

}  // namespace nationpulse::testing
