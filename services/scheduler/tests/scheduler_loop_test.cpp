#include <gtest/gtest.h>

#include <atomic>
#include <sstream>
#include <thread>

#include "fake_ingestion.hpp"
#include "nationpulse/health/check.hpp"
#include "nationpulse/testing/child_process.hpp"
#include "scheduler.hpp"
#include "service.hpp"

namespace nationpulse::scheduler {
namespace {

using namespace std::chrono_literals;
using std::chrono::system_clock;

// The value of one sample line of the exposition ("name{labels} value"), or -1 when absent.
double Sample(const metrics::Registry& registry, const std::string& series) {
  std::istringstream text(registry.Serialize());
  for (std::string line; std::getline(text, line);) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return -1;
}

double Runs(const metrics::Registry& registry, const std::string& result) {
  return Sample(registry, "nationpulse_scheduler_runs_total{result=\"" + result + "\"}");
}

// Polls `done` for up to `budget`.
template <typename Pred>
bool WaitFor(Pred done, std::chrono::milliseconds budget) {
  const auto until = std::chrono::steady_clock::now() + budget;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

LoopOptions Every(const char* spec, bool run_on_start) {
  return LoopOptions{
      .schedule = cron::Schedule::Parse(spec).value(), .zone = {}, .run_on_start = run_on_start};
}

ClientOptions To(std::string target, std::chrono::milliseconds job_timeout = 5s) {
  ClientOptions options;
  options.target = std::move(target);
  options.job_timeout = job_timeout;
  options.connect_timeout = 2s;
  options.retry_attempts = 0;
  return options;
}

JobResult Success() {
  JobResult r;
  r.outcome = Outcome::kSuccess;
  r.attempts = 1;
  r.messages = 1;
  return r;
}

TEST(SchedulerLoop, AFireDuringARunIsSkippedNotOverlapped) {
  metrics::Registry registry;
  std::atomic<int> in_progress{0};
  std::atomic<int> max_in_progress{0};
  std::atomic<int> runs{0};
  // The first run outlasts the one-second interval: the fire at +1 s comes while it runs.
  Scheduler loop(Every("@every 1s", true),
                 Job{.run =
                         [&] {
                           max_in_progress = std::max(max_in_progress.load(), ++in_progress);
                           if (runs++ == 0) std::this_thread::sleep_for(1300ms);
                           --in_progress;
                           return Success();
                         },
                     .cancel = {}},
                 registry);
  loop.Start();
  ASSERT_TRUE(WaitFor([&] { return runs >= 2; }, 5s));
  loop.Stop();
  EXPECT_EQ(max_in_progress, 1);
  EXPECT_GE(Runs(registry, "skipped"), 1);
  EXPECT_GE(Runs(registry, "success"), 2);
  EXPECT_EQ(Runs(registry, "failed"), 0);
  EXPECT_FALSE(loop.running());
}

TEST(SchedulerLoop, RunsTheClientAndRecordsMetrics) {
  fake::FakeServer server(fake::ProgressThenSuccess());
  IngestionClient client(
      {.target = server.target(), .job_timeout = 5s, .connect_timeout = 2s, .retry_attempts = 0});
  metrics::Registry registry;
  const auto start = system_clock::now();
  Scheduler loop(Every("@every 1h", true),
                 Job{.run = [&] { return client.Run({}); }, .cancel = [&] { client.Cancel(); }}, registry);
  loop.Start();
  ASSERT_TRUE(WaitFor([&] { return Runs(registry, "success") == 1; }, 5s));
  EXPECT_TRUE(loop.running());
  ASSERT_TRUE(loop.next_fire().has_value());
  EXPECT_EQ(std::chrono::floor<std::chrono::seconds>(*loop.next_fire() - start), 1h);
  const double next = Sample(registry, "nationpulse_scheduler_next_run_timestamp_seconds");
  EXPECT_NEAR(next, std::chrono::duration<double>((start + 1h).time_since_epoch()).count(), 5);
  EXPECT_GT(Sample(registry, "nationpulse_scheduler_last_success_timestamp_seconds"), 0);
  EXPECT_EQ(Sample(registry, "nationpulse_scheduler_run_duration_seconds_count"), 1);
  EXPECT_EQ(Runs(registry, "unavailable"), 0);
  loop.Stop();
  EXPECT_EQ(server.calls(), 1);
}

TEST(SchedulerLoop, FirstRunOneIntervalAfterStartByDefault) {
  metrics::Registry registry;
  std::atomic<int> runs{0};
  const auto start = system_clock::now();
  Scheduler loop(Every("@every 360h", false),
                 Job{.run =
                         [&] {
                           ++runs;
                           return Success();
                         },
                     .cancel = {}},
                 registry);
  loop.Start();
  std::this_thread::sleep_for(100ms);
  ASSERT_TRUE(loop.next_fire().has_value());
  EXPECT_EQ(std::chrono::floor<std::chrono::seconds>(*loop.next_fire() - start), 360h);
  EXPECT_EQ(Sample(registry, "nationpulse_scheduler_last_success_timestamp_seconds"), 0);
  const auto stopping = std::chrono::steady_clock::now();
  loop.Stop();  // interrupts the 15-day sleep
  EXPECT_LT(std::chrono::steady_clock::now() - stopping, 1s);
  EXPECT_EQ(runs, 0);
}

TEST(SchedulerLoop, StopCancelsARunInFlight) {
  fake::FakeServer server(fake::Hang());
  IngestionClient client(To(server.target(), 30s));
  metrics::Registry registry;
  Scheduler loop(Every("@every 1h", true),
                 Job{.run = [&] { return client.Run({}); }, .cancel = [&] { client.Cancel(); }}, registry);
  loop.Start();
  ASSERT_TRUE(WaitFor([&] { return server.calls() == 1; }, 5s));
  const auto stopping = std::chrono::steady_clock::now();
  loop.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - stopping, 2s);
  EXPECT_FALSE(loop.running());
  // A cancelled run is neither a success nor a failure of the ingestion service.
  EXPECT_EQ(Runs(registry, "failed"), 0);
  EXPECT_EQ(Runs(registry, "success"), 0);
}

TEST(SchedulerLoop, FailuresAreCountedByKind) {
  fake::FakeServer busy(fake::AlreadyRunning());
  IngestionClient busy_client(To(busy.target()));
  IngestionClient absent_client(To("127.0.0.1:" + std::to_string(nationpulse::testing::FreePort())));
  metrics::Registry registry;
  std::atomic<int> runs{0};
  Scheduler loop(
      Every("@every 1s", true),
      Job{.run = [&] { return runs++ == 0 ? busy_client.Run({}) : absent_client.Run({}); }, .cancel = {}},
      registry);
  loop.Start();
  ASSERT_TRUE(WaitFor([&] { return Runs(registry, "unavailable") == 1; }, 5s));
  loop.Stop();
  EXPECT_EQ(Runs(registry, "failed"), 1);
  EXPECT_EQ(Sample(registry, "nationpulse_scheduler_last_success_timestamp_seconds"), 0);
}

TEST(SchedulerService, ServingWhileTheLoopRunsEvenWithIngestionDown) {
  Settings settings;
  settings.ingestion_target = "127.0.0.1:" + std::to_string(nationpulse::testing::FreePort());
  settings.run_on_start = true;
  settings.retry_attempts = 0;
  settings.grpc_address = "127.0.0.1:0";
  settings.http_address = "127.0.0.1";
  settings.http_port = 0;
  settings.probe_interval = 100ms;
  SchedulerService service(settings);
  service.Start();
  const std::string target = "127.0.0.1:" + std::to_string(service.grpc_port());
  for (const char* name : {"", "scheduler"}) {
    EXPECT_TRUE(WaitFor(
        [&] {
          auto status = health::Check(target, name, 1s);
          return status && *status == health::ServingStatus::kServing;
        },
        5s))
        << "service name \"" << name << "\"";
  }
  EXPECT_GT(service.http_port(), 0);
  service.Stop();
  EXPECT_FALSE(health::Check(target, "", 500ms).has_value());  // the server is down after Stop
}

}  // namespace
}  // namespace nationpulse::scheduler
