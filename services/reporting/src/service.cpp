#include "service.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "nationpulse/cache/redis.hpp"
#include "nationpulse/db/pool.hpp"
#include "nationpulse/health/health.hpp"
#include "nationpulse/http/ops.hpp"
#include "nationpulse/kafka/kafka.hpp"
#include "nationpulse/log/log.hpp"
#include "nationpulse/metrics/registry.hpp"
#include "nationpulse/trace/exporter.hpp"
#include "report_processor.hpp"

namespace nationpulse::reporting {

using namespace std::chrono_literals;

namespace {

/// Kafka limit for one message: the largest result plus room for the envelope and headers.
std::size_t MessageLimit(const Settings& s) { return s.max_result_bytes + (1u << 20); }

}  // namespace

struct ReportingService::Impl {
  explicit Impl(Settings s)
      : settings(std::move(s)),
        pool(settings.postgres),
        redis(settings.redis),
        producer(kafka::ProducerOptions{.brokers = settings.kafka_brokers,
                                        .delivery_timeout = settings.publish_timeout,
                                        .client_id = "nationpulse-reporting",
                                        .max_message_bytes = MessageLimit(settings)}),
        processor(pool, redis, producer, registry,
                  ProcessorOptions{settings.result_topic, settings.result_ttl, settings.publish_timeout + 1s,
                                   2000, settings.max_result_bytes}),
        consumer_errors(registry
                            .AddCounter("nationpulse_reporting_kafka_consume_errors_total",
                                        "Errors polling or committing message-log.")
                            .WithLabels({})),
        consumed(registry
                     .AddCounter("nationpulse_reporting_kafka_messages_total",
                                 "Request messages consumed from message-log.")
                     .WithLabels({})),
        lag(registry
                .AddGauge("nationpulse_reporting_kafka_consumer_lag",
                          "Report requests waiting in message-log behind this consumer (messages).")
                .WithLabels({})) {
    pool.RegisterMetrics(registry, "reporting");
    redis.RegisterMetrics(registry, "reporting");
  }

  void ConsumeLoop();
  /// Sleeps up to `d` unless stopping; false when stopping.
  bool Wait(std::chrono::milliseconds d) {
    Beat();
    std::unique_lock lock(stop_mutex);
    return !stop_cv.wait_for(lock, d, [this] { return stopping.load(); });
  }

  Settings settings;
  metrics::Registry registry;
  db::Pool pool;
  cache::Redis redis;
  kafka::Producer producer;
  ReportProcessor processor;
  metrics::Counter& consumer_errors;
  metrics::Counter& consumed;
  metrics::Gauge& lag;
  std::unique_ptr<kafka::Consumer> consumer;
  std::unique_ptr<health::GrpcServer> grpc;
  std::unique_ptr<health::DependencyMonitor> monitor;
  std::unique_ptr<http::Server> http;
  std::thread loop;
  std::atomic<bool> stopping{false};
  /// Liveness of the consume loop, for the "consumer" health dependency.
  std::atomic<bool> loop_running{false};
  std::atomic<std::int64_t> loop_beat_ms{0};
  void Beat() {
    loop_beat_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now().time_since_epoch())
                       .count();
  }
  std::atomic<bool> started{false};
  std::mutex stop_mutex;
  std::condition_variable stop_cv;
};

void ReportingService::Impl::ConsumeLoop() {
  // Topics first, retried until Kafka answers: a broker that is late at start-up must not kill us.
  for (auto backoff = 500ms; !stopping;) {
    auto ensured = kafka::EnsureTopics(
        settings.kafka_brokers, {settings.request_topic, settings.result_topic}, settings.topic_partitions,
        settings.topic_replication, 3s, {{"max.message.bytes", std::to_string(MessageLimit(settings))}});
    if (ensured) break;
    log::Warn("cannot ensure topics, retrying", {{"error", ensured.error().message}});
    if (!Wait(backoff)) return;
    backoff = std::min<std::chrono::milliseconds>(backoff * 2, settings.retry_backoff_max);
  }
  consumer = std::make_unique<kafka::Consumer>(kafka::ConsumerOptions{.brokers = settings.kafka_brokers,
                                                                      .group_id = settings.group_id,
                                                                      .topics = {settings.request_topic},
                                                                      .auto_offset_reset = "earliest",
                                                                      .session_timeout = 10s,
                                                                      .max_poll_interval = 30min});
  log::Info("consuming", {{"topic", settings.request_topic}, {"group", settings.group_id}});
  std::string last_error;
  while (!stopping) {
    Beat();
    auto polled = consumer->Poll(500ms);
    lag.Set(static_cast<double>(consumer->Lag()));
    if (!polled) {
      consumer_errors.Inc();
      if (polled.error().message != last_error)
        log::Warn("consume failed", {{"error", polled.error().message}});
      last_error = polled.error().message;
      Wait(200ms);
      continue;
    }
    last_error.clear();
    if (!*polled) continue;
    const kafka::Message& message = **polled;
    consumed.Inc();
    // One message at a time, in partition order; a dependency outage holds this message (and so the
    // partition) until it heals, while bad messages are answered and committed at once.
    auto backoff = 250ms;
    bool done = false;
    while (!(done = processor.Handle(message) == ReportProcessor::Outcome::kDone) && Wait(backoff)) {
      backoff = std::min<std::chrono::milliseconds>(backoff * 2, settings.retry_backoff_max);
    }
    if (!done) break;  // stopping: uncommitted, so the group redelivers it
    if (auto committed = consumer->Commit(message); !committed) {
      // Harmless: the request is redelivered and answered again from Redis.
      consumer_errors.Inc();
      log::Warn("commit failed", {{"offset", message.offset}, {"error", committed.error().message}});
    }
  }
}

ReportingService::ReportingService(Settings settings) : impl_(std::make_unique<Impl>(std::move(settings))) {}

ReportingService::~ReportingService() { Stop(); }

void ReportingService::Start() {
  auto& s = *impl_;
  // Health first (D-40): probes see NOT_SERVING, never a closed port, while we start.
  s.grpc = std::make_unique<health::GrpcServer>(
      health::GrpcServerOptions{.address = s.settings.grpc_address,
                                .service_names = {"nationpulse.reporting", "reporting"},
                                .registry = &s.registry,
                                .metrics_service = "reporting"});

  http::Router router;
  http::AddLivezRoute(router);
  trace::RegisterMetrics(s.registry, "reporting");
  http::AddMetricsRoute(router, s.registry);
  s.http = http::StartOpsServer(s.settings.http_address, s.settings.http_port, std::move(router));

  auto& up = s.registry.AddGauge("nationpulse_reporting_dependency_up",
                                 "1 when the dependency answered its last probe.", {"dependency"});
  s.monitor = std::make_unique<health::DependencyMonitor>(
      std::vector<health::Dependency>{
          {"postgres", true,
           [&s]() -> Expected<void, std::string> {
             if (auto r = s.pool.Ping(); !r) return Unexpected(r.error().message);
             return {};
           }},
          {"redis", true,
           [&s]() -> Expected<void, std::string> {
             if (auto r = s.redis.Ping(); !r) return Unexpected(r.error().message);
             return {};
           }},
          {"kafka", true,
           [&s]() -> Expected<void, std::string> {
             if (auto r = s.producer.Ping(1500ms); !r) return Unexpected(r.error().message);
             return {};
           }},
          // The loop itself: a dead or wedged consume thread must not hide behind healthy dependencies.
          {"consumer", true,
           [&s]() -> Expected<void, std::string> {
             if (!s.loop_running) return Unexpected(std::string("the consume loop is not running"));
             const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::steady_clock::now().time_since_epoch());
             if (now.count() - s.loop_beat_ms > 60'000) {
               return Unexpected(std::string("the consume loop made no progress for 60 s"));
             }
             return {};
           }},
      },
      s.settings.probe_interval, [&s](bool serving) {
        if (!s.stopping) s.grpc->SetServing(serving);
      });
  s.registry.OnCollect([&s, &up] {
    for (const auto& d : s.monitor->snapshot()) up.WithLabels({d.name}).Set(d.up ? 1 : 0);
  });
  s.loop_running = true;
  s.Beat();
  s.monitor->Start();
  s.loop = std::thread([&s] {
    try {
      s.ConsumeLoop();
    } catch (const std::exception& e) {
      log::Error("consume loop failed", {{"error", e.what()}});
    }
    s.loop_running = false;
  });
  s.started = true;
  log::Info("reporting started", {{"grpc", s.settings.grpc_address},
                                  {"http_port", s.http->port()},
                                  {"brokers", s.settings.kafka_brokers}});
}

void ReportingService::Stop() {
  if (!impl_ || !impl_->started.exchange(false)) return;
  auto& s = *impl_;
  {
    std::lock_guard lock(s.stop_mutex);
    s.stopping = true;
  }
  s.stop_cv.notify_all();
  if (s.grpc) s.grpc->SetServing(false);
  if (s.loop.joinable()) s.loop.join();
  s.consumer.reset();  // leaves the group now rather than after the session timeout
  if (s.monitor) s.monitor->Stop();
  if (s.http) s.http->Stop();
  if (s.grpc) s.grpc->Shutdown(2s);
}

int ReportingService::grpc_port() const { return impl_->grpc ? impl_->grpc->port() : 0; }
std::uint16_t ReportingService::http_port() const { return impl_->http ? impl_->http->port() : 0; }

}  // namespace nationpulse::reporting
