#pragma once

// Loopback stand-ins for the services kubepulse watches: real grpc.health.v1 servers, an address
// where nothing listens, and a listener that accepts TCP but never speaks (a hung service).
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "nationpulse/health/grpc_server.hpp"
#include "nationpulse/testing/child_process.hpp"

namespace nationpulse::kubepulse::fake {

/// A health server on 127.0.0.1 reporting `serving` for "".
class HealthTarget {
 public:
  explicit HealthTarget(bool serving)
      : server_(std::make_unique<health::GrpcServer>(
            health::GrpcServerOptions{.address = "127.0.0.1:0", .service_names = {}})) {
    server_->SetServing(serving);
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(server_->port()); }
  health::GrpcServer& server() { return *server_; }

 private:
  std::unique_ptr<health::GrpcServer> server_;
};

/// "127.0.0.1:<port>" where nothing listens (connections are refused).
inline std::string ClosedAddress() { return "127.0.0.1:" + std::to_string(testing::FreePort()); }

/// Completes TCP handshakes (the kernel's backlog) but never reads or writes: a gRPC call to it can
/// only end by its deadline.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) throw std::runtime_error("socket");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 16) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ::close(fd_);
      throw std::runtime_error("cannot listen on loopback");
    }
    port_ = ntohs(addr.sin_port);
  }
  ~SilentListener() { ::close(fd_); }
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace nationpulse::kubepulse::fake
