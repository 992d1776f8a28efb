#include "ingestion_client.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <vector>

#include "fake_ingestion.hpp"
#include "nationpulse/testing/child_process.hpp"
#include "nationpulse/trace/trace.hpp"

namespace nationpulse::scheduler {
namespace {

using namespace std::chrono_literals;
using fake::FakeServer;
using std::chrono::system_clock;

ClientOptions Fast(std::string target) {
  return ClientOptions{.target = std::move(target),
                       .job_timeout = 5s,
                       .connect_timeout = 2s,
                       .retry_attempts = 0,
                       .retry_backoff = 50ms,
                       .retry_backoff_max = 200ms};
}

std::string Unused() { return "127.0.0.1:" + std::to_string(nationpulse::testing::FreePort()); }

TEST(IngestionClient, StreamsProgressThenSuccess) {
  FakeServer server(fake::ProgressThenSuccess());
  IngestionClient client(Fast(server.target()));
  std::vector<IngestionMessage> seen;
  const JobResult r = client.Run([&](const IngestionMessage& m) { seen.push_back(m); });
  EXPECT_EQ(r.outcome, Outcome::kSuccess);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(r.messages, 3);
  EXPECT_EQ(r.status, grpc::StatusCode::OK);
  EXPECT_TRUE(r.error.empty());
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].message, "feed population loaded");
  EXPECT_TRUE(seen[0].success);
  ASSERT_TRUE(seen[0].created_at.has_value());
  EXPECT_EQ(FormatUtc(*seen[0].created_at), "2025-03-05T10:00:00Z");
  EXPECT_FALSE(seen[0].completed_at.has_value());  // progress messages carry none
  ASSERT_TRUE(r.last.has_value());
  EXPECT_EQ(r.last->message, "All jobs processed successfully");
  ASSERT_TRUE(r.last->completed_at.has_value());
  EXPECT_EQ(FormatUtc(*r.last->completed_at), "2025-03-05T10:00:42Z");
}

TEST(IngestionClient, TheCallCarriesTheRunsTraceToIngestion) {
  std::string received;
  FakeServer server([&](grpc::ServerContext* context, fake::Writer* writer) {
    if (auto md = context->client_metadata().find("traceparent"); md != context->client_metadata().end()) {
      received.assign(md->second.data(), md->second.size());
    }
    return fake::ProgressThenSuccess()(context, writer);
  });
  const auto parent =
      *trace::SpanContext::FromTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  {
    trace::ScopedContext scope(parent);  // e.g. the operator's or the cron tick's span
    IngestionClient client(Fast(server.target()));
    ASSERT_EQ(client.Run({}).outcome, Outcome::kSuccess);
  }
  const auto sent = trace::SpanContext::FromTraceparent(received);
  ASSERT_TRUE(sent) << "metadata: \"" << received << "\"";
  EXPECT_EQ(sent->trace_id, parent.trace_id);
  EXPECT_NE(sent->span_id, parent.span_id) << "the client span, a grandchild of the caller's";
}

TEST(IngestionClient, AlreadyRunningIsFailedWithoutRetry) {
  FakeServer server(fake::AlreadyRunning());
  ClientOptions options = Fast(server.target());
  options.retry_attempts = 3;
  IngestionClient client(options);
  const JobResult r = client.Run({});
  EXPECT_EQ(r.outcome, Outcome::kFailed);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(r.status, grpc::StatusCode::OK);
  ASSERT_TRUE(r.last.has_value());
  EXPECT_EQ(r.last->message, "ingestion already running");
  EXPECT_FALSE(r.last->success);
  EXPECT_EQ(server.calls(), 1);
}

TEST(IngestionClient, EmptyStreamIsFailed) {
  FakeServer server([](grpc::ServerContext*, fake::Writer*) { return grpc::Status::OK; });
  IngestionClient client(Fast(server.target()));
  const JobResult r = client.Run({});
  EXPECT_EQ(r.outcome, Outcome::kFailed);
  EXPECT_NE(r.error.find("without a message"), std::string::npos) << r.error;
}

TEST(IngestionClient, UnavailableThenRetrySucceeds) {
  const std::uint16_t port = nationpulse::testing::FreePort();
  // The server comes up while the client is backing off.
  std::unique_ptr<FakeServer> server;
  auto starter = std::async(std::launch::async, [&] {
    std::this_thread::sleep_for(300ms);
    server = std::make_unique<FakeServer>(fake::ProgressThenSuccess(), port);
  });
  ClientOptions options = Fast("127.0.0.1:" + std::to_string(port));
  options.retry_attempts = 10;
  options.retry_backoff = 100ms;
  IngestionClient client(options);
  std::vector<std::string> retry_errors;
  const JobResult r = client.Run(
      {}, [&](int, std::chrono::milliseconds, const std::string& error) { retry_errors.push_back(error); });
  starter.get();
  EXPECT_EQ(r.outcome, Outcome::kSuccess) << r.error;
  EXPECT_GE(r.attempts, 2);
  EXPECT_EQ(static_cast<int>(retry_errors.size()), r.attempts - 1);
  ASSERT_FALSE(retry_errors.empty());
  EXPECT_EQ(retry_errors[0].rfind("UNAVAILABLE", 0), 0u) << retry_errors[0];
  EXPECT_EQ(server->calls(), 1);
}

TEST(IngestionClient, RetriesAreBoundedAndBackOffDoubles) {
  ClientOptions options = Fast(Unused());
  options.retry_attempts = 3;
  options.retry_backoff = 10ms;
  options.retry_backoff_max = 30ms;
  IngestionClient client(options);
  std::vector<std::chrono::milliseconds> delays;
  const JobResult r = client.Run(
      {}, [&](int, std::chrono::milliseconds delay, const std::string&) { delays.push_back(delay); });
  EXPECT_EQ(r.outcome, Outcome::kUnavailable);
  EXPECT_EQ(r.attempts, 4);
  EXPECT_EQ(r.status, grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(r.error.rfind("UNAVAILABLE: ", 0), 0u) << r.error;
  EXPECT_EQ(delays, (std::vector<std::chrono::milliseconds>{10ms, 20ms, 30ms}));
}

TEST(IngestionClient, DeadlineExceededIsFailedNotRetried) {
  FakeServer server(fake::Hang());
  ClientOptions options = Fast(server.target());
  options.job_timeout = 300ms;
  options.retry_attempts = 3;
  IngestionClient client(options);
  const auto started = std::chrono::steady_clock::now();
  const JobResult r = client.Run({});
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
  EXPECT_EQ(r.outcome, Outcome::kFailed);
  EXPECT_EQ(r.status, grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_EQ(r.error.rfind("DEADLINE_EXCEEDED", 0), 0u) << r.error;
  EXPECT_EQ(r.attempts, 1);
}

TEST(IngestionClient, UnavailableAfterAMessageIsNotRetried) {
  FakeServer server([](grpc::ServerContext*, fake::Writer* writer) {
    writer->Write(fake::Message("feed population loaded", true, fake::kJobStart));
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "ingestion going down");
  });
  ClientOptions options = Fast(server.target());
  options.retry_attempts = 3;
  IngestionClient client(options);
  const JobResult r = client.Run({});
  EXPECT_EQ(r.outcome, Outcome::kFailed);  // a SUCCESS progress message is not a successful job
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(r.messages, 1);
  EXPECT_EQ(r.status, grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(server.calls(), 1);
}

TEST(IngestionClient, ConnectTimeoutWhenNothingAnswers) {
  // A socket that listens but never speaks HTTP/2: the connection never becomes ready.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(fd, 8), 0);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ClientOptions options = Fast("127.0.0.1:" + std::to_string(ntohs(addr.sin_port)));
  options.connect_timeout = 300ms;
  IngestionClient client(options);
  const auto started = std::chrono::steady_clock::now();
  const JobResult r = client.Run({});
  const auto took = std::chrono::steady_clock::now() - started;
  close(fd);
  EXPECT_EQ(r.outcome, Outcome::kUnavailable);
  EXPECT_NE(r.error.find("within 300ms"), std::string::npos) << r.error;
  EXPECT_GE(took, 250ms);
  EXPECT_LT(took, 3s);
}

TEST(IngestionClient, CancelEndsAHangingCall) {
  FakeServer server(fake::Hang());
  ClientOptions options = Fast(server.target());
  options.job_timeout = 30s;
  IngestionClient client(options);
  auto cancel = std::async(std::launch::async, [&] {
    while (server.calls() == 0) std::this_thread::sleep_for(5ms);
    client.Cancel();
  });
  const auto started = std::chrono::steady_clock::now();
  const JobResult r = client.Run({});
  cancel.get();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
  EXPECT_EQ(r.outcome, Outcome::kCancelled);
  // Cancel() is for shutdown: later runs end at once.
  EXPECT_EQ(client.Run({}).outcome, Outcome::kCancelled);
  EXPECT_EQ(server.calls(), 1);
}

TEST(IngestionClient, CancelEndsTheBackOffWait) {
  ClientOptions options = Fast(Unused());
  options.retry_attempts = 3;
  options.retry_backoff = 30s;
  IngestionClient client(options);
  auto cancel = std::async(std::launch::async, [&] {
    std::this_thread::sleep_for(200ms);
    client.Cancel();
  });
  const auto started = std::chrono::steady_clock::now();
  const JobResult r = client.Run({});
  cancel.get();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
  EXPECT_EQ(r.outcome, Outcome::kCancelled);
  EXPECT_EQ(r.attempts, 1);
}

TEST(FormatUtc, WholeSecondsRfc3339) {
  EXPECT_EQ(FormatUtc(system_clock::time_point(std::chrono::seconds(fake::kJobStart)) + 999ms),
            "2025-03-05T10:00:00Z");
  EXPECT_EQ(FormatUtc(system_clock::time_point()), "1970-01-01T00:00:00Z");
}

}  // namespace
}  // namespace nationpulse::scheduler
