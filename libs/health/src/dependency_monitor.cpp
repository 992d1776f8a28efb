#include "nationpulse/health/dependency_monitor.hpp"

#include <exception>
#include <future>
#include <utility>

#include "nationpulse/log/log.hpp"

namespace nationpulse::health {
namespace {

// A probe's outcome, exceptions included: a throwing probe must not end the monitor thread.
Expected<void, std::string> RunProbe(const Dependency& dep) {
  if (!dep.probe) return Unexpected(std::string("no probe"));
  try {
    return dep.probe();
  } catch (const std::exception& e) {
    return Unexpected(std::string(e.what()));
  } catch (...) {
    return Unexpected(std::string("unknown exception"));
  }
}

}  // namespace

DependencyMonitor::DependencyMonitor(std::vector<Dependency> deps, std::chrono::milliseconds interval,
                                     std::function<void(bool serving)> on_change)
    : deps_(std::move(deps)), interval_(interval), on_change_(std::move(on_change)) {
  const auto now = std::chrono::system_clock::now();
  states_.reserve(deps_.size());
  for (const Dependency& dep : deps_)
    states_.push_back({dep.name, dep.required, false, "not probed yet", now});
}

DependencyMonitor::~DependencyMonitor() { Stop(); }

void DependencyMonitor::Start() {
  std::lock_guard lock(mu_);
  if (started_ || stopping_) return;
  started_ = true;
  thread_ = std::thread([this] { Run(); });
}

void DependencyMonitor::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

bool DependencyMonitor::serving() const {
  std::lock_guard lock(mu_);
  return serving_;
}

std::vector<DependencyState> DependencyMonitor::snapshot() const {
  std::lock_guard lock(mu_);
  return states_;
}

void DependencyMonitor::Run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    try {
      ProbeNow();
    } catch (const std::exception& e) {
      // From on_change (or thread exhaustion in std::async): keep probing, the next round retries.
      log::Error("dependency monitor round failed", {{"error", e.what()}});
    }
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

void DependencyMonitor::ProbeNow() {
  std::lock_guard round_lock(round_mu_);

  // Concurrently, so one slow dependency does not delay noticing another one's outage; a single
  // probe runs here rather than on a thread of its own.
  std::vector<Expected<void, std::string>> results;
  results.reserve(deps_.size());
  if (deps_.size() == 1) {
    results.push_back(RunProbe(deps_.front()));
  } else {
    std::vector<std::future<Expected<void, std::string>>> pending;
    pending.reserve(deps_.size());
    for (const Dependency& dep : deps_)
      pending.push_back(std::async(std::launch::async, RunProbe, std::cref(dep)));
    for (auto& f : pending) results.push_back(f.get());
  }

  const auto now = std::chrono::system_clock::now();
  bool verdict = true;
  bool changed = false;
  std::vector<DependencyState> went_down;
  std::vector<std::pair<DependencyState, std::chrono::system_clock::duration>> came_back;
  {
    std::lock_guard lock(mu_);
    for (std::size_t i = 0; i < deps_.size(); ++i) {
      DependencyState& state = states_[i];
      const bool up = results[i].has_value();
      state.error = up ? std::string() : results[i].error();
      if (!up && state.required) verdict = false;
      if (probed_ && up == state.up) continue;
      // Transitions only; a dependency up from the start is not news.
      if (!up) {
        went_down.push_back(state);
      } else if (probed_) {
        came_back.emplace_back(state, now - state.since);
      }
      state.up = up;
      state.since = now;
    }
    changed = !probed_ || verdict != serving_;
    serving_ = verdict;
  }
  // Logged outside mu_ so snapshot() and serving() never wait on log output.
  for (const DependencyState& state : went_down) {
    log::Warn("dependency down",
              {{"dependency", state.name}, {"required", state.required}, {"error", state.error}});
  }
  for (const auto& [state, down_for] : came_back) {
    log::Info("dependency back up",
              {{"dependency", state.name},
               {"required", state.required},
               {"down_ms", std::chrono::duration_cast<std::chrono::milliseconds>(down_for).count()}});
  }
  probed_ = true;
  // Under round_mu_ only: on_change may call into the server, never back into our state lock.
  if (changed && on_change_) on_change_(verdict);
}

}  // namespace nationpulse::health
