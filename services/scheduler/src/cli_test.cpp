#include "cli.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace nationpulse::scheduler {
namespace {

using namespace std::chrono;
using Mode = Command::Mode;

Command Parse(std::vector<std::string> args) {
  auto parsed = ParseCommandLine(args);
  EXPECT_TRUE(parsed.has_value()) << (parsed ? "" : parsed.error());
  return parsed ? parsed.value() : Command{};
}

std::string ParseError(std::vector<std::string> args) {
  auto parsed = ParseCommandLine(args);
  EXPECT_FALSE(parsed.has_value());
  return parsed ? "" : parsed.error();
}

TEST(CommandLine, NoArgumentsServes) { EXPECT_EQ(Parse({}).mode, Mode::kServe); }

TEST(CommandLine, Help) {
  EXPECT_EQ(Parse({"--help"}).mode, Mode::kHelp);
  EXPECT_EQ(Parse({"-h"}).mode, Mode::kHelp);
  EXPECT_NE(Usage().find("--run-now"), std::string::npos);
}

TEST(CommandLine, RunNowWithOverrides) {
  const Command plain = Parse({"--run-now"});
  EXPECT_EQ(plain.mode, Mode::kRunNow);
  EXPECT_FALSE(plain.target.has_value());
  EXPECT_FALSE(plain.timeout.has_value());
  EXPECT_EQ(plain.retries, 0);
  const Command c = Parse({"--run-now", "--target", "ingestion:50053", "--timeout", "90s", "--retries=2"});
  EXPECT_EQ(c.target, "ingestion:50053");
  EXPECT_EQ(c.timeout, milliseconds(90'000));
  EXPECT_EQ(c.retries, 2);
  EXPECT_EQ(Parse({"--timeout=30m", "--run-now"}).timeout, milliseconds(30 * 60'000));
}

TEST(CommandLine, RunNowOptionsOverrideTheEnvironment) {
  Settings s;
  s.ingestion_target = "env:1";
  s.job_timeout = minutes(5);
  const ClientOptions from_env = RunNowOptions(s, Parse({"--run-now"}));
  EXPECT_EQ(from_env.target, "env:1");
  EXPECT_EQ(from_env.job_timeout, minutes(5));
  EXPECT_EQ(from_env.retry_attempts, 0);
  const ClientOptions given = RunNowOptions(s, Parse({"--run-now", "--target", "cli:2", "--timeout", "1m"}));
  EXPECT_EQ(given.target, "cli:2");
  EXPECT_EQ(given.job_timeout, minutes(1));
}

TEST(CommandLine, Next) {
  EXPECT_EQ(Parse({"--next"}).mode, Mode::kNext);
  EXPECT_EQ(Parse({"--next"}).count, 5);
  EXPECT_EQ(Parse({"--next", "3"}).count, 3);
  EXPECT_EQ(Parse({"--next=12"}).count, 12);
}

TEST(CommandLine, BadArgumentsAreNamed) {
  EXPECT_NE(ParseError({"--bogus"}).find("unknown argument \"--bogus\""), std::string::npos);
  EXPECT_NE(ParseError({"now"}).find("unknown argument"), std::string::npos);
  EXPECT_NE(ParseError({"--target", "x:1"}).find("--target needs --run-now"), std::string::npos);
  EXPECT_NE(ParseError({"--run-now", "--target"}).find("--target needs a value"), std::string::npos);
  EXPECT_NE(ParseError({"--run-now", "--timeout", "soon"}).find("--timeout"), std::string::npos);
  EXPECT_NE(ParseError({"--run-now", "--timeout", "0s"}).find("at least 1s"), std::string::npos);
  EXPECT_NE(ParseError({"--run-now", "--retries", "-1"}).find("--retries"), std::string::npos);
  EXPECT_NE(ParseError({"--next", "0"}).find("--next"), std::string::npos);
  EXPECT_NE(ParseError({"--next", "x"}).find("--next"), std::string::npos);
  EXPECT_NE(ParseError({"--run-now", "--next"}).find("exclude"), std::string::npos);
}

using TimePoint = system_clock::time_point;

TimePoint At(int y, unsigned mo, unsigned d, int h = 0, int mi = 0) {
  return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi};
}

TEST(NextFires, EveryFromNow) {
  Settings s;
  s.schedule = cron::Schedule::Parse("@every 6h").value();
  std::ostringstream out;
  PrintNextFires(s, 3, At(2025, 3, 5, 10, 17) + seconds(42), out);
  EXPECT_EQ(out.str(), "2025-03-05T16:17:42Z\n2025-03-05T22:17:42Z\n2025-03-06T04:17:42Z\n");
  s.run_on_start = true;
  std::ostringstream with_start;
  PrintNextFires(s, 2, At(2025, 3, 5, 10, 17), with_start);
  EXPECT_EQ(with_start.str(), "2025-03-05T10:17:00Z\n2025-03-05T16:17:00Z\n");
}

TEST(NextFires, CalendarInAZoneAcrossTheSpringGap) {
  auto paris = cron::TimeZone::Load("Europe/Paris");
  if (!paris) GTEST_SKIP() << paris.error();
  Settings s;
  s.schedule = cron::Schedule::Parse("30 2 * * *").value();
  s.time_zone = *paris;
  std::ostringstream out;
  PrintNextFires(s, 3, At(2025, 3, 28, 12), out);
  EXPECT_EQ(out.str(), "2025-03-29T02:30:00+01:00\n2025-03-30T03:00:00+02:00\n2025-03-31T02:30:00+02:00\n");
}

TEST(NextFires, NeverFiringPrintsNothing) {
  Settings s;
  s.schedule = cron::Schedule::Parse("0 0 30 2 *").value();
  std::ostringstream out;
  EXPECT_EQ(PrintNextFires(s, 3, At(2025, 3, 28, 12), out), 0);
  EXPECT_EQ(out.str(), "");
}

TEST(FormatInZone, Offsets) {
  const auto t = At(2025, 1, 15, 12);
  EXPECT_EQ(FormatInZone(t, cron::TimeZone()), "2025-01-15T12:00:00Z");
  auto new_york = cron::TimeZone::Load("America/New_York");
  if (!new_york) GTEST_SKIP() << new_york.error();
  EXPECT_EQ(FormatInZone(t, *new_york), "2025-01-15T07:00:00-05:00");
  EXPECT_EQ(FormatInZone(At(2025, 7, 15, 12), *new_york), "2025-07-15T08:00:00-04:00");
}

}  // namespace
}  // namespace nationpulse::scheduler
