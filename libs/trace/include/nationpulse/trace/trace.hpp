#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nationpulse::trace {

/// The identity of one span as W3C Trace Context carries it (`traceparent`, version 00).
struct SpanContext {
  std::array<std::uint8_t, 16> trace_id{};
  std::array<std::uint8_t, 8> span_id{};
  std::uint8_t flags = 0x01;  ///< bit 0 = sampled; we record every span

  /// Both ids non-zero (the W3C rule for a usable context).
  bool valid() const;
  std::string TraceIdHex() const;
  std::string SpanIdHex() const;
  /// "00-<32 hex>-<16 hex>-<2 hex>".
  std::string ToTraceparent() const;
  /// Parses a `traceparent` value. nullopt for anything the spec says to ignore: wrong length or
  /// separators, upper-case or non-hex digits, version ff, all-zero ids. A future version (01-fe) is
  /// accepted by its first 55 characters, as the spec asks.
  static std::optional<SpanContext> FromTraceparent(std::string_view text);

  bool operator==(const SpanContext&) const = default;
};

/// What a span stands for (the OTLP SpanKind numbers).
enum class SpanKind : int { kInternal = 1, kServer = 2, kClient = 3, kProducer = 4, kConsumer = 5 };

/// The span running on this thread, if any: log lines read it for trace_id/span_id, and new spans
/// without an explicit parent become its children.
std::optional<SpanContext> Current();

/// Makes `context` the current one on this thread until destroyed (then the previous one is back).
/// Scopes nest; create and destroy on the same thread.
class ScopedContext {
 public:
  explicit ScopedContext(const SpanContext& context);
  ~ScopedContext();
  ScopedContext(const ScopedContext&) = delete;
  ScopedContext& operator=(const ScopedContext&) = delete;

 private:
  std::optional<SpanContext> previous_;
};

using Attribute = std::pair<std::string, std::string>;

/// A finished span, as exporters receive it.
struct SpanData {
  SpanContext context;
  std::optional<std::array<std::uint8_t, 8>> parent_span_id;
  std::string name;
  SpanKind kind = SpanKind::kInternal;
  std::chrono::system_clock::time_point start;
  std::chrono::system_clock::time_point end;
  bool error = false;
  std::string status_message;
  std::vector<Attribute> attributes;
};

/// One timed operation. Ids are created at construction (so its context can be propagated at once);
/// End() (or the destructor) hands the finished span to the process exporter, if one is installed.
///
///   trace::Span span("GET /api/population", trace::SpanKind::kServer, incoming_parent);
///   trace::ScopedContext scope(span.context());   // log lines and child spans now belong to it
///   ... span.SetError("timeout"); ...
class Span {
 public:
  /// A child of `parent`, or the root of a new trace when `parent` is nullopt.
  Span(std::string name, SpanKind kind, std::optional<SpanContext> parent);
  /// A child of Current() (a new root when this thread has none).
  explicit Span(std::string name, SpanKind kind = SpanKind::kInternal);
  ~Span();
  Span(const Span&) = delete;
  Span& operator=(const Span&) = delete;

  const SpanContext& context() const { return data_.context; }
  void SetAttribute(std::string key, std::string value);
  /// Marks the span failed (OTLP status ERROR) with a one-line reason.
  void SetError(std::string message);
  /// Records the end time and exports the span. Idempotent.
  void End();

 private:
  SpanData data_;
  bool ended_ = false;
};

/// Fresh random ids (thread-safe, no locking).
SpanContext NewRootContext();
std::array<std::uint8_t, 8> NewSpanId();

}  // namespace nationpulse::trace
