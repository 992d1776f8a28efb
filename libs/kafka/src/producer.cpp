#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <stdexcept>

#include "common.hpp"
#include "nationpulse/kafka/kafka.hpp"
#include "nationpulse/trace/trace.hpp"

namespace nationpulse::kafka {

namespace {

using Clock = std::chrono::steady_clock;

// Shared by Send and the delivery report: Send may give up before the report arrives.
struct Delivery {
  std::mutex mu;
  bool done = false;
  RdKafka::ErrorCode err = RdKafka::ERR_NO_ERROR;
};

class DeliveryCb final : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    std::unique_ptr<std::shared_ptr<Delivery>> holder(
        static_cast<std::shared_ptr<Delivery>*>(message.msg_opaque()));
    if (!holder) return;
    std::lock_guard lock((*holder)->mu);
    (*holder)->done = true;
    (*holder)->err = message.err();
  }
};

}  // namespace

struct Producer::Impl {
  ProducerOptions options;
  DeliveryCb delivery_cb;
  detail::LogEventCb event_cb;
  std::unique_ptr<RdKafka::Producer> producer;
};

Producer::Producer(ProducerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  const auto& o = impl_->options;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  detail::Set(*conf, "bootstrap.servers", o.brokers);
  detail::Set(*conf, "client.id", o.client_id);
  detail::Set(*conf, "enable.idempotence", "true");
  detail::Set(*conf, "acks", "all");
  detail::Set(*conf, "linger.ms", std::to_string(o.linger.count()));
  detail::Set(*conf, "message.timeout.ms", std::to_string(o.delivery_timeout.count()));
  detail::Set(*conf, "message.max.bytes", std::to_string(o.max_message_bytes));
  std::string err;
  if (conf->set("dr_cb", &impl_->delivery_cb, err) != RdKafka::Conf::CONF_OK ||
      conf->set("event_cb", &impl_->event_cb, err) != RdKafka::Conf::CONF_OK) {
    throw std::runtime_error("kafka: callbacks: " + err);
  }
  impl_->producer.reset(RdKafka::Producer::create(conf.get(), err));
  if (!impl_->producer) throw std::runtime_error("kafka: cannot create producer: " + err);
}

Producer::~Producer() {
  auto& producer = *impl_->producer;
  producer.flush(static_cast<int>(impl_->options.delivery_timeout.count()));
  if (producer.outq_len() > 0) {
    // Purged messages still get a delivery report, which frees their opaque.
    producer.purge(RdKafka::Producer::PURGE_QUEUE | RdKafka::Producer::PURGE_INFLIGHT);
    producer.flush(500);
  }
}

Expected<void, KafkaError> Producer::Send(std::string_view topic, std::string_view key,
                                          std::string_view value, const std::vector<Header>& headers,
                                          std::chrono::milliseconds timeout) {
  // The consumer continues from this producer span: it is the parent named in the message's header.
  std::optional<trace::SpanContext> parent = trace::Current();
  std::vector<Header> out_headers;
  out_headers.reserve(headers.size() + 1);
  for (const auto& h : headers) {
    if (h.key != kTraceparentHeader) {
      out_headers.push_back(h);
    } else if (!parent) {
      parent = trace::SpanContext::FromTraceparent(h.value);
    }
  }
  trace::Span span(std::string(topic) + " publish", trace::SpanKind::kProducer, parent);
  span.SetAttribute("messaging.system", "kafka");
  span.SetAttribute("messaging.destination.name", std::string(topic));
  out_headers.push_back({std::string(kTraceparentHeader), span.context().ToTraceparent()});
  auto sent = SendMessage(topic, key, value, out_headers, timeout);
  if (!sent) span.SetError(sent.error().message);
  return sent;
}

Expected<void, KafkaError> Producer::SendMessage(std::string_view topic, std::string_view key,
                                                 std::string_view value, const std::vector<Header>& headers,
                                                 std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  auto delivery = std::make_shared<Delivery>();
  auto* opaque = new std::shared_ptr<Delivery>(delivery);
  RdKafka::Headers* kafka_headers = RdKafka::Headers::create();
  for (const auto& h : headers) kafka_headers->add(h.key, h.value.data(), h.value.size());
  // RK_MSG_COPY: librdkafka copies payload and key, so the views need not outlive the call.
  const auto code = impl_->producer->produce(std::string(topic), RdKafka::Topic::PARTITION_UA,
                                             RdKafka::Producer::RK_MSG_COPY, const_cast<char*>(value.data()),
                                             value.size(), key.data(), key.size(), 0, kafka_headers, opaque);
  if (code != RdKafka::ERR_NO_ERROR) {
    delete kafka_headers;  // ownership passes to librdkafka only on success
    delete opaque;
    return Unexpected{detail::ToError(code, "produce to " + std::string(topic))};
  }
  // Several threads poll concurrently; any of them may serve this message's report, so poll in
  // short slices and re-check.
  while (true) {
    {
      std::lock_guard lock(delivery->mu);
      if (delivery->done) {
        if (delivery->err == RdKafka::ERR_NO_ERROR) return {};
        return Unexpected{detail::ToError(delivery->err, "delivery to " + std::string(topic))};
      }
    }
    const auto now = Clock::now();
    if (now >= deadline) {
      return Unexpected{KafkaError{KafkaError::Kind::kTimeout, "no acknowledgement from " +
                                                                   impl_->options.brokers + " within " +
                                                                   std::to_string(timeout.count()) + " ms"}};
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    impl_->producer->poll(static_cast<int>(std::clamp<std::int64_t>(left.count(), 1, 10)));
  }
}

Expected<void, KafkaError> Producer::Ping(std::chrono::milliseconds timeout) {
  return detail::PingCluster(*impl_->producer, timeout);
}

}  // namespace nationpulse::kafka
