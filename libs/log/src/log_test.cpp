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

TEST(ParseLevel, KnownAndUnknown) {
  EXPECT_EQ(ParseLevel("debug"), Level::kDebug);
  EXPECT_EQ(ParseLevel("warning"), Level::kWarn);
  EXPECT_THROW(ParseLevel("loud"), std::invalid_argument);
}

}  // namespace
}  // namespace nationpulse::log
