#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "status.hpp"

namespace nationpulse::kubepulse {

using Clock = std::chrono::system_clock;

/// One past round of one row.
struct HistoryEntry {
  Clock::time_point at;
  Status status = Status::kPending;
  std::chrono::microseconds latency{0};
};

/// Everything the board knows about one row.
struct ServiceView {
  Target target;
  Status status = Status::kPending;                  ///< kNotConfigured for an unset target, forever
  std::optional<std::chrono::microseconds> latency;  ///< of the latest probe
  std::optional<Clock::time_point> since;            ///< start of the round that first saw the current status
  std::string error;                                 ///< of the latest probe; empty when it got an answer
  /// The most recent non-empty error, kept after recovery so a blip stays visible.
  std::string last_error;
  std::optional<Clock::time_point> last_error_at;
  std::deque<HistoryEntry> history;  ///< oldest first, at most the board's history limit
};

/// A consistent copy of the board, for rendering without holding its lock.
struct BoardSnapshot {
  std::uint64_t round = 0;                      ///< rounds recorded since start
  std::optional<Clock::time_point> checked_at;  ///< start of the latest recorded round
  std::chrono::seconds interval{10};
  std::chrono::seconds timeout{2};
  std::size_t history_limit = 30;
  std::vector<ServiceView> services;  ///< in target order
};

/// The headline: how many configured rows serve.
struct Overall {
  int configured = 0;
  int serving = 0;
  int not_configured = 0;
  bool ok = false;   ///< at least one configured row and all of them SERVING
  std::string text;  ///< "All services serving", "2 of 4 not serving", "Waiting for the first round", ...
};

Overall Summarize(const BoardSnapshot& snapshot);

/// A short age for "since" cells: "42s", "5m", "2h 3m", "3d 4h". Negative ages count as 0s.
std::string FormatAge(std::chrono::seconds age);

/// "2025-03-05T15:04:05Z": UTC, whole seconds.
std::string Rfc3339(Clock::time_point at);

/// Latency in milliseconds rounded to 0.1 ms, as shown and served.
double LatencyMs(std::chrono::microseconds latency);

/// The body of GET /api/status (nlohmann::json, compact):
///
///   {
///     "round": 12,                            // rounds finished since start; 0 before the first
///     "checked_at": "2025-03-05T15:04:00Z",   // start of the latest round (UTC); null before the first
///     "generated_at": "2025-03-05T15:04:07Z", // `now`: clients compute "for 5m" against it, not their clock
///     "interval_seconds": 10, "timeout_seconds": 2, "history_limit": 30,
///     "overall": {"configured": 4, "serving": 2, "not_configured": 0, "ok": false,
///                 "text": "2 of 4 not serving"},
///     "services": [{                          // stable order: BFF, Reporting, Ingestion, Cronjob, infra
///       "name": "BFF-Service",
///       "target": "bff-service:50051",        // null when not configured
///       "kind": "grpc",                       // grpc | postgres | redis | kafka
///       "status": "SERVING",                  // SERVING | NOT_SERVING | UNKNOWN | SERVICE_UNKNOWN |
///                                             // UNHEALTHY (RPC ERROR) | UNHEALTHY (PING ERROR) |
///                                             // NOT_CONFIGURED | PENDING
///       "latency_ms": 1.3,                    // latest probe; null when none
///       "since": "2025-03-05T14:59:00Z",      // first round of the current status; null when none
///       "error": "UNAVAILABLE: ...",          // latest probe's error; null when it got an answer
///       "last_error": {"at": "...", "text": "..."},  // most recent error, also after recovery; or null
///       "history": [{"at": "...", "status": "SERVING", "latency_ms": 1.2}]  // oldest first, <=
///       history_limit
///     }]
///   }
std::string StatusJson(const BoardSnapshot& snapshot, Clock::time_point now);

/// The results of the rounds, kept for the dashboard, /api/status and the metrics. Pure state: no I/O,
/// no clock of its own (every time is passed in). Thread-safe: the round loop records while HTTP
/// handlers render.
///
///   PulseBoard board(Targets(settings), settings.interval, settings.timeout);
///   auto changed = board.Record(round_started, prober.RunRound());
///   std::string html = board.Html(Clock::now());
class PulseBoard {
 public:
  static constexpr std::size_t kDefaultHistory = 30;

  PulseBoard(std::vector<Target> targets, std::chrono::seconds interval, std::chrono::seconds timeout,
             std::size_t history_limit = kDefaultHistory);

  /// Records the round that started at `at`; `results` is parallel to the targets (the result of a
  /// not configured target is ignored). Returns the indices whose status differs from the one they had
  /// (the first observation of a row is not a change).
  /// @throws std::invalid_argument when the sizes differ.
  std::vector<std::size_t> Record(Clock::time_point at, const std::vector<ProbeResult>& results);

  BoardSnapshot Snapshot() const;
  std::string Json(Clock::time_point now) const;
  /// The dashboard page (see dashboard.hpp).
  std::string Html(Clock::time_point now) const;
  const std::vector<Target>& targets() const { return targets_; }

 private:
  const std::vector<Target> targets_;
  mutable std::mutex mutex_;
  BoardSnapshot state_;  ///< guarded by mutex_
};

}  // namespace nationpulse::kubepulse
