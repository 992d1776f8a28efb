// The built np-scheduler binary: --run-now and --next against a fake ingestion server, exit codes,
// and the service's clean exit on SIGTERM.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

#include "fake_ingestion.hpp"
#include "nationpulse/health/check.hpp"
#include "nationpulse/testing/child_process.hpp"

namespace nationpulse::scheduler {
namespace {

using namespace std::chrono_literals;
using nationpulse::testing::ChildProcess;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The environment a developer's shell or .env might set, pinned so the tests see the defaults.
std::vector<std::string> Env(std::vector<std::string> extra = {}) {
  std::vector<std::string> env = {"CRON_SCHEDULE=@every 360h",
                                  "CRON_TZ=UTC",
                                  "RUN_ON_START=false",
                                  "RETRY_ATTEMPTS=0",
                                  "LOG_LEVEL=info",
                                  "GRPC_CONNECT_TIMEOUT=2s",
                                  "GRPC_JOB_TIMEOUT=30s",
                                  "GRPC_SERVER_ADDR=127.0.0.1:1"};
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

// np-scheduler started with `args`: ChildProcess runs a binary without arguments, so a small
// script passes them and sends stderr to a file of its own (Log() is then stdout only).
class Cli {
 public:
  Cli(const std::vector<std::string>& args, const std::vector<std::string>& env) {
    static std::atomic<int> counter{0};
    const std::string base = ::testing::TempDir() + "np-scheduler-cli-" + std::to_string(getpid()) + "-" +
                             std::to_string(counter++);
    script_ = base + ".sh";
    stderr_ = base + ".err";
    {
      std::ofstream out(script_);
      out << "#!/bin/sh\nexec '" << NP_SCHEDULER_BINARY << "'";
      for (const std::string& arg : args) out << " '" << arg << "'";
      out << " 2>'" << stderr_ << "'\n";
    }
    chmod(script_.c_str(), 0755);
    child_ = std::make_unique<ChildProcess>(script_, env);
  }

  ChildProcess& process() { return *child_; }
  /// Waits for the exit; -1 when still running after `budget`.
  int Wait(std::chrono::milliseconds budget = 10s) {
    return child_->Exited(budget) ? child_->exit_code() : -1;
  }
  std::string out() const { return child_->Log(); }
  std::string err() const { return ReadFile(stderr_); }

 private:
  std::string script_;
  std::string stderr_;
  std::unique_ptr<ChildProcess> child_;
};

TEST(SchedulerCli, RunNowPrintsEveryMessageAndSucceeds) {
  fake::FakeServer server(fake::ProgressThenSuccess());
  Cli cli({"--run-now", "--target", server.target()}, Env());
  ASSERT_EQ(cli.Wait(), 0) << cli.out() << cli.err();
  const auto lines = Lines(cli.out());
  ASSERT_EQ(lines.size(), 3u) << cli.out();
  EXPECT_EQ(lines[0], "2025-03-05T10:00:00Z SUCCESS feed population loaded");
  EXPECT_EQ(lines[1], "2025-03-05T10:00:01Z SUCCESS feed health loaded");
  EXPECT_EQ(lines[2], "2025-03-05T10:00:42Z SUCCESS All jobs processed successfully");
  EXPECT_NE(cli.err().find("succeeded"), std::string::npos) << cli.err();
  EXPECT_EQ(server.calls(), 1);
}

TEST(SchedulerCli, RunNowUsesGrpcServerAddr) {
  fake::FakeServer server(fake::ProgressThenSuccess());
  Cli cli({"--run-now"}, Env({"GRPC_SERVER_ADDR=" + server.target()}));
  ASSERT_EQ(cli.Wait(), 0) << cli.out() << cli.err();
  EXPECT_EQ(server.calls(), 1);
}

TEST(SchedulerCli, RunNowAlreadyRunningExitsOne) {
  fake::FakeServer server(fake::AlreadyRunning());
  Cli cli({"--run-now", "--target", server.target()}, Env());
  ASSERT_EQ(cli.Wait(), 1) << cli.out() << cli.err();
  EXPECT_EQ(cli.out(), "2025-03-05T10:00:00Z FAILED  ingestion already running\n");
  EXPECT_NE(cli.err().find("ingestion FAILED: ingestion already running"), std::string::npos) << cli.err();
}

TEST(SchedulerCli, RunNowUnavailablePrintsTheStatus) {
  const std::string target = "127.0.0.1:" + std::to_string(nationpulse::testing::FreePort());
  Cli cli({"--run-now", "--target", target}, Env());
  ASSERT_EQ(cli.Wait(), 1) << cli.out() << cli.err();
  EXPECT_EQ(cli.out(), "");
  EXPECT_NE(cli.err().find("UNAVAILABLE"), std::string::npos) << cli.err();
  EXPECT_NE(cli.err().find(target), std::string::npos) << cli.err();
}

TEST(SchedulerCli, RunNowDeadlinePrintsTheStatus) {
  fake::FakeServer server(fake::Hang());
  Cli cli({"--run-now", "--target", server.target(), "--timeout", "1s"}, Env());
  ASSERT_EQ(cli.Wait(), 1) << cli.out() << cli.err();
  EXPECT_NE(cli.err().find("DEADLINE_EXCEEDED"), std::string::npos) << cli.err();
}

TEST(SchedulerCli, SigtermCancelsRunNow) {
  fake::FakeServer server(fake::Hang());
  Cli cli({"--run-now", "--target", server.target()}, Env());
  const auto until = std::chrono::steady_clock::now() + 5s;
  while (server.calls() == 0 && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(server.calls(), 1);
  cli.process().Signal(SIGTERM);
  ASSERT_EQ(cli.Wait(3s), 1) << cli.out() << cli.err();
  EXPECT_NE(cli.err().find("CANCELLED"), std::string::npos) << cli.err();
}

TEST(SchedulerCli, NextPrintsFireTimesInTheZone) {
  Cli utc({"--next", "3"}, Env({"CRON_SCHEDULE=0 12 * * *"}));
  ASSERT_EQ(utc.Wait(), 0) << utc.out() << utc.err();
  const auto lines = Lines(utc.out());
  ASSERT_EQ(lines.size(), 3u) << utc.out();
  for (const std::string& line : lines) EXPECT_TRUE(line.ends_with("T12:00:00Z")) << line;
  EXPECT_LT(lines[0], lines[1]);
  EXPECT_LT(lines[1], lines[2]);

  Cli paris({"--next=2"}, Env({"CRON_SCHEDULE=0 12 * * *", "CRON_TZ=Europe/Paris"}));
  ASSERT_EQ(paris.Wait(), 0) << paris.out() << paris.err();
  for (const std::string& line : Lines(paris.out())) {
    EXPECT_TRUE(line.ends_with("T12:00:00+01:00") || line.ends_with("T12:00:00+02:00")) << line;
  }
}

TEST(SchedulerCli, HelpExitsZero) {
  Cli cli({"--help"}, Env());
  ASSERT_EQ(cli.Wait(), 0);
  EXPECT_NE(cli.out().find("--run-now"), std::string::npos) << cli.out();
}

TEST(SchedulerCli, BadArgumentsExitTwo) {
  Cli unknown({"--bogus"}, Env());
  EXPECT_EQ(unknown.Wait(), 2);
  EXPECT_NE(unknown.err().find("unknown argument \"--bogus\""), std::string::npos) << unknown.err();
  EXPECT_NE(unknown.err().find("usage:"), std::string::npos) << unknown.err();
  Cli zero({"--next", "0"}, Env());
  EXPECT_EQ(zero.Wait(), 2);
}

TEST(SchedulerCli, BadConfigurationExitsTwoNamingEveryVariable) {
  Cli next({"--next"}, Env({"CRON_TZ=Mars/Olympus_Mons", "CRON_SCHEDULE=@every 15x"}));
  EXPECT_EQ(next.Wait(), 2);
  EXPECT_NE(next.err().find("CRON_TZ"), std::string::npos) << next.err();
  EXPECT_NE(next.err().find("CRON_SCHEDULE"), std::string::npos) << next.err();
  // The service itself logs the same before exiting 2.
  Cli serve({}, Env({"CRON_SCHEDULE=every day", "RETRY_ATTEMPTS=lots"}));
  EXPECT_EQ(serve.Wait(), 2);
  EXPECT_NE(serve.out().find("CRON_SCHEDULE"), std::string::npos) << serve.out();
  EXPECT_NE(serve.out().find("RETRY_ATTEMPTS"), std::string::npos) << serve.out();
}

TEST(SchedulerCli, ServiceIsServingThenExitsZeroOnSigterm) {
  const std::uint16_t port = nationpulse::testing::FreePort();
  Cli serve({}, Env({"GRPC_ADDRESS=127.0.0.1", "GRPC_PORT=" + std::to_string(port), "HTTP_ADDRESS=127.0.0.1",
                     "METRICS_PORT=0", "HEALTH_PROBE_INTERVAL=100ms"}));
  const std::string target = "127.0.0.1:" + std::to_string(port);
  bool serving = false;
  for (const auto until = std::chrono::steady_clock::now() + 5s;
       !serving && std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(50ms)) {
    auto status = health::Check(target, "scheduler", 500ms);
    serving = status && *status == health::ServingStatus::kServing;
  }
  EXPECT_TRUE(serving) << serve.out() << serve.err();
  serve.process().Signal(SIGTERM);
  EXPECT_EQ(serve.Wait(5s), 0) << serve.out() << serve.err();
  EXPECT_NE(serve.out().find("\"stopped\""), std::string::npos) << serve.out();
}

}  // namespace
}  // namespace nationpulse::scheduler
