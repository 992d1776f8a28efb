#include "nationpulse/health/grpc_server.hpp"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

#include "nationpulse/health/check.hpp"
#include "nationpulse/metrics/registry.hpp"
#include "nationpulse/proto/data_ingestion.grpc.pb.h"
#include "nationpulse/proto/grpc/health/v1/health.grpc.pb.h"

namespace nationpulse::health {
namespace {

using namespace std::chrono_literals;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

constexpr auto kDeadline = 1s;

GrpcServerOptions Loopback(std::vector<std::string> names = {}) {
  return GrpcServerOptions{.address = "127.0.0.1:0", .service_names = std::move(names)};
}

std::string Target(const GrpcServer& server) { return "127.0.0.1:" + std::to_string(server.port()); }

std::string StatusOf(const GrpcServer& server, const std::string& service) {
  auto result = Check(Target(server), service, kDeadline);
  return result ? ServingStatusName(*result) : Describe(result.error());
}

// An open Watch stream on the generated stub, bounded so a missing update fails the test instead
// of hanging it.
struct Watcher {
  Watcher(const GrpcServer& server, const std::string& service)
      : stub(grpc::health::v1::Health::NewStub(
            grpc::CreateChannel(Target(server), grpc::InsecureChannelCredentials()))) {
    context.set_deadline(std::chrono::system_clock::now() + 3s);
    HealthCheckRequest request;
    request.set_service(service);
    reader = stub->Watch(&context, request);
  }
  /// The next status sent, or "end" when the stream closed.
  std::string Next() {
    HealthCheckResponse response;
    if (!reader->Read(&response)) return "end";
    return HealthCheckResponse::ServingStatus_Name(response.status());
  }

  std::unique_ptr<grpc::health::v1::Health::Stub> stub;
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<HealthCheckResponse>> reader;
};

TEST(GrpcServer, StartsNotServingForEveryNameUntilSetServing) {
  GrpcServer server(Loopback({"reporting"}));
  EXPECT_GT(server.port(), 0);
  EXPECT_FALSE(server.serving());
  EXPECT_EQ(StatusOf(server, ""), "NOT_SERVING");
  EXPECT_EQ(StatusOf(server, "reporting"), "NOT_SERVING");

  server.SetServing(true);
  EXPECT_TRUE(server.serving());
  EXPECT_EQ(StatusOf(server, ""), "SERVING");
  EXPECT_EQ(StatusOf(server, "reporting"), "SERVING");

  server.SetServing(false);
  EXPECT_EQ(StatusOf(server, ""), "NOT_SERVING");
  EXPECT_EQ(StatusOf(server, "reporting"), "NOT_SERVING");
}

TEST(GrpcServer, UnknownServiceNameIsNotFound) {
  GrpcServer server(Loopback({"reporting"}));
  server.SetServing(true);
  auto result = Check(Target(server), "ingestion", kDeadline);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Describe(result.error()).rfind("NOT_FOUND", 0), 0u);
}

TEST(GrpcServer, WatchSeesNotServingThenServing) {
  GrpcServer server(Loopback({"reporting"}));
  Watcher overall(server, "");
  Watcher named(server, "reporting");
  EXPECT_EQ(overall.Next(), "NOT_SERVING");
  EXPECT_EQ(named.Next(), "NOT_SERVING");
  server.SetServing(true);
  EXPECT_EQ(overall.Next(), "SERVING");
  EXPECT_EQ(named.Next(), "SERVING");
  // A repeated verdict is not sent again: the next message is the real change.
  server.SetServing(true);
  server.SetServing(false);
  EXPECT_EQ(overall.Next(), "NOT_SERVING");
  EXPECT_EQ(named.Next(), "NOT_SERVING");
}

TEST(GrpcServer, WatchOfAnUnknownNameAnswersServiceUnknown) {
  GrpcServer server(Loopback());
  Watcher unknown(server, "ingestion");
  EXPECT_EQ(unknown.Next(), "SERVICE_UNKNOWN");
}

TEST(GrpcServer, ShutdownTellsWatchersNotServingThenRefusesCalls) {
  GrpcServer server(Loopback({"reporting"}));
  server.SetServing(true);
  const std::string target = Target(server);
  Watcher watcher(server, "");
  ASSERT_EQ(watcher.Next(), "SERVING");

  // Shutdown blocks for the grace period because the Watch stream stays open.
  std::thread stopper([&] { server.Shutdown(300ms); });
  EXPECT_EQ(watcher.Next(), "NOT_SERVING");
  stopper.join();
  EXPECT_FALSE(server.serving());
  EXPECT_EQ(watcher.Next(), "end");  // cancelled when the grace period ran out

  auto result = Check(target, "", kDeadline);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, grpc::StatusCode::UNAVAILABLE);

  server.Shutdown(0ms);     // idempotent
  server.SetServing(true);  // ignored once shut down
  EXPECT_FALSE(server.serving());
}

TEST(GrpcServer, ShutdownWithoutWatchersIsPrompt) {
  GrpcServer server(Loopback());
  server.SetServing(true);
  const auto start = std::chrono::steady_clock::now();
  server.Shutdown(2s);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
}

TEST(GrpcServer, BusyPortThrows) {
  GrpcServer first(Loopback());
  GrpcServerOptions options{.address = Target(first), .service_names = {}};
  EXPECT_THROW(GrpcServer second(options), std::runtime_error);
  // The first one is unaffected.
  first.SetServing(true);
  EXPECT_EQ(StatusOf(first, ""), "SERVING");
}

class FakeIngestion final : public dataIngestion::DataIngestion::Service {
 public:
  grpc::Status NotifyBFF(grpc::ServerContext* /*context*/, const dataIngestion::NotifyBFFRequest* /*request*/,
                         grpc::ServerWriter<dataIngestion::NotifyBFFResponse>* writer) override {
    dataIngestion::NotifyBFFResponse response;
    response.set_message("done");
    response.set_type(dataIngestion::SUCCESS);
    writer->Write(response);
    return grpc::Status::OK;
  }
};

TEST(GrpcServer, ServesApplicationServicesBesideHealth) {
  FakeIngestion ingestion;
  GrpcServer server(Loopback({"dataIngestion.DataIngestion"}), {&ingestion});
  server.SetServing(true);
  EXPECT_EQ(StatusOf(server, "dataIngestion.DataIngestion"), "SERVING");

  auto stub = dataIngestion::DataIngestion::NewStub(
      grpc::CreateChannel(Target(server), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kDeadline);
  auto reader = stub->NotifyBFF(&context, dataIngestion::NotifyBFFRequest());
  dataIngestion::NotifyBFFResponse response;
  ASSERT_TRUE(reader->Read(&response));
  EXPECT_EQ(response.message(), "done");
  EXPECT_FALSE(reader->Read(&response));
  EXPECT_TRUE(reader->Finish().ok());
}

TEST(GrpcServer, CountsCallsByMethodAndCodeWithBoundedLabels) {
  metrics::Registry registry;
  FakeIngestion ingestion;
  auto options = Loopback({"dataIngestion.DataIngestion"});
  options.registry = &registry;
  options.metrics_service = "ingestion";
  GrpcServer server(options, {&ingestion});
  EXPECT_EQ(StatusOf(server, ""), "NOT_SERVING");
  EXPECT_EQ(StatusOf(server, "nope").substr(0, 9), "NOT_FOUND");

  auto channel = grpc::CreateChannel(Target(server), grpc::InsecureChannelCredentials());
  {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + kDeadline);
    auto reader = dataIngestion::DataIngestion::NewStub(channel)->NotifyBFF(&context, {});
    dataIngestion::NotifyBFFResponse response;
    while (reader->Read(&response)) {
    }
    EXPECT_TRUE(reader->Finish().ok());
  }
  // A method nobody implements, under a made-up name: counted, but not as a new label value.
  for (int i = 0; i < 3; ++i) {
    grpc::GenericStub generic(channel);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + kDeadline);
    grpc::Slice empty("");
    grpc::ByteBuffer request(&empty, 1), response;
    grpc::Status status;
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    generic.UnaryCall(&context, "/made.Up/Method" + std::to_string(i), grpc::StubOptions(), &request,
                      &response, [&](grpc::Status s) {
                        std::lock_guard lock(mu);
                        status = std::move(s);
                        done = true;
                        cv.notify_one();
                      });
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return done; });
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  }
  const auto text = registry.Serialize();
  EXPECT_NE(
      text.find(
          R"(nationpulse_ingestion_grpc_server_handled_total{code="OK",method="/grpc.health.v1.Health/Check"} 1)"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find(R"({code="NOT_FOUND",method="/grpc.health.v1.Health/Check"} 1)"), std::string::npos)
      << text;
  EXPECT_NE(text.find(R"({code="OK",method="/dataIngestion.DataIngestion/NotifyBFF"} 1)"), std::string::npos)
      << text;
  EXPECT_NE(text.find(R"({code="UNIMPLEMENTED",method="unknown"} 3)"), std::string::npos) << text;
  EXPECT_EQ(text.find("made.Up"), std::string::npos) << text;
  EXPECT_NE(
      text.find(
          R"(nationpulse_ingestion_grpc_server_handling_seconds_count{method="/dataIngestion.DataIngestion/NotifyBFF"} 1)"),
      std::string::npos)
      << text;
}

}  // namespace
}  // namespace nationpulse::health
