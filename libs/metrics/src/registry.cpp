#include "nationpulse/metrics/registry.hpp"

#include <prometheus/check_names.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/labels.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <cmath>
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <type_traits>

namespace nationpulse::metrics {
namespace {

// prometheus-cpp 1.0.1 writes HELP verbatim; the text format wants backslash and newline escaped.
std::string EscapeHelp(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// The text format is UTF-8, and Prometheus refuses a whole scrape with one invalid HELP text or label
// value; prometheus-cpp 1.0.1 writes the bytes it is given. (Found by metrics_text_fuzz.)
bool IsValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto lead = static_cast<unsigned char>(s[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    std::size_t extra = 0;
    std::uint32_t cp = 0;
    if ((lead & 0xE0) == 0xC0) {
      extra = 1;
      cp = lead & 0x1Fu;
    } else if ((lead & 0xF0) == 0xE0) {
      extra = 2;
      cp = lead & 0x0Fu;
    } else if ((lead & 0xF8) == 0xF0) {
      extra = 3;
      cp = lead & 0x07u;
    } else {
      return false;
    }
    if (s.size() - i <= extra) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(s[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (next & 0x3Fu);
    }
    constexpr std::uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;  // overlong, range
    i += extra + 1;
  }
  return true;
}

void CheckLabelNames(const std::string& name, const std::vector<std::string>& label_names) {
  for (std::size_t i = 0; i < label_names.size(); ++i) {
    const auto& label = label_names[i];
    // prometheus-cpp only checks label names when a child is created; check them at registration.
    if (!prometheus::CheckLabelName(label)) {
      throw std::invalid_argument("invalid label name \"" + label + "\" for " + name);
    }
    if (std::find(label_names.begin(), label_names.begin() + static_cast<std::ptrdiff_t>(i), label) !=
        label_names.begin() + static_cast<std::ptrdiff_t>(i)) {
      throw std::invalid_argument("label name \"" + label + "\" given twice for " + name);
    }
  }
}

template <typename T>
auto Builder() {
  if constexpr (std::is_same_v<T, Counter>) {
    return prometheus::BuildCounter();
  } else if constexpr (std::is_same_v<T, Gauge>) {
    return prometheus::BuildGauge();
  } else {
    return prometheus::BuildHistogram();
  }
}

}  // namespace

void Counter::Inc(double amount) {
  if (!(amount >= 0.0)) throw std::invalid_argument("counter increment must be >= 0");
  impl_->Increment(amount);
}

double Counter::Value() const { return impl_->Value(); }

void Gauge::Set(double value) { impl_->Set(value); }
void Gauge::Inc(double amount) { impl_->Increment(amount); }
void Gauge::Dec(double amount) { impl_->Decrement(amount); }
double Gauge::Value() const { return impl_->Value(); }

void Histogram::Observe(double value) {
  // prometheus-cpp would count NaN in the lowest bucket (NaN <= bound is false for every bound).
  if (std::isnan(value)) throw std::invalid_argument("histogram observation must not be NaN");
  impl_->Observe(value);
}

std::vector<double> DefaultBuckets() { return {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}; }

template <typename T>
template <typename Values>
T& Family<T>::Child(const Values& values) {
  if (values.size() != label_names_.size()) {
    throw std::invalid_argument("metric expects " + std::to_string(label_names_.size()) +
                                " label values, got " + std::to_string(values.size()));
  }
  {
    std::shared_lock lock(mutex_);
    if (auto it = children_.find(values); it != children_.end()) return it->second;
  }
  std::unique_lock lock(mutex_);
  if (auto it = children_.find(values); it != children_.end()) return it->second;
  for (const auto& value : values) {
    if (!IsValidUtf8(value)) throw std::invalid_argument("label value is not valid UTF-8");
  }
  prometheus::Labels labels;
  for (std::size_t i = 0; i < label_names_.size(); ++i)
    labels.emplace(label_names_[i], std::string(values[i]));
  typename T::Impl* child = nullptr;
  if constexpr (std::is_same_v<T, Histogram>) {
    child = &impl_->Add(labels, bounds_);
  } else {
    child = &impl_->Add(labels);
  }
  return children_.try_emplace(std::vector<std::string>(values.begin(), values.end()), *child).first->second;
}

template <typename T>
T& Family<T>::WithLabels(std::initializer_list<std::string_view> values) {
  return Child(std::span<const std::string_view>(values.begin(), values.size()));
}

template <typename T>
T& Family<T>::WithLabels(const std::vector<std::string>& values) {
  return Child(values);
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

Registry::Registry()
    : registry_(std::make_unique<prometheus::Registry>(prometheus::Registry::InsertBehavior::Throw)) {}

Registry::~Registry() = default;

template <typename T>
std::vector<std::unique_ptr<Family<T>>>& Registry::Families() {
  if constexpr (std::is_same_v<T, Counter>) {
    return counters_;
  } else if constexpr (std::is_same_v<T, Gauge>) {
    return gauges_;
  } else {
    return histograms_;
  }
}

template <typename T>
Family<T>& Registry::Add(const std::string& name, const std::string& help,
                         std::vector<std::string> label_names, std::vector<double> bounds) {
  // Everything is checked before the family is registered with prometheus-cpp.
  if (!prometheus::CheckMetricName(name)) throw std::invalid_argument("invalid metric name \"" + name + "\"");
  if (!IsValidUtf8(help)) throw std::invalid_argument("help text of " + name + " is not valid UTF-8");
  CheckLabelNames(name, label_names);
  if constexpr (std::is_same_v<T, Histogram>) {
    // prometheus-cpp would write a second "le" label on every bucket line.
    if (std::find(label_names.begin(), label_names.end(), "le") != label_names.end()) {
      throw std::invalid_argument("histogram " + name + " cannot use the label \"le\"");
    }
    // A NaN bound is a bucket nothing can fall into, and +Inf repeats the implicit last bucket (the
    // same series twice, which Prometheus refuses). Found by metrics_text_fuzz.
    for (double bound : bounds) {
      if (!std::isfinite(bound)) throw std::invalid_argument("histogram " + name + ": bounds must be finite");
    }
    try {
      prometheus::Histogram probe(bounds);  // prometheus-cpp checks the bounds are strictly increasing
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("histogram " + name + ": " + e.what());
    }
  }
  std::lock_guard lock(mutex_);
  // The sample names this family writes must be nobody else's: a histogram "x" writes x_bucket, x_sum
  // and x_count, so a gauge "x_count" (or a histogram "x" after it) would put one series name in two
  // families, and Prometheus refuses such a scrape. Found by metrics_text_fuzz.
  std::vector<std::string> samples{name};
  if constexpr (std::is_same_v<T, Histogram>) {
    for (const char* suffix : {"_bucket", "_sum", "_count"}) samples.push_back(name + suffix);
  }
  for (const auto& sample : samples) {
    if (sample_names_.contains(sample)) {
      throw std::invalid_argument("metric \"" + name + "\": the sample name " + sample +
                                  " is already written by another family");
    }
  }
  typename Family<T>::Impl* impl = nullptr;
  try {
    // InsertBehavior::Throw: a name already registered, with any type, throws std::invalid_argument.
    impl = &Builder<T>().Name(name).Help(EscapeHelp(help)).Register(*registry_);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("metric \"" + name + "\": " + e.what());
  }
  auto& families = Families<T>();
  families.emplace_back(new Family<T>(*impl, std::move(label_names), std::move(bounds)));
  order_.push_back(name);
  sample_names_.insert(samples.begin(), samples.end());
  return *families.back();
}

Family<Counter>& Registry::AddCounter(const std::string& name, const std::string& help,
                                      std::vector<std::string> label_names) {
  return Add<Counter>(name, help, std::move(label_names), {});
}

Family<Gauge>& Registry::AddGauge(const std::string& name, const std::string& help,
                                  std::vector<std::string> label_names) {
  return Add<Gauge>(name, help, std::move(label_names), {});
}

Family<Histogram>& Registry::AddHistogram(const std::string& name, const std::string& help,
                                          std::vector<std::string> label_names, std::vector<double> bounds) {
  return Add<Histogram>(name, help, std::move(label_names), std::move(bounds));
}

void Registry::OnCollect(std::function<void()> callback) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(callback));
}

std::string Registry::Serialize() const {
  std::vector<std::function<void()>> collectors;
  {
    std::lock_guard lock(mutex_);
    collectors = collectors_;
  }
  for (const auto& collect : collectors) collect();

  auto families = registry_->Collect();
  // prometheus-cpp returns families grouped by type and children in hash order; make it stable:
  // families in registration order, children by label values.
  for (auto& family : families) {
    std::sort(family.metric.begin(), family.metric.end(),
              [](const auto& a, const auto& b) { return a.label < b.label; });
  }
  {
    std::lock_guard lock(mutex_);
    std::map<std::string_view, std::size_t> rank;
    for (std::size_t i = 0; i < order_.size(); ++i) rank.emplace(order_[i], i);
    std::stable_sort(families.begin(), families.end(),
                     [&rank](const auto& a, const auto& b) { return rank.at(a.name) < rank.at(b.name); });
  }
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, families);
  return std::move(out).str();
}

}  // namespace nationpulse::metrics
