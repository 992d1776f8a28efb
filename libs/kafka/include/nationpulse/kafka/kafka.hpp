#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nationpulse/base/expected.hpp"
#include "nationpulse/trace/trace.hpp"

namespace nationpulse::kafka {

/// Outcomes of a Kafka call a caller must handle.
struct KafkaError {
  enum class Kind {
    kTimeout,      ///< no answer (delivery report, admin result) within the given time
    kUnavailable,  ///< brokers unreachable, local queue full, transport failure
    kRejected,     ///< the broker or the client refused the request (unknown topic, too large, ...)
    kConfig,       ///< invalid configuration
  };
  Kind kind = Kind::kUnavailable;
  std::string message;
};

struct Header {
  std::string key;
  std::string value;
};

struct ProducerOptions {
  std::string brokers;  ///< bootstrap.servers, e.g. "127.0.0.1:9092"
  /// message.timeout.ms: how long librdkafka keeps retrying one message; also the flush budget of ~Producer.
  std::chrono::milliseconds delivery_timeout{10000};
  std::chrono::milliseconds linger{5};
  std::string client_id = "nationpulse";
  /// message.max.bytes: the largest message Send accepts (the topic's max.message.bytes must allow it).
  std::size_t max_message_bytes = 1'000'000;
};

/// One long-lived, idempotent (enable.idempotence=true, acks=all) producer per process.
/// Thread-safe: any number of threads may call Send concurrently.
///
///   kafka::Producer producer({.brokers = "127.0.0.1:9092"});
///   auto sent = producer.Send("message-log", "population:USA", json, {{"traceparent", tp}});
class Producer final {
 public:
  /// @throws std::runtime_error on an invalid configuration.
  explicit Producer(ProducerOptions options);
  /// Flushes outstanding messages for up to delivery_timeout, then drops the rest.
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;
  Producer(Producer&&) = delete;
  Producer& operator=(Producer&&) = delete;

  /// Sends one message and waits for the broker's acknowledgement (delivery report) at most
  /// `timeout`. On kTimeout the message may still be delivered later (retry is at-least-once).
  /// Records a producer span (child of trace::Current(), else of a `traceparent` in `headers`) and
  /// sends its context as the message's `traceparent` header, replacing any given one.
  Expected<void, KafkaError> Send(std::string_view topic, std::string_view key, std::string_view value,
                                  const std::vector<Header>& headers = {},
                                  std::chrono::milliseconds timeout = std::chrono::seconds(10));

  /// A metadata round trip to the cluster within `timeout`: is any broker reachable right now?
  Expected<void, KafkaError> Ping(std::chrono::milliseconds timeout);

 private:
  Expected<void, KafkaError> SendMessage(std::string_view topic, std::string_view key, std::string_view value,
                                         const std::vector<Header>& headers,
                                         std::chrono::milliseconds timeout);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The W3C Trace Context header carried by every message we produce.
inline constexpr std::string_view kTraceparentHeader = "traceparent";

struct Message {
  std::string topic;
  int partition = 0;
  std::int64_t offset = 0;
  std::string key;
  std::string value;
  std::vector<Header> headers;
};

/// The trace context a message carries (its `traceparent` header), for the consumer's span.
std::optional<trace::SpanContext> TraceParentOf(const Message& message);

struct ConsumerOptions {
  std::string brokers;
  std::string group_id;
  std::vector<std::string> topics;
  std::string auto_offset_reset = "earliest";
  std::chrono::milliseconds session_timeout{10000};
  /// max.poll.interval.ms: longest allowed gap between Poll calls before the group reassigns partitions.
  std::chrono::milliseconds max_poll_interval{300000};
};

/// Group consumer with manual commits (enable.auto.commit=false, enable.auto.offset.store=false):
/// commit after processing = at-least-once. Use from one thread.
///
///   kafka::Consumer consumer({.brokers = b, .group_id = group, .topics = {"message-log"}});
///   if (auto m = consumer.Poll(500ms); m && *m) { Process(**m); consumer.Commit(**m); }
class Consumer final {
 public:
  /// Subscribes to `topics`. @throws std::runtime_error on an invalid configuration.
  explicit Consumer(ConsumerOptions options);
  /// Closes the consumer (leaves the group; uncommitted messages are redelivered to the group).
  ~Consumer();
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;
  Consumer(Consumer&&) = delete;
  Consumer& operator=(Consumer&&) = delete;

  /// Next message within `timeout`; nullopt on timeout (not an error); errors for real failures.
  Expected<std::optional<Message>, KafkaError> Poll(std::chrono::milliseconds timeout);
  /// Messages behind the end of the assigned partitions (high watermark minus this consumer's
  /// position, summed), from locally cached offsets: no network call. Partitions not consumed yet
  /// count 0. Call from the polling thread.
  std::int64_t Lag();
  /// Commits the offset after `message` (synchronously).
  Expected<void, KafkaError> Commit(const Message& message);
  /// A metadata round trip within `timeout` (safe to call from another thread than Poll).
  Expected<void, KafkaError> Ping(std::chrono::milliseconds timeout);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Creates the topics that do not exist yet (with `partitions`, `replication` and topic `configs` such as
/// {"max.message.bytes", "16777216"}) via the Admin API, bounded by `timeout`; topics that already exist are
/// fine and keep their settings.
Expected<void, KafkaError> EnsureTopics(const std::string& brokers, const std::vector<std::string>& topics,
                                        int partitions, int replication, std::chrono::milliseconds timeout,
                                        const std::vector<std::pair<std::string, std::string>>& configs = {});

}  // namespace nationpulse::kafka
