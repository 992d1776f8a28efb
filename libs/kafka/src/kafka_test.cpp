#include "nationpulse/kafka/kafka.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>

namespace nationpulse::kafka {
namespace {

using namespace std::chrono_literals;

TEST(KafkaProducer, InvalidConfigThrows) {
  ProducerOptions options;
  options.brokers = "127.0.0.1:1";
  options.linger = -5ms;
  EXPECT_THROW(Producer{options}, std::runtime_error);
}

TEST(KafkaConsumer, InvalidConfigThrows) {
  ConsumerOptions options;
  options.brokers = "127.0.0.1:1";
  options.group_id = "g";
  options.topics = {"t"};
  options.auto_offset_reset = "sideways";
  EXPECT_THROW(Consumer{options}, std::runtime_error);
}

TEST(KafkaProducer, UnreachableBrokerFailsWithinTimeout) {
  ProducerOptions options;
  options.brokers = "127.0.0.1:1";
  options.delivery_timeout = 1500ms;
  const auto timeout = 1000ms;
  const auto start = std::chrono::steady_clock::now();
  {
    Producer producer(options);
    const auto sent = producer.Send("np-unreachable", "k", "v", {{"traceparent", "00-x"}}, timeout);
    ASSERT_FALSE(sent);
    EXPECT_TRUE(sent.error().kind == KafkaError::Kind::kTimeout ||
                sent.error().kind == KafkaError::Kind::kUnavailable)
        << sent.error().message;
    EXPECT_LT(std::chrono::steady_clock::now() - start, timeout + 2s);
  }
  // The destructor's flush is bounded by delivery_timeout as well.
  EXPECT_LT(std::chrono::steady_clock::now() - start, timeout + options.delivery_timeout + 2s);
}

TEST(KafkaAdmin, UnreachableBrokerFailsWithinTimeout) {
  const auto timeout = 1000ms;
  const auto start = std::chrono::steady_clock::now();
  const auto ensured = EnsureTopics("127.0.0.1:1", {"np-unreachable"}, 1, 1, timeout);
  ASSERT_FALSE(ensured);
  EXPECT_TRUE(ensured.error().kind == KafkaError::Kind::kTimeout ||
              ensured.error().kind == KafkaError::Kind::kUnavailable)
      << ensured.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, timeout + 2s);
}

}  // namespace
}  // namespace nationpulse::kafka
