#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "nationpulse/base/expected.hpp"

namespace nationpulse::health {

/// Something the service needs, with a probe saying whether it is reachable now.
struct Dependency {
  std::string name;  ///< "postgres", "redis", "kafka"
  /// A required one down makes the service NOT_SERVING; an optional one only "degraded".
  bool required = true;
  /// Must bound its own time (short deadline): a round waits for its slowest probe. An exception
  /// counts as down with its what().
  std::function<Expected<void, std::string>()> probe;
};

/// What the last round found for one dependency.
struct DependencyState {
  std::string name;
  bool required = true;
  bool up = false;
  std::string error;                            ///< the probe's error while down, else empty
  std::chrono::system_clock::time_point since;  ///< when it entered the current up/down state
};

/// Probes every dependency every `interval` on its own thread (the probes of one round run
/// concurrently) and calls on_change(serving) whenever the overall verdict (all required
/// dependencies up) changes, plus once after the first round. Logs a warning when a dependency
/// goes down and an info line when it comes back, on transitions only. Thread-safe.
///
/// on_change runs on the monitor thread (or the ProbeNow caller), one call at a time and in
/// order; it must not call Stop() or ProbeNow().
///
///   health::DependencyMonitor monitor({{"postgres", true, [&] { return PingPostgres(pool); }},
///                                      {"kafka", false, [&] { return PingKafka(brokers); }}},
///                                     5s, [&](bool ok) { server.SetServing(ok); });
///   monitor.Start();  // Stop() before the server's Shutdown
class DependencyMonitor final {
 public:
  DependencyMonitor(std::vector<Dependency> deps, std::chrono::milliseconds interval,
                    std::function<void(bool serving)> on_change);
  /// Stop().
  ~DependencyMonitor();
  DependencyMonitor(const DependencyMonitor&) = delete;
  DependencyMonitor& operator=(const DependencyMonitor&) = delete;

  /// Starts the monitor thread; its first round runs at once. No effect when already started or
  /// after Stop().
  void Start();
  /// Wakes the thread and joins it (waits for a round in progress). Idempotent.
  void Stop();
  /// All required dependencies were up in the last round; false until the first round finished.
  bool serving() const;
  /// One entry per dependency, in construction order; `up` is false before the first round.
  std::vector<DependencyState> snapshot() const;
  /// Runs one round synchronously on the calling thread (tests, start-up).
  void ProbeNow();

 private:
  void Run();

  const std::vector<Dependency> deps_;
  const std::chrono::milliseconds interval_;
  const std::function<void(bool)> on_change_;

  std::mutex round_mu_;  ///< one round at a time, so states and on_change calls stay ordered
  bool probed_ = false;  ///< guarded by round_mu_: a round has completed

  mutable std::mutex mu_;
  std::vector<DependencyState> states_;  ///< guarded by mu_
  bool serving_ = false;                 ///< guarded by mu_
  bool started_ = false;                 ///< guarded by mu_
  bool stopping_ = false;                ///< guarded by mu_
  std::condition_variable wake_;
  std::thread thread_;
};

}  // namespace nationpulse::health
