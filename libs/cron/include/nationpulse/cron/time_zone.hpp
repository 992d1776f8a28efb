#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "nationpulse/base/expected.hpp"

namespace nationpulse::cron {

/// An IANA time zone (CRON_TZ) in which calendar schedules are evaluated. UTC by default.
///
/// UTC ("UTC", "Etc/UTC" or a default-constructed zone) is pure arithmetic. Any other zone is read from
/// the system tz database (the tzdata package: $TZDIR or /usr/share/zoneinfo) through libc, which has
/// one zone per process: a non-UTC conversion sets the TZ environment variable and calls tzset(), so
/// it changes localtime() for the whole process. Conversions are serialised by a mutex and switch TZ
/// again only when a different zone converts, so one zone per process (the scheduler) costs nothing;
/// convert once before starting threads, as setenv() races with getenv() in other threads.
///
///   auto zone = cron::TimeZone::Load("Europe/Paris");  // error when the zone file is missing
///   auto next = schedule.Next(now, *zone);
class TimeZone {
 public:
  /// UTC.
  TimeZone() = default;

  /// The zone named `name` ("Europe/Paris", "America/New_York", "UTC"). Checks that the zone file
  /// exists and is a TZif file; the error says which file is missing and that tzdata provides it.
  static Expected<TimeZone, std::string> Load(std::string_view name);

  /// "UTC" for the default zone.
  const std::string& name() const { return name_; }
  bool is_utc() const { return utc_; }

  /// The UTC offset (seconds east of Greenwich) in effect at `t`.
  std::chrono::seconds OffsetAt(std::chrono::sys_seconds t) const;

  /// The wall-clock time at `t`.
  std::chrono::local_seconds ToLocal(std::chrono::sys_seconds t) const;

  /// The instant a wall-clock time stands for when scheduling, so that every local time maps to one
  /// instant and later local times never map to earlier instants:
  ///  * an ordinary local time: its only instant;
  ///  * a local time repeated when clocks go back: the first (earlier) of its two instants, so a
  ///    repeated hour fires once;
  ///  * a local time skipped when clocks go forward: the transition instant, i.e. the first valid
  ///    minute after the gap (02:30 in a 02:00-03:00 gap fires at 03:00 new time).
  std::chrono::sys_seconds FirstInstant(std::chrono::local_seconds local) const;

 private:
  std::string name_ = "UTC";
  bool utc_ = true;
};

}  // namespace nationpulse::cron
