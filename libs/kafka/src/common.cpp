#include "common.hpp"

#include <stdexcept>

#include "nationpulse/log/log.hpp"

namespace nationpulse::kafka::detail {

KafkaError::Kind KindOf(RdKafka::ErrorCode code) {
  switch (code) {
    case RdKafka::ERR__TIMED_OUT:
    case RdKafka::ERR__MSG_TIMED_OUT:
    case RdKafka::ERR_REQUEST_TIMED_OUT:
      return KafkaError::Kind::kTimeout;
    case RdKafka::ERR__TRANSPORT:
    case RdKafka::ERR__ALL_BROKERS_DOWN:
    case RdKafka::ERR__RESOLVE:
    case RdKafka::ERR__QUEUE_FULL:
    case RdKafka::ERR__DESTROY:
    case RdKafka::ERR__PURGE_QUEUE:
    case RdKafka::ERR__PURGE_INFLIGHT:
    case RdKafka::ERR_BROKER_NOT_AVAILABLE:
    case RdKafka::ERR_LEADER_NOT_AVAILABLE:
    case RdKafka::ERR_NOT_COORDINATOR:
    case RdKafka::ERR_COORDINATOR_NOT_AVAILABLE:
      return KafkaError::Kind::kUnavailable;
    case RdKafka::ERR__INVALID_ARG:
      return KafkaError::Kind::kConfig;
    default:
      return KafkaError::Kind::kRejected;
  }
}

KafkaError ToError(RdKafka::ErrorCode code, const std::string& context) {
  return KafkaError{KindOf(code), context + ": " + RdKafka::err2str(code)};
}

void Set(RdKafka::Conf& conf, const std::string& key, const std::string& value) {
  std::string err;
  if (conf.set(key, value, err) != RdKafka::Conf::CONF_OK) {
    throw std::runtime_error("kafka: invalid " + key + "=" + value + ": " + err);
  }
}

void LogEventCb::event_cb(RdKafka::Event& event) {
  switch (event.type()) {
    case RdKafka::Event::EVENT_ERROR:
      log::Write(event.fatal() ? log::Level::kError : log::Level::kWarn, "kafka error",
                 {{"error", RdKafka::err2str(event.err())}, {"detail", event.str()}});
      break;
    case RdKafka::Event::EVENT_LOG: {
      // Syslog severities: 0..3 error, 4 warning, 5..6 info, 7 debug.
      const int severity = event.severity();
      const auto level = severity <= 3   ? log::Level::kError
                         : severity == 4 ? log::Level::kWarn
                         : severity <= 6 ? log::Level::kInfo
                                         : log::Level::kDebug;
      log::Write(level, "kafka", {{"facility", event.fac()}, {"detail", event.str()}});
      break;
    }
    default:
      break;
  }
}

Expected<void, KafkaError> PingCluster(RdKafka::Handle& handle, std::chrono::milliseconds timeout) {
  RdKafka::Metadata* raw = nullptr;
  // all_topics=false with no topic asks for brokers only: cheap, and still a real round trip.
  const auto code = handle.metadata(false, nullptr, &raw, static_cast<int>(timeout.count()));
  std::unique_ptr<RdKafka::Metadata> metadata(raw);
  if (code != RdKafka::ERR_NO_ERROR) return Unexpected{ToError(code, "metadata")};
  if (metadata == nullptr || metadata->brokers()->empty()) {
    return Unexpected{KafkaError{KafkaError::Kind::kUnavailable, "metadata: no broker"}};
  }
  return {};
}

}  // namespace nationpulse::kafka::detail

namespace nationpulse::kafka {

std::optional<trace::SpanContext> TraceParentOf(const Message& message) {
  for (const auto& h : message.headers) {
    if (h.key == kTraceparentHeader) return trace::SpanContext::FromTraceparent(h.value);
  }
  return std::nullopt;
}

}  // namespace nationpulse::kafka
