// libFuzzer target for the Prometheus text writer, metrics::Registry::Serialize (fuzz preset; see
// docs/reliability.md, "Fuzzing"). The input is a small program: register up to four families
// (type, name, help text, label names, histogram bounds, all fuzzed), then up to 24 updates of
// children with fuzzed label values and amounts. Registration and updates may throw
// std::invalid_argument, as documented; nothing else may escape. A model of the expected state is
// kept alongside, and the serialised text is read back with a strict parser of the text exposition
// format 0.0.4. Asserted (std::abort otherwise):
//  * every line is a HELP, TYPE or sample line; names and label names are valid; HELP text and label
//    values use only the \\ \n (and \" in values) escapes and are valid UTF-8 (Prometheus rejects the
//    whole scrape otherwise);
//  * HELP unescapes to the registered help text, TYPE is the family's type, label values unescape to
//    exactly the values given, in label-name order;
//  * every child appears exactly once with the modelled value (as the writer rounds it, %.16g);
//    histogram buckets are cumulative, end with +Inf equal to _count, and count what the bounds say;
//  * no sample name appears in two families' blocks (a scrape with a repeated family is invalid).
#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "nationpulse/metrics/registry.hpp"

namespace {

using nationpulse::metrics::Registry;

const std::string* g_output = nullptr;  // the text being checked, shown with a failure

[[noreturn]] void Fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "metrics_text_fuzz: %s: %.*s\n", what, static_cast<int>(detail.size()), detail.data());
  if (g_output != nullptr) std::fprintf(stderr, "--- serialised:\n%s---\n", g_output->c_str());
  std::abort();
}

enum class Type { kCounter, kGauge, kHistogram };

struct Child {
  double value = 0;              // counter, gauge
  std::vector<double> observed;  // histogram
};

struct Model {
  Type type;
  std::string name;
  std::string help;
  std::vector<std::string> labels;
  std::vector<double> bounds;
  void* family = nullptr;
  std::map<std::vector<std::string>, Child> children;
};

bool ValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

bool MetricNameChar(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
         (!first && c >= '0' && c <= '9');
}
bool LabelNameChar(char c, bool first) { return c != ':' && MetricNameChar(c, first); }

template <typename Pred>
std::string_view TakeName(std::string_view& s, Pred ok) {
  std::size_t n = 0;
  while (n < s.size() && ok(s[n], n == 0)) ++n;
  const auto name = s.substr(0, n);
  s.remove_prefix(n);
  return name;
}

/// Unescapes a HELP text (\\ and \n) or a quoted label value (also \"); nullopt on a bad escape.
std::optional<std::string> Unescape(std::string_view s, bool quotes) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      out += s[i];
      continue;
    }
    if (++i == s.size()) return std::nullopt;
    if (s[i] == '\\') {
      out += '\\';
    } else if (s[i] == 'n') {
      out += '\n';
    } else if (quotes && s[i] == '"') {
      out += '"';
    } else {
      return std::nullopt;
    }
  }
  return out;
}

double ParseValue(std::string_view text, std::string_view line) {
  if (text == "Nan" || text == "NaN") return NAN;
  if (text == "+Inf") return INFINITY;
  if (text == "-Inf") return -INFINITY;
  const std::string copy(text);
  char* end = nullptr;
  const double v = std::strtod(copy.c_str(), &end);
  if (copy.empty() || end != copy.c_str() + copy.size() || std::isnan(v)) Fail("bad sample value", line);
  // Known limitation of prometheus-cpp 1.0.1 (16 significant digits): a value within a few ulp of
  // +-DBL_MAX is written rounded away from zero, past DBL_MAX, and reads back as infinite (Prometheus
  // refuses such a sample). SameAsWritten() rounds the expected value the same way.
  return v;
}

/// The writer prints doubles with 16 significant digits (prometheus-cpp 1.0.1).
bool SameAsWritten(double written, double expected) {
  if (std::isnan(expected)) return std::isnan(written);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.16g", expected);
  return written == std::strtod(buffer, nullptr) || written == expected;
}

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value;
};

struct Block {
  std::string name;
  std::optional<std::string> help;
  std::string type;
  std::vector<Sample> samples;
};

std::vector<Block> ParseExposition(const std::string& text) {
  std::vector<Block> blocks;
  if (!text.empty() && text.back() != '\n') Fail("output does not end with a newline", text);
  std::size_t start = 0;
  std::optional<std::string> pending_help;
  std::string pending_help_name;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    std::string_view line(text.data() + start, end - start);
    start = end + 1;
    if (line.starts_with("# HELP ")) {
      std::string_view rest = line.substr(7);
      const auto name = TakeName(rest, MetricNameChar);
      if (name.empty() || !rest.starts_with(' ')) Fail("bad HELP line", line);
      rest.remove_prefix(1);
      if (!ValidUtf8(rest)) Fail("HELP text is not UTF-8", line);
      auto help = Unescape(rest, false);
      if (!help) Fail("bad escape in HELP", line);
      pending_help = *help;
      pending_help_name = name;
      continue;
    }
    if (line.starts_with("# TYPE ")) {
      std::string_view rest = line.substr(7);
      const auto name = TakeName(rest, MetricNameChar);
      if (name.empty() || !rest.starts_with(' ')) Fail("bad TYPE line", line);
      rest.remove_prefix(1);
      if (rest != "counter" && rest != "gauge" && rest != "histogram") Fail("unknown TYPE", line);
      if (pending_help && pending_help_name != name) Fail("HELP and TYPE name differ", line);
      blocks.push_back(Block{std::string(name), pending_help, std::string(rest), {}});
      pending_help.reset();
      continue;
    }
    if (line.empty() || line.starts_with('#')) Fail("unexpected line", line);
    if (blocks.empty() || pending_help) Fail("sample outside a TYPE block", line);
    Sample sample;
    std::string_view rest = line;
    sample.name = TakeName(rest, MetricNameChar);
    if (sample.name.empty()) Fail("sample without a valid name", line);
    if (rest.starts_with('{')) {
      rest.remove_prefix(1);
      while (!rest.starts_with('}')) {
        const auto label = TakeName(rest, LabelNameChar);
        if (label.empty() || !rest.starts_with("=\"")) Fail("bad label", line);
        rest.remove_prefix(2);
        std::size_t i = 0;
        while (i < rest.size() && rest[i] != '"') i += rest[i] == '\\' ? 2 : 1;
        if (i >= rest.size()) Fail("unterminated label value", line);
        const auto raw = rest.substr(0, i);
        rest.remove_prefix(i + 1);
        if (!ValidUtf8(raw)) Fail("label value is not UTF-8", line);
        auto value = Unescape(raw, true);
        if (!value) Fail("bad escape in label value", line);
        if (!sample.labels.emplace(label, *value).second) Fail("label given twice", line);
        if (rest.starts_with(',')) rest.remove_prefix(1);
      }
      rest.remove_prefix(1);
    }
    if (!rest.starts_with(' ')) Fail("no value", line);
    rest.remove_prefix(1);
    sample.value = ParseValue(rest, line);
    blocks.back().samples.push_back(std::move(sample));
  }
  if (pending_help) Fail("HELP without TYPE", text);
  return blocks;
}

std::map<std::string, std::string> LabelsOf(const Model& m, const std::vector<std::string>& values) {
  std::map<std::string, std::string> labels;
  for (std::size_t i = 0; i < m.labels.size(); ++i) labels.emplace(m.labels[i], values[i]);
  return labels;
}

std::string LeText(double bound) {
  // Compared as numbers below; this is only a key for "which bound".
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.17g", bound);
  return buffer;
}

void CheckFamily(const Model& m, const Block& block) {
  const char* type = m.type == Type::kCounter ? "counter" : m.type == Type::kGauge ? "gauge" : "histogram";
  if (block.type != type) Fail("wrong TYPE", m.name);
  if (block.help.value_or("") != m.help) Fail("HELP does not read back as registered", m.name);
  if (m.type != Type::kHistogram) {
    if (block.samples.size() != m.children.size()) Fail("sample count differs", m.name);
    for (const auto& [values, child] : m.children) {
      const auto labels = LabelsOf(m, values);
      int found = 0;
      for (const auto& s : block.samples) {
        if (s.name != m.name) Fail("foreign sample name in block", s.name);
        if (s.labels != labels) continue;
        ++found;
        if (!SameAsWritten(s.value, child.value)) Fail("value does not read back", m.name);
      }
      if (found != 1) Fail("child not written exactly once", m.name);
    }
    return;
  }
  if (block.samples.size() != m.children.size() * (m.bounds.size() + 3))
    Fail("histogram sample count", m.name);
  for (const auto& [values, child] : m.children) {
    const auto labels = LabelsOf(m, values);
    std::optional<double> count, sum;
    std::vector<std::pair<double, double>> buckets;  // (le, cumulative count)
    for (const auto& s : block.samples) {
      auto base = s.labels;
      if (s.name == m.name + "_bucket") {
        const auto le = base.find("le");
        if (le == base.end()) Fail("bucket without le", m.name);
        const double bound = ParseValue(le->second, le->second);
        base.erase(le);
        if (base == labels) buckets.emplace_back(bound, s.value);
      } else if (base == labels && s.name == m.name + "_count") {
        if (count) Fail("_count twice", m.name);
        count = s.value;
      } else if (base == labels && s.name == m.name + "_sum") {
        if (sum) Fail("_sum twice", m.name);
        sum = s.value;
      } else if (s.name != m.name + "_count" && s.name != m.name + "_sum" && s.name != m.name + "_bucket") {
        Fail("foreign sample name in histogram block", s.name);
      }
    }
    if (!count || !sum || buckets.size() != m.bounds.size() + 1) Fail("histogram child incomplete", m.name);
    if (*count != static_cast<double>(child.observed.size())) Fail("_count differs", m.name);
    double expected_sum = 0;
    for (double v : child.observed) expected_sum += v;
    if (!SameAsWritten(*sum, expected_sum)) Fail("_sum differs", m.name);
    for (std::size_t i = 0; i < buckets.size(); ++i) {
      const double bound = i < m.bounds.size() ? m.bounds[i] : INFINITY;
      if (LeText(buckets[i].first) != LeText(bound) && !SameAsWritten(buckets[i].first, bound)) {
        Fail("bucket bounds out of order or wrong", m.name);
      }
      double expected = 0;
      for (double v : child.observed) expected += (i == m.bounds.size() || v <= bound) ? 1 : 0;
      if (buckets[i].second != expected)
        Fail("bucket count differs from the bounds", m.name + " le=" + LeText(bound));
    }
  }
}

double Amount(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange<int>(0, 5)) {
    case 0:
      return NAN;
    case 1:
      return INFINITY;
    case 2:
      return -INFINITY;
    case 3:
      return in.ConsumeFloatingPoint<double>();
    default:
      return static_cast<double>(in.ConsumeIntegralInRange<int>(-3, 1000)) / 4.0;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  Registry registry;
  std::vector<Model> models;
  const int families = in.ConsumeIntegralInRange<int>(1, 4);
  for (int f = 0; f < families; ++f) {
    Model m;
    m.type = static_cast<Type>(in.ConsumeIntegralInRange<int>(0, 2));
    m.name = in.ConsumeRandomLengthString(24);
    m.help = in.ConsumeRandomLengthString(48);
    const int labels = in.ConsumeIntegralInRange<int>(0, 3);
    for (int l = 0; l < labels; ++l) m.labels.push_back(in.ConsumeRandomLengthString(12));
    if (m.type == Type::kHistogram) {
      const int bounds = in.ConsumeIntegralInRange<int>(0, 4);
      for (int b = 0; b < bounds; ++b) m.bounds.push_back(Amount(in));
    }
    try {
      switch (m.type) {
        case Type::kCounter:
          m.family = &registry.AddCounter(m.name, m.help, m.labels);
          break;
        case Type::kGauge:
          m.family = &registry.AddGauge(m.name, m.help, m.labels);
          break;
        case Type::kHistogram:
          m.family = &registry.AddHistogram(m.name, m.help, m.labels, m.bounds);
          break;
      }
    } catch (const std::invalid_argument&) {
      continue;  // documented: invalid or duplicate names, "le", bounds not increasing
    }
    models.push_back(std::move(m));
  }
  if (models.empty()) return 0;

  const int updates = in.ConsumeIntegralInRange<int>(0, 24);
  for (int u = 0; u < updates && in.remaining_bytes() > 0; ++u) {
    Model& m = models[in.ConsumeIntegralInRange<std::size_t>(0, models.size() - 1)];
    std::vector<std::string> values;
    for (std::size_t l = 0; l < m.labels.size(); ++l) values.push_back(in.ConsumeRandomLengthString(16));
    const bool wrong_count = in.ConsumeIntegralInRange<int>(0, 15) == 0;
    if (wrong_count) values.push_back("extra");
    bool bad_values = wrong_count;
    for (const auto& v : values) bad_values = bad_values || !ValidUtf8(v);
    const double amount = Amount(in);
    const int op = in.ConsumeIntegralInRange<int>(0, 2);
    using nationpulse::metrics::Counter;
    using nationpulse::metrics::Family;
    using nationpulse::metrics::Gauge;
    using nationpulse::metrics::Histogram;
    try {
      if (m.type == Type::kCounter) {
        auto& c = static_cast<Family<Counter>*>(m.family)->WithLabels(values);
        if (bad_values) Fail("bad label values were accepted", m.name);
        auto& child = m.children[values];  // exists from here on, even if Inc refuses the amount
        c.Inc(amount);
        child.value += amount;
      } else if (m.type == Type::kGauge) {
        auto& g = static_cast<Family<Gauge>*>(m.family)->WithLabels(values);
        if (bad_values) Fail("bad label values were accepted", m.name);
        auto& child = m.children[values];
        if (op == 0) {
          g.Set(amount), child.value = amount;
        } else if (op == 1) {
          g.Inc(amount), child.value += amount;
        } else {
          g.Dec(amount), child.value -= amount;
        }
      } else {
        auto& h = static_cast<Family<Histogram>*>(m.family)->WithLabels(values);
        if (bad_values) Fail("bad label values were accepted", m.name);
        auto& child = m.children[values];
        h.Observe(amount);
        child.observed.push_back(amount);
      }
    } catch (const std::invalid_argument&) {
      // Documented: a wrong number of values or a value that is not UTF-8 (nothing is created), a
      // negative or NaN counter increment, a NaN observation.
      if (!bad_values) {
        if (m.type == Type::kGauge) Fail("a gauge update was refused", m.name);
        if (m.type == Type::kCounter && amount >= 0) Fail("a valid counter increment was refused", m.name);
        if (m.type == Type::kHistogram && !std::isnan(amount))
          Fail("a valid observation was refused", m.name);
      }
    }
  }

  const std::string text = registry.Serialize();
  g_output = &text;
  const auto blocks = ParseExposition(text);
  std::set<std::string> sample_names;
  std::size_t written = 0;
  for (const auto& m : models) {
    if (m.children.empty()) continue;
    const Block* block = nullptr;
    for (const auto& b : blocks) {
      if (b.name == m.name) {
        if (block != nullptr) Fail("family written twice", m.name);
        block = &b;
      }
    }
    if (block == nullptr) Fail("family with children not written", m.name);
    CheckFamily(m, *block);
    ++written;
  }
  if (written != blocks.size()) Fail("unexpected family in the output", text);
  for (const auto& b : blocks) {
    std::set<std::string> own;
    std::set<std::pair<std::string, std::map<std::string, std::string>>> series;
    for (const auto& s : b.samples) {
      own.insert(s.name);
      if (!series.emplace(s.name, s.labels).second) Fail("the same series written twice", s.name);
    }
    for (const auto& name : own) {
      if (!sample_names.insert(name).second) Fail("sample name in two families", name);
    }
  }
  g_output = nullptr;
  return 0;
}
