#include "pulse_board.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "dashboard.hpp"

namespace nationpulse::kubepulse {

Overall Summarize(const BoardSnapshot& snapshot) {
  Overall o;
  for (const auto& s : snapshot.services) {
    if (!s.target.configured()) {
      ++o.not_configured;
      continue;
    }
    ++o.configured;
    if (IsUp(s.status)) ++o.serving;
  }
  o.ok = o.configured > 0 && o.serving == o.configured && snapshot.round > 0;
  if (o.configured == 0) {
    o.text = "No services configured";
  } else if (snapshot.round == 0) {
    o.text = "Waiting for the first round";
  } else if (o.ok) {
    o.text = o.configured == 1 ? "The service is serving" : "All services serving";
  } else {
    o.text =
        std::to_string(o.configured - o.serving) + " of " + std::to_string(o.configured) + " not serving";
  }
  return o;
}

std::string FormatAge(std::chrono::seconds age) {
  const long long s = std::max<long long>(0, age.count());
  if (s < 60) return std::to_string(s) + "s";
  const long long m = s / 60;
  if (m < 60) return std::to_string(m) + "m";
  const long long h = m / 60;
  if (h < 24) return std::to_string(h) + "h " + std::to_string(m % 60) + "m";
  return std::to_string(h / 24) + "d " + std::to_string(h % 24) + "h";
}

std::string Rfc3339(Clock::time_point at) {
  const std::time_t t = Clock::to_time_t(at);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

double LatencyMs(std::chrono::microseconds latency) {
  return std::round(static_cast<double>(latency.count()) / 100.0) / 10.0;
}

std::string StatusJson(const BoardSnapshot& snapshot, Clock::time_point now) {
  using nlohmann::json;
  const Overall overall = Summarize(snapshot);
  json services = json::array();
  for (const auto& s : snapshot.services) {
    json history = json::array();
    for (const auto& h : s.history) {
      history.push_back(
          {{"at", Rfc3339(h.at)}, {"status", StatusName(h.status)}, {"latency_ms", LatencyMs(h.latency)}});
    }
    json last_error = nullptr;
    if (s.last_error_at) last_error = {{"at", Rfc3339(*s.last_error_at)}, {"text", s.last_error}};
    services.push_back({
        {"name", s.target.name},
        {"target", s.target.configured() ? json(s.target.address) : json(nullptr)},
        {"kind", TargetKindName(s.target.kind)},
        {"status", StatusName(s.status)},
        {"latency_ms", s.latency ? json(LatencyMs(*s.latency)) : json(nullptr)},
        {"since", s.since ? json(Rfc3339(*s.since)) : json(nullptr)},
        {"error", s.error.empty() ? json(nullptr) : json(s.error)},
        {"last_error", std::move(last_error)},
        {"history", std::move(history)},
    });
  }
  const json body = {
      {"round", snapshot.round},
      {"checked_at", snapshot.checked_at ? json(Rfc3339(*snapshot.checked_at)) : json(nullptr)},
      {"generated_at", Rfc3339(now)},
      {"interval_seconds", snapshot.interval.count()},
      {"timeout_seconds", snapshot.timeout.count()},
      {"history_limit", snapshot.history_limit},
      {"overall",
       {{"configured", overall.configured},
        {"serving", overall.serving},
        {"not_configured", overall.not_configured},
        {"ok", overall.ok},
        {"text", overall.text}}},
      {"services", std::move(services)},
  };
  // Error texts come from the network: replace invalid UTF-8 rather than throw.
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

PulseBoard::PulseBoard(std::vector<Target> targets, std::chrono::seconds interval,
                       std::chrono::seconds timeout, std::size_t history_limit)
    : targets_(std::move(targets)) {
  if (history_limit == 0) throw std::invalid_argument("PulseBoard: history_limit must be positive");
  state_.interval = interval;
  state_.timeout = timeout;
  state_.history_limit = history_limit;
  for (const auto& t : targets_) {
    ServiceView view;
    view.target = t;
    view.status = t.configured() ? Status::kPending : Status::kNotConfigured;
    state_.services.push_back(std::move(view));
  }
}

std::vector<std::size_t> PulseBoard::Record(Clock::time_point at, const std::vector<ProbeResult>& results) {
  if (results.size() != targets_.size()) {
    throw std::invalid_argument("PulseBoard::Record: " + std::to_string(results.size()) + " results for " +
                                std::to_string(targets_.size()) + " targets");
  }
  std::vector<std::size_t> changed;
  std::lock_guard lock(mutex_);
  ++state_.round;
  state_.checked_at = at;
  for (std::size_t i = 0; i < results.size(); ++i) {
    ServiceView& view = state_.services[i];
    if (!view.target.configured()) continue;
    const ProbeResult& r = results[i];
    if (view.status != r.status) {
      if (view.status != Status::kPending) changed.push_back(i);
      view.status = r.status;
      view.since = at;
    }
    view.latency = r.latency;
    view.error = r.error;
    if (!r.error.empty()) {
      view.last_error = r.error;
      view.last_error_at = at;
    }
    view.history.push_back({at, r.status, r.latency});
    while (view.history.size() > state_.history_limit) view.history.pop_front();
  }
  return changed;
}

BoardSnapshot PulseBoard::Snapshot() const {
  std::lock_guard lock(mutex_);
  return state_;
}

std::string PulseBoard::Json(Clock::time_point now) const { return StatusJson(Snapshot(), now); }

std::string PulseBoard::Html(Clock::time_point now) const { return DashboardHtml(Snapshot(), now); }

}  // namespace nationpulse::kubepulse
