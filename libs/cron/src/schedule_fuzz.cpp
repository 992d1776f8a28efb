// libFuzzer target for cron::Schedule (fuzz preset; see docs/reliability.md, "Fuzzing"). The whole
// input is a CRON_SCHEDULE spec (at most 256 bytes, so the work per input stays bounded). A spec that
// parses is evaluated from a few fixed instants (a leap day, a DST change in Europe/Paris, the epoch,
// the last representable years) in UTC and in Europe/Paris, and Next() must be consistent:
//  * it is strictly after `after`, on a whole minute for calendar specs, `after + interval` for
//    @every, and time_point::max() ("never") is final;
//  * the answer is itself a match (Next from one second before it gives it again), nothing in
//    between matches (Next from the midpoint gives it again), and a chain of answers increases;
//  * Next(t) and Next(t, UTC) agree;
//  * a calendar spec means the same in upper case (names and descriptors ignore case);
//  * nothing throws and UBSan sees no overflow, whatever the spec or instant.
#include <array>
#include <cctype>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "nationpulse/cron/schedule.hpp"
#include "nationpulse/cron/time_zone.hpp"

namespace {

using nationpulse::cron::Schedule;
using nationpulse::cron::TimeZone;
using std::chrono::system_clock;
using namespace std::chrono_literals;

constexpr auto kNever = system_clock::time_point::max();
// Next() answers "never" for any `after` this late (schedule.cpp: room for its five-year search), so
// the consistency checks below only look at instants before it.
constexpr auto kTooLate = kNever - std::chrono::years(6);

[[noreturn]] void Fail(const char* what, std::string_view spec, system_clock::time_point at) {
  std::fprintf(stderr, "cron_schedule_fuzz: %s: spec \"%.*s\" at %lld s\n", what,
               static_cast<int>(spec.size()), spec.data(),
               static_cast<long long>(
                   std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count()));
  std::abort();
}

system_clock::time_point At(std::int64_t unix_seconds) {
  return system_clock::time_point{std::chrono::seconds(unix_seconds)};
}

const std::array<system_clock::time_point, 6>& Anchors() {
  static const std::array<system_clock::time_point, 6> anchors = {
      At(1709164799),  // 2024-02-28T23:59:59Z, before a leap day
      At(1729990830),  // 2024-10-27T00:20:30Z, Paris falls back at 01:00Z
      At(1711846740),  // 2024-03-31T00:59:00Z, Paris springs forward at 01:00Z
      At(0),           // the epoch
      At(9000000000),  // 2255-03-14: the search window reaches the end of time
      kNever - std::chrono::hours(24 * 366 * 6) + 37s,  // just inside "too late to answer"
  };
  return anchors;
}

const std::optional<TimeZone>& Paris() {
  static const std::optional<TimeZone> zone = [] {
    auto z = TimeZone::Load("Europe/Paris");
    return z ? std::optional<TimeZone>(*z) : std::nullopt;
  }();
  return zone;
}

bool WholeMinute(system_clock::time_point t) { return t.time_since_epoch() % std::chrono::minutes(1) == 0s; }

template <typename NextFn>
void CheckNext(std::string_view spec, const Schedule& s, system_clock::time_point after, NextFn next,
               bool calendar) {
  const auto n = next(after);
  if (n == kNever) return;
  if (n <= after) Fail("Next is not after `after`", spec, after);
  if (calendar && !WholeMinute(n)) Fail("Next is not on a whole minute", spec, after);
  if (!calendar) {
    if (n != after + *s.Interval()) Fail("@every Next is not after + interval", spec, after);
    return;
  }
  if (n - 1s < kTooLate && next(n - 1s) != n) Fail("Next is not itself a match", spec, after);
  const auto mid = after + (n - after) / 2;
  if (mid < kTooLate && next(mid) != n) Fail("a match lies between after and Next", spec, after);
  auto previous = n;
  for (int i = 0; i < 3 && previous < kTooLate; ++i) {
    const auto later = next(previous);
    if (later == kNever) break;
    if (later <= previous) Fail("Next chain does not increase", spec, previous);
    previous = later;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 256) return 0;
  const std::string_view spec(reinterpret_cast<const char*>(data), size);
  const auto parsed = Schedule::Parse(spec);
  if (!parsed) {
    if (parsed.error().message.empty()) Fail("empty parse error", spec, {});
    return 0;
  }
  const Schedule& s = *parsed;
  const bool calendar = !s.Interval();
  if (!calendar && *s.Interval() < 1s) Fail("@every interval below one second", spec, {});

  std::optional<Schedule> upper;
  if (calendar) {
    std::string shouted(spec);
    for (char& c : shouted) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    auto again = Schedule::Parse(shouted);
    if (!again) Fail("a calendar spec does not parse in upper case", spec, {});
    upper = *again;
  }

  const TimeZone utc;
  for (const auto after : Anchors()) {
    const auto n = s.Next(after);
    if (s.Next(after, utc) != n) Fail("Next(t) and Next(t, UTC) differ", spec, after);
    if (upper && upper->Next(after) != n) Fail("upper case changes the schedule", spec, after);
    CheckNext(
        spec, s, after, [&s](auto t) { return s.Next(t); }, calendar);
    if (Paris()) {
      CheckNext(
          spec, s, after, [&s](auto t) { return s.Next(t, *Paris()); }, calendar);
    }
  }
  return 0;
}
