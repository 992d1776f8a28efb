#include "nationpulse/health/check.hpp"

#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "nationpulse/health/grpc_server.hpp"
#include "nationpulse/proto/data_ingestion.grpc.pb.h"

namespace nationpulse::health {
namespace {

using namespace std::chrono_literals;

TEST(ServingStatusName, IsTheProtoName) {
  EXPECT_STREQ(ServingStatusName(ServingStatus::kUnknown), "UNKNOWN");
  EXPECT_STREQ(ServingStatusName(ServingStatus::kServing), "SERVING");
  EXPECT_STREQ(ServingStatusName(ServingStatus::kNotServing), "NOT_SERVING");
  EXPECT_STREQ(ServingStatusName(ServingStatus::kServiceUnknown), "SERVICE_UNKNOWN");
}

TEST(HealthCheckError, DescribeNamesTheCode) {
  EXPECT_STREQ(StatusCodeName(grpc::StatusCode::DEADLINE_EXCEEDED), "DEADLINE_EXCEEDED");
  EXPECT_EQ(Describe({grpc::StatusCode::UNAVAILABLE, "connection refused"}),
            "UNAVAILABLE: connection refused");
  EXPECT_EQ(Describe({grpc::StatusCode::UNIMPLEMENTED, ""}), "UNIMPLEMENTED");
}

TEST(HealthCheck, ClosedPortFailsFastWithUnavailable) {
  std::string target;
  {
    GrpcServer server({.address = "127.0.0.1:0", .service_names = {}});
    target = "127.0.0.1:" + std::to_string(server.port());
  }
  const auto start = std::chrono::steady_clock::now();
  auto result = Check(target, "", 2s);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, grpc::StatusCode::UNAVAILABLE) << Describe(result.error());
  EXPECT_LT(elapsed, 1s);  // refused at once, not at the deadline
}

// A TCP listener that never speaks HTTP/2: the connection is accepted by the kernel and then
// hangs, so only the deadline ends the call.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof(addr);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(fd_, 8) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "cannot listen on loopback";
      return;
    }
    port_ = ntohs(addr.sin_port);
  }
  ~SilentListener() {
    if (fd_ >= 0) ::close(fd_);
  }
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST(HealthCheck, SilentServerEndsAtTheDeadline) {
  SilentListener listener;
  const auto start = std::chrono::steady_clock::now();
  auto result = Check("127.0.0.1:" + std::to_string(listener.port()), "", 200ms);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, grpc::StatusCode::DEADLINE_EXCEEDED) << Describe(result.error());
  EXPECT_GE(elapsed, 150ms);
  EXPECT_LT(elapsed, 1500ms);
}

TEST(HealthCheck, ServerWithoutHealthServiceIsUnimplemented) {
  // A bare server, not a GrpcServer: the default health service is a process-wide switch, put
  // back for the tests after this one.
  grpc::EnableDefaultHealthCheckService(false);
  dataIngestion::DataIngestion::Service ingestion;
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&ingestion);
  auto server = builder.BuildAndStart();
  grpc::EnableDefaultHealthCheckService(true);
  ASSERT_NE(server, nullptr);

  auto result = Check("127.0.0.1:" + std::to_string(port), "", 1s);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, grpc::StatusCode::UNIMPLEMENTED) << Describe(result.error());
  server->Shutdown(std::chrono::system_clock::now());
}

}  // namespace
}  // namespace nationpulse::health
