#include <librdkafka/rdkafka.h>

#include <memory>

#include "nationpulse/kafka/kafka.hpp"

namespace nationpulse::kafka {

namespace {

KafkaError::Kind KindOf(rd_kafka_resp_err_t code) {
  switch (code) {
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
      return KafkaError::Kind::kTimeout;
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR__RESOLVE:
    case RD_KAFKA_RESP_ERR_BROKER_NOT_AVAILABLE:
      return KafkaError::Kind::kUnavailable;
    case RD_KAFKA_RESP_ERR_INVALID_REPLICATION_FACTOR:
    case RD_KAFKA_RESP_ERR_INVALID_PARTITIONS:
    case RD_KAFKA_RESP_ERR__INVALID_ARG:
      return KafkaError::Kind::kConfig;
    default:
      return KafkaError::Kind::kRejected;
  }
}

struct Deleter {
  void operator()(rd_kafka_t* p) const { rd_kafka_destroy(p); }
  void operator()(rd_kafka_conf_t* p) const { rd_kafka_conf_destroy(p); }
  void operator()(rd_kafka_queue_t* p) const { rd_kafka_queue_destroy(p); }
  void operator()(rd_kafka_AdminOptions_t* p) const { rd_kafka_AdminOptions_destroy(p); }
  void operator()(rd_kafka_event_t* p) const { rd_kafka_event_destroy(p); }
  void operator()(rd_kafka_NewTopic_t* p) const { rd_kafka_NewTopic_destroy(p); }
};
template <typename T>
using Owned = std::unique_ptr<T, Deleter>;

Unexpected<KafkaError> ConfigError(std::string message) {
  return Unexpected{KafkaError{KafkaError::Kind::kConfig, std::move(message)}};
}

}  // namespace

Expected<void, KafkaError> EnsureTopics(const std::string& brokers, const std::vector<std::string>& topics,
                                        int partitions, int replication, std::chrono::milliseconds timeout,
                                        const std::vector<std::pair<std::string, std::string>>& configs) {
  if (topics.empty()) return {};
  char err[512];
  Owned<rd_kafka_conf_t> conf(rd_kafka_conf_new());
  if (rd_kafka_conf_set(conf.get(), "bootstrap.servers", brokers.c_str(), err, sizeof err) !=
      RD_KAFKA_CONF_OK) {
    return ConfigError(std::string("bootstrap.servers: ") + err);
  }
  // rd_kafka_new takes ownership of conf on success only.
  Owned<rd_kafka_t> rk(rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), err, sizeof err));
  if (!rk) return ConfigError(std::string("admin client: ") + err);
  conf.release();

  std::vector<Owned<rd_kafka_NewTopic_t>> owned;
  std::vector<rd_kafka_NewTopic_t*> requests;
  for (const auto& topic : topics) {
    owned.emplace_back(rd_kafka_NewTopic_new(topic.c_str(), partitions, replication, err, sizeof err));
    if (!owned.back()) return ConfigError("topic " + topic + ": " + err);
    for (const auto& [name, value] : configs) {
      if (rd_kafka_NewTopic_set_config(owned.back().get(), name.c_str(), value.c_str()) !=
          RD_KAFKA_RESP_ERR_NO_ERROR) {
        return ConfigError("topic " + topic + ": bad config " + name);
      }
    }
    requests.push_back(owned.back().get());
  }
  const int timeout_ms = static_cast<int>(timeout.count());
  Owned<rd_kafka_AdminOptions_t> options(rd_kafka_AdminOptions_new(rk.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS));
  if (rd_kafka_AdminOptions_set_request_timeout(options.get(), timeout_ms, err, sizeof err) ||
      rd_kafka_AdminOptions_set_operation_timeout(options.get(), timeout_ms, err, sizeof err)) {
    return ConfigError(std::string("admin options: ") + err);
  }
  Owned<rd_kafka_queue_t> queue(rd_kafka_queue_new(rk.get()));
  rd_kafka_CreateTopics(rk.get(), requests.data(), requests.size(), options.get(), queue.get());

  // The request timeout makes librdkafka post a result by itself; the margin only covers its
  // scheduling, so this wait is bounded as well.
  Owned<rd_kafka_event_t> event(rd_kafka_queue_poll(queue.get(), timeout_ms + 1000));
  if (!event) {
    return Unexpected{KafkaError{KafkaError::Kind::kTimeout, "CreateTopics: no answer from " + brokers}};
  }
  if (const auto code = rd_kafka_event_error(event.get()); code != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Unexpected{
        KafkaError{KindOf(code), std::string("CreateTopics: ") + rd_kafka_event_error_string(event.get())}};
  }
  const rd_kafka_CreateTopics_result_t* result = rd_kafka_event_CreateTopics_result(event.get());
  if (!result) return Unexpected{KafkaError{KafkaError::Kind::kRejected, "CreateTopics: unexpected event"}};
  size_t count = 0;
  const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(result, &count);
  for (size_t i = 0; i < count; ++i) {
    const auto code = rd_kafka_topic_result_error(results[i]);
    if (code == RD_KAFKA_RESP_ERR_NO_ERROR || code == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) continue;
    const char* message = rd_kafka_topic_result_error_string(results[i]);
    return Unexpected{KafkaError{KindOf(code), std::string("CreateTopics ") +
                                                   rd_kafka_topic_result_name(results[i]) + ": " +
                                                   (message ? message : rd_kafka_err2str(code))}};
  }
  return {};
}

}  // namespace nationpulse::kafka
