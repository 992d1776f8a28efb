#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace nationpulse::metrics {

/// Monotonic counter. Thread-safe; Inc() is lock-free.
class Counter {
 public:
  void Inc(double amount = 1.0);
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

/// Value that goes up and down. Thread-safe; lock-free.
class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Inc(double amount = 1.0);
  void Dec(double amount = 1.0) { Inc(-amount); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

/// Cumulative histogram over fixed upper bounds (+Inf is implicit). Thread-safe; lock-free.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double value);

  struct Snapshot {
    std::vector<std::uint64_t> cumulative;  ///< one per bound, then +Inf
    double sum = 0;
    std::uint64_t count = 0;
  };
  Snapshot Take() const;
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // non-cumulative, size bounds+1
  std::atomic<double> sum_{0.0};
  std::atomic<std::uint64_t> count_{0};
};

/// The Prometheus client's default buckets (seconds).
std::vector<double> DefaultBuckets();

/// A metric name with fixed label names; one child per distinct label-value tuple.
/// Children live as long as the registry, so a reference taken once can be kept.
template <typename T>
class Family {
 public:
  /// @throws std::invalid_argument when the number of values differs from the label names.
  T& WithLabels(std::initializer_list<std::string_view> values);
  T& WithLabels(const std::vector<std::string>& values);

 private:
  friend class Registry;
  Family(std::string name, std::string help, std::vector<std::string> label_names,
         std::vector<double> bounds = {})
      : name_(std::move(name)),
        help_(std::move(help)),
        label_names_(std::move(label_names)),
        bounds_(std::move(bounds)) {}

  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
  std::vector<double> bounds_;
  mutable std::mutex mutex_;
  std::map<std::vector<std::string>, std::unique_ptr<T>> children_;
};

/// Owns metric families and renders them in the Prometheus text exposition format 0.0.4.
/// Written here because prometheus-cpp is not packaged for Debian 12 (docs/dependencies.md).
///
///   Registry reg;
///   auto& requests = reg.AddCounter("http_requests_total", "HTTP requests.", {"method", "path", "status"});
///   requests.WithLabels({"GET", "/livez", "200"}).Inc();
///   std::string body = reg.Serialize();
class Registry {
 public:
  /// @throws std::invalid_argument for an invalid or duplicate name or label name.
  Family<Counter>& AddCounter(const std::string& name, const std::string& help,
                              std::vector<std::string> label_names = {});
  Family<Gauge>& AddGauge(const std::string& name, const std::string& help,
                          std::vector<std::string> label_names = {});
  Family<Histogram>& AddHistogram(const std::string& name, const std::string& help,
                                  std::vector<std::string> label_names, std::vector<double> bounds);

  /// Runs before every Serialize(), e.g. to copy pool sizes into gauges.
  void OnCollect(std::function<void()> callback);

  std::string Serialize() const;

 private:
  void CheckNames(const std::string& name, const std::vector<std::string>& label_names) const;

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Family<Counter>>> counters_;
  std::vector<std::unique_ptr<Family<Gauge>>> gauges_;
  std::vector<std::unique_ptr<Family<Histogram>>> histograms_;
  std::vector<std::string> order_;  // names in registration order, for stable output
  std::vector<std::function<void()>> collectors_;
};

/// Number text as Prometheus expects it: shortest round-trip, "+Inf", "-Inf", "NaN".
std::string FormatValue(double value);
/// Escapes a label value (backslash, double quote, newline).
std::string EscapeLabelValue(std::string_view value);

}  // namespace nationpulse::metrics
