#include "fire_plan.hpp"

namespace nationpulse::scheduler {

FirePlan::FirePlan(cron::Schedule schedule, cron::TimeZone zone, TimePoint start, bool run_on_start)
    : schedule_(std::move(schedule)), zone_(std::move(zone)) {
  next_ = run_on_start ? start : schedule_.Next(start, zone_);
}

std::int64_t FirePlan::Consume(TimePoint now) {
  if (next_ > now || next_ == TimePoint::max()) return 0;
  if (const auto interval = schedule_.Interval()) {
    // Arithmetic, not a walk: a long suspend with a short interval is one step.
    const auto step = std::chrono::duration_cast<TimePoint::duration>(*interval);
    const std::int64_t due = (now - next_) / step + 1;
    const auto advance = step * due;
    next_ = TimePoint::max() - next_ <= advance ? TimePoint::max() : next_ + advance;
    return due;
  }
  std::int64_t due = 0;
  while (next_ <= now && due < kMaxCounted) {
    next_ = schedule_.Next(next_, zone_);
    ++due;
  }
  if (next_ <= now) next_ = schedule_.Next(now, zone_);
  return due;
}

}  // namespace nationpulse::scheduler
