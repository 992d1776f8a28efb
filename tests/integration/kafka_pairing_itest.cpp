// Proves the broker pairing chosen in scripts/kafka-fetch.sh: Debian 12's librdkafka (2.0.2)
// against our Kafka 3.9.x broker — idempotent acks=all produce, a consumer group, and a manual
// commit after processing, the three features the reporting flow (issue 5) depends on.
#include <gtest/gtest.h>
#include <librdkafka/rdkafkacpp.h>

#include <chrono>
#include <memory>
#include <random>
#include <string>

#include "nationpulse/testing/test_env.hpp"

namespace {

using namespace std::chrono_literals;

std::unique_ptr<RdKafka::Conf> Conf(const std::string& brokers) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string err;
  EXPECT_EQ(conf->set("bootstrap.servers", brokers, err), RdKafka::Conf::CONF_OK) << err;
  return conf;
}

void Set(RdKafka::Conf& conf, const std::string& key, const std::string& value) {
  std::string err;
  ASSERT_EQ(conf.set(key, value, err), RdKafka::Conf::CONF_OK) << key << ": " << err;
}

TEST(KafkaPairing, IdempotentProduceConsumerGroupAndCommit) {
  const auto brokers = nationpulse::testing::RequireEnv("KAFKA_BROKERS");
  const std::string topic = "np-pairing-" + std::to_string(std::random_device{}());
  std::string err;

  auto pconf = Conf(brokers);
  Set(*pconf, "enable.idempotence", "true");
  Set(*pconf, "acks", "all");
  Set(*pconf, "message.timeout.ms", "20000");
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(pconf.get(), err));
  ASSERT_TRUE(producer) << err;
  for (int i = 0; i < 5; ++i) {
    const std::string value = "message-" + std::to_string(i);
    const std::string key = "population:USA";
    ASSERT_EQ(
        producer->produce(topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                          const_cast<char*>(value.data()), value.size(), key.data(), key.size(), 0, nullptr),
        RdKafka::ERR_NO_ERROR);
  }
  ASSERT_EQ(producer->flush(20000), RdKafka::ERR_NO_ERROR) << "broker did not acknowledge in 20 s";
  EXPECT_EQ(producer->outq_len(), 0);

  auto cconf = Conf(brokers);
  Set(*cconf, "group.id", topic + "-group");
  Set(*cconf, "auto.offset.reset", "earliest");
  Set(*cconf, "enable.auto.commit", "false");
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(RdKafka::KafkaConsumer::create(cconf.get(), err));
  ASSERT_TRUE(consumer) << err;
  ASSERT_EQ(consumer->subscribe({topic}), RdKafka::ERR_NO_ERROR);
  int received = 0;
  const auto deadline = std::chrono::steady_clock::now() + 45s;
  while (received < 5 && std::chrono::steady_clock::now() < deadline) {
    std::unique_ptr<RdKafka::Message> msg(consumer->consume(500));
    if (msg->err() == RdKafka::ERR__TIMED_OUT || msg->err() == RdKafka::ERR__PARTITION_EOF) continue;
    ASSERT_EQ(msg->err(), RdKafka::ERR_NO_ERROR) << msg->errstr();
    EXPECT_EQ(*msg->key(), "population:USA");
    ++received;
    ASSERT_EQ(consumer->commitSync(msg.get()), RdKafka::ERR_NO_ERROR);
  }
  EXPECT_EQ(received, 5);
  std::vector<RdKafka::TopicPartition*> assigned;
  ASSERT_EQ(consumer->assignment(assigned), RdKafka::ERR_NO_ERROR);
  ASSERT_FALSE(assigned.empty());
  ASSERT_EQ(consumer->committed(assigned, 10000), RdKafka::ERR_NO_ERROR);
  std::int64_t committed = 0;
  for (auto* tp : assigned) committed += std::max<std::int64_t>(0, tp->offset());
  EXPECT_EQ(committed, 5) << "committed offsets must cover every processed message";
  RdKafka::TopicPartition::destroy(assigned);
  consumer->close();
}

}  // namespace
