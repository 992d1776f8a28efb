#include "nationpulse/cron/time_zone.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>

#include "nationpulse/cron/schedule.hpp"

namespace nationpulse::cron {
namespace {

using namespace std::chrono;
using TimePoint = system_clock::time_point;

// A UTC instant.
TimePoint At(int y, unsigned mo, unsigned d, int h = 0, int mi = 0) {
  return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi};
}

local_seconds Local(int y, unsigned mo, unsigned d, int h = 0, int mi = 0) {
  return local_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi};
}

sys_seconds Sys(TimePoint t) { return floor<seconds>(t); }

Schedule MustParse(std::string_view spec) { return Schedule::Parse(spec).value(); }

// The DST tests need the tzdata package; without it they say so rather than fail obscurely.
#define LOAD_ZONE_OR_SKIP(var, name)                                                     \
  auto var##_loaded = TimeZone::Load(name);                                              \
  if (!var##_loaded) GTEST_SKIP() << "time zone data missing: " << var##_loaded.error(); \
  const TimeZone var = var##_loaded.value()

TEST(TimeZoneLoad, UtcNamesNeedNoZoneFiles) {
  EXPECT_TRUE(TimeZone().is_utc());
  EXPECT_EQ(TimeZone().name(), "UTC");
  for (const char* name : {"UTC", "Etc/UTC"}) {
    auto zone = TimeZone::Load(name);
    ASSERT_TRUE(zone.has_value()) << name;
    EXPECT_TRUE(zone->is_utc());
  }
}

TEST(TimeZoneLoad, UnknownZoneNamesTheFileAndTzdata) {
  auto zone = TimeZone::Load("Mars/Olympus_Mons");
  ASSERT_FALSE(zone.has_value());
  EXPECT_NE(zone.error().find("unknown time zone \"Mars/Olympus_Mons\""), std::string::npos) << zone.error();
  EXPECT_NE(zone.error().find("Mars/Olympus_Mons does not exist"), std::string::npos) << zone.error();
  EXPECT_NE(zone.error().find("tzdata"), std::string::npos) << zone.error();
}

TEST(TimeZoneLoad, RejectsPathsAndPosixRules) {
  for (const char* name : {"", "../../etc/passwd", "/etc/localtime", "Europe/../UTC", "Europe/",
                           "CET-1CEST,M3.5.0", "Europe/Paris "}) {
    auto zone = TimeZone::Load(name);
    EXPECT_FALSE(zone.has_value()) << "accepted: \"" << name << "\"";
  }
}

TEST(TimeZoneLoad, RejectsADirectory) { EXPECT_FALSE(TimeZone::Load("Europe").has_value()); }

TEST(TimeZone, OffsetsAcrossTheYear) {
  LOAD_ZONE_OR_SKIP(paris, "Europe/Paris");
  EXPECT_EQ(paris.name(), "Europe/Paris");
  EXPECT_FALSE(paris.is_utc());
  EXPECT_EQ(paris.OffsetAt(Sys(At(2025, 1, 15))), hours(1));
  EXPECT_EQ(paris.OffsetAt(Sys(At(2025, 7, 15))), hours(2));
  // The change itself: 2025-03-30 01:00 UTC.
  EXPECT_EQ(paris.OffsetAt(Sys(At(2025, 3, 30, 0, 59))), hours(1));
  EXPECT_EQ(paris.OffsetAt(Sys(At(2025, 3, 30, 1, 0))), hours(2));
  EXPECT_EQ(paris.ToLocal(Sys(At(2025, 7, 15, 12))), Local(2025, 7, 15, 14));
}

TEST(TimeZone, SwitchingZonesInOneProcess) {
  LOAD_ZONE_OR_SKIP(paris, "Europe/Paris");
  LOAD_ZONE_OR_SKIP(new_york, "America/New_York");
  const sys_seconds t = Sys(At(2025, 1, 15, 12));
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(paris.OffsetAt(t), hours(1));
    EXPECT_EQ(new_york.OffsetAt(t), hours(-5));
    EXPECT_EQ(TimeZone().OffsetAt(t), hours(0));
  }
}

TEST(TimeZone, FirstInstantOrdinaryGapAndFold) {
  LOAD_ZONE_OR_SKIP(paris, "Europe/Paris");
  EXPECT_EQ(paris.FirstInstant(Local(2025, 1, 15, 12)), Sys(At(2025, 1, 15, 11)));
  // 02:00-03:00 does not exist on 2025-03-30: every time in it stands for the change, 01:00 UTC.
  EXPECT_EQ(paris.FirstInstant(Local(2025, 3, 30, 2, 0)), Sys(At(2025, 3, 30, 1)));
  EXPECT_EQ(paris.FirstInstant(Local(2025, 3, 30, 2, 30)), Sys(At(2025, 3, 30, 1)));
  EXPECT_EQ(paris.FirstInstant(Local(2025, 3, 30, 3, 0)), Sys(At(2025, 3, 30, 1)));
  EXPECT_EQ(paris.FirstInstant(Local(2025, 3, 30, 1, 59)), Sys(At(2025, 3, 30, 0, 59)));
  // 02:00-03:00 happens twice on 2025-10-26: the first time (CEST, +2) counts.
  EXPECT_EQ(paris.FirstInstant(Local(2025, 10, 26, 2, 30)), Sys(At(2025, 10, 26, 0, 30)));
  EXPECT_EQ(paris.FirstInstant(Local(2025, 10, 26, 3, 0)), Sys(At(2025, 10, 26, 2, 0)));
}

TEST(ScheduleInZone, UtcIsUnchanged) {
  const TimeZone utc;
  for (const char* spec : {"*/15 * * * *", "0 9 * * MON-FRI", "30 2 * * *", "0 0 29 2 *", "@every 90m"}) {
    const Schedule s = MustParse(spec);
    for (TimePoint t : {At(2024, 3, 5, 10, 1), At(2025, 3, 30, 0, 59), At(2025, 10, 26, 0, 30)}) {
      EXPECT_EQ(s.Next(t, utc), s.Next(t)) << spec;
    }
  }
  EXPECT_EQ(MustParse("30 2 * * *").Next(At(2025, 3, 29, 12), utc), At(2025, 3, 30, 2, 30));
}

TEST(ScheduleInZone, CalendarFieldsAreLocal) {
  LOAD_ZONE_OR_SKIP(paris, "Europe/Paris");
  LOAD_ZONE_OR_SKIP(new_york, "America/New_York");
  // Paris midnight is 23:00 UTC in winter.
  EXPECT_EQ(MustParse("0 0 * * *").Next(At(2025, 1, 1), paris), At(2025, 1, 1, 23));
  // Friday 2025-03-07 23:30 in New York is Saturday in UTC; weekdays are New York's. The Monday is
  // after the change to EDT (-4).
  EXPECT_EQ(MustParse("0 9 * * MON-FRI").Next(At(2025, 3, 8, 4, 30), new_york), At(2025, 3, 10, 13));
  EXPECT_EQ(MustParse("0 9 * * MON-FRI").Next(At(2025, 3, 7, 14), new_york), At(2025, 3, 10, 13));
  // @every is elapsed time whatever the zone.
  EXPECT_EQ(MustParse("@every 1h").Next(At(2025, 3, 30, 0, 30), paris), At(2025, 3, 30, 1, 30));
}

TEST(ScheduleInZone, SpringForwardGapFiresAtTheFirstValidMinute) {
  LOAD_ZONE_OR_SKIP(paris, "Europe/Paris");
  const Schedule daily = MustParse("30 2 * * *");
  // 02:30 does not exist on 2025-03-30: it fires at 03:00 CEST (01:00 UTC), then normally.
  EXPECT_EQ(daily.Next(At(2025, 3, 29, 12), paris), At(2025, 3, 30, 1));
  EXPECT_EQ(daily.Next(At(2025, 3, 30, 1), paris), At(2025, 3, 31, 0, 30));
  EXPECT_EQ(daily.Next(At(2025, 3, 28, 12), paris), At(2025, 3, 29, 1, 30));
}

TEST(ScheduleInZone, GapTimesCollapseIntoOneFire) {
  LOAD_ZONE_OR_SKIP(new_york, "America/New_York");
  // 2025-03-09 02:00 EST (07:00 UTC) becomes 03:00 EDT: 02:00, 02:20, 02:40 and 03:00 are one fire.
  const Schedule s = MustParse("*/20 * * * *");
  EXPECT_EQ(s.Next(At(2025, 3, 9, 6, 40), new_york), At(2025, 3, 9, 7));
  EXPECT_EQ(s.Next(At(2025, 3, 9, 7), new_york), At(2025, 3, 9, 7, 20));
}

TEST(ScheduleInZone, RepeatedHourFiresOnce) {
  LOAD_ZONE_OR_SKIP(paris, "Europe/Paris");
  LOAD_ZONE_OR_SKIP(new_york, "America/New_York");
  // Paris 2025-10-26: 03:00 CEST (01:00 UTC) becomes 02:00 CET; 02:30 happens at 00:30 and 01:30 UTC.
  const Schedule daily = MustParse("30 2 * * *");
  EXPECT_EQ(daily.Next(At(2025, 10, 25, 12), paris), At(2025, 10, 26, 0, 30));
  EXPECT_EQ(daily.Next(At(2025, 10, 26, 0, 30), paris), At(2025, 10, 27, 1, 30));
  // Started during the second pass: the first pass already had its 02:30.
  EXPECT_EQ(daily.Next(At(2025, 10, 26, 1, 10), paris), At(2025, 10, 27, 1, 30));

  // New York 2025-11-02: 02:00 EDT (06:00 UTC) becomes 01:00 EST. Hourly: 01:00 once, then 02:00 EST.
  const Schedule hourly = MustParse("0 * * * *");
  EXPECT_EQ(hourly.Next(At(2025, 11, 2, 4, 30), new_york), At(2025, 11, 2, 5));
  EXPECT_EQ(hourly.Next(At(2025, 11, 2, 5), new_york), At(2025, 11, 2, 7));
  const Schedule quarter = MustParse("*/15 * * * *");
  EXPECT_EQ(quarter.Next(At(2025, 11, 2, 5, 45), new_york), At(2025, 11, 2, 7));
  // Inside the second pass, the next local time not yet seen.
  EXPECT_EQ(quarter.Next(At(2025, 11, 2, 6, 20), new_york), At(2025, 11, 2, 7));
}

}  // namespace
}  // namespace nationpulse::cron
