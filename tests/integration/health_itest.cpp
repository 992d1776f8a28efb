// Health everywhere (issue 7) with the real binaries: bff, reporting, ingestion and scheduler serve
// grpc.health.v1, kubepulse probes them every second and serves /api/status. Dependencies are the test
// Postgres, Redis and Kafka; Redis is stopped and restarted, a service is killed.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "nationpulse/http/client.hpp"
#include "nationpulse/testing/child_process.hpp"
#include "nationpulse/testing/test_env.hpp"

namespace nationpulse {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using testing::ChildProcess;
using testing::FreePort;

class HealthEverywhere : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::RequireEnv("KAFKA_BROKERS");
    const std::string run = std::to_string(std::random_device{}());
    const std::vector<std::string> common{"LOG_LEVEL=warn", "HEALTH_PROBE_INTERVAL=300ms",
                                          "GRPC_ADDRESS=127.0.0.1", "HTTP_ADDRESS=127.0.0.1",
                                          "KAFKA_TOPIC_REPLICATION=1"};
    auto with = [&](std::vector<std::string> extra) {
      extra.insert(extra.end(), common.begin(), common.end());
      return extra;
    };
    for (auto* port : {&bff_grpc_, &reporting_grpc_, &ingestion_grpc_, &scheduler_grpc_, &pulse_http_}) {
      *port = FreePort();
    }
    bff_ = std::make_unique<ChildProcess>(
        NP_BFF_BINARY,
        with({"PORT=" + std::to_string(FreePort()), "BFF_LISTEN_ADDRESS=127.0.0.1",
              "GRPC_PORT=" + std::to_string(bff_grpc_), "KAFKA_GROUP_ID=np-health-bff-" + run}));
    reporting_ = std::make_unique<ChildProcess>(
        NP_REPORTING_BINARY,
        with({"GRPC_PORT=" + std::to_string(reporting_grpc_), "METRICS_PORT=0",
              "KAFKA_READER_TOPIC=np-health-req-" + run, "KAFKA_WRITER_TOPIC=np-health-res-" + run,
              "KAFKA_GROUP_ID=np-health-reporting-" + run}));
    ingestion_ = std::make_unique<ChildProcess>(
        NP_INGESTION_BINARY, with({"GRPC_PORT=" + std::to_string(ingestion_grpc_), "METRICS_PORT=0"}));
    scheduler_ = std::make_unique<ChildProcess>(
        NP_SCHEDULER_BINARY,
        with({"GRPC_PORT=" + std::to_string(scheduler_grpc_), "METRICS_PORT=0",
              "GRPC_SERVER_ADDR=127.0.0.1:" + std::to_string(ingestion_grpc_), "CRON_SCHEDULE=@every 360h"}));
    pulse_ = std::make_unique<ChildProcess>(
        NP_KUBEPULSE_BINARY,
        std::vector<std::string>{"BFF_ADDR=127.0.0.1:" + std::to_string(bff_grpc_),
                                 "REPORTING_ADDR=127.0.0.1:" + std::to_string(reporting_grpc_),
                                 "INGESTION_ADDR=127.0.0.1:" + std::to_string(ingestion_grpc_),
                                 "CRONJOB_ADDR=127.0.0.1:" + std::to_string(scheduler_grpc_),
                                 "PULSE_INTERVAL_SECONDS=1", "PULSE_TIMEOUT_SECONDS=1",
                                 "KUBEPULSE_ADDRESS=127.0.0.1",
                                 "KUBEPULSE_PORT=" + std::to_string(pulse_http_), "LOG_LEVEL=warn"});
  }

  void TearDown() override {
    if (HasFailure()) {
      for (auto* p : {bff_.get(), reporting_.get(), ingestion_.get(), scheduler_.get(), pulse_.get()}) {
        if (p) std::cerr << "--- log ---\n" << p->Log().substr(0, 4000);
      }
    }
    ASSERT_EQ(testing::Infra("start --only redis"), 0);
  }

  /// name → status from kubepulse's /api/status (empty when it does not answer).
  std::map<std::string, std::string> Statuses() {
    std::map<std::string, std::string> out;
    auto res = http::Fetch("127.0.0.1", pulse_http_, http::Request{http::Verb::get, "/api/status", 11}, 1s);
    if (!res || res->result() != http::Status::ok) return out;
    const auto doc = json::parse(res->body(), nullptr, false);
    if (doc.is_discarded() || !doc.contains("services")) return out;
    for (const auto& s : doc["services"]) out[s.value("name", "")] = s.value("status", "");
    return out;
  }

  /// Waits until every `want` entry matches; returns the last statuses seen.
  std::map<std::string, std::string> WaitFor(const std::map<std::string, std::string>& want,
                                             std::chrono::milliseconds budget) {
    const auto deadline = Clock::now() + budget;
    std::map<std::string, std::string> seen;
    while (Clock::now() < deadline) {
      seen = Statuses();
      bool all = true;
      for (const auto& [name, status] : want) all = all && seen[name] == status;
      if (all) return seen;
      std::this_thread::sleep_for(200ms);
    }
    return seen;
  }

  std::uint16_t bff_grpc_ = 0, reporting_grpc_ = 0, ingestion_grpc_ = 0, scheduler_grpc_ = 0, pulse_http_ = 0;
  std::unique_ptr<ChildProcess> bff_, reporting_, ingestion_, scheduler_, pulse_;
};

const std::map<std::string, std::string> kAllServing{{"BFF-Service", "SERVING"},
                                                     {"Reporting-Svc", "SERVING"},
                                                     {"Ingestion-Svc", "SERVING"},
                                                     {"Cronjob-Svc", "SERVING"}};

TEST_F(HealthEverywhere, RedisOutageAndAKilledServiceShowOnTheDashboard) {
  auto seen = WaitFor(kAllServing, 30s);
  ASSERT_EQ(seen, kAllServing);

  ASSERT_EQ(testing::Infra("stop --only redis"), 0);
  // Two rounds of one second, plus the services' own 300 ms probe and Redis's connect timeout.
  const std::map<std::string, std::string> redis_down{{"BFF-Service", "NOT_SERVING"},
                                                      {"Reporting-Svc", "NOT_SERVING"},
                                                      {"Ingestion-Svc", "SERVING"},
                                                      {"Cronjob-Svc", "SERVING"}};
  seen = WaitFor(redis_down, 4s);
  EXPECT_EQ(seen, redis_down);

  ASSERT_EQ(testing::Infra("start --only redis"), 0);
  seen = WaitFor(kAllServing, 20s);
  EXPECT_EQ(seen, kAllServing) << "back to SERVING by themselves";

  scheduler_->Signal(SIGKILL);
  ASSERT_TRUE(scheduler_->Exited(5s));
  seen = WaitFor({{"Cronjob-Svc", "UNHEALTHY (RPC ERROR)"}}, 4s);
  EXPECT_EQ(seen["Cronjob-Svc"], "UNHEALTHY (RPC ERROR)");
  EXPECT_EQ(seen["BFF-Service"], "SERVING");

  // The metrics say the same.
  auto metrics = http::Fetch("127.0.0.1", pulse_http_, http::Request{http::Verb::get, "/metrics", 11}, 2s);
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body().find(R"(nationpulse_service_up{service="Cronjob-Svc"} 0)"), std::string::npos)
      << metrics->body();
  EXPECT_NE(metrics->body().find(R"(nationpulse_service_up{service="BFF-Service"} 1)"), std::string::npos);
}

}  // namespace
}  // namespace nationpulse
