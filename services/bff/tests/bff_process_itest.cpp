// The real np-bff binary against the test Postgres and Redis: start-up, closed protected
// routes, hostile clients, dependency failures and recovery, graceful stop.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "nationpulse/cache/redis.hpp"
#include "nationpulse/health/health.hpp"
#include "nationpulse/http/client.hpp"
#include "nationpulse/testing/child_process.hpp"
#include "nationpulse/testing/test_env.hpp"

namespace nationpulse::bff {
namespace {

using namespace std::chrono_literals;
namespace net = boost::asio;

using testing::FreePort;

/// One np-bff child process with extra environment variables; killed if still running.
class BffProcess {
 public:
  explicit BffProcess(std::vector<std::string> extra_env)
      : port_(FreePort()), grpc_port_(FreePort()), process_(NP_BFF_BINARY, [&] {
          extra_env.insert(extra_env.begin(),
                           {"PORT=" + std::to_string(port_), "BFF_LISTEN_ADDRESS=127.0.0.1",
                            "GRPC_ADDRESS=127.0.0.1", "GRPC_PORT=" + std::to_string(grpc_port_)});
          return std::move(extra_env);
        }()) {}

  bool WaitReady(std::chrono::milliseconds budget = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + budget;
    while (std::chrono::steady_clock::now() < deadline) {
      auto res = http::Fetch("127.0.0.1", port_, http::Request{http::Verb::get, "/livez", 11}, 500ms);
      if (res && res->result() == http::Status::ok) return true;
      if (Exited(0ms)) return false;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  bool Exited(std::chrono::milliseconds budget) { return process_.Exited(budget); }

  http::Response Get(const std::string& target) {
    auto res = http::Fetch("127.0.0.1", port_, http::Request{http::Verb::get, target, 11}, 5s);
    EXPECT_TRUE(res) << (res ? "" : res.error());
    return res ? *res : http::Response{};
  }

  std::string Log() const { return process_.Log(); }
  void Signal(int sig) { process_.Signal(sig); }
  std::uint16_t port() const { return port_; }
  std::uint16_t grpc_port() const { return grpc_port_; }
  /// grpc.health.v1 status of "" within a short deadline.
  std::string Health() {
    auto s = health::Check("127.0.0.1:" + std::to_string(grpc_port_), "", 1s);
    return s ? health::ServingStatusName(*s) : "error: " + health::Describe(s.error());
  }
  /// Polls Health() until it equals `want` or `budget` passed.
  bool WaitHealth(const std::string& want, std::chrono::milliseconds budget) {
    const auto deadline = std::chrono::steady_clock::now() + budget;
    while (Health() != want) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(100ms);
    }
    return true;
  }
  int exit_code() const { return process_.exit_code(); }

 private:
  std::uint16_t port_;
  std::uint16_t grpc_port_;
  testing::ChildProcess process_;
};

class BffProcessTest : public ::testing::Test {
 protected:
  void SetUp() override { testing::RequireEnv("PG_DB_ADDR"); }
  void TearDown() override {
    // Whatever a test stopped comes back for the next one.
    ASSERT_EQ(testing::Infra("start --only pg,redis"), 0);
  }

  static cache::Redis TestRedis() {
    cache::RedisOptions o;
    const auto addr = testing::RequireEnv("REDIS_ADDR");
    o.host = addr.substr(0, addr.rfind(':'));
    o.port = std::stoi(addr.substr(addr.rfind(':') + 1));
    return cache::Redis(o);
  }
};

TEST_F(BffProcessTest, ServesPublicRoutesKeepsProtectedClosedAndStopsOnSigterm) {
  BffProcess bff({});
  ASSERT_TRUE(bff.WaitReady()) << bff.Log();
  EXPECT_EQ(bff.Get("/api/dashboard/health").result(), http::Status::ok);
  EXPECT_EQ(bff.Get("/readyz").result(), http::Status::ok);
  EXPECT_TRUE(bff.WaitHealth("SERVING", 10s)) << bff.Health();
  for (const char* name : {"nationpulse.bff", "bff"}) {
    auto named = health::Check("127.0.0.1:" + std::to_string(bff.grpc_port()), name, 1s);
    ASSERT_TRUE(named) << name;
    EXPECT_EQ(*named, health::ServingStatus::kServing) << name;
  }
  for (const char* path :
       {"/api/population/country", "/api/health/country", "/api/economy/governmentdata/country",
        "/api/economy/gdp/country", "/api/growth/gdp/country", "/api/growth/population/country"}) {
    auto res = bff.Get(std::string(path) + "?countryCode=USA");
    EXPECT_EQ(res.result(), http::Status::unauthorized) << path;
    EXPECT_EQ(
        res.body(),
        "{\"isSuccess\":false,\"data\":null,\"error\":\"User does not have access or missing token\"}\n");
  }
  bff.Signal(SIGTERM);
  ASSERT_TRUE(bff.Exited(8s));
  EXPECT_EQ(bff.exit_code(), 0);
  const auto log = bff.Log();
  // Every line is one JSON object with the standard keys; the request log has the real status.
  std::istringstream lines(log);
  std::string line;
  bool saw_401 = false;
  while (std::getline(lines, line)) {
    auto j = nlohmann::json::parse(line);
    EXPECT_TRUE(j.contains("ts") && j.contains("level") && j.contains("msg"));
    EXPECT_EQ(j["service"], "bff");
    if (j["msg"] == "request completed" && j["status"] == 401) saw_401 = true;
  }
  EXPECT_TRUE(saw_401) << log;
}

TEST_F(BffProcessTest, BadConfigurationStopsStartupNamingTheVariable) {
  BffProcess bff({"PG_POOL_SIZE=lots", "HTTP_READ_HEADER_TIMEOUT=soon"});
  ASSERT_TRUE(bff.Exited(5s));
  EXPECT_EQ(bff.exit_code(), 2);
  const auto log = bff.Log();
  EXPECT_NE(log.find("PG_POOL_SIZE"), std::string::npos) << log;
  EXPECT_NE(log.find("HTTP_READ_HEADER_TIMEOUT"), std::string::npos) << log;
  EXPECT_EQ(log.find("postgres:postgres"), std::string::npos);  // no secrets in logs
}

TEST_F(BffProcessTest, OversizedHeadersAndSlowClientsAreCutOff) {
  BffProcess bff({"HTTP_READ_HEADER_TIMEOUT=1s", "HTTP_MAX_HEADER_BYTES=8192"});
  ASSERT_TRUE(bff.WaitReady()) << bff.Log();
  http::Request big{http::Verb::get, "/api/dashboard/health", 11};
  big.set("X-Filler", std::string(20000, 'x'));
  auto res = http::Fetch("127.0.0.1", bff.port(), std::move(big), 3s);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result(), http::Status::request_header_fields_too_large);

  net::io_context ioc;
  net::ip::tcp::socket sock(ioc);
  sock.connect({net::ip::make_address("127.0.0.1"), bff.port()});
  timeval tv{5, 0};
  setsockopt(sock.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  net::write(sock, net::buffer(std::string("GET /livez HTTP/1.1\r\nHost: x\r\n")));  // head never completed
  const auto t0 = std::chrono::steady_clock::now();
  char buf[256];
  boost::system::error_code ec;
  const auto n = sock.read_some(net::buffer(buf), ec);
  EXPECT_EQ(n, 0u);
  EXPECT_TRUE(ec == net::error::eof || ec == net::error::connection_reset) << ec.message();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
  EXPECT_EQ(bff.Get("/livez").result(), http::Status::ok);  // still serving others
}

TEST_F(BffProcessTest, RedisDownStillServesFromPostgresAndCountsTheFallback) {
  BffProcess bff({"CACHE_LOCAL_TTL=0"});
  ASSERT_TRUE(bff.WaitReady()) << bff.Log();
  EXPECT_EQ(bff.Get("/api/dashboard/health").result(), http::Status::ok);
  EXPECT_TRUE(bff.WaitHealth("SERVING", 10s)) << bff.Health();
  ASSERT_EQ(testing::Infra("stop --only redis"), 0);
  // gRPC health is the operator's view: Redis is required there (grpc.md §3), unlike /readyz.
  EXPECT_TRUE(bff.WaitHealth("NOT_SERVING", 10s)) << bff.Health();
  for (int i = 0; i < 5; ++i) {
    auto res = bff.Get("/api/dashboard/health");
    EXPECT_EQ(res.result(), http::Status::ok) << res.body();
    EXPECT_NE(res.body().find("\"isSuccess\":true"), std::string::npos);
  }
  auto ready = bff.Get("/readyz");  // still ready: Redis is a cache, not a dependency
  EXPECT_EQ(ready.result(), http::Status::ok);
  EXPECT_EQ(nlohmann::json::parse(ready.body())["data"]["redis"], "degraded");
  const auto metrics = bff.Get("/metrics").body();
  EXPECT_NE(metrics.find("nationpulse_bff_cache_requests_total{result=\"error\"}"), std::string::npos)
      << metrics;
  ASSERT_EQ(testing::Infra("start --only redis"), 0);
  // Back to normal by itself once Redis returns (after the reconnect back-off).
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  auto redis_state = [&] { return nlohmann::json::parse(bff.Get("/readyz").body())["data"]["redis"]; };
  while (redis_state() != "ok" && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_EQ(redis_state(), "ok");
  EXPECT_TRUE(bff.WaitHealth("SERVING", 10s)) << bff.Health();
}

TEST_F(BffProcessTest, PostgresDownIs503ThenRecoversByItself) {
  BffProcess bff({"PG_CONNECT_TIMEOUT=1s", "CACHE_LOCAL_TTL=0"});
  ASSERT_TRUE(bff.WaitReady()) << bff.Log();
  auto redis = TestRedis();
  ASSERT_TRUE(redis.Del({"dashboard:health"}));
  ASSERT_EQ(bff.Get("/api/dashboard/health").result(), http::Status::ok);  // pool has live connections
  ASSERT_EQ(testing::Infra("stop --only pg"), 0);
  ASSERT_TRUE(redis.Del({"dashboard:health"}));
  auto down = bff.Get("/api/dashboard/health");
  EXPECT_EQ(down.result(), http::Status::service_unavailable) << down.body();
  EXPECT_EQ(nlohmann::json::parse(down.body())["isSuccess"], false);
  EXPECT_EQ(bff.Get("/livez").result(), http::Status::ok);  // alive, just degraded
  EXPECT_EQ(bff.Get("/readyz").result(), http::Status::service_unavailable);
  ASSERT_EQ(testing::Infra("start --only pg"), 0);
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  http::Status status = http::Status::service_unavailable;
  while (std::chrono::steady_clock::now() < deadline) {
    status = bff.Get("/api/dashboard/health").result();
    if (status == http::Status::ok) break;
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_EQ(status, http::Status::ok);
  EXPECT_FALSE(bff.Exited(0ms)) << "the BFF must survive a Postgres outage";
}

}  // namespace
}  // namespace nationpulse::bff
