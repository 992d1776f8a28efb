#include "nationpulse/trace/trace.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "nationpulse/trace/exporter.hpp"

namespace nationpulse::trace {
namespace {

constexpr std::string_view kExample = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

TEST(Traceparent, RoundTripsTheSpecExample) {
  auto context = SpanContext::FromTraceparent(kExample);
  ASSERT_TRUE(context);
  EXPECT_EQ(context->TraceIdHex(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(context->SpanIdHex(), "00f067aa0ba902b7");
  EXPECT_EQ(context->flags, 1);
  EXPECT_EQ(context->ToTraceparent(), kExample);
}

TEST(Traceparent, RejectsWhatTheSpecSaysToIgnore) {
  for (std::string_view bad : {
           "",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",         // no flags
           "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",      // upper case
           "00-00000000000000000000000000000000-00f067aa0ba902b7-01",      // zero trace id
           "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",      // zero span id
           "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",      // forbidden version
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-xyz",  // v00 has no extra fields
           "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",      // separator
           "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",      // not hex
       }) {
    EXPECT_FALSE(SpanContext::FromTraceparent(bad)) << bad;
  }
}

TEST(Traceparent, AcceptsAFutureVersionByItsKnownPrefix) {
  auto context =
      SpanContext::FromTraceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra");
  ASSERT_TRUE(context);
  EXPECT_EQ(context->SpanIdHex(), "00f067aa0ba902b7");
}

class Recorder : public Exporter {
 public:
  void Export(SpanData span) override {
    std::lock_guard lock(mutex);
    spans.push_back(std::move(span));
  }
  std::mutex mutex;
  std::vector<SpanData> spans;
};

class SpanTest : public ::testing::Test {
 protected:
  void SetUp() override { SetExporter(recorder); }
  void TearDown() override { SetExporter(nullptr); }
  std::shared_ptr<Recorder> recorder = std::make_shared<Recorder>();
};

TEST_F(SpanTest, ChildrenShareTheTraceAndPointAtTheirParent) {
  const auto parent = *SpanContext::FromTraceparent(kExample);
  {
    Span server("GET /x", SpanKind::kServer, parent);
    ScopedContext scope(server.context());
    EXPECT_EQ(Current(), server.context());
    Span child("query");
    child.SetAttribute("db.table", "population");
    child.SetError("timeout");
  }
  EXPECT_FALSE(Current());
  ASSERT_EQ(recorder->spans.size(), 2u);
  const auto& child = recorder->spans[0];
  const auto& server = recorder->spans[1];
  EXPECT_EQ(server.context.trace_id, parent.trace_id);
  EXPECT_EQ(server.parent_span_id, parent.span_id);
  EXPECT_NE(server.context.span_id, parent.span_id);
  EXPECT_EQ(child.context.trace_id, parent.trace_id);
  EXPECT_EQ(child.parent_span_id, server.context.span_id);
  EXPECT_TRUE(child.error);
  EXPECT_EQ(child.status_message, "timeout");
  EXPECT_EQ(child.attributes, (std::vector<Attribute>{{"db.table", "population"}}));
  EXPECT_LE(server.start, server.end);
}

TEST_F(SpanTest, WithoutParentAndWithoutCurrentASpanStartsANewTrace) {
  Span a("a", SpanKind::kInternal, std::nullopt);
  Span b("b", SpanKind::kInternal, std::nullopt);
  EXPECT_TRUE(a.context().valid());
  EXPECT_NE(a.context().trace_id, b.context().trace_id);
  a.End();
  a.End();  // idempotent
  b.End();
  EXPECT_EQ(recorder->spans.size(), 2u);
  EXPECT_FALSE(recorder->spans[0].parent_span_id);
}

TEST_F(SpanTest, ScopesNestAndAreThreadLocal) {
  const auto outer = NewRootContext();
  const auto inner = NewRootContext();
  ScopedContext a(outer);
  {
    ScopedContext b(inner);
    EXPECT_EQ(Current(), inner);
    std::optional<SpanContext> seen_elsewhere = outer;
    std::thread([&] { seen_elsewhere = Current(); }).join();
    EXPECT_FALSE(seen_elsewhere);
  }
  EXPECT_EQ(Current(), outer);
}

TEST(SpanIds, AreDistinct) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(NewRootContext().SpanIdHex());
  EXPECT_EQ(ids.size(), 1000u);
}

}  // namespace
}  // namespace nationpulse::trace
