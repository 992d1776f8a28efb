#include "nationpulse/cron/schedule.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace nationpulse::cron {
namespace {

using namespace std::chrono;
using TimePoint = system_clock::time_point;

// A fixed UTC instant.
TimePoint At(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} + seconds{s};
}

Schedule MustParse(std::string_view spec) {
  auto parsed = Schedule::Parse(spec);
  EXPECT_TRUE(parsed.has_value()) << spec << ": " << (parsed ? "" : parsed.error().message);
  if (!parsed) return Schedule::Parse("* * * * *").value();
  return parsed.value();
}

// --- descriptors and @every ---

TEST(ScheduleParse, Hourly) {
  const Schedule s = MustParse("@hourly");
  EXPECT_FALSE(s.Interval().has_value());
  EXPECT_EQ(s.Next(At(2024, 3, 5, 10, 0)), At(2024, 3, 5, 11, 0));
  EXPECT_EQ(s.Next(At(2024, 3, 5, 10, 59, 59)), At(2024, 3, 5, 11, 0));
}

TEST(ScheduleParse, DailyAndMidnight) {
  for (const char* spec : {"@daily", "@midnight"}) {
    const Schedule s = MustParse(spec);
    EXPECT_EQ(s.Next(At(2024, 3, 5, 10, 0)), At(2024, 3, 6)) << spec;
  }
}

TEST(ScheduleParse, Weekly) {
  // 2024-03-05 is a Tuesday; the next Sunday is 2024-03-10.
  EXPECT_EQ(MustParse("@weekly").Next(At(2024, 3, 5, 10, 0)), At(2024, 3, 10));
}

TEST(ScheduleParse, Monthly) { EXPECT_EQ(MustParse("@monthly").Next(At(2024, 3, 5, 10, 0)), At(2024, 4, 1)); }

TEST(ScheduleParse, YearlyAndAnnually) {
  for (const char* spec : {"@yearly", "@annually"}) {
    EXPECT_EQ(MustParse(spec).Next(At(2024, 3, 5, 10, 0)), At(2025, 1, 1)) << spec;
  }
}

TEST(ScheduleParse, Every360h) {
  const Schedule s = MustParse("@every 360h");
  ASSERT_TRUE(s.Interval().has_value());
  EXPECT_EQ(*s.Interval(), hours(360));
  const TimePoint start = At(2024, 3, 5, 10, 17, 42);
  EXPECT_EQ(s.Next(start), start + hours(360));
}

TEST(ScheduleParse, Every15dIsAccepted) { EXPECT_EQ(*MustParse("@every 15d").Interval(), hours(15 * 24)); }

TEST(ScheduleParse, EveryCombinedUnits) {
  EXPECT_EQ(*MustParse("@every 1h30m").Interval(), minutes(90));
  EXPECT_EQ(*MustParse("@every 90s").Interval(), seconds(90));
  EXPECT_EQ(*MustParse("@every 1.5h").Interval(), minutes(90));
  EXPECT_EQ(*MustParse("@every 1500ms").Interval(), seconds(1));  // truncated, as robfig
}

// --- parse errors ---

void ExpectError(std::string_view spec, std::string_view mentions) {
  auto parsed = Schedule::Parse(spec);
  ASSERT_FALSE(parsed.has_value()) << "accepted: " << spec;
  const std::string& message = parsed.error().message;
  EXPECT_NE(message.find(std::string(spec)), std::string::npos) << message;
  EXPECT_NE(message.find(std::string(mentions)), std::string::npos) << message;
}

TEST(ScheduleParseError, BadEveryDurations) {
  ExpectError("@every 0s", "at least 1s");
  ExpectError("@every 0", "missing unit");
  ExpectError("@every -1h", "signed");
  ExpectError("@every", "exactly one duration");
  ExpectError("@every 5x", "unknown unit");
  ExpectError("@every 5w", "unknown unit");
  ExpectError("@every 500ms", "at least 1s");
  ExpectError("@every h", "expected a number");
  ExpectError("@every 99999999999999999999h", "out of range");
  // The whole part fits in int64 nanoseconds, the fraction does not (was a signed overflow, UBSan).
  ExpectError("@every 106751.99999d", "out of range");
  ExpectError("@every 2562047.9999h", "out of range");
  ExpectError("@every 1s9223372036.9s", "out of range");
}

TEST(ScheduleParseError, UnknownDescriptorAndArguments) {
  ExpectError("@fortnightly", "unknown descriptor");
  ExpectError("@daily 5", "takes no arguments");
}

TEST(ScheduleParseError, OutOfRange) {
  ExpectError("60 * * * *", "minute field \"60\"");
  ExpectError("* 24 * * *", "hour field \"24\"");
  ExpectError("* * 0 * *", "day-of-month field \"0\"");
  ExpectError("* * 32 * *", "day-of-month field \"32\"");
  ExpectError("* * * 13 *", "month field \"13\"");
  ExpectError("* * * * 8", "day-of-week field \"8\"");
  ExpectError("* * * 0 *", "out of range 1-12");
}

TEST(ScheduleParseError, FieldCount) {
  ExpectError("* * * *", "expected 5 fields");
  ExpectError("0 * * * * *", "expected 5 fields");
  ExpectError("", "empty spec");
  ExpectError("   ", "empty spec");
}

TEST(ScheduleParseError, MalformedItems) {
  ExpectError("1,,2 * * * *", "empty list item");
  ExpectError("1, * * * *", "empty list item");
  ExpectError("*/0 * * * *", "step 0");
  ExpectError("1-5/0 * * * *", "step 0");
  ExpectError("* 5-3 * * *", "reversed");
  ExpectError("* * * * FRI-MON", "reversed");
  ExpectError("abc * * * *", "not a number");
  ExpectError("* * * JANUARY *", "not a number or name");
  ExpectError("* * * * MON-", "not a number");
  ExpectError("*/x * * * *", "step \"x\"");
  ExpectError("1-2-3 * * * *", "more than one '-'");
  ExpectError("*/2/3 * * * *", "more than one '/'");
  ExpectError("* * * * 7/2", "reversed");
}

// --- Next ---

TEST(ScheduleNext, EveryQuarterHour) {
  const Schedule s = MustParse("*/15 * * * *");
  EXPECT_EQ(s.Next(At(2024, 3, 5, 10, 1)), At(2024, 3, 5, 10, 15));
  EXPECT_EQ(s.Next(At(2024, 3, 5, 10, 50)), At(2024, 3, 5, 11, 0));
  EXPECT_EQ(s.Next(At(2024, 12, 31, 23, 59, 30)), At(2025, 1, 1, 0, 0));
}

TEST(ScheduleNext, WeekdaysSkipTheWeekend) {
  // 2024-03-08 is a Friday.
  const Schedule s = MustParse("0 9 * * MON-FRI");
  EXPECT_EQ(s.Next(At(2024, 3, 8, 9, 0)), At(2024, 3, 11, 9, 0));
  EXPECT_EQ(s.Next(At(2024, 3, 9, 12, 0)), At(2024, 3, 11, 9, 0));
  EXPECT_EQ(s.Next(At(2024, 3, 8, 8, 59)), At(2024, 3, 8, 9, 0));
  EXPECT_EQ(MustParse("0 9 * * mon-fri").Next(At(2024, 3, 8, 9, 0)), At(2024, 3, 11, 9, 0));
}

TEST(ScheduleNext, SundayAsSevenOrZero) {
  // 2024-03-10 is a Sunday.
  EXPECT_EQ(MustParse("0 0 * * 7").Next(At(2024, 3, 5)), At(2024, 3, 10));
  EXPECT_EQ(MustParse("0 0 * * 0").Next(At(2024, 3, 5)), At(2024, 3, 10));
  EXPECT_EQ(MustParse("0 0 * * sun").Next(At(2024, 3, 5)), At(2024, 3, 10));
  EXPECT_EQ(MustParse("0 0 * * 6-7").Next(At(2024, 3, 9, 1)), At(2024, 3, 10));
}

TEST(ScheduleNext, FirstOfMonthAcrossYearEnd) {
  EXPECT_EQ(MustParse("0 0 1 * *").Next(At(2024, 12, 15, 8, 30)), At(2025, 1, 1));
}

TEST(ScheduleNext, MonthNamesListsAndRangeSteps) {
  const Schedule s = MustParse("5,35 1-10/3 * jan,Jul *");
  EXPECT_EQ(s.Next(At(2024, 3, 1)), At(2024, 7, 1, 1, 5));
  EXPECT_EQ(s.Next(At(2024, 7, 1, 1, 5)), At(2024, 7, 1, 1, 35));
  EXPECT_EQ(s.Next(At(2024, 7, 1, 1, 35)), At(2024, 7, 1, 4, 5));
  EXPECT_EQ(s.Next(At(2024, 7, 1, 10, 35)), At(2024, 7, 2, 1, 5));
}

TEST(ScheduleNext, LeapDay) { EXPECT_EQ(MustParse("0 0 29 2 *").Next(At(2024, 3, 1)), At(2028, 2, 29)); }

TEST(ScheduleNext, DayOfMonthOrDayOfWeek) {
  // Both restricted: the 13th OR any Friday. 2024-09-01 is a Sunday; Friday 2024-09-06 comes first,
  // then 2024-09-13 (both), then Friday 2024-09-20.
  const Schedule s = MustParse("0 0 13 * FRI");
  EXPECT_EQ(s.Next(At(2024, 9, 1)), At(2024, 9, 6));
  EXPECT_EQ(s.Next(At(2024, 9, 6)), At(2024, 9, 13));
  EXPECT_EQ(s.Next(At(2024, 9, 13)), At(2024, 9, 20));
  // 2024-10-13 is a Sunday: matched through the day of month alone.
  EXPECT_EQ(s.Next(At(2024, 10, 12)), At(2024, 10, 13));
}

TEST(ScheduleNext, DayOfMonthAndDayOfWeekWhenOneIsStar) {
  // Day of week is *: only the 13th. Day of month is *: only Fridays.
  EXPECT_EQ(MustParse("0 0 13 * *").Next(At(2024, 9, 1)), At(2024, 9, 13));
  EXPECT_EQ(MustParse("0 0 * * FRI").Next(At(2024, 9, 7)), At(2024, 9, 13));
}

TEST(ScheduleNext, ImpossibleDateReturnsMax) {
  EXPECT_EQ(MustParse("0 0 30 2 *").Next(At(2024, 1, 1)), TimePoint::max());
  EXPECT_EQ(MustParse("0 0 31 4,6,9,11 *").Next(At(2024, 1, 1)), TimePoint::max());
}

TEST(ScheduleNext, StrictlyAfterAndSecondsTruncated) {
  const Schedule s = MustParse("* * * * *");
  EXPECT_EQ(s.Next(At(2024, 3, 5, 10, 0)), At(2024, 3, 5, 10, 1));
  EXPECT_EQ(s.Next(At(2024, 3, 5, 10, 0, 59)), At(2024, 3, 5, 10, 1));
  EXPECT_EQ(s.Next(At(2024, 3, 5, 10, 0) + nanoseconds(1)), At(2024, 3, 5, 10, 1));
  const Schedule daily = MustParse("30 6 * * *");
  EXPECT_EQ(daily.Next(At(2024, 3, 5, 6, 30)), At(2024, 3, 6, 6, 30));
  EXPECT_EQ(daily.Next(At(2024, 3, 5, 6, 29, 59)), At(2024, 3, 5, 6, 30));
}

TEST(ScheduleNext, NearTheEndOfTimeReturnsMax) {
  EXPECT_EQ(MustParse("* * * * *").Next(TimePoint::max() - hours(1)), TimePoint::max());
}

// Found by cron_schedule_fuzz: after + interval overflowed (UBSan: signed integer overflow) when the sum
// passed the end of system_clock (year 2262), although `after` itself was not late.
TEST(ScheduleNext, EveryPastTheEndOfTimeReturnsMax) {
  const Schedule every = MustParse("@every 888888858.88s");  // ~28 years
  EXPECT_EQ(every.Next(At(2255, 3, 14)), TimePoint::max());
  EXPECT_EQ(every.Next(At(2200, 1, 1)), At(2200, 1, 1) + seconds(888888858));
  const Schedule longest = MustParse("@every 2562047h");  // the longest Go duration, ~292 years
  EXPECT_EQ(longest.Next(At(2025, 1, 1)), TimePoint::max());
  EXPECT_EQ(longest.Next(TimePoint::max() - hours(24 * 366 * 7)), TimePoint::max());
}

}  // namespace
}  // namespace nationpulse::cron
