#pragma once

#include <algorithm>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// Metrics are prometheus-cpp (the Debian 12 package prometheus-cpp-dev, library prometheus-cpp-core).
// This header only forward-declares it; registry.cpp includes it.
namespace prometheus {
class Counter;
class Gauge;
class Histogram;
class Registry;
template <typename T>
class Family;
}  // namespace prometheus

namespace nationpulse::metrics {

// Why a wrapper over prometheus-cpp rather than its API directly:
//  * positional label values against label names fixed at registration
//    (`WithLabels({"GET", "/livez", "200"})`), checked for count, instead of a name->value map per call;
//  * a cheap WithLabels on the request hot path: a lookup in our own map, no allocation once a child exists;
//  * Registry::OnCollect, so values such as pool sizes are copied into gauges right before a scrape;
//  * errors prometheus-cpp accepts silently are thrown here: negative or NaN counter increments, NaN
//    observations, the label "le" or a non-finite bound on a histogram, label names given twice, HELP
//    text or label values that are not valid UTF-8 (Prometheus would refuse the whole scrape);
//  * HELP text is escaped here (prometheus-cpp 1.0.1 writes it raw, so a newline would break the output);
//  * the short method names the code base uses (Inc/Dec) and deterministic output order.
// Handles (Counter, Gauge, Histogram) and families live as long as their Registry, so a
// reference taken once can be kept.

/// Monotonic counter (handle to a prometheus::Counter). Thread-safe.
class Counter {
 public:
  using Impl = prometheus::Counter;
  explicit Counter(Impl& impl) : impl_(&impl) {}
  Counter(const Counter&) = delete;
  Counter& operator=(const Counter&) = delete;

  /// @throws std::invalid_argument when amount is negative or NaN (prometheus-cpp would ignore it).
  void Inc(double amount = 1.0);
  double Value() const;

 private:
  Impl* impl_;
};

/// Value that goes up and down (handle to a prometheus::Gauge). Thread-safe.
class Gauge {
 public:
  using Impl = prometheus::Gauge;
  explicit Gauge(Impl& impl) : impl_(&impl) {}
  Gauge(const Gauge&) = delete;
  Gauge& operator=(const Gauge&) = delete;

  void Set(double value);
  void Inc(double amount = 1.0);
  void Dec(double amount = 1.0);
  double Value() const;

 private:
  Impl* impl_;
};

/// Cumulative histogram over the family's upper bounds, +Inf implicit; a value equal to a bound
/// counts in that bound's bucket (handle to a prometheus::Histogram). Thread-safe.
class Histogram {
 public:
  using Impl = prometheus::Histogram;
  explicit Histogram(Impl& impl) : impl_(&impl) {}
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  /// @throws std::invalid_argument for NaN (prometheus-cpp would count it in the lowest bucket).
  void Observe(double value);

 private:
  Impl* impl_;
};

/// The Prometheus client's default buckets (seconds).
std::vector<double> DefaultBuckets();

/// A metric name with fixed label names; one child per distinct tuple of label values.
template <typename T>
class Family {
 public:
  Family(const Family&) = delete;
  Family& operator=(const Family&) = delete;

  /// Values are positional, in the order of the label names given at registration.
  /// Returns the same object for the same values. Allocates only the first time a tuple is seen.
  /// @throws std::invalid_argument when the number of values differs from the label names, or when a
  ///         new tuple holds a value that is not valid UTF-8.
  T& WithLabels(std::initializer_list<std::string_view> values);
  T& WithLabels(const std::vector<std::string>& values);

 private:
  friend class Registry;
  using Impl = prometheus::Family<typename T::Impl>;

  // Orders tuples of label values; transparent so a lookup needs no std::string copies.
  struct ValuesLess {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                          [](std::string_view x, std::string_view y) { return x < y; });
    }
  };

  Family(Impl& impl, std::vector<std::string> label_names, std::vector<double> bounds)
      : impl_(&impl), label_names_(std::move(label_names)), bounds_(std::move(bounds)) {}
  template <typename Values>
  T& Child(const Values& values);

  Impl* impl_;
  std::vector<std::string> label_names_;
  std::vector<double> bounds_;  // histograms only
  mutable std::shared_mutex mutex_;
  std::map<std::vector<std::string>, T, ValuesLess> children_;
};

/// Owns metric families (in a prometheus::Registry) and renders them in the Prometheus text
/// exposition format 0.0.4 with prometheus::TextSerializer.
///
///   Registry reg;
///   auto& requests = reg.AddCounter("http_requests_total", "HTTP requests.", {"method", "path", "status"});
///   requests.WithLabels({"GET", "/livez", "200"}).Inc();
///   std::string body = reg.Serialize();
class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  /// @throws std::invalid_argument for an invalid or already registered metric name (of any type), a name
  ///         whose samples another family already writes (a histogram "x" writes x_bucket, x_sum and
  ///         x_count), an invalid or repeated label name, or help text that is not valid UTF-8.
  Family<Counter>& AddCounter(const std::string& name, const std::string& help,
                              std::vector<std::string> label_names = {});
  Family<Gauge>& AddGauge(const std::string& name, const std::string& help,
                          std::vector<std::string> label_names = {});
  /// @throws std::invalid_argument also for the label name "le" and bounds that are not finite or not
  ///         strictly increasing.
  Family<Histogram>& AddHistogram(const std::string& name, const std::string& help,
                                  std::vector<std::string> label_names, std::vector<double> bounds);

  /// Runs before every Serialize(), e.g. to copy pool sizes into gauges.
  void OnCollect(std::function<void()> callback);

  /// Runs the OnCollect callbacks, then serializes. Families appear in registration order, children
  /// sorted by label values, labels sorted by name. A family without children is left out.
  std::string Serialize() const;

 private:
  template <typename T>
  Family<T>& Add(const std::string& name, const std::string& help, std::vector<std::string> label_names,
                 std::vector<double> bounds);
  template <typename T>
  std::vector<std::unique_ptr<Family<T>>>& Families();

  std::unique_ptr<prometheus::Registry> registry_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Family<Counter>>> counters_;
  std::vector<std::unique_ptr<Family<Gauge>>> gauges_;
  std::vector<std::unique_ptr<Family<Histogram>>> histograms_;
  std::vector<std::string> order_;      // names in registration order, for stable output
  std::set<std::string> sample_names_;  // every sample name the families write (x, x_bucket, x_sum, x_count)
  std::vector<std::function<void()>> collectors_;
};

}  // namespace nationpulse::metrics
