#include <algorithm>
#include <stdexcept>

#include "common.hpp"
#include "nationpulse/kafka/kafka.hpp"

namespace nationpulse::kafka {

struct Consumer::Impl {
  detail::LogEventCb event_cb;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer;
};

Consumer::Consumer(ConsumerOptions options) : impl_(std::make_unique<Impl>()) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  detail::Set(*conf, "bootstrap.servers", options.brokers);
  detail::Set(*conf, "group.id", options.group_id);
  detail::Set(*conf, "auto.offset.reset", options.auto_offset_reset);
  detail::Set(*conf, "session.timeout.ms", std::to_string(options.session_timeout.count()));
  detail::Set(*conf, "max.poll.interval.ms", std::to_string(options.max_poll_interval.count()));
  detail::Set(*conf, "enable.auto.commit", "false");
  detail::Set(*conf, "enable.auto.offset.store", "false");
  std::string err;
  if (conf->set("event_cb", &impl_->event_cb, err) != RdKafka::Conf::CONF_OK) {
    throw std::runtime_error("kafka: event_cb: " + err);
  }
  impl_->consumer.reset(RdKafka::KafkaConsumer::create(conf.get(), err));
  if (!impl_->consumer) throw std::runtime_error("kafka: cannot create consumer: " + err);
  if (const auto code = impl_->consumer->subscribe(options.topics); code != RdKafka::ERR_NO_ERROR) {
    throw std::runtime_error("kafka: subscribe: " + RdKafka::err2str(code));
  }
}

Consumer::~Consumer() { impl_->consumer->close(); }

std::int64_t Consumer::Lag() {
  std::vector<RdKafka::TopicPartition*> partitions;
  if (impl_->consumer->assignment(partitions) != RdKafka::ERR_NO_ERROR) return 0;
  std::int64_t lag = 0;
  if (impl_->consumer->position(partitions) == RdKafka::ERR_NO_ERROR) {
    for (const auto* p : partitions) {
      std::int64_t low = 0, high = 0;
      // Cached from fetch responses: no broker round trip, so this is cheap enough for every loop turn.
      if (p->offset() < 0 ||
          impl_->consumer->get_watermark_offsets(p->topic(), p->partition(), &low, &high) !=
              RdKafka::ERR_NO_ERROR ||
          high < 0) {
        continue;  // nothing consumed yet, or no watermark seen yet
      }
      lag += std::max<std::int64_t>(0, high - p->offset());
    }
  }
  RdKafka::TopicPartition::destroy(partitions);
  return lag;
}

Expected<std::optional<Message>, KafkaError> Consumer::Poll(std::chrono::milliseconds timeout) {
  std::unique_ptr<RdKafka::Message> msg(impl_->consumer->consume(static_cast<int>(timeout.count())));
  switch (msg->err()) {
    case RdKafka::ERR_NO_ERROR:
      break;
    case RdKafka::ERR__TIMED_OUT:
    case RdKafka::ERR__PARTITION_EOF:
      return std::optional<Message>{};
    default:
      return Unexpected{KafkaError{detail::KindOf(msg->err()), "consume: " + msg->errstr()}};
  }
  Message out;
  out.topic = msg->topic_name();
  out.partition = msg->partition();
  out.offset = msg->offset();
  if (const std::string* key = msg->key()) out.key = *key;
  out.value.assign(static_cast<const char*>(msg->payload()), msg->len());
  if (RdKafka::Headers* headers = msg->headers()) {
    for (const auto& h : headers->get_all()) {
      out.headers.push_back(
          Header{h.key(), h.value() ? std::string(static_cast<const char*>(h.value()), h.value_size()) : ""});
    }
  }
  return std::optional<Message>(std::move(out));
}

Expected<void, KafkaError> Consumer::Commit(const Message& message) {
  std::vector<RdKafka::TopicPartition*> offsets{
      RdKafka::TopicPartition::create(message.topic, message.partition, message.offset + 1)};
  auto code = impl_->consumer->commitSync(offsets);
  if (code == RdKafka::ERR_NO_ERROR) code = offsets.front()->err();
  RdKafka::TopicPartition::destroy(offsets);
  if (code != RdKafka::ERR_NO_ERROR) return Unexpected{detail::ToError(code, "commit")};
  return {};
}

Expected<void, KafkaError> Consumer::Ping(std::chrono::milliseconds timeout) {
  return detail::PingCluster(*impl_->consumer, timeout);
}

}  // namespace nationpulse::kafka
