// Rounds against real loopback targets: health servers, a closed port, an unset target and a
// listener that never answers.
#include "prober.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "console.hpp"
#include "fake_targets.hpp"
#include "settings.hpp"

namespace nationpulse::kubepulse {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

std::vector<ProbeTask> GrpcTasks(const std::vector<Target>& targets, std::chrono::milliseconds timeout) {
  std::vector<ProbeTask> tasks;
  for (const auto& t : targets) {
    if (!t.configured()) {
      tasks.push_back({});
    } else {
      tasks.push_back({[address = t.address, timeout] { return ProbeGrpc(address, timeout); }});
    }
  }
  return tasks;
}

TEST(KubePulseProber, OneRoundAgainstFakeTargetsWaitsForAllAndPrintsInOrder) {
  fake::HealthTarget serving(true);
  fake::HealthTarget not_serving(false);
  Settings settings;
  settings.bff_addr = serving.address();
  settings.reporting_addr = not_serving.address();
  settings.ingestion_addr = fake::ClosedAddress();
  // CRONJOB_ADDR unset.
  const auto targets = Targets(settings);
  Prober prober(GrpcTasks(targets, 2s), 2500ms);
  const auto results = prober.RunRound();
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(results[0].status, Status::kServing);
  EXPECT_EQ(results[0].error, "");
  EXPECT_EQ(results[1].status, Status::kNotServing);
  EXPECT_EQ(results[2].status, Status::kRpcError);
  EXPECT_NE(results[2].error.find("UNAVAILABLE"), std::string::npos) << results[2].error;
  EXPECT_EQ(results[3].status, Status::kNotConfigured);
  EXPECT_GT(results[0].latency.count(), 0);

  std::tm at{};
  at.tm_hour = 15;
  at.tm_min = 4;
  EXPECT_EQ(ConsoleBlock(at, targets, results),
            "\n--- Pulse check: 3:04PM ---\n"
            "[BFF-Service]  Status:SERVING\n"
            "[Reporting-Svc]  Status:NOT_SERVING\n"
            "[Ingestion-Svc]  Status:UNHEALTHY (RPC ERROR)\n"
            "[Cronjob-Svc]  Status:NOT_CONFIGURED\n");

  // A status change on the server shows in the next round.
  not_serving.server().SetServing(true);
  EXPECT_EQ(prober.RunRound()[1].status, Status::kServing);
}

TEST(KubePulseProber, ASilentServiceCostsTheRoundAtMostTheTimeout) {
  fake::HealthTarget serving(true);
  fake::SilentListener silent;
  const std::vector<Target> targets = {{"BFF-Service", TargetKind::kGrpc, serving.address()},
                                       {"Reporting-Svc", TargetKind::kGrpc, silent.address()}};
  Prober prober(GrpcTasks(targets, 1s), 1500ms);
  const auto start = SteadyClock::now();
  const auto results = prober.RunRound();
  const auto elapsed = SteadyClock::now() - start;
  EXPECT_EQ(results[0].status, Status::kServing);
  EXPECT_EQ(results[1].status, Status::kRpcError);
  EXPECT_NE(results[1].error.find("DEADLINE_EXCEEDED"), std::string::npos) << results[1].error;
  // It waited for the silent one (not printed early) but not past the timeout plus a little.
  EXPECT_GE(elapsed, 900ms);
  EXPECT_LT(elapsed, 2s);
}

TEST(KubePulseProber, AProbeThatOverrunsTheBudgetIsReportedAndNotStacked) {
  std::atomic<int> calls{0};
  std::atomic<bool> release{false};
  std::vector<ProbeTask> tasks;
  tasks.push_back({[&] {
                     ++calls;
                     while (!release) std::this_thread::sleep_for(5ms);
                     return ProbeResult{Status::kServing, 1us, ""};
                   },
                   Status::kPingError});
  tasks.push_back({[] { return ProbeResult{Status::kServing, 1us, ""}; }});
  Prober prober(std::move(tasks), 200ms);

  const auto start = SteadyClock::now();
  auto first = prober.RunRound();
  EXPECT_LT(SteadyClock::now() - start, 1s);
  EXPECT_EQ(first[0].status, Status::kPingError);
  EXPECT_NE(first[0].error.find("no answer within 0.2 s"), std::string::npos) << first[0].error;
  EXPECT_EQ(first[1].status, Status::kServing);

  // Still stuck: reported at once, no second call piled on it.
  auto second = prober.RunRound();
  EXPECT_EQ(second[0].status, Status::kPingError);
  EXPECT_NE(second[0].error.find("still running"), std::string::npos) << second[0].error;
  EXPECT_EQ(calls, 1);

  release = true;
  // Once it came back, the row is probed again.
  const auto deadline = SteadyClock::now() + 5s;
  std::vector<ProbeResult> later;
  do {
    std::this_thread::sleep_for(20ms);
    later = prober.RunRound();
  } while (later[0].status != Status::kServing && SteadyClock::now() < deadline);
  EXPECT_EQ(later[0].status, Status::kServing);
  EXPECT_EQ(calls, 2);
}

TEST(KubePulseProber, AThrowingProbeIsAFailedProbe) {
  std::vector<ProbeTask> tasks;
  tasks.push_back({[]() -> ProbeResult { throw std::runtime_error("boom"); }, Status::kPingError});
  Prober prober(std::move(tasks), 1s);
  const auto results = prober.RunRound();
  EXPECT_EQ(results[0].status, Status::kPingError);
  EXPECT_EQ(results[0].error, "boom");
  EXPECT_EQ(prober.RunRound()[0].error, "boom");  // the worker survived
}

TEST(KubePulseProber, StopWakesARoundInProgress) {
  std::atomic<bool> release{false};
  std::vector<ProbeTask> tasks;
  tasks.push_back({[&] {
    while (!release) std::this_thread::sleep_for(5ms);
    return ProbeResult{Status::kServing, 1us, ""};
  }});
  Prober prober(std::move(tasks), 30s);
  std::thread stopper([&] {
    std::this_thread::sleep_for(100ms);
    prober.Stop();  // returns once the probe in hand ends (released below)
  });
  const auto start = SteadyClock::now();
  const auto results = prober.RunRound();
  EXPECT_LT(SteadyClock::now() - start, 5s);  // not the 30 s budget
  EXPECT_EQ(results[0].status, Status::kRpcError);
  release = true;
  stopper.join();
}

}  // namespace
}  // namespace nationpulse::kubepulse
