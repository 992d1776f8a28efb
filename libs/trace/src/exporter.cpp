#include "nationpulse/trace/exporter.hpp"

#include <nlohmann/json.hpp>

#include "nationpulse/metrics/registry.hpp"

namespace nationpulse::trace {
namespace {

std::mutex exporter_mutex;
std::shared_ptr<Exporter>& Installed() {
  static std::shared_ptr<Exporter> exporter;
  return exporter;
}

std::string UnixNanos(std::chrono::system_clock::time_point t) {
  return std::to_string(std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count());
}

std::string HexOf(const std::array<std::uint8_t, 8>& id) {
  SpanContext c;
  c.span_id = id;
  return c.SpanIdHex();
}

nlohmann::json StringAttribute(std::string_view key, std::string_view value) {
  return {{"key", key}, {"value", {{"stringValue", value}}}};
}

}  // namespace

void SetExporter(std::shared_ptr<Exporter> exporter) {
  std::lock_guard lock(exporter_mutex);
  Installed() = std::move(exporter);
}

std::shared_ptr<Exporter> GetExporter() {
  std::lock_guard lock(exporter_mutex);
  return Installed();
}

void RegisterMetrics(metrics::Registry& registry, const std::string& service) {
  const std::string prefix = "nationpulse_" + service + "_trace_spans_";
  auto& exported =
      registry.AddCounter(prefix + "exported_total", "Spans accepted by the OTLP collector.").WithLabels({});
  auto& dropped =
      registry.AddCounter(prefix + "dropped_total", "Spans lost: export queue full or collector unreachable.")
          .WithLabels({});
  registry.OnCollect([&exported, &dropped] {
    // Counters only move forward: add what the exporter counted since the last scrape.
    const auto exporter = GetExporter();
    if (!exporter) return;
    if (const double now = static_cast<double>(exporter->exported()); now > exported.Value()) {
      exported.Inc(now - exported.Value());
    }
    if (const double now = static_cast<double>(exporter->dropped()); now > dropped.Value()) {
      dropped.Inc(now - dropped.Value());
    }
  });
}

std::string ToOtlpJson(std::string_view service_name, const std::vector<SpanData>& spans) {
  auto out_spans = nlohmann::json::array();
  for (const auto& s : spans) {
    nlohmann::json span = {
        {"traceId", s.context.TraceIdHex()},
        {"spanId", s.context.SpanIdHex()},
        {"parentSpanId", s.parent_span_id ? HexOf(*s.parent_span_id) : ""},
        {"name", s.name},
        {"kind", static_cast<int>(s.kind)},
        {"startTimeUnixNano", UnixNanos(s.start)},
        {"endTimeUnixNano", UnixNanos(s.end)},
        {"attributes", nlohmann::json::array()},
        // OTLP status codes: 1 = OK, 2 = ERROR.
        {"status", {{"code", s.error ? 2 : 1}, {"message", s.status_message}}},
    };
    for (const auto& [key, value] : s.attributes) span["attributes"].push_back(StringAttribute(key, value));
    out_spans.push_back(std::move(span));
  }
  nlohmann::json request = {
      {"resourceSpans",
       {{{"resource", {{"attributes", {StringAttribute("service.name", service_name)}}}},
         {"scopeSpans", {{{"scope", {{"name", "nationpulse"}}}, {"spans", std::move(out_spans)}}}}}}}};
  return request.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

BatchExporter::BatchExporter(BatchOptions options, Send send)
    : options_(std::move(options)), send_(std::move(send)) {
  if (options_.max_batch == 0) options_.max_batch = 1;
  thread_ = std::thread([this] { Loop(); });
}

BatchExporter::~BatchExporter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void BatchExporter::Export(SpanData span) {
  std::unique_lock lock(mutex_);
  if (stopping_ || queue_.size() >= options_.max_queue) {
    ++dropped_;
    return;
  }
  queue_.push_back(std::move(span));
  const bool full_batch = queue_.size() >= options_.max_batch;
  lock.unlock();
  if (full_batch) wake_.notify_one();
}

void BatchExporter::Flush() {
  std::unique_lock lock(mutex_);
  flush_requested_ = true;
  wake_.notify_one();
  idle_.wait(lock, [this] { return (queue_.empty() && !sending_) || stopping_; });
}

void BatchExporter::Loop() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait_for(lock, options_.delay,
                   [this] { return stopping_ || flush_requested_ || queue_.size() >= options_.max_batch; });
    // On stop: one last pass sends what is queued, then the thread ends.
    const bool last = stopping_;
    while (!queue_.empty()) {
      const auto n = std::min(queue_.size(), options_.max_batch);
      std::vector<SpanData> batch(std::make_move_iterator(queue_.begin()),
                                  std::make_move_iterator(queue_.begin() + static_cast<std::ptrdiff_t>(n)));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
      sending_ = true;
      lock.unlock();
      SendBatch(std::move(batch));
      lock.lock();
      sending_ = false;
    }
    flush_requested_ = false;
    idle_.notify_all();
    if (last) return;
  }
}

void BatchExporter::SendBatch(std::vector<SpanData> batch) {
  bool ok = false;
  try {
    ok = send_(ToOtlpJson(options_.service_name, batch));
  } catch (...) {
    ok = false;
  }
  (ok ? exported_ : dropped_) += batch.size();
}

}  // namespace nationpulse::trace
