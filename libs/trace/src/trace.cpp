#include "nationpulse/trace/trace.hpp"

#include <algorithm>
#include <random>

#include "nationpulse/trace/exporter.hpp"

namespace nationpulse::trace {
namespace {

thread_local std::optional<SpanContext> tls_current;

std::mt19937_64& Rng() {
  // Per thread, so id generation never takes a lock; seeded from the OS so that processes started
  // at the same instant do not share ids.
  thread_local std::mt19937_64 rng = [] {
    std::random_device device;
    std::seed_seq seq{device(), device(), device(), device()};
    return std::mt19937_64(seq);
  }();
  return rng;
}

template <std::size_t N>
void FillRandom(std::array<std::uint8_t, N>& out) {
  do {
    for (std::size_t i = 0; i < N; i += 8) {
      auto word = Rng()();
      for (std::size_t j = 0; j < 8 && i + j < N; ++j)
        out[i + j] = static_cast<std::uint8_t>(word >> (8 * j));
    }
  } while (std::all_of(out.begin(), out.end(), [](std::uint8_t b) { return b == 0; }));
}

template <std::size_t N>
std::string Hex(const std::array<std::uint8_t, N>& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(2 * N, '0');
  for (std::size_t i = 0; i < N; ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 0x0f];
  }
  return out;
}

int LowerHexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // upper case is invalid in traceparent
}

template <std::size_t N>
bool ParseHex(std::string_view text, std::array<std::uint8_t, N>& out) {
  if (text.size() != 2 * N) return false;
  for (std::size_t i = 0; i < N; ++i) {
    const int hi = LowerHexDigit(text[2 * i]);
    const int lo = LowerHexDigit(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return true;
}

template <std::size_t N>
bool AllZero(const std::array<std::uint8_t, N>& bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; });
}

}  // namespace

bool SpanContext::valid() const { return !AllZero(trace_id) && !AllZero(span_id); }
std::string SpanContext::TraceIdHex() const { return Hex(trace_id); }
std::string SpanContext::SpanIdHex() const { return Hex(span_id); }

std::string SpanContext::ToTraceparent() const {
  return "00-" + Hex(trace_id) + "-" + Hex(span_id) + "-" + Hex(std::array<std::uint8_t, 1>{flags});
}

std::optional<SpanContext> SpanContext::FromTraceparent(std::string_view text) {
  // version "-" trace-id "-" parent-id "-" flags = 2+1+32+1+16+1+2 = 55 characters.
  constexpr std::size_t kLength = 55;
  if (text.size() < kLength) return std::nullopt;
  std::array<std::uint8_t, 1> version{};
  if (!ParseHex(text.substr(0, 2), version) || version[0] == 0xff) return std::nullopt;
  // Version 00 is exactly 55 characters; a later version may append "-..." fields.
  if (version[0] == 0 ? text.size() != kLength : (text.size() > kLength && text[kLength] != '-')) {
    return std::nullopt;
  }
  if (text[2] != '-' || text[35] != '-' || text[52] != '-') return std::nullopt;
  SpanContext context;
  std::array<std::uint8_t, 1> flags{};
  if (!ParseHex(text.substr(3, 32), context.trace_id) || !ParseHex(text.substr(36, 16), context.span_id) ||
      !ParseHex(text.substr(53, 2), flags)) {
    return std::nullopt;
  }
  context.flags = flags[0];
  if (!context.valid()) return std::nullopt;
  return context;
}

std::optional<SpanContext> Current() { return tls_current; }

ScopedContext::ScopedContext(const SpanContext& context) : previous_(tls_current) { tls_current = context; }
ScopedContext::~ScopedContext() { tls_current = previous_; }

SpanContext NewRootContext() {
  SpanContext context;
  FillRandom(context.trace_id);
  FillRandom(context.span_id);
  return context;
}

std::array<std::uint8_t, 8> NewSpanId() {
  std::array<std::uint8_t, 8> id{};
  FillRandom(id);
  return id;
}

Span::Span(std::string name, SpanKind kind, std::optional<SpanContext> parent) {
  data_.name = std::move(name);
  data_.kind = kind;
  data_.start = std::chrono::system_clock::now();
  if (parent && parent->valid()) {
    data_.context.trace_id = parent->trace_id;
    data_.context.flags = parent->flags;
    data_.context.span_id = NewSpanId();
    data_.parent_span_id = parent->span_id;
  } else {
    data_.context = NewRootContext();
  }
}

Span::Span(std::string name, SpanKind kind) : Span(std::move(name), kind, Current()) {}

Span::~Span() { End(); }

void Span::SetAttribute(std::string key, std::string value) {
  data_.attributes.emplace_back(std::move(key), std::move(value));
}

void Span::SetError(std::string message) {
  data_.error = true;
  data_.status_message = std::move(message);
}

void Span::End() {
  if (ended_) return;
  ended_ = true;
  data_.end = std::chrono::system_clock::now();
  if (auto exporter = GetExporter()) {
    try {
      exporter->Export(std::move(data_));
    } catch (...) {
      // Tracing must never fail the traced operation (End also runs in destructors).
    }
  }
}

}  // namespace nationpulse::trace
