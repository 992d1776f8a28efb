// Integration tests against the real Kafka broker of the test infrastructure (make test).
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "nationpulse/kafka/kafka.hpp"
#include "nationpulse/testing/test_env.hpp"

namespace nationpulse::kafka {
namespace {

using namespace std::chrono_literals;

ConsumerOptions GroupOptions(const std::string& brokers, const std::string& topic, const std::string& group) {
  ConsumerOptions o;
  o.brokers = brokers;
  o.group_id = group;
  o.topics = {topic};
  o.auto_offset_reset = "earliest";
  o.session_timeout = 6000ms;
  return o;
}

// Polls until `count` messages arrived or 45 s passed; transient errors (the group forming, the
// topic's metadata propagating) are tolerated and reported only if nothing arrives.
std::vector<Message> Receive(Consumer& consumer, std::size_t count) {
  std::vector<Message> out;
  std::string last_error;
  const auto deadline = std::chrono::steady_clock::now() + 45s;
  while (out.size() < count && std::chrono::steady_clock::now() < deadline) {
    auto polled = consumer.Poll(500ms);
    if (!polled) {
      last_error = polled.error().message;
      continue;
    }
    if (*polled) out.push_back(std::move(**polled));
  }
  EXPECT_EQ(out.size(), count) << "last error: " << last_error;
  return out;
}

TEST(KafkaIntegration, EnsureTopicsSendConsumeCommitRedeliver) {
  const auto brokers = testing::RequireEnv("KAFKA_BROKERS");
  const std::string topic = "np-kafka-" + std::to_string(std::random_device{}());

  const auto created = EnsureTopics(brokers, {topic}, 1, 1, 15s);
  ASSERT_TRUE(created) << created.error().message;
  const auto again = EnsureTopics(brokers, {topic}, 1, 1, 15s);
  ASSERT_TRUE(again) << "existing topics are fine: " << again.error().message;

  const std::string traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  {
    Producer producer(ProducerOptions{.brokers = brokers});
    for (int i = 0; i < 3; ++i) {
      const auto sent = producer.Send(topic, "population:USA", "message-" + std::to_string(i),
                                      {{"traceparent", traceparent}, {"x-origin", "test"}}, 15s);
      ASSERT_TRUE(sent) << sent.error().message;
    }
  }

  const std::string group = topic + "-group";
  {
    Consumer consumer(GroupOptions(brokers, topic, group));
    const auto messages = Receive(consumer, 3);
    EXPECT_EQ(consumer.Lag(), 0) << "all three consumed";
    ASSERT_EQ(messages.size(), 3u);
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(messages[i].topic, topic);
      EXPECT_EQ(messages[i].offset, i);
      EXPECT_EQ(messages[i].key, "population:USA");
      EXPECT_EQ(messages[i].value, "message-" + std::to_string(i));
      // Other headers pass through; traceparent now names the producer span, in the caller's trace.
      ASSERT_EQ(messages[i].headers.size(), 2u);
      EXPECT_EQ(messages[i].headers[0].key, "x-origin");
      EXPECT_EQ(messages[i].headers[1].key, "traceparent");
      const auto context = TraceParentOf(messages[i]);
      ASSERT_TRUE(context);
      EXPECT_EQ(context->TraceIdHex(), "4bf92f3577b34da6a3ce929d0e0e4736");
      EXPECT_NE(context->SpanIdHex(), "00f067aa0ba902b7");
    }
    // Processed all three, but only the second is committed: the third must come back.
    const auto committed = consumer.Commit(messages[1]);
    ASSERT_TRUE(committed) << committed.error().message;
  }

  Consumer reopened(GroupOptions(brokers, topic, group));
  const auto consumer_ping = reopened.Ping(5s);
  EXPECT_TRUE(consumer_ping) << consumer_ping.error().message;
  const auto redelivered = Receive(reopened, 1);
  ASSERT_EQ(redelivered.size(), 1u);
  EXPECT_EQ(redelivered[0].offset, 2);
  EXPECT_EQ(redelivered[0].value, "message-2");

  // Five more: after taking one, four are behind (the high watermark arrives with the fetch).
  {
    Producer producer(ProducerOptions{.brokers = brokers});
    for (int i = 3; i < 8; ++i)
      ASSERT_TRUE(producer.Send(topic, "k", "message-" + std::to_string(i), {}, 15s));
  }
  ASSERT_EQ(Receive(reopened, 1).size(), 1u);
  // The watermark is cached from fetch responses, and the background fetcher may have taken its
  // batch before the last send landed; the next fetch round brings the true high watermark.
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (reopened.Lag() != 4 && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(50ms);
  EXPECT_EQ(reopened.Lag(), 4);
}

TEST(KafkaIntegration, PingReachableAndUnreachableCluster) {
  Producer live(ProducerOptions{.brokers = testing::RequireEnv("KAFKA_BROKERS")});
  const auto up = live.Ping(5s);
  EXPECT_TRUE(up) << up.error().message;
  // Port 1 on loopback refuses connections: the ping fails within its deadline.
  Producer dead(ProducerOptions{.brokers = "127.0.0.1:1", .delivery_timeout = 1000ms});
  const auto started = std::chrono::steady_clock::now();
  const auto down = dead.Ping(700ms);
  EXPECT_FALSE(down);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
}

}  // namespace
}  // namespace nationpulse::kafka
