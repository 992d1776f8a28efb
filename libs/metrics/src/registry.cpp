#include "nationpulse/metrics/registry.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace nationpulse::metrics {
namespace {

void AtomicAdd(std::atomic<double>& target, double amount) {
  double current = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(current, current + amount, std::memory_order_relaxed)) {
  }
}

bool ValidName(std::string_view name, bool allow_colon) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':');
    const bool digit = c >= '0' && c <= '9';
    if (!(alpha || (i > 0 && digit))) return false;
  }
  return true;
}

// Appended piecewise: GCC 12 reports a false -Wrestrict on `" " + std::string` at -O2.
void AppendSample(std::string& out, const std::string& value) {
  out.push_back(' ');
  out += value;
  out.push_back('\n');
}

std::string EscapeHelp(std::string_view help) {
  std::string out;
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

void AppendLabels(std::string& out, const std::vector<std::string>& names, const std::vector<std::string>& values,
                  std::string_view extra_name = {}, std::string_view extra_value = {}) {
  if (names.empty() && extra_name.empty()) return;
  out.push_back('{');
  bool first = true;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (!first) out.push_back(',');
    first = false;
    out += names[i];
    out += "=\"";
    out += EscapeLabelValue(values[i]);
    out.push_back('"');
  }
  if (!extra_name.empty()) {
    if (!first) out.push_back(',');
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out.push_back('"');
  }
  out.push_back('}');
}

template <typename T>
T& Child(std::mutex& mutex, std::map<std::vector<std::string>, std::unique_ptr<T>>& children,
         const std::vector<std::string>& names, std::vector<std::string> values, const std::vector<double>& bounds) {
  if (values.size() != names.size()) {
    throw std::invalid_argument("metric expects " + std::to_string(names.size()) + " label values, got " +
                                std::to_string(values.size()));
  }
  std::lock_guard lock(mutex);
  auto it = children.find(values);
  if (it == children.end()) {
    std::unique_ptr<T> child;
    if constexpr (std::is_same_v<T, Histogram>) {
      child = std::make_unique<T>(bounds);
    } else {
      child = std::make_unique<T>();
    }
    it = children.emplace(std::move(values), std::move(child)).first;
  }
  return *it->second;
}

}  // namespace

void Counter::Inc(double amount) {
  if (amount < 0) throw std::invalid_argument("counter cannot decrease");
  AtomicAdd(value_, amount);
}

void Gauge::Inc(double amount) { AtomicAdd(value_, amount); }

Histogram::Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)) {
  if (!std::is_sorted(bounds_.begin(), bounds_.end()) ||
      std::adjacent_find(bounds_.begin(), bounds_.end()) != bounds_.end()) {
    throw std::invalid_argument("histogram bounds must be strictly increasing");
  }
  buckets_ = std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1);
  for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::Observe(double value) {
  const auto index =
      static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
  buckets_[index].fetch_add(1, std::memory_order_relaxed);
  AtomicAdd(sum_, value);
  count_.fetch_add(1, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Take() const {
  Snapshot s;
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  s.sum = sum_.load(std::memory_order_relaxed);
  // The +Inf bucket is the count, so the two always agree in one scrape.
  s.count = running;
  return s;
}

std::vector<double> DefaultBuckets() { return {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}; }

template <typename T>
T& Family<T>::WithLabels(std::initializer_list<std::string_view> values) {
  return WithLabels(std::vector<std::string>(values.begin(), values.end()));
}

template <typename T>
T& Family<T>::WithLabels(const std::vector<std::string>& values) {
  return Child<T>(mutex_, children_, label_names_, values, bounds_);
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

void Registry::CheckNames(const std::string& name, const std::vector<std::string>& label_names) const {
  if (!ValidName(name, true)) throw std::invalid_argument("invalid metric name \"" + name + "\"");
  if (std::find(order_.begin(), order_.end(), name) != order_.end()) {
    throw std::invalid_argument("metric \"" + name + "\" registered twice");
  }
  for (const auto& label : label_names) {
    if (!ValidName(label, false) || label.starts_with("__")) {
      throw std::invalid_argument("invalid label name \"" + label + "\" for " + name);
    }
  }
}

Family<Counter>& Registry::AddCounter(const std::string& name, const std::string& help,
                                      std::vector<std::string> label_names) {
  std::lock_guard lock(mutex_);
  CheckNames(name, label_names);
  counters_.emplace_back(new Family<Counter>(name, help, std::move(label_names)));
  order_.push_back(name);
  return *counters_.back();
}

Family<Gauge>& Registry::AddGauge(const std::string& name, const std::string& help,
                                  std::vector<std::string> label_names) {
  std::lock_guard lock(mutex_);
  CheckNames(name, label_names);
  gauges_.emplace_back(new Family<Gauge>(name, help, std::move(label_names)));
  order_.push_back(name);
  return *gauges_.back();
}

Family<Histogram>& Registry::AddHistogram(const std::string& name, const std::string& help,
                                          std::vector<std::string> label_names, std::vector<double> bounds) {
  std::lock_guard lock(mutex_);
  CheckNames(name, label_names);
  if (std::find(label_names.begin(), label_names.end(), "le") != label_names.end()) {
    throw std::invalid_argument("histogram " + name + " cannot use the label \"le\"");
  }
  Histogram probe(bounds);  // validates the bounds once, at registration
  histograms_.emplace_back(new Family<Histogram>(name, help, std::move(label_names), std::move(bounds)));
  order_.push_back(name);
  return *histograms_.back();
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

  std::lock_guard lock(mutex_);
  std::string out;
  auto header = [&out](const std::string& name, const std::string& help, std::string_view type) {
    out += "# HELP ";
    out += name;
    out += ' ';
    out += EscapeHelp(help);
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type;
    out += "\n";
  };
  for (const auto& name : order_) {
    for (const auto& f : counters_) {
      if (f->name_ != name) continue;
      header(f->name_, f->help_, "counter");
      std::lock_guard children_lock(f->mutex_);
      for (const auto& [values, child] : f->children_) {
        out += f->name_;
        AppendLabels(out, f->label_names_, values);
        AppendSample(out, FormatValue(child->Value()));
      }
    }
    for (const auto& f : gauges_) {
      if (f->name_ != name) continue;
      header(f->name_, f->help_, "gauge");
      std::lock_guard children_lock(f->mutex_);
      for (const auto& [values, child] : f->children_) {
        out += f->name_;
        AppendLabels(out, f->label_names_, values);
        AppendSample(out, FormatValue(child->Value()));
      }
    }
    for (const auto& f : histograms_) {
      if (f->name_ != name) continue;
      header(f->name_, f->help_, "histogram");
      std::lock_guard children_lock(f->mutex_);
      for (const auto& [values, child] : f->children_) {
        const auto snap = child->Take();
        for (std::size_t i = 0; i <= f->bounds_.size(); ++i) {
          out += f->name_;
          out += "_bucket";
          const std::string le = i < f->bounds_.size() ? FormatValue(f->bounds_[i]) : "+Inf";
          AppendLabels(out, f->label_names_, values, "le", le);
          AppendSample(out, std::to_string(snap.cumulative[i]));
        }
        out += f->name_;
        out += "_sum";
        AppendLabels(out, f->label_names_, values);
        AppendSample(out, FormatValue(snap.sum));
        out += f->name_;
        out += "_count";
        AppendLabels(out, f->label_names_, values);
        AppendSample(out, std::to_string(snap.count));
      }
    }
  }
  return out;
}

std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  std::array<char, 64> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value);
  return std::string(buf.data(), end);
}

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace nationpulse::metrics
