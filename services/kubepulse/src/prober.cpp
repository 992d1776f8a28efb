#include "prober.hpp"

#include <cstdio>

#include "nationpulse/health/check.hpp"

namespace nationpulse::kubepulse {

namespace {

using SteadyClock = std::chrono::steady_clock;

std::chrono::microseconds Since(SteadyClock::time_point start) {
  return std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - start);
}

Status FromServing(health::ServingStatus status) {
  switch (status) {
    case health::ServingStatus::kServing:
      return Status::kServing;
    case health::ServingStatus::kNotServing:
      return Status::kNotServing;
    case health::ServingStatus::kServiceUnknown:
      return Status::kServiceUnknown;
    case health::ServingStatus::kUnknown:
      return Status::kUnknown;
  }
  return Status::kUnknown;
}

std::string Seconds(std::chrono::milliseconds d) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f s", static_cast<double>(d.count()) / 1000.0);
  return buffer;
}

}  // namespace

ProbeResult ProbeGrpc(const std::string& address, std::chrono::milliseconds timeout) {
  const auto start = SteadyClock::now();
  const auto answer = health::Check(address, "", timeout);
  ProbeResult result;
  result.latency = Since(start);
  if (answer) {
    result.status = FromServing(*answer);
  } else {
    result.status = Status::kRpcError;
    result.error = health::Describe(answer.error());
  }
  return result;
}

Prober::Prober(std::vector<ProbeTask> tasks, std::chrono::milliseconds budget) : budget_(budget) {
  // All workers exist before any thread starts, so the threads' references stay valid.
  for (auto& task : tasks) {
    auto worker = std::make_unique<Worker>();
    worker->task = std::move(task);
    workers_.push_back(std::move(worker));
  }
  for (auto& worker : workers_) {
    if (worker->task.probe) worker->thread = std::thread([this, w = worker.get()] { WorkerLoop(*w); });
  }
}

Prober::~Prober() { Stop(); }

void Prober::WorkerLoop(Worker& worker) {
  std::unique_lock lock(mutex_);
  for (;;) {
    cv_.wait(lock, [&] { return stopping_ || worker.wanted > worker.done; });
    if (stopping_) return;
    const std::uint64_t round = worker.wanted;
    lock.unlock();
    ProbeResult result;
    const auto start = SteadyClock::now();
    try {
      result = worker.task.probe();
    } catch (const std::exception& e) {
      // A probe that throws is a failed probe, not a dead worker.
      result = {worker.task.failure, Since(start), e.what()};
    }
    lock.lock();
    worker.result = std::move(result);
    worker.done = round;
    cv_.notify_all();
  }
}

std::vector<ProbeResult> Prober::RunRound() {
  std::vector<ProbeResult> results(workers_.size());
  std::vector<bool> asked(workers_.size(), false);
  const auto start = SteadyClock::now();
  std::unique_lock lock(mutex_);
  const std::uint64_t round = ++round_;
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    Worker& w = *workers_[i];
    if (!w.task.probe) {
      results[i].status = Status::kNotConfigured;
    } else if (w.wanted > w.done) {
      results[i] = {w.task.failure, std::chrono::microseconds(0),
                    "the previous probe is still running (no answer for more than " + Seconds(budget_) + ")"};
    } else {
      w.wanted = round;
      asked[i] = true;
    }
  }
  cv_.notify_all();
  const auto all_done = [&] {
    for (std::size_t i = 0; i < workers_.size(); ++i) {
      if (asked[i] && workers_[i]->done != round) return false;
    }
    return true;
  };
  cv_.wait_until(lock, start + budget_, [&] { return stopping_ || all_done(); });
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    if (!asked[i]) continue;
    Worker& w = *workers_[i];
    if (w.done == round) {
      results[i] = w.result;
    } else {
      results[i] = {w.task.failure, Since(start), "no answer within " + Seconds(budget_)};
    }
  }
  return results;
}

void Prober::Stop() {
  std::lock_guard stop_lock(stop_mutex_);
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& worker : workers_) {
    if (worker->thread.joinable()) worker->thread.join();
  }
}

}  // namespace nationpulse::kubepulse
