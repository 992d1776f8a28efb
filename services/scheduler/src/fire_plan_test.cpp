#include "fire_plan.hpp"

#include <gtest/gtest.h>

namespace nationpulse::scheduler {
namespace {

using namespace std::chrono;
using TimePoint = system_clock::time_point;

TimePoint At(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} + seconds{s};
}

cron::Schedule Spec(const char* spec) { return cron::Schedule::Parse(spec).value(); }

const TimePoint kStart = At(2025, 3, 5, 10, 17, 42);

TEST(FirePlan, EveryFirstFireIsOneIntervalAfterStart) {
  FirePlan plan(Spec("@every 360h"), {}, kStart, false);
  EXPECT_EQ(plan.next(), kStart + hours(360));
  EXPECT_EQ(plan.Consume(kStart + hours(359)), 0);
  EXPECT_EQ(plan.next(), kStart + hours(360));
}

TEST(FirePlan, RunOnStartFiresAtStart) {
  FirePlan every(Spec("@every 1h"), {}, kStart, true);
  EXPECT_EQ(every.next(), kStart);
  EXPECT_EQ(every.Consume(kStart), 1);
  EXPECT_EQ(every.next(), kStart + hours(1));
  FirePlan calendar(Spec("0 * * * *"), {}, kStart, true);
  EXPECT_EQ(calendar.next(), kStart);
  EXPECT_EQ(calendar.Consume(kStart), 1);
  EXPECT_EQ(calendar.next(), At(2025, 3, 5, 11));
}

TEST(FirePlan, EveryKeepsAFixedGrid) {
  FirePlan plan(Spec("@every 1m"), {}, kStart, false);
  EXPECT_EQ(plan.Consume(kStart + seconds(30)), 0);
  EXPECT_EQ(plan.Consume(kStart + minutes(1)), 1);
  EXPECT_EQ(plan.next(), kStart + minutes(2));
  // Woken late (suspend, clock jump): four were due, the loop runs once and skips three.
  EXPECT_EQ(plan.Consume(kStart + minutes(5) + seconds(30)), 4);
  EXPECT_EQ(plan.next(), kStart + minutes(6));
}

TEST(FirePlan, FiresDuringARunAreConsumedAsSkipped) {
  // The no-overlap rule: a run from +1 s to +3.5 s with @every 1s leaves +2 s and +3 s to be skipped.
  FirePlan plan(Spec("@every 1s"), {}, kStart, false);
  EXPECT_EQ(plan.Consume(kStart + seconds(1)), 1);          // run starts
  EXPECT_EQ(plan.Consume(kStart + milliseconds(3500)), 2);  // run ends: both fell inside it
  EXPECT_EQ(plan.next(), kStart + seconds(4));              // the grid goes on, nothing is replayed
  EXPECT_EQ(plan.Consume(kStart + seconds(4)), 1);
}

TEST(FirePlan, LongSuspendWithAShortIntervalIsOneStep) {
  FirePlan plan(Spec("@every 1s"), {}, kStart, false);
  EXPECT_EQ(plan.Consume(kStart + hours(24 * 365)), 365 * 24 * 3600);
  EXPECT_EQ(plan.next(), kStart + hours(24 * 365) + seconds(1));
}

TEST(FirePlan, CalendarCountsMissedTimes) {
  FirePlan plan(Spec("0 * * * *"), {}, kStart, false);
  EXPECT_EQ(plan.next(), At(2025, 3, 5, 11));
  EXPECT_EQ(plan.Consume(At(2025, 3, 5, 13, 30)), 3);  // 11:00, 12:00, 13:00
  EXPECT_EQ(plan.next(), At(2025, 3, 5, 14));
}

TEST(FirePlan, CalendarCountIsCappedButMovesPastNow) {
  FirePlan plan(Spec("* * * * *"), {}, kStart, false);
  const TimePoint later = kStart + hours(24 * 30);
  EXPECT_EQ(plan.Consume(later), FirePlan::kMaxCounted);
  EXPECT_GT(plan.next(), later);
  EXPECT_LE(plan.next(), later + minutes(1));
}

TEST(FirePlan, CalendarInAZone) {
  auto paris = cron::TimeZone::Load("Europe/Paris");
  if (!paris) GTEST_SKIP() << paris.error();
  FirePlan plan(Spec("0 12 * * *"), *paris, At(2025, 3, 29), false);
  EXPECT_EQ(plan.next(), At(2025, 3, 29, 11));  // noon CET
  EXPECT_EQ(plan.Consume(At(2025, 3, 29, 11)), 1);
  EXPECT_EQ(plan.next(), At(2025, 3, 30, 10));  // noon CEST
}

TEST(FirePlan, NeverFiringScheduleNeverConsumes) {
  FirePlan plan(Spec("0 0 30 2 *"), {}, kStart, false);
  EXPECT_EQ(plan.next(), TimePoint::max());
  EXPECT_EQ(plan.Consume(kStart + hours(24 * 400)), 0);
}

}  // namespace
}  // namespace nationpulse::scheduler
