#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "status.hpp"

namespace nationpulse::kubepulse {

/// Probes one target once and says how it went (status, latency, error). Must return by itself
/// within about the probe timeout (every client it uses is given that budget).
using ProbeFn = std::function<ProbeResult()>;

/// One grpc.health.v1.Health/Check of service "" at `address` over a fresh plaintext channel,
/// bounded by `timeout` (dial and call together, as the original's 2 s budget). An RPC failure of
/// any kind (refused, deadline, unknown service) is kRpcError with gRPC's code and message.
ProbeResult ProbeGrpc(const std::string& address, std::chrono::milliseconds timeout);

/// What the prober runs for one row: its probe, or an empty function for a not configured row.
struct ProbeTask {
  ProbeFn probe;
  /// The status recorded when the probe overran the round budget (kRpcError or kPingError).
  Status failure = Status::kRpcError;
};

/// Runs every probe of a round concurrently and waits for all of them before returning (the
/// original printed results as they came, interleaved with the next round; grpc.md §4). Each
/// configured row has a worker thread of its own, so a round starts no thread. A probe that is not
/// back within `budget` is reported as failed and left to finish on its worker; while it still runs,
/// later rounds report that row at once instead of stacking more calls on it. So a round never takes
/// much longer than `budget`, whatever a client library does.
///
///   Prober prober({{ [&] { return ProbeGrpc(addr, 2s); } }, {}}, 2s + 500ms);
///   std::vector<ProbeResult> results = prober.RunRound();  // one per task, in order
class Prober {
 public:
  Prober(std::vector<ProbeTask> tasks, std::chrono::milliseconds budget);
  /// Stop().
  ~Prober();
  Prober(const Prober&) = delete;
  Prober& operator=(const Prober&) = delete;

  /// One result per task in task order; kNotConfigured for an empty task. Returns early (with the
  /// unfinished probes as failures) when Stop() is called meanwhile.
  std::vector<ProbeResult> RunRound();

  /// Wakes a RunRound in progress, then joins the workers (each finishes the probe in hand, which
  /// its own timeout bounds). Idempotent.
  void Stop();

 private:
  struct Worker {
    ProbeTask task;
    std::uint64_t wanted = 0;  ///< the round asked of this worker
    std::uint64_t done = 0;    ///< the round whose result is in `result`
    ProbeResult result;
    std::thread thread;
  };
  void WorkerLoop(Worker& worker);

  std::chrono::milliseconds budget_;
  std::vector<std::unique_ptr<Worker>> workers_;  ///< one per task; no thread for an empty task
  std::mutex mutex_;
  std::condition_variable cv_;
  std::uint64_t round_ = 0;  ///< guarded by mutex_
  bool stopping_ = false;    ///< guarded by mutex_
  std::mutex stop_mutex_;    ///< serialises Stop()
};

}  // namespace nationpulse::kubepulse
