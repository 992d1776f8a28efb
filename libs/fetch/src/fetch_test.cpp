#include "nationpulse/fetch/fetch.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "nationpulse/log/log.hpp"
#include "nationpulse/testing/child_process.hpp"
#include "nationpulse/testing/fault_server.hpp"

namespace nationpulse::fetch {
namespace {

using namespace std::chrono_literals;
using testing::FaultResponse;
using testing::FaultServer;
using Clock = std::chrono::steady_clock;
using Kind = FetchError::Kind;

// A proxy from the developer's environment must not swallow loopback requests. Runs before main(),
// while the process has a single thread.
[[maybe_unused]] const bool kNoProxy = [] {
  ::setenv("NO_PROXY", "127.0.0.1,localhost", 1);
  ::setenv("no_proxy", "127.0.0.1,localhost", 1);
  return true;
}();

class RecordingSink : public BodySink {
 public:
  void Restart() override {
    ++restarts;
    body.clear();
  }
  bool OnChunk(std::string_view bytes) override {
    ++chunks;
    seen += bytes.size();
    body.append(bytes);
    return accept;
  }

  std::string body;
  int restarts = 0;
  int chunks = 0;
  std::size_t seen = 0;  // over all attempts
  bool accept = true;
};

FetchOptions Fast() {
  FetchOptions o;
  o.connect_timeout = 2s;
  o.attempt_timeout = 5s;
  o.stall_timeout = 2s;
  o.max_attempts = 3;
  o.backoff_initial = 20ms;
  o.backoff_max = 200ms;
  return o;
}

std::string Csv(std::size_t rows) {
  std::string out = "REF_AREA,TIME_PERIOD,OBS_VALUE\n";
  for (std::size_t i = 0; i < rows; ++i)
    out += "USA," + std::to_string(1960 + i % 64) + "," + std::to_string(i) + "\n";
  return out;
}

std::chrono::milliseconds Gap(const testing::FaultRequest& a, const testing::FaultRequest& b) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(b.at - a.at);
}

std::chrono::milliseconds Since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

TEST(Fetch, StreamsA200BodyInSeveralChunks) {
  FaultServer server;
  const std::string body = Csv(8000);
  ASSERT_GT(body.size(), 100'000u);
  server.Script("/data", {FaultResponse::Slow(body, 16 * 1024, 2ms)});
  RecordingSink sink;
  FetchOptions options = Fast();
  options.user_agent = "np-test/1";

  const auto got = Get(server.Url("/data?startPeriod=2015&format=csv"), options, sink);

  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(sink.body, body);
  EXPECT_GT(sink.chunks, 1);
  EXPECT_EQ(got->bytes, body.size());
  EXPECT_EQ(got->attempts, 1);
  EXPECT_EQ(got->http_status, 200);
  EXPECT_EQ(sink.restarts, 0);
  const auto requests = server.Requests("/data");
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].query, "startPeriod=2015&format=csv");
  EXPECT_EQ(requests[0].headers.at("user-agent"), "np-test/1");
  EXPECT_NE(requests[0].headers.at("accept-encoding").find("gzip"), std::string::npos);
}

TEST(Fetch, RetriesA500AndRestartsTheSink) {
  FaultServer server;
  server.Script("/data", {FaultResponse::Status(500, "boom"), FaultResponse::Ok("a,b\n1,2\n")});
  RecordingSink sink;

  const auto got = Get(server.Url("/data"), Fast(), sink);

  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->attempts, 2);
  EXPECT_EQ(sink.restarts, 1);
  EXPECT_EQ(sink.body, "a,b\n1,2\n");
  EXPECT_EQ(sink.seen, sink.body.size()) << "the 500 body must not reach the sink";
  EXPECT_EQ(server.Requests("/data").size(), 2u);
}

TEST(Fetch, HonoursRetryAfterOn429) {
  FaultServer server;
  server.Script("/data", {FaultResponse::Status(429, "slow down", 1), FaultResponse::Ok("x\n")});
  RecordingSink sink;
  FetchOptions options = Fast();
  options.backoff_initial = 10ms;
  options.backoff_max = 5s;

  const auto got = Get(server.Url("/data"), options, sink);

  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->attempts, 2);
  const auto requests = server.Requests("/data");
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_GE(Gap(requests[0], requests[1]), 950ms);
  EXPECT_LT(Gap(requests[0], requests[1]), 3s);
}

TEST(Fetch, RetryAfterIsCappedByBackoffMax) {
  FaultServer server;
  server.Script("/data", {FaultResponse::Status(503, "busy", 30), FaultResponse::Ok("x\n")});
  RecordingSink sink;
  const auto start = Clock::now();

  const auto got = Get(server.Url("/data"), Fast(), sink);

  ASSERT_TRUE(got) << got.error().message;
  EXPECT_LT(Since(start), 2s);
}

TEST(Fetch, A404FailsAtOnceWithoutTouchingTheSink) {
  FaultServer server;
  server.Script("/data", {FaultResponse::Status(404, "no such dataflow")});
  RecordingSink sink;

  const auto got = Get(server.Url("/data?key=secret"), Fast(), sink);

  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, Kind::kHttpStatus);
  EXPECT_EQ(got.error().http_status, 404);
  EXPECT_EQ(got.error().attempts, 1);
  EXPECT_EQ(sink.chunks, 0);
  EXPECT_EQ(server.Requests("/data").size(), 1u);
  EXPECT_NE(got.error().message.find("404"), std::string::npos) << got.error().message;
  EXPECT_NE(got.error().message.find("/data"), std::string::npos) << got.error().message;
  EXPECT_EQ(got.error().message.find("secret"), std::string::npos) << got.error().message;
  EXPECT_STREQ(KindName(got.error().kind), "http_status");
}

TEST(Fetch, PersistentServerErrorFailsAfterMaxAttempts) {
  FaultServer server;
  server.Script("/data", {FaultResponse::Status(503, "down")});
  RecordingSink sink;

  const auto got = Get(server.Url("/data"), Fast(), sink);

  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, Kind::kHttpStatus);
  EXPECT_EQ(got.error().http_status, 503);
  EXPECT_EQ(got.error().attempts, 3);
  EXPECT_EQ(server.Requests("/data").size(), 3u);
  EXPECT_EQ(sink.restarts, 2);
  EXPECT_EQ(sink.chunks, 0);
}

TEST(Fetch, BackoffDoublesBetweenAttempts) {
  FaultServer server;
  server.Script("/data", {FaultResponse::Status(500)});
  RecordingSink sink;
  FetchOptions options = Fast();
  options.backoff_initial = 100ms;
  options.backoff_max = 1s;

  const auto got = Get(server.Url("/data"), options, sink);

  ASSERT_FALSE(got);
  const auto requests = server.Requests("/data");
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_GE(Gap(requests[0], requests[1]), 95ms);
  EXPECT_GE(Gap(requests[1], requests[2]), 195ms);
  EXPECT_LT(Gap(requests[1], requests[2]), 1s);
}

TEST(Fetch, TruncatedBodyIsRetriedFromScratch) {
  FaultServer server;
  const std::string body = Csv(500);
  server.Script("/data", {FaultResponse::Truncated(body, 100), FaultResponse::Ok(body)});
  RecordingSink sink;

  const auto got = Get(server.Url("/data"), Fast(), sink);

  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->attempts, 2);
  EXPECT_EQ(sink.restarts, 1);
  EXPECT_EQ(sink.body, body);
}

TEST(Fetch, ChunkedBodyCutShortIsRetried) {
  FaultServer server;
  const std::string body = Csv(500);
  FaultResponse cut = FaultResponse::Truncated(body, 300);
  cut.chunked = true;
  server.Script("/data", {cut, FaultResponse::Slow(body, 1000, 0ms)});
  RecordingSink sink;

  const auto got = Get(server.Url("/data"), Fast(), sink);

  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->attempts, 2);
  EXPECT_EQ(sink.restarts, 1);
  EXPECT_EQ(sink.body, body);
}

TEST(Fetch, ClosedWithoutAnswerIsRetried) {
  FaultServer server;
  server.Script("/data", {FaultResponse::Close(), FaultResponse::Ok("x\n")});
  RecordingSink sink;

  const auto got = Get(server.Url("/data"), Fast(), sink);

  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->attempts, 2);
  EXPECT_EQ(sink.body, "x\n");
}

TEST(Fetch, StalledServerTimesOutAndIsRetried) {
  FaultServer server;
  server.Script("/data", {FaultResponse::Stall(Csv(100), 10, 10s)});
  RecordingSink sink;
  FetchOptions options = Fast();
  options.stall_timeout = 300ms;
  options.max_attempts = 2;
  const auto start = Clock::now();

  const auto got = Get(server.Url("/data"), options, sink);

  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, Kind::kTimeout);
  EXPECT_EQ(got.error().attempts, 2);
  EXPECT_EQ(server.Requests("/data").size(), 2u);
  EXPECT_NE(got.error().message.find("stalled"), std::string::npos) << got.error().message;
  EXPECT_GE(Since(start), 600ms);
  EXPECT_LT(Since(start), 3s);
}

TEST(Fetch, StallThenAnswerSucceeds) {
  FaultServer server;
  const std::string body = Csv(10);
  server.Script("/data", {FaultResponse::Stall(body, 0, 10s), FaultResponse::Ok(body)});
  RecordingSink sink;
  FetchOptions options = Fast();
  options.stall_timeout = 300ms;

  const auto got = Get(server.Url("/data"), options, sink);

  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->attempts, 2);
  EXPECT_EQ(sink.body, body);
}

TEST(Fetch, SlowButSteadyBodySucceeds) {
  FaultServer server;
  const std::string body = Csv(100);
  server.Script("/data", {FaultResponse::Slow(body, body.size() / 8 + 1, 150ms)});
  RecordingSink sink;
  FetchOptions options = Fast();
  options.stall_timeout = 500ms;
  const auto start = Clock::now();

  const auto got = Get(server.Url("/data"), options, sink);

  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->attempts, 1);
  EXPECT_EQ(sink.body, body);
  EXPECT_GE(Since(start), 1000ms);
}

TEST(Fetch, AttemptTimeoutCutsAnEndlessBody) {
  FaultServer server;
  server.Script("/data", {FaultResponse::Slow(Csv(200), 100, 50ms)});
  RecordingSink sink;
  FetchOptions options = Fast();
  options.attempt_timeout = 500ms;
  options.max_attempts = 1;
  const auto start = Clock::now();

  const auto got = Get(server.Url("/data"), options, sink);

  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, Kind::kTimeout);
  EXPECT_EQ(got.error().attempts, 1);
  EXPECT_LT(Since(start), 2s);
}

TEST(Fetch, BodyLargerThanTheCapFailsWithoutRetry) {
  FaultServer server;
  server.Script("/data", {FaultResponse::Ok(std::string(100 * 1024, 'x'))});
  RecordingSink sink;
  FetchOptions options = Fast();
  options.max_body_bytes = 10 * 1024;

  const auto got = Get(server.Url("/data"), options, sink);

  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, Kind::kTooLarge);
  EXPECT_EQ(got.error().attempts, 1);
  EXPECT_EQ(server.Requests("/data").size(), 1u);
  EXPECT_LE(sink.seen, options.max_body_bytes);
}

TEST(Fetch, BodyExactlyAtTheCapSucceeds) {
  FaultServer server;
  const std::string body(10 * 1024, 'x');
  server.Script("/data", {FaultResponse::Slow(body, 3000, 0ms)});
  RecordingSink sink;
  FetchOptions options = Fast();
  options.max_body_bytes = body.size();

  const auto got = Get(server.Url("/data"), options, sink);

  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->bytes, body.size());
}

TEST(Fetch, SinkReturningFalseAborts) {
  FaultServer server;
  server.Script("/data", {FaultResponse::Ok(Csv(10))});
  RecordingSink sink;
  sink.accept = false;

  const auto got = Get(server.Url("/data"), Fast(), sink);

  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, Kind::kAborted);
  EXPECT_EQ(got.error().attempts, 1);
  EXPECT_EQ(server.Requests("/data").size(), 1u);
}

TEST(Fetch, SinkExceptionPropagates) {
  struct Throwing : BodySink {
    void Restart() override {}
    bool OnChunk(std::string_view) override { throw std::runtime_error("parse error"); }
  } sink;
  FaultServer server;
  server.Script("/data", {FaultResponse::Ok(Csv(10))});

  EXPECT_THROW(Get(server.Url("/data"), Fast(), sink), std::runtime_error);
  EXPECT_EQ(server.Requests("/data").size(), 1u);
}

TEST(Fetch, CancellationDuringBackoffIsPrompt) {
  FaultServer server;
  server.Script("/data", {FaultResponse::Status(503)});
  RecordingSink sink;
  FetchOptions options = Fast();
  options.backoff_initial = 10s;
  options.backoff_max = 10s;
  std::atomic<bool> cancel{false};
  std::thread canceller([&] {
    server.WaitForRequests("/data", 1, 5s);
    std::this_thread::sleep_for(200ms);
    cancel = true;
  });
  const auto start = Clock::now();

  const auto got = Get(server.Url("/data"), options, sink, [&] { return cancel.load(); });
  canceller.join();

  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, Kind::kCancelled);
  EXPECT_EQ(got.error().attempts, 1);
  EXPECT_EQ(got.error().http_status, 503);
  EXPECT_LT(Since(start), 2s);
}

TEST(Fetch, CancellationDuringATransferIsPrompt) {
  FaultServer server;
  server.Script("/data", {FaultResponse::Stall(Csv(100), 10, 10s)});
  RecordingSink sink;
  FetchOptions options = Fast();
  options.stall_timeout = 10s;
  const auto start = Clock::now();

  const auto got = Get(server.Url("/data"), options, sink, [&] { return Since(start) > 300ms; });

  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, Kind::kCancelled);
  EXPECT_LT(Since(start), 1500ms);
}

TEST(Fetch, ConnectionRefusedIsRetriedThenFails) {
  const std::string url = "http://127.0.0.1:" + std::to_string(testing::FreePort()) + "/data";
  RecordingSink sink;

  const auto got = Get(url, Fast(), sink);

  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, Kind::kNetwork);
  EXPECT_EQ(got.error().attempts, 3);
  EXPECT_EQ(got.error().http_status, 0);
  EXPECT_EQ(sink.restarts, 2);
}

class FetchFile : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("np_fetch_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".csv");
  }
  void TearDown() override { std::filesystem::remove(path_); }
  std::string Url() const { return "file://" + path_.string(); }

  std::filesystem::path path_;
};

TEST_F(FetchFile, ReadsAnExistingFileAsA200) {
  const std::string body = Csv(3000);
  std::ofstream(path_, std::ios::binary) << body;
  RecordingSink sink;

  const auto got = Get(Url(), Fast(), sink);

  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->http_status, 200);
  EXPECT_EQ(got->attempts, 1);
  EXPECT_EQ(got->bytes, body.size());
  EXPECT_EQ(sink.body, body);
}

TEST_F(FetchFile, MissingFileFailsWithoutRetry) {
  RecordingSink sink;

  const auto got = Get(Url(), Fast(), sink);

  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, Kind::kNetwork);
  EXPECT_EQ(got.error().attempts, 1);
  EXPECT_EQ(sink.chunks, 0);
  EXPECT_NE(got.error().message.find(path_.filename().string()), std::string::npos) << got.error().message;
}

TEST_F(FetchFile, DirectoryIsNotAnEmptyFeed) {
  RecordingSink sink;

  const auto got = Get("file://" + path_.parent_path().string(), Fast(), sink);

  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, Kind::kNetwork);
  EXPECT_EQ(got.error().attempts, 1);
}

TEST_F(FetchFile, FileLargerThanTheCapFails) {
  std::ofstream(path_, std::ios::binary) << std::string(50'000, 'x');
  RecordingSink sink;
  FetchOptions options = Fast();
  options.max_body_bytes = 1000;

  const auto got = Get(Url(), options, sink);

  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, Kind::kTooLarge);
}

TEST(Fetch, RejectsBadUrls) {
  for (const std::string url : {"not a url", "", "ftp://example.com/data.csv", "http://", "gopher://x/"}) {
    RecordingSink sink;
    const auto got = Get(url, Fast(), sink);
    ASSERT_FALSE(got) << url;
    EXPECT_EQ(got.error().kind, Kind::kBadUrl) << url << ": " << got.error().message;
    EXPECT_EQ(got.error().attempts, 0) << url;
  }
}

TEST(Fetch, FollowsRedirects) {
  FaultServer server;
  server.Script("/old", {FaultResponse::Redirect(server.Url("/new"))});
  server.Script("/new", {FaultResponse::Ok("moved\n")});
  RecordingSink sink;

  const auto got = Get(server.Url("/old"), Fast(), sink);

  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(sink.body, "moved\n");
  EXPECT_EQ(got->attempts, 1);
}

TEST(Fetch, RefusesARedirectToALocalFile) {
  FaultServer server;
  server.Script("/evil", {FaultResponse::Redirect("file:///etc/hostname")});
  RecordingSink sink;

  const auto got = Get(server.Url("/evil"), Fast(), sink);

  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().attempts, 1);
  EXPECT_EQ(sink.chunks, 0);
}

TEST(Fetch, KeepAliveConnectionIsReusedAfterAnErrorStatus) {
  FaultServer server(/*keep_alive=*/true);
  server.Script("/data", {FaultResponse::Status(500, std::string(2000, 'e')), FaultResponse::Ok("x\n")});
  RecordingSink sink;

  const auto got = Get(server.Url("/data"), Fast(), sink);

  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(sink.body, "x\n");
  const auto requests = server.Requests("/data");
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].connection, requests[1].connection);
}

TEST(Fetch, DeadlineBoundsTheWholeCall) {
  FaultServer server;
  server.Script("/data", {FaultResponse::Status(503)});
  RecordingSink sink;
  FetchOptions options = Fast();
  options.max_attempts = 10;
  options.backoff_initial = 200ms;
  options.backoff_max = 200ms;
  options.deadline = 700ms;
  const auto start = Clock::now();

  const auto got = Get(server.Url("/data"), options, sink);

  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, Kind::kHttpStatus);
  EXPECT_LE(got.error().attempts, 4);
  EXPECT_NE(got.error().message.find("deadline"), std::string::npos) << got.error().message;
  EXPECT_LT(Since(start), 1200ms);
}

TEST(Fetch, LogsEachRetry) {
  // Leaked on purpose: the logger keeps writing to it until the process ends.
  static auto* out = new std::ostringstream;
  log::InitForTest("fetch-test", log::Level::kInfo, *out);
  FaultServer server;
  server.Script("/data", {FaultResponse::Status(503), FaultResponse::Ok("x\n")});
  RecordingSink sink;

  const auto got = Get(server.Url("/data?token=hidden"), Fast(), sink);

  ASSERT_TRUE(got) << got.error().message;
  const std::string logged = out->str();
  EXPECT_NE(logged.find("fetch attempt failed, retrying"), std::string::npos) << logged;
  EXPECT_NE(logged.find("\"attempt\":1"), std::string::npos) << logged;
  EXPECT_NE(logged.find("HTTP 503"), std::string::npos) << logged;
  EXPECT_NE(logged.find("\"wait_ms\":20"), std::string::npos) << logged;
  EXPECT_EQ(logged.find("hidden"), std::string::npos) << logged;
}

TEST(Fetch, ConcurrentCallsAreIndependent) {
  FaultServer server;
  constexpr int kCalls = 4;
  for (int i = 0; i < kCalls; ++i) {
    server.Script("/feed" + std::to_string(i),
                  {FaultResponse::Status(502), FaultResponse::Slow(Csv(200 + i), 1000, 1ms)});
  }
  std::vector<RecordingSink> sinks(kCalls);
  std::vector<int> ok(kCalls, 0);  // not vector<bool>: written from several threads
  std::vector<std::thread> threads;
  for (int i = 0; i < kCalls; ++i) {
    threads.emplace_back([&, i] {
      ok[i] = static_cast<bool>(Get(server.Url("/feed" + std::to_string(i)), Fast(), sinks[i]));
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kCalls; ++i) {
    EXPECT_TRUE(ok[i]) << i;
    EXPECT_EQ(sinks[i].body, Csv(200 + i)) << i;
  }
}

TEST(Post, SendsTheBodyOnceAndReturnsTheStatus) {
  FaultServer server;
  server.Script("/v1/traces", {FaultResponse::Status(503), FaultResponse::Ok("{}", "application/json")});
  const auto first = Post(server.Url("/v1/traces"), R"({"resourceSpans":[]})", "application/json", 2s);
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, 503);  // no retry: the caller counts the failure
  const auto second = Post(server.Url("/v1/traces"), "{}", "application/json", 2s);
  ASSERT_TRUE(second);
  EXPECT_EQ(*second, 200);
  const auto requests = server.Requests("/v1/traces");
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].body, R"({"resourceSpans":[]})");
  EXPECT_EQ(requests[0].headers.at("content-type"), "application/json");
}

TEST(Post, AStalledCollectorCostsAtMostTheTimeout) {
  FaultServer server;
  server.Script("/v1/traces", {FaultResponse::Stall("{}", 0, 5s)});
  const auto start = Clock::now();
  const auto got = Post(server.Url("/v1/traces"), "{}", "application/json", 300ms);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, Kind::kTimeout);
  EXPECT_LT(Since(start), 2s);
}

TEST(Post, RejectsNonHttpUrls) {
  const auto got = Post("file:///etc/passwd", "{}", "application/json", 1s);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, Kind::kBadUrl);
}

}  // namespace
}  // namespace nationpulse::fetch
