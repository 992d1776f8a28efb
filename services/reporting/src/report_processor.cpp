#include "report_processor.hpp"

#include "nationpulse/log/log.hpp"
#include "nationpulse/report/messages.hpp"
#include "nationpulse/trace/trace.hpp"
#include "report_renderer.hpp"

namespace nationpulse::reporting {

using Clock = std::chrono::steady_clock;

ReportProcessor::ReportProcessor(db::Pool& pool, cache::Redis& redis, kafka::Producer& producer,
                                 metrics::Registry& registry, ProcessorOptions options)
    : pool_(pool),
      redis_(redis),
      producer_(producer),
      options_(std::move(options)),
      results_(registry.AddCounter(
          "nationpulse_reporting_requests_total",
          "Report requests answered, by result (completed, republished, failed, invalid).", {"result"})),
      retries_(registry
                   .AddCounter("nationpulse_reporting_retries_total",
                               "Attempts postponed because Postgres or Kafka was unreachable.")
                   .WithLabels({})),
      store_errors_(registry
                        .AddCounter("nationpulse_reporting_store_errors_total",
                                    "Results that could not be stored in Redis (still published).")
                        .WithLabels({})),
      duration_(registry
                    .AddHistogram("nationpulse_reporting_report_duration_seconds",
                                  "Time to query and render one report.", {},
                                  {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30})
                    .WithLabels({})),
      size_(registry
                .AddHistogram("nationpulse_reporting_result_bytes", "Size of published result messages.", {},
                              {1e3, 1e4, 1e5, 1e6, 4e6, 1e7})
                .WithLabels({})) {}

ReportProcessor::Outcome ReportProcessor::Handle(const kafka::Message& message) {
  trace::Span span(message.topic + " process", trace::SpanKind::kConsumer, kafka::TraceParentOf(message));
  trace::ScopedContext scope(span.context());
  span.SetAttribute("messaging.system", "kafka");
  span.SetAttribute("messaging.kafka.offset", std::to_string(message.offset));
  const Outcome outcome = Process(message);
  if (outcome == Outcome::kRetry) span.SetError("postponed: a dependency is unavailable");
  return outcome;
}

ReportProcessor::Outcome ReportProcessor::Process(const kafka::Message& message) {
  auto request = report::ParseReportRequest(message.value);
  if (!request) return Fail(message, request.error(), "invalid");
  const std::string key = report::ResultKey(request->user_id, request->export_id);

  // Redelivery of a request already answered (the process died between publishing and committing).
  if (!request->request_id.empty()) {
    if (auto stored = redis_.Get(key); stored && *stored) {
      auto parsed = report::ParseReportResult(**stored);
      if (parsed && parsed->status_code == 1 && parsed->request_id == request->request_id) {
        const auto sent = Publish(request->export_id, **stored, message);
        if (sent == Sent::kTransient) return Outcome::kRetry;
        if (sent == Sent::kRejected) return Fail(message, "the result was refused by Kafka", "failed");
        results_.WithLabels({"republished"}).Inc();
        return Outcome::kDone;
      }
    }
  }

  const auto started = Clock::now();
  Expected<std::string, RenderError> rendered = Unexpected(RenderError{});
  {
    trace::Span render("render " + request->table);
    render.SetAttribute("report.table", request->table);
    try {
      rendered = RenderReport(pool_, *request, options_.batch_rows);
    } catch (const std::exception& e) {
      // A value the CSV cannot represent (D-42: never exit for one bad row).
      rendered = Unexpected(RenderError{false, std::string("cannot render a row: ") + e.what()});
    }
    if (!rendered) render.SetError(rendered.error().message);
  }
  if (!rendered) {
    if (rendered.error().transient) {
      retries_.Inc();
      log::Warn("report postponed", {{"export_id", request->export_id}, {"error", rendered.error().message}});
      return Outcome::kRetry;
    }
    return Fail(message, rendered.error().message, "failed");
  }
  duration_.Observe(std::chrono::duration<double>(Clock::now() - started).count());
  size_.Observe(static_cast<double>(rendered->size()));
  if (rendered->size() > options_.max_result_bytes) {
    return Fail(message,
                "report too large: " + std::to_string(rendered->size()) + " bytes, the limit is " +
                    std::to_string(options_.max_result_bytes),
                "failed");
  }

  if (auto stored = redis_.SetEx(key, *rendered, options_.result_ttl); !stored) {
    // The result still goes out on Kafka; only the late-subscriber path (the BFF reading Redis) is lost.
    store_errors_.Inc();
    log::Warn("cannot store report", {{"key", key}, {"error", stored.error().message}});
  }
  const auto sent = Publish(request->export_id, *rendered, message);
  if (sent == Sent::kTransient) return Outcome::kRetry;
  if (sent == Sent::kRejected) return Fail(message, "the result was refused by Kafka", "failed");
  results_.WithLabels({"completed"}).Inc();
  log::Info("report published",
            {{"export_id", request->export_id}, {"user_id", request->user_id}, {"bytes", rendered->size()}});
  return Outcome::kDone;
}

ReportProcessor::Outcome ReportProcessor::Fail(const kafka::Message& message, const std::string& reason,
                                               const char* result_label) {
  const auto owner = report::PeekRequestOwner(message.value);
  log::Warn("report request failed", {{"partition", message.partition},
                                      {"offset", message.offset},
                                      {"export_id", owner.export_id},
                                      {"error", reason}});
  if (!owner.user_id) {
    // Nobody to tell: the BFF routes results by user. Counted and dropped.
    results_.WithLabels({result_label}).Inc();
    return Outcome::kDone;
  }
  const auto sent = Publish(owner.export_id, report::EncodeFailureResult(owner, reason), message);
  if (sent == Sent::kTransient) return Outcome::kRetry;
  // A refused failure result cannot be retried into success: counted, logged, the partition moves on.
  results_.WithLabels({result_label}).Inc();
  return Outcome::kDone;
}

ReportProcessor::Sent ReportProcessor::Publish(const std::string& key, const std::string& value,
                                               const kafka::Message& request) {
  // The request's headers travel on with the result; Send replaces traceparent with its own span,
  // a child of this message's consumer span.
  auto sent = producer_.Send(options_.result_topic, key, value, request.headers, options_.publish_timeout);
  if (sent) return Sent::kOk;
  log::Warn("cannot publish result", {{"topic", options_.result_topic}, {"error", sent.error().message}});
  // Refused (too large, topic misconfigured) fails the same way every time; anything else may heal.
  const auto kind = sent.error().kind;
  if (kind == kafka::KafkaError::Kind::kRejected || kind == kafka::KafkaError::Kind::kConfig)
    return Sent::kRejected;
  retries_.Inc();
  return Sent::kTransient;
}

}  // namespace nationpulse::reporting
