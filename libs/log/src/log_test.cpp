#include "nationpulse/log/log.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "nationpulse/trace/trace.hpp"

namespace nationpulse::log {
namespace {

// Each test points the logger at its own stream; put it back on stdout before the stream dies.
class LogTest : public ::testing::Test {
 protected:
  void TearDown() override { Init("test", Level::kInfo); }
};

std::vector<nlohmann::json> Lines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(nlohmann::json::parse(line));
  return out;
}

TEST_F(LogTest, OneJsonObjectPerLineWithStandardKeys) {
  std::ostringstream out;
  InitForTest("bff", Level::kInfo, out);
  Info("request completed", {{"path", "/api/x"}, {"status", 404}, {"latency", 0.0012}});
  Warn("quote \" and\nnewline");
  const auto lines = Lines(out.str());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["level"], "info");
  EXPECT_EQ(lines[0]["service"], "bff");
  EXPECT_EQ(lines[0]["msg"], "request completed");
  EXPECT_EQ(lines[0]["path"], "/api/x");
  EXPECT_EQ(lines[0]["status"], 404);
  const std::string ts = lines[0]["ts"];
  EXPECT_EQ(ts.size(), std::string("2026-01-01T00:00:00.000000Z").size()) << ts;
  EXPECT_EQ(ts.back(), 'Z');
  EXPECT_EQ(lines[1]["level"], "warning");
  EXPECT_EQ(lines[1]["msg"], "quote \" and\nnewline");
}

TEST_F(LogTest, LinesInsideASpanCarryItsIds) {
  std::ostringstream out;
  InitForTest("reporting", Level::kInfo, out);
  Info("before");
  {
    const auto context =
        trace::SpanContext::FromTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    trace::ScopedContext scope(*context);
    Info("inside");
  }
  Info("after");
  const auto lines = Lines(out.str());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_FALSE(lines[0].contains("trace_id"));
  EXPECT_EQ(lines[1]["trace_id"], "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(lines[1]["span_id"], "00f067aa0ba902b7");
  EXPECT_FALSE(lines[2].contains("span_id"));
}

TEST_F(LogTest, LevelFilters) {
  std::ostringstream out;
  InitForTest("bff", Level::kWarn, out);
  Info("hidden");
  Debug("hidden");
  Error("shown");
  EXPECT_FALSE(Enabled(Level::kInfo));
  EXPECT_TRUE(Enabled(Level::kError));
  const auto lines = Lines(out.str());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["msg"], "shown");
}

TEST_F(LogTest, InvalidUtf8DoesNotBreakTheLine) {
  std::ostringstream out;
  InitForTest("bff", Level::kInfo, out);
  Info("x", {{"ua", std::string("bad\xff")}});
  EXPECT_EQ(Lines(out.str()).size(), 1u);
}

TEST_F(LogTest, ThrottleWritesABurstPerWindowAndCountsTheRest) {
  std::ostringstream out;
  InitForTest("bff", Level::kInfo, out);
  auto now = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  Throttle throttle(2, std::chrono::seconds(10), [&now] { return now; });
  int written = 0;
  for (int i = 0; i < 5; ++i) written += throttle.Warn("redis down", {{"attempt", i}}) ? 1 : 0;
  EXPECT_EQ(written, 2);
  now += std::chrono::seconds(9);
  EXPECT_FALSE(throttle.Warn("redis down", {{"attempt", 5}})) << "same window";
  now += std::chrono::seconds(1);
  EXPECT_TRUE(throttle.Warn("redis down", {{"attempt", 6}})) << "a new window";
  EXPECT_TRUE(throttle.Warn("redis down", {{"attempt", 7}}));
  const auto lines = Lines(out.str());
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0]["attempt"], 0);
  EXPECT_FALSE(lines[0].contains("suppressed"));
  EXPECT_EQ(lines[1]["attempt"], 1);
  EXPECT_EQ(lines[2]["attempt"], 6);
  EXPECT_EQ(lines[2]["suppressed"], 4) << "attempts 2, 3, 4 and 5 were held back";
  EXPECT_FALSE(lines[3].contains("suppressed")) << "the count starts again";
  EXPECT_EQ(lines[2]["level"], "warning");
}

TEST_F(LogTest, ThrottleIgnoresDisabledLevels) {
  std::ostringstream out;
  InitForTest("bff", Level::kError, out);
  Throttle throttle(1, std::chrono::seconds(10));
  EXPECT_FALSE(throttle.Warn("not at this level"));
  SetLevel(Level::kInfo);
  EXPECT_TRUE(throttle.Warn("first enabled line")) << "the disabled line used none of the burst";
  const auto lines = Lines(out.str());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_FALSE(lines[0].contains("suppressed"));
}

TEST(ParseLevel, KnownAndUnknown) {
  EXPECT_EQ(ParseLevel("debug"), Level::kDebug);
  EXPECT_EQ(ParseLevel("warning"), Level::kWarn);
  EXPECT_THROW(ParseLevel("loud"), std::invalid_argument);
}

}  // namespace
}  // namespace nationpulse::log
