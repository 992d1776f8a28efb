#pragma once

#include <chrono>
#include <string>

#include "nationpulse/cache/redis.hpp"
#include "nationpulse/db/pool.hpp"
#include "nationpulse/kafka/kafka.hpp"
#include "nationpulse/metrics/registry.hpp"

namespace nationpulse::reporting {

struct ProcessorOptions {
  std::string result_topic = "message-send";  ///< KAFKA_WRITER_TOPIC from reporting's point of view
  std::chrono::seconds result_ttl{300};       ///< REPORT_CACHE_TTL_SECONDS
  std::chrono::milliseconds publish_timeout{10000};
  std::size_t batch_rows = 2000;
  /// A larger result is answered with a failure ("report too large"): it could not be published.
  std::size_t max_result_bytes = 16u << 20;
};

/// Turns one `message-log` request into one `message-send` result (messaging.md §6, with the [REC] fixes):
/// parse (D-11: the table key picks the query), render the CSV (report_renderer.hpp), store it in Redis
/// under the user's key, publish it keyed by exportID with the request's trace headers.
///
/// Idempotent, because Kafka delivers at least once: a request whose stored result carries the same
/// requestID is answered by re-publishing that result without querying again.
/// A request that can never succeed (bad JSON, unknown table, failing query) is answered with a failure
/// result to its user (D-41) and counted; only failures that may heal (Postgres or Kafka unreachable) ask
/// the caller to retry, so one bad message never blocks the partition.
class ReportProcessor {
 public:
  enum class Outcome {
    kDone,   ///< answered (completed or failed): commit the offset
    kRetry,  ///< a dependency is down: keep the offset, try the same message again later
  };

  ReportProcessor(db::Pool& pool, cache::Redis& redis, kafka::Producer& producer, metrics::Registry& registry,
                  ProcessorOptions options);

  /// Runs inside a consumer span continuing the message's `traceparent`, so the result (and every
  /// log line) stays in the requester's trace.
  Outcome Handle(const kafka::Message& message);

 private:
  Outcome Process(const kafka::Message& message);
  enum class Sent { kOk, kTransient, kRejected };
  Sent Publish(const std::string& key, const std::string& value, const kafka::Message& request);
  Outcome Fail(const kafka::Message& message, const std::string& reason, const char* result_label);

  db::Pool& pool_;
  cache::Redis& redis_;
  kafka::Producer& producer_;
  ProcessorOptions options_;
  metrics::Family<metrics::Counter>& results_;
  metrics::Counter& retries_;
  metrics::Counter& store_errors_;
  metrics::Histogram& duration_;
  metrics::Histogram& size_;
};

}  // namespace nationpulse::reporting
