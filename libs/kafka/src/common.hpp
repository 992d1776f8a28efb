#pragma once

#include <librdkafka/rdkafkacpp.h>

#include <chrono>
#include <memory>
#include <string>

#include "nationpulse/kafka/kafka.hpp"

namespace nationpulse::kafka::detail {

KafkaError::Kind KindOf(RdKafka::ErrorCode code);
KafkaError ToError(RdKafka::ErrorCode code, const std::string& context);

/// Sets one property. @throws std::runtime_error naming the property on failure.
void Set(RdKafka::Conf& conf, const std::string& key, const std::string& value);

/// A metadata request through `handle` (producer or consumer), bounded by `timeout`.
Expected<void, KafkaError> PingCluster(RdKafka::Handle& handle, std::chrono::milliseconds timeout);

/// Routes librdkafka's log lines and error events to nationpulse::log.
class LogEventCb final : public RdKafka::EventCb {
 public:
  void event_cb(RdKafka::Event& event) override;
};

}  // namespace nationpulse::kafka::detail
