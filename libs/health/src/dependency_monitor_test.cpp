#include "nationpulse/health/dependency_monitor.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "nationpulse/log/log.hpp"

namespace nationpulse::health {
namespace {

using namespace std::chrono_literals;

/// Polls `condition` until it holds or `timeout` passes; the result is what the test asserts.
bool WaitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 2s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

/// A probe whose answer a test flips.
struct Switch {
  std::atomic<bool> up{true};
  std::atomic<int> calls{0};
  std::function<Expected<void, std::string>()> Probe(std::string error = "connection refused") {
    return [this, error]() -> Expected<void, std::string> {
      ++calls;
      if (up) return {};
      return Unexpected(error);
    };
  }
};

/// Records every on_change call.
struct Verdicts {
  mutable std::mutex mu;
  std::vector<bool> seen;
  std::function<void(bool)> Callback() {
    return [this](bool serving) {
      std::lock_guard lock(mu);
      seen.push_back(serving);
    };
  }
  std::vector<bool> get() const {
    std::lock_guard lock(mu);
    return seen;
  }
};

const DependencyState& Find(const std::vector<DependencyState>& states, const std::string& name) {
  for (const auto& state : states) {
    if (state.name == name) return state;
  }
  throw std::out_of_range(name);
}

TEST(DependencyMonitor, NotServingAndUnprobedBeforeTheFirstRound) {
  Switch pg;
  Verdicts verdicts;
  DependencyMonitor monitor({{"postgres", true, pg.Probe()}, {"redis", false, pg.Probe()}}, 1h,
                            verdicts.Callback());
  EXPECT_FALSE(monitor.serving());
  auto states = monitor.snapshot();
  ASSERT_EQ(states.size(), 2u);
  EXPECT_EQ(states[0].name, "postgres");
  EXPECT_TRUE(states[0].required);
  EXPECT_FALSE(states[0].up);
  EXPECT_EQ(states[1].name, "redis");
  EXPECT_FALSE(states[1].required);
  EXPECT_EQ(pg.calls, 0);
  EXPECT_TRUE(verdicts.get().empty());
}

TEST(DependencyMonitor, RequiredDependencyDownFlipsTheVerdictAndBack) {
  Switch pg;
  Verdicts verdicts;
  DependencyMonitor monitor({{"postgres", true, pg.Probe()}}, 10ms, verdicts.Callback());
  monitor.Start();
  ASSERT_TRUE(WaitFor([&] { return verdicts.get() == std::vector<bool>{true}; }));
  EXPECT_TRUE(monitor.serving());

  pg.up = false;
  ASSERT_TRUE(WaitFor([&] { return verdicts.get() == std::vector<bool>{true, false}; }));
  EXPECT_FALSE(monitor.serving());
  const auto down = Find(monitor.snapshot(), "postgres");
  EXPECT_FALSE(down.up);
  EXPECT_EQ(down.error, "connection refused");

  pg.up = true;
  ASSERT_TRUE(WaitFor([&] { return verdicts.get() == std::vector<bool>{true, false, true}; }));
  EXPECT_TRUE(monitor.serving());
  const auto up = Find(monitor.snapshot(), "postgres");
  EXPECT_TRUE(up.up);
  EXPECT_EQ(up.error, "");
  EXPECT_GE(up.since, down.since);
  monitor.Stop();
}

TEST(DependencyMonitor, OptionalDependencyDownOnlyDegrades) {
  Switch pg;
  Switch kafka;
  Verdicts verdicts;
  DependencyMonitor monitor({{"postgres", true, pg.Probe()}, {"kafka", false, kafka.Probe("broker down")}},
                            1h, verdicts.Callback());
  kafka.up = false;
  monitor.ProbeNow();
  monitor.ProbeNow();
  kafka.up = true;
  monitor.ProbeNow();
  kafka.up = false;
  monitor.ProbeNow();
  EXPECT_EQ(verdicts.get(), std::vector<bool>{true});  // the first round only: never a change
  EXPECT_TRUE(monitor.serving());
  const auto states = monitor.snapshot();
  EXPECT_TRUE(Find(states, "postgres").up);
  EXPECT_FALSE(Find(states, "kafka").up);
  EXPECT_EQ(Find(states, "kafka").error, "broker down");
}

TEST(DependencyMonitor, FirstRoundReportsEvenWhenDown) {
  Switch pg;
  pg.up = false;
  Verdicts verdicts;
  DependencyMonitor monitor({{"postgres", true, pg.Probe()}}, 1h, verdicts.Callback());
  monitor.ProbeNow();
  monitor.ProbeNow();
  EXPECT_EQ(verdicts.get(), std::vector<bool>{false});
  EXPECT_FALSE(monitor.serving());
}

TEST(DependencyMonitor, ThrowingProbeCountsAsDown) {
  std::atomic<bool> throws{true};
  Verdicts verdicts;
  DependencyMonitor monitor({{"redis", true,
                              [&]() -> Expected<void, std::string> {
                                if (throws) throw std::runtime_error("socket exploded");
                                return {};
                              }}},
                            1h, verdicts.Callback());
  monitor.ProbeNow();
  EXPECT_FALSE(monitor.serving());
  EXPECT_EQ(Find(monitor.snapshot(), "redis").error, "socket exploded");
  throws = false;
  monitor.ProbeNow();
  EXPECT_TRUE(monitor.serving());
  EXPECT_EQ(verdicts.get(), (std::vector<bool>{false, true}));
}

TEST(DependencyMonitor, SinceMovesOnTransitionsOnly) {
  Switch pg;
  DependencyMonitor monitor({{"postgres", true, pg.Probe()}}, 1h, nullptr);
  monitor.ProbeNow();
  const auto first = Find(monitor.snapshot(), "postgres").since;
  ASSERT_TRUE(WaitFor([&] { return std::chrono::system_clock::now() > first; }));
  monitor.ProbeNow();
  EXPECT_EQ(Find(monitor.snapshot(), "postgres").since, first);
  pg.up = false;
  monitor.ProbeNow();
  EXPECT_GT(Find(monitor.snapshot(), "postgres").since, first);
}

TEST(DependencyMonitor, LogsTransitionsNotEveryRound) {
  std::ostringstream out;
  log::InitForTest("test", log::Level::kInfo, out);
  Switch pg;
  Switch redis;
  DependencyMonitor monitor({{"postgres", true, pg.Probe()}, {"redis", false, redis.Probe("timeout")}}, 1h,
                            nullptr);
  monitor.ProbeNow();  // both up from the start: nothing to say
  pg.up = false;
  monitor.ProbeNow();
  monitor.ProbeNow();
  monitor.ProbeNow();
  pg.up = true;
  monitor.ProbeNow();
  monitor.ProbeNow();
  log::Init("test", log::Level::kWarn);  // `out` dies with this test

  std::vector<std::string> lines;
  std::istringstream in(out.str());
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 2u) << out.str();
  EXPECT_NE(lines[0].find(R"("level":"warning")"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find(R"("msg":"dependency down")"), std::string::npos);
  EXPECT_NE(lines[0].find(R"("dependency":"postgres")"), std::string::npos);
  EXPECT_NE(lines[0].find(R"("error":"connection refused")"), std::string::npos);
  EXPECT_NE(lines[1].find(R"("level":"info")"), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find(R"("msg":"dependency back up")"), std::string::npos);
}

TEST(DependencyMonitor, ProbesOfARoundRunConcurrently) {
  // Each probe waits for the other to have started: sequential probing would time them out.
  std::atomic<int> started{0};
  auto rendezvous = [&]() -> Expected<void, std::string> {
    ++started;
    if (WaitFor([&] { return started.load() >= 2; }, 1s)) return {};
    return Unexpected(std::string("alone"));
  };
  DependencyMonitor monitor({{"postgres", true, rendezvous}, {"redis", true, rendezvous}}, 1h, nullptr);
  monitor.ProbeNow();
  EXPECT_TRUE(monitor.serving());
}

TEST(DependencyMonitor, StopWakesALongInterval) {
  Switch pg;
  Verdicts verdicts;
  DependencyMonitor monitor({{"postgres", true, pg.Probe()}}, 1h, verdicts.Callback());
  monitor.Start();
  monitor.Start();  // no second thread
  ASSERT_TRUE(WaitFor([&] { return !verdicts.get().empty(); }));
  const auto start = std::chrono::steady_clock::now();
  monitor.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  monitor.Stop();  // idempotent
  EXPECT_EQ(pg.calls, 1);
  monitor.Start();  // not after Stop
  monitor.ProbeNow();
  EXPECT_EQ(pg.calls, 2);
}

}  // namespace
}  // namespace nationpulse::health
