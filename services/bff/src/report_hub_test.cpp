#include "report_hub.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace nationpulse::bff {
namespace {

using namespace std::chrono_literals;

class FakeSink final : public http::StreamSink {
 public:
  bool Send(std::string bytes) override {
    std::lock_guard lock(mutex_);
    if (closed_) return false;
    sent_.push_back(std::move(bytes));
    return true;
  }
  void Close() override {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  bool closed() const override {
    std::lock_guard lock(mutex_);
    return closed_;
  }
  std::vector<std::string> sent() const {
    std::lock_guard lock(mutex_);
    return sent_;
  }

 private:
  mutable std::mutex mutex_;
  bool closed_ = false;
  std::vector<std::string> sent_;
};

ReportDelivery Completed(const std::string& request_id, const std::string& json = R"({"StatusCode":1})") {
  return ReportDelivery{request_id, "population:USA", false, json};
}

TEST(ExportStatusEvent, ExactFrameOfTheOriginal) {
  EXPECT_EQ(
      ExportStatusEvent(R"({"Status":"completed","StatusCode":1,"Data":"aWQK"})"),
      "event: export-status\ndata: {\"Status\":\"completed\",\"StatusCode\":1,\"Data\":\"aWQK\"}\n\n\n");
}

TEST(ReportHub, DeliversOnlyToTheStreamsOfTheUserWhoAsked) {
  ReportHub hub({});
  auto alice = std::make_shared<FakeSink>();
  auto bob = std::make_shared<FakeSink>();
  const auto a = hub.Reserve(1);
  const auto b = hub.Reserve(2);
  hub.Attach(a, alice);
  hub.Attach(b, bob);
  hub.AddPending(1, "r1", "population:USA");
  hub.Deliver(1, Completed("r1", "alice-report"));
  ASSERT_EQ(alice->sent().size(), 1u);
  EXPECT_EQ(alice->sent()[0], ExportStatusEvent("alice-report"));
  EXPECT_TRUE(bob->sent().empty());
  EXPECT_FALSE(hub.IsPending("r1"));
  EXPECT_TRUE(hub.WasDelivered("r1"));
  EXPECT_EQ(hub.TakeDelivered(), (std::vector<std::pair<std::int64_t, std::string>>{{1, "r1"}}));
  EXPECT_TRUE(hub.TakeDelivered().empty());
}

TEST(ReportHub, PendingRequestsOfListeningUsers) {
  ReportHub hub({});
  hub.AddPending(1, "r1", "health:FRA");
  hub.AddPending(2, "r2", "health:DEU");
  EXPECT_TRUE(hub.PendingWithStreams().empty()) << "nobody listens yet";
  auto sink = std::make_shared<FakeSink>();
  hub.Attach(hub.Reserve(1), sink);
  const auto pending = hub.PendingWithStreams();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].user_id, 1);
  EXPECT_EQ(pending[0].request_id, "r1");
  EXPECT_EQ(pending[0].export_id, "health:FRA");
  hub.Deliver(1, Completed("r1"));
  EXPECT_TRUE(hub.PendingWithStreams().empty()) << "delivered requests are no longer pending";
}

TEST(ReportHub, EveryOpenStreamOfTheUserGetsIt) {
  ReportHub hub({});
  auto tab1 = std::make_shared<FakeSink>();
  auto tab2 = std::make_shared<FakeSink>();
  hub.Attach(hub.Reserve(1), tab1);
  hub.Attach(hub.Reserve(1), tab2);
  hub.Deliver(1, Completed("r1"));
  EXPECT_EQ(tab1->sent().size(), 1u);
  EXPECT_EQ(tab2->sent().size(), 1u);
}

TEST(ReportHub, ResultBeforeSubscribeIsBufferedThenSentOnce) {
  ReportHub hub({});
  hub.Deliver(7, Completed("early", "early-report"));
  EXPECT_EQ(hub.buffered(), 1u);
  auto sink = std::make_shared<FakeSink>();
  // The same result also found in Redis by the handler: still one event.
  hub.Attach(hub.Reserve(7), sink, {Completed("early", "early-report")});
  ASSERT_EQ(sink->sent().size(), 1u);
  EXPECT_EQ(sink->sent()[0], ExportStatusEvent("early-report"));
  EXPECT_EQ(hub.buffered(), 0u);
  // A redelivered copy from Kafka after that is dropped.
  hub.Deliver(7, Completed("early", "early-report"));
  EXPECT_EQ(sink->sent().size(), 1u);
  EXPECT_EQ(hub.buffered(), 0u);
}

TEST(ReportHub, FailureEndsTheStreamWithoutAnEvent) {
  ReportHub hub({});
  auto sink = std::make_shared<FakeSink>();
  hub.Attach(hub.Reserve(3), sink);
  hub.Deliver(3, ReportDelivery{"r", "users:FRA", true, R"({"StatusCode":-1})"});
  EXPECT_TRUE(sink->sent().empty());
  EXPECT_TRUE(sink->closed());
}

TEST(ReportHub, StreamsPerUserAreCapped) {
  ReportHub::Options o;
  o.max_streams_per_user = 2;
  ReportHub hub(o);
  const auto first = hub.Reserve(1);
  const auto second = hub.Reserve(1);
  EXPECT_NE(first, 0u);
  EXPECT_NE(second, 0u);
  EXPECT_EQ(hub.Reserve(1), 0u);
  EXPECT_NE(hub.Reserve(2), 0u) << "the cap is per user";
  hub.Remove(first);
  hub.Remove(first);  // idempotent
  EXPECT_NE(hub.Reserve(1), 0u);
}

TEST(ReportHub, BufferIsBoundedInCountAndAge) {
  ReportHub::Options o;
  o.max_buffered_per_user = 2;
  o.buffer_ttl = 1s;
  ReportHub hub(o);
  hub.Deliver(1, Completed("a"));
  hub.Deliver(1, Completed("b"));
  hub.Deliver(1, Completed("c"));  // drops the oldest
  EXPECT_EQ(hub.buffered(), 2u);
  auto sink = std::make_shared<FakeSink>();
  hub.Attach(hub.Reserve(1), sink);
  ASSERT_EQ(sink->sent().size(), 2u);
  EXPECT_EQ(sink->sent()[0], ExportStatusEvent(R"({"StatusCode":1})"));

  hub.Deliver(2, Completed("old"));
  std::this_thread::sleep_for(1100ms);
  auto late = std::make_shared<FakeSink>();
  hub.Attach(hub.Reserve(2), late);
  EXPECT_TRUE(late->sent().empty()) << "a result older than the buffer TTL is not delivered";
}

TEST(ReportHub, ClosedStreamsDoNotCountAsListeners) {
  ReportHub hub({});
  auto gone = std::make_shared<FakeSink>();
  const auto id = hub.Reserve(1);
  hub.Attach(id, gone);
  gone->Close();
  hub.Deliver(1, Completed("r"));
  EXPECT_EQ(hub.buffered(), 1u) << "kept for the next stream";
  hub.Remove(id);
  EXPECT_EQ(hub.open_streams(), 0u);
}

TEST(ReportHub, ResultsOfTheOriginalServiceHaveNoRequestId) {
  ReportHub hub({});
  auto sink = std::make_shared<FakeSink>();
  hub.Attach(hub.Reserve(1), sink);
  hub.Deliver(1, Completed(""));
  hub.Deliver(1, Completed(""));
  EXPECT_EQ(sink->sent().size(), 2u);
  EXPECT_TRUE(hub.TakeDelivered().empty());
}

TEST(ReportHub, ConcurrentUse) {
  ReportHub hub({});
  std::vector<std::shared_ptr<FakeSink>> sinks;
  for (int u = 0; u < 4; ++u) {
    sinks.push_back(std::make_shared<FakeSink>());
    hub.Attach(hub.Reserve(u), sinks.back());
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&hub, t] {
      for (int i = 0; i < 200; ++i) hub.Deliver(t, Completed(std::to_string(t) + "-" + std::to_string(i)));
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& s : sinks) EXPECT_EQ(s->sent().size(), 200u);
}

}  // namespace
}  // namespace nationpulse::bff
