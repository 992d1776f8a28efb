#pragma once

#include <bitset>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "nationpulse/base/expected.hpp"
#include "nationpulse/cron/time_zone.hpp"

namespace nationpulse::cron {

/// Why a schedule spec was rejected; `message` names the bad field and quotes the whole input.
struct ParseError {
  std::string message;
};

/// A CRON_SCHEDULE (grpc.md §2) with the syntax of robfig/cron v3's default parser: a standard
/// 5-field spec (no seconds field) or a descriptor (`@every <Go duration>`, `@hourly`, `@daily`,
/// `@midnight`, `@weekly`, `@monthly`, `@yearly`, `@annually`). Unlike robfig, `@every` also accepts
/// the unit `d` (24 h), so the original's default `@every 15d` is valid here. Not supported: the
/// `TZ=`/`CRON_TZ=` prefix.
///
/// Time zone: calendar specs are evaluated in a TimeZone (CRON_TZ), UTC by default (robfig used the
/// process's local time zone, UTC in containers). Across daylight-saving changes, see
/// TimeZone::FirstInstant: a time skipped by a spring-forward gap fires at the first valid minute
/// after the gap, and a time in a repeated hour fires once, at its first occurrence.
class Schedule {
 public:
  /// Parses a 5-field spec (minute hour day-of-month month day-of-week; *, lists a,b, ranges a-b,
  /// steps */n and a-b/n (and a/n meaning a-max/n, as robfig), month names JAN-DEC and weekday names
  /// SUN-SAT case-insensitive, 7 = Sunday too, `?` = `*`) or a descriptor. Day-of-month and
  /// day-of-week follow standard cron: when both are restricted (neither is * or ?), a time matches
  /// if EITHER matches; otherwise both must match.
  ///
  /// `@every` takes a Go duration: one or more `<number><unit>` (units d, h, m, s, ms, us, µs, ns;
  /// decimal fractions allowed, e.g. 1.5h). It must be at least one second; as robfig does, a
  /// fraction of a second is truncated (1500ms = 1s).
  static Expected<Schedule, ParseError> Parse(std::string_view spec);

  /// The first activation strictly after `after`, in UTC, at a whole minute (seconds of `after` are
  /// truncated first). For `@every`: after + Interval() (the caller anchors it: the first run is one
  /// interval after start, as in the original). A calendar spec that matches no date within about
  /// five years of `after` (e.g. `0 0 30 2 *`), or an `after` so late that the answer is not
  /// representable, yields time_point::max() — the caller should treat that as "never".
  std::chrono::system_clock::time_point Next(std::chrono::system_clock::time_point after) const;

  /// Same, with the calendar fields matched against the wall-clock time in `zone`: the first
  /// instant strictly after `after` whose local time (by TimeZone::FirstInstant) matches. With UTC
  /// identical to Next(after); @every ignores the zone (an interval is elapsed time).
  std::chrono::system_clock::time_point Next(std::chrono::system_clock::time_point after,
                                             const TimeZone& zone) const;

  /// For @every: the fixed interval; nullopt for calendar specs.
  std::optional<std::chrono::seconds> Interval() const;

 private:
  Schedule() = default;

  std::optional<std::chrono::seconds> interval_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_of_month_;  // bits 1..31
  std::bitset<13> months_;         // bits 1..12
  std::bitset<7> days_of_week_;    // 0 = Sunday
  bool dom_star_ = false;
  bool dow_star_ = false;
};

}  // namespace nationpulse::cron
