#pragma once

#include <chrono>
#include <cstdint>

#include "nationpulse/cron/schedule.hpp"
#include "nationpulse/cron/time_zone.hpp"

namespace nationpulse::scheduler {

/// The fire times of a schedule, consumed by the loop in order. Pure logic: the caller passes the
/// time in, so the rules are tested without a clock.
///
/// Fire times: for @every a fixed grid start + k * interval (k >= 1, as the original's first run one
/// interval after start; k >= 0 with run_on_start), whatever the runs take; for a calendar spec its
/// matches in the zone after start, plus start itself with run_on_start.
///
/// The loop's rules on top: when it wakes, every fire time due is consumed and the job runs once
/// (missed times are never replayed, e.g. after a suspend or a clock jump); when a run ends, the fire
/// times that fell during it are consumed and counted as skipped (runs never overlap).
///
///   FirePlan plan(schedule, zone, now, run_on_start);
///   sleep until plan.next();
///   if (std::int64_t due = plan.Consume(now())) { skipped += due - 1; Run(); skipped += plan.Consume(now());
///   }
class FirePlan {
 public:
  using TimePoint = std::chrono::system_clock::time_point;

  FirePlan(cron::Schedule schedule, cron::TimeZone zone, TimePoint start, bool run_on_start);

  /// The next fire time not yet consumed; TimePoint::max() when the schedule never fires again.
  TimePoint next() const { return next_; }

  /// Consumes every fire time at or before `now` and returns how many there were (0 when none is due).
  /// Calendar schedules count at most kMaxCounted at once; the plan still moves past `now`.
  std::int64_t Consume(TimePoint now);

  static constexpr std::int64_t kMaxCounted = 10'000;

 private:
  cron::Schedule schedule_;
  cron::TimeZone zone_;
  TimePoint next_;
};

}  // namespace nationpulse::scheduler
