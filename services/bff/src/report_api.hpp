#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "access_gate.hpp"
#include "nationpulse/cache/redis.hpp"
#include "nationpulse/http/router.hpp"
#include "nationpulse/kafka/kafka.hpp"
#include "nationpulse/metrics/registry.hpp"
#include "report_hub.hpp"

namespace nationpulse::health {
class DependencyMonitor;
}

namespace nationpulse::bff {

struct ReportOptions {
  std::string brokers = "localhost:9092";
  std::string request_topic = "message-log";  ///< KAFKA_WRITER_TOPIC
  std::string result_topic = "message-send";  ///< KAFKA_READER_TOPIC
  /// One group per BFF instance (fix D-09): every instance sees every result and keeps those of its users.
  std::string group_id;
  int topic_partitions = 3;
  int topic_replication = 3;
  std::chrono::milliseconds publish_timeout{5000};
  std::chrono::seconds pending_ttl{600};
  std::chrono::milliseconds heartbeat{15000};
  std::chrono::milliseconds kafka_probe_interval{2000};
  /// REPORT_MAX_BYTES: used for the topics' max.message.bytes when this instance creates them.
  std::size_t max_result_bytes = 16u << 20;
  ReportHub::Options hub;
};

/// Routes 5 and 6 of rest-api.md (report publish and the SSE stream of results) and the process-wide
/// consumer of results that feeds the streams through a ReportHub.
///
/// Publish answers 200 only after the broker acknowledged the request (idempotent producer, acks=all),
/// 400 for a bad body and 503 when Kafka is unreachable; nothing is published in either error case.
/// The request's id is recorded as pending for the user (in memory and in Redis) before publishing, so
/// its result is recognised whichever instance consumes it, and a stream opened after the result
/// arrived still gets it (from the hub's buffer, or from the result stored by reporting in Redis).
class ReportApi {
 public:
  ReportApi(cache::Redis& redis, AccessGate& gate, metrics::Registry& registry, ReportOptions options);
  ~ReportApi();
  ReportApi(const ReportApi&) = delete;
  ReportApi& operator=(const ReportApi&) = delete;

  void Register(http::Router& router);
  /// Starts the result consumer and the Kafka probe (both on their own threads; Kafka may be down).
  void Start();
  /// Stops both; open streams are closed by the HTTP server's Stop.
  void Stop();
  /// False while the last probe of the brokers failed.
  bool kafka_up() const { return kafka_up_; }

 private:
  http::Response Publish(const http::Request& req, http::RequestContext& ctx);
  http::Response Subscribe(const http::Request& req, http::RequestContext& ctx);
  void ListenLoop();
  void HandleResult(const kafka::Message& message);
  /// Delivers results of pending requests that reporting stored in Redis but the consumer has not seen.
  void SweepStoredResults();
  void ForgetDelivered();
  bool Wait(std::chrono::milliseconds d);

  cache::Redis& redis_;
  AccessGate& gate_;
  ReportOptions options_;
  kafka::Producer producer_;
  ReportHub hub_;
  std::unique_ptr<health::DependencyMonitor> kafka_monitor_;
  std::atomic<bool> kafka_up_{true};
  metrics::Family<metrics::Counter>& publishes_;
  metrics::Family<metrics::Counter>& results_;
  metrics::Gauge& lag_;
  std::thread listener_;
  std::atomic<bool> stopping_{false};
  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
};

}  // namespace nationpulse::bff
