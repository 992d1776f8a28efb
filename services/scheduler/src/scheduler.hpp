#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "fire_plan.hpp"
#include "ingestion_client.hpp"
#include "nationpulse/metrics/registry.hpp"

namespace nationpulse::scheduler {

/// What the loop runs at each fire time.
struct Job {
  /// One run, synchronously on the loop thread (an exception counts as a failed run).
  std::function<JobResult()> run;
  /// Interrupts `run` from another thread (shutdown); it should then return kCancelled promptly.
  std::function<void()> cancel;
};

struct LoopOptions {
  cron::Schedule schedule = cron::Schedule::Parse("@every 360h").value();
  cron::TimeZone zone;
  bool run_on_start = false;
};

/// The scheduler loop on its own thread: sleeps (interruptibly) until the next fire time of a
/// FirePlan, runs the job, and never runs two at once (see FirePlan for skipped and missed times).
/// Records nationpulse_scheduler_runs_total{result}, _run_duration_seconds, _next_run_timestamp_seconds
/// and _last_success_timestamp_seconds in `registry`, and logs every run and skip. A run cancelled by
/// Stop() is logged but not counted.
///
///   Scheduler loop(options, {.run = [&] { return client.Run(log_message); },
///                            .cancel = [&] { client.Cancel(); }}, registry);
///   loop.Start();
///   ... loop.Stop();  // wakes the sleep, cancels a run in progress, joins
class Scheduler {
 public:
  using TimePoint = std::chrono::system_clock::time_point;

  /// @throws std::invalid_argument when the metrics are already registered in `registry`.
  Scheduler(LoopOptions options, Job job, metrics::Registry& registry);
  /// Stop().
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  /// Plans the fire times from now and starts the thread. No effect when already started.
  void Start();
  /// Idempotent.
  void Stop();
  /// The loop thread is alive (the "loop" health dependency).
  bool running() const { return running_; }
  /// The next fire time; nullopt before Start() or when the schedule never fires again.
  std::optional<TimePoint> next_fire() const;

 private:
  void Loop();
  void RunOnce(TimePoint scheduled_for);
  void PublishNext(TimePoint next);

  const LoopOptions options_;
  const Job job_;
  metrics::Family<metrics::Counter>& runs_;
  metrics::Histogram& duration_;
  metrics::Gauge& next_run_;
  metrics::Gauge& last_success_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::optional<FirePlan> plan_;  ///< guarded by mu_
  bool started_ = false;          ///< guarded by mu_
  bool stopping_ = false;         ///< guarded by mu_
  std::atomic<bool> running_{false};
  std::thread thread_;
};

}  // namespace nationpulse::scheduler
