#include "nationpulse/trace/exporter.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "nationpulse/metrics/registry.hpp"

namespace nationpulse::trace {
namespace {

using namespace std::chrono_literals;

SpanData Sample(std::string name) {
  SpanData s;
  s.context = *SpanContext::FromTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  s.parent_span_id = std::array<std::uint8_t, 8>{1, 2, 3, 4, 5, 6, 7, 8};
  s.name = std::move(name);
  s.kind = SpanKind::kProducer;
  s.start = std::chrono::system_clock::time_point(1700000000s);
  s.end = s.start + 1500us;
  s.attributes = {{"messaging.destination.name", "message-log"}};
  return s;
}

TEST(OtlpJson, FollowsTheOtlpJsonMapping) {
  auto failed = Sample("publish");
  failed.error = true;
  failed.status_message = "broker down";
  const auto body = nlohmann::json::parse(ToOtlpJson("bff", {Sample("send"), failed}));
  const auto& resource = body["resourceSpans"][0];
  EXPECT_EQ(resource["resource"]["attributes"][0]["key"], "service.name");
  EXPECT_EQ(resource["resource"]["attributes"][0]["value"]["stringValue"], "bff");
  const auto& spans = resource["scopeSpans"][0]["spans"];
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0]["traceId"], "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(spans[0]["spanId"], "00f067aa0ba902b7");
  EXPECT_EQ(spans[0]["parentSpanId"], "0102030405060708");
  EXPECT_EQ(spans[0]["kind"], 4);
  EXPECT_EQ(spans[0]["startTimeUnixNano"], "1700000000000000000");
  EXPECT_EQ(spans[0]["endTimeUnixNano"], "1700000000001500000");
  EXPECT_EQ(spans[0]["status"]["code"], 1);
  EXPECT_EQ(spans[0]["attributes"][0]["value"]["stringValue"], "message-log");
  EXPECT_EQ(spans[1]["status"]["code"], 2);
  EXPECT_EQ(spans[1]["status"]["message"], "broker down");
}

TEST(BatchExporter, SendsInBatchesAndCountsWhatItSent) {
  std::mutex mutex;
  std::vector<std::size_t> batch_sizes;
  BatchExporter exporter(
      {.service_name = "t", .max_queue = 100, .max_batch = 3, .delay = 10s}, [&](const std::string& body) {
        std::lock_guard lock(mutex);
        batch_sizes.push_back(
            nlohmann::json::parse(body)["resourceSpans"][0]["scopeSpans"][0]["spans"].size());
        return true;
      });
  for (int i = 0; i < 7; ++i) exporter.Export(Sample("s"));
  exporter.Flush();
  std::lock_guard lock(mutex);
  std::size_t total = 0;
  for (auto n : batch_sizes) {
    EXPECT_LE(n, 3u);
    total += n;
  }
  EXPECT_EQ(total, 7u);
  EXPECT_EQ(exporter.exported(), 7u);
  EXPECT_EQ(exporter.dropped(), 0u);
}

TEST(BatchExporter, AFullQueueDropsAndCountsInsteadOfBlocking) {
  std::atomic<bool> release{false};
  std::atomic<int> sends{0};
  BatchExporter exporter({.service_name = "t", .max_queue = 4, .max_batch = 1, .delay = 10s},
                         [&](const std::string&) {
                           ++sends;
                           while (!release) std::this_thread::sleep_for(1ms);
                           return true;
                         });
  exporter.Export(Sample("first"));  // taken by the sender thread, which then blocks
  while (sends == 0) std::this_thread::sleep_for(1ms);
  for (int i = 0; i < 10; ++i) exporter.Export(Sample("more"));  // 4 fit the queue, 6 are dropped
  EXPECT_EQ(exporter.dropped(), 6u);
  release = true;
  exporter.Flush();
  EXPECT_EQ(exporter.exported(), 5u);
}

TEST(BatchExporter, AFailedSendCountsItsSpansAsDropped) {
  BatchExporter exporter({.service_name = "t", .max_queue = 10, .max_batch = 10, .delay = 10s},
                         [](const std::string&) -> bool { throw std::runtime_error("collector down"); });
  exporter.Export(Sample("a"));
  exporter.Export(Sample("b"));
  exporter.Flush();
  EXPECT_EQ(exporter.dropped(), 2u);
  EXPECT_EQ(exporter.exported(), 0u);
}

TEST(BatchExporter, DestructionSendsWhatIsQueued) {
  std::atomic<std::size_t> sent{0};
  {
    BatchExporter exporter({.service_name = "t", .max_queue = 10, .max_batch = 10, .delay = 1h},
                           [&](const std::string&) {
                             ++sent;
                             return true;
                           });
    exporter.Export(Sample("a"));
  }
  EXPECT_EQ(sent, 1u);
}

TEST(TraceMetrics, FollowTheInstalledExporter) {
  metrics::Registry registry;
  RegisterMetrics(registry, "bff");
  auto exporter = std::make_shared<BatchExporter>(
      BatchOptions{.service_name = "bff", .max_queue = 10, .max_batch = 10, .delay = 1h},
      [](const std::string& body) { return body.find("\"ok\"") != std::string::npos; });
  SetExporter(exporter);
  exporter->Export(Sample("ok"));
  exporter->Flush();
  exporter->Export(Sample("lost"));
  exporter->Flush();
  const auto text = registry.Serialize();
  SetExporter(nullptr);
  EXPECT_NE(text.find("nationpulse_bff_trace_spans_exported_total 1"), std::string::npos) << text;
  EXPECT_NE(text.find("nationpulse_bff_trace_spans_dropped_total 1"), std::string::npos) << text;
}

}  // namespace
}  // namespace nationpulse::trace
