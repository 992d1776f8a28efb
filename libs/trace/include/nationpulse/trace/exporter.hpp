#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "nationpulse/trace/trace.hpp"

namespace nationpulse::metrics {
class Registry;
}

namespace nationpulse::trace {

/// Receives every finished span of the process. Export must not block: it runs inside request
/// handlers.
class Exporter {
 public:
  virtual ~Exporter() = default;
  virtual void Export(SpanData span) = 0;
  /// Spans handed to the collector / lost (full queue, failed send), for metrics.
  virtual std::uint64_t exported() const { return 0; }
  virtual std::uint64_t dropped() const { return 0; }
};

/// Installs the process-wide exporter (nullptr = spans are dropped on End, the default).
void SetExporter(std::shared_ptr<Exporter> exporter);
std::shared_ptr<Exporter> GetExporter();

/// Registers nationpulse_<service>_trace_spans_exported_total and ..._dropped_total, read from the
/// installed exporter at every scrape.
void RegisterMetrics(metrics::Registry& registry, const std::string& service);

/// One OTLP/HTTP JSON `ExportTraceServiceRequest` for `spans` of one service (ids in hex, times as
/// decimal strings of Unix nanoseconds, as the OTLP JSON mapping says).
std::string ToOtlpJson(std::string_view service_name, const std::vector<SpanData>& spans);

struct BatchOptions {
  std::string service_name;
  std::size_t max_queue = 2048;  ///< OTEL_BSP_MAX_QUEUE_SIZE: spans beyond it are dropped and counted
  std::size_t max_batch = 512;   ///< OTEL_BSP_MAX_EXPORT_BATCH_SIZE
  std::chrono::milliseconds delay{
      5000};  ///< OTEL_BSP_SCHEDULE_DELAY: longest wait before a partial batch goes
};

/// Queues spans and sends them in batches from its own thread, so a slow or dead collector costs a
/// request nothing: a full queue drops the span (counted), a failed send drops the batch (counted).
/// `send` posts one OTLP JSON body and returns whether the collector accepted it; it must bound its
/// own time (process::Run gives it a deadline).
class BatchExporter final : public Exporter {
 public:
  using Send = std::function<bool(const std::string& body)>;
  BatchExporter(BatchOptions options, Send send);
  /// Sends what is queued (one last attempt) and stops the thread.
  ~BatchExporter() override;

  void Export(SpanData span) override;
  /// Sends everything queued now and waits for it (shutdown, tests).
  void Flush();

  std::uint64_t exported() const override { return exported_.load(); }
  std::uint64_t dropped() const override { return dropped_.load(); }

 private:
  void Loop();
  void SendBatch(std::vector<SpanData> batch);

  BatchOptions options_;
  Send send_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<SpanData> queue_;
  bool stopping_ = false;
  bool flush_requested_ = false;
  bool sending_ = false;
  std::atomic<std::uint64_t> exported_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::thread thread_;
};

}  // namespace nationpulse::trace
