// The service in-process: the round loop against fake targets, its console blocks, and the HTTP
// routes (/, /api/status, /metrics, /healthz) on a loopback port.
#include "service.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "fake_targets.hpp"
#include "nationpulse/http/client.hpp"

namespace nationpulse::kubepulse {
namespace {

using namespace std::chrono_literals;

class KubePulseServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    settings_.bff_addr = serving_.address();
    settings_.reporting_addr = not_serving_.address();
    settings_.ingestion_addr = fake::ClosedAddress();
    settings_.interval = 1s;
    settings_.timeout = 1s;
    settings_.http_address = "127.0.0.1";
    settings_.http_port = 0;
    service_ = std::make_unique<KubePulseService>(settings_, [this](std::string_view block) {
      std::lock_guard lock(mutex_);
      console_ += block;
    });
    service_->Start();
  }
  void TearDown() override { service_->Stop(); }

  bool WaitRounds(std::uint64_t n, std::chrono::milliseconds budget = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + budget;
    while (service_->rounds() < n) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(20ms);
    }
    return true;
  }
  http::Response Get(const std::string& path) {
    auto res = http::Fetch("127.0.0.1", service_->http_port(), http::Request{http::Verb::get, path, 11}, 5s);
    if (!res) throw std::runtime_error(path + ": " + res.error());
    return *res;
  }
  std::string console() {
    std::lock_guard lock(mutex_);
    return console_;
  }

  fake::HealthTarget serving_{true};
  fake::HealthTarget not_serving_{false};
  Settings settings_;
  std::unique_ptr<KubePulseService> service_;
  std::mutex mutex_;
  std::string console_;
};

TEST_F(KubePulseServiceTest, PrintsOneCompleteBlockPerRound) {
  ASSERT_TRUE(WaitRounds(2));
  const std::string out = console();
  const std::string header = "\n--- Pulse check: ";
  ASSERT_EQ(out.rfind(header, 0), 0u) << out;
  const auto second = out.find(header, 1);
  ASSERT_NE(second, std::string::npos) << out;
  const std::string first_block = out.substr(0, second);
  const auto rows = first_block.substr(first_block.find(" ---\n") + 5);
  EXPECT_EQ(rows,
            "[BFF-Service]  Status:SERVING\n"
            "[Reporting-Svc]  Status:NOT_SERVING\n"
            "[Ingestion-Svc]  Status:UNHEALTHY (RPC ERROR)\n"
            "[Cronjob-Svc]  Status:NOT_CONFIGURED\n");
  // h:mmAM/PM in the header.
  const auto time = first_block.substr(header.size(), first_block.find(" ---\n") - header.size());
  EXPECT_TRUE(time.ends_with("AM") || time.ends_with("PM")) << time;
  EXPECT_EQ(time[time.size() - 5], ':') << time;
}

TEST_F(KubePulseServiceTest, ServesStatusJson) {
  ASSERT_TRUE(WaitRounds(1));
  const auto res = Get("/api/status");
  ASSERT_EQ(res.result(), http::Status::ok);
  EXPECT_EQ(res[http::bhttp::field::content_type], "application/json");
  EXPECT_EQ(res[http::bhttp::field::cache_control], "no-store");
  const auto j = nlohmann::json::parse(res.body());
  EXPECT_GE(j["round"].get<int>(), 1);
  EXPECT_EQ(j["interval_seconds"], 1);
  ASSERT_EQ(j["services"].size(), 4u);
  EXPECT_EQ(j["services"][0]["status"], "SERVING");
  EXPECT_EQ(j["services"][0]["target"], serving_.address());
  EXPECT_EQ(j["services"][1]["status"], "NOT_SERVING");
  EXPECT_EQ(j["services"][2]["status"], "UNHEALTHY (RPC ERROR)");
  EXPECT_NE(j["services"][2]["error"].get<std::string>().find("UNAVAILABLE"), std::string::npos);
  EXPECT_EQ(j["services"][3]["status"], "NOT_CONFIGURED");
  EXPECT_EQ(j["overall"]["text"], "2 of 3 not serving");
}

TEST_F(KubePulseServiceTest, ServesTheDashboard) {
  ASSERT_TRUE(WaitRounds(1));
  const auto res = Get("/");
  ASSERT_EQ(res.result(), http::Status::ok);
  EXPECT_EQ(res[http::bhttp::field::content_type], "text/html; charset=utf-8");
  EXPECT_NE(res["Content-Security-Policy"].find("default-src 'none'"), std::string::npos);
  EXPECT_NE(res.body().find("<span class=\"badge ok\">SERVING</span>"), std::string::npos);
  EXPECT_NE(res.body().find("<span class=\"badge bad\">NOT_SERVING</span>"), std::string::npos);
  EXPECT_NE(res.body().find("data-service=\"Cronjob-Svc\""), std::string::npos);
  EXPECT_EQ(Get("/nope").result(), http::Status::not_found);
}

TEST_F(KubePulseServiceTest, ExposesMetrics) {
  ASSERT_TRUE(WaitRounds(1));
  const auto res = Get("/metrics");
  ASSERT_EQ(res.result(), http::Status::ok);
  const std::string& text = res.body();
  EXPECT_NE(text.find("\nnationpulse_service_up{service=\"BFF-Service\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nnationpulse_service_up{service=\"Reporting-Svc\"} 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nnationpulse_service_up{service=\"Ingestion-Svc\"} 0\n"), std::string::npos) << text;
  // Never probed, so no series that would claim it is down.
  EXPECT_EQ(text.find("service=\"Cronjob-Svc\""), std::string::npos) << text;
  EXPECT_NE(text.find("nationpulse_kubepulse_probe_duration_seconds_count{service=\"BFF-Service\"}"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\nnationpulse_kubepulse_status_changes_total{service=\"Reporting-Svc\"} 0\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\nnationpulse_kubepulse_rounds_total "), std::string::npos) << text;
}

TEST_F(KubePulseServiceTest, CountsStatusChanges) {
  ASSERT_TRUE(WaitRounds(1));
  not_serving_.server().SetServing(true);
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  std::string text;
  do {
    std::this_thread::sleep_for(50ms);
    text = Get("/metrics").body();
  } while (text.find("\nnationpulse_kubepulse_status_changes_total{service=\"Reporting-Svc\"} 1\n") ==
               std::string::npos &&
           std::chrono::steady_clock::now() < deadline);
  EXPECT_NE(text.find("\nnationpulse_kubepulse_status_changes_total{service=\"Reporting-Svc\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\nnationpulse_service_up{service=\"Reporting-Svc\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nnationpulse_kubepulse_status_changes_total{service=\"BFF-Service\"} 0\n"),
            std::string::npos)
      << text;
}

TEST_F(KubePulseServiceTest, HealthzWhileTheLoopRuns) {
  const auto res = Get("/healthz");
  EXPECT_EQ(res.result(), http::Status::ok);
  EXPECT_EQ(res.body(), R"({"status":"ok"})");
}

TEST_F(KubePulseServiceTest, StopsPromptly) {
  ASSERT_TRUE(WaitRounds(1));
  const auto start = std::chrono::steady_clock::now();
  service_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST(KubePulseHealthz, LoopProblem) {
  EXPECT_EQ(LoopProblem(true, 0s, 10s), "");
  EXPECT_EQ(LoopProblem(true, 30s, 10s), "");
  EXPECT_EQ(LoopProblem(true, 31s, 10s), "no round completed in the last 30 s");
  EXPECT_EQ(LoopProblem(false, 0s, 10s), "the round loop is not running");
}

}  // namespace
}  // namespace nationpulse::kubepulse
