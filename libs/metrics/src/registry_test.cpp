#include "nationpulse/metrics/registry.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace nationpulse::metrics {
namespace {

TEST(Registry, CounterWithLabels) {
  Registry reg;
  auto& requests =
      reg.AddCounter("http_requests_total", "Total HTTP requests.", {"method", "path", "status"});
  requests.WithLabels({"POST", "/api/u/signin", "401"}).Inc();
  requests.WithLabels({"GET", "/livez", "200"}).Inc();
  requests.WithLabels({"GET", "/livez", "200"}).Inc(2);
  EXPECT_EQ(requests.WithLabels({"GET", "/livez", "200"}).Value(), 3);
  // Children are sorted by label values whatever the order they were created in.
  EXPECT_EQ(reg.Serialize(),
            "# HELP http_requests_total Total HTTP requests.\n"
            "# TYPE http_requests_total counter\n"
            "http_requests_total{method=\"GET\",path=\"/livez\",status=\"200\"} 3\n"
            "http_requests_total{method=\"POST\",path=\"/api/u/signin\",status=\"401\"} 1\n");
}

TEST(Registry, LabelsAreWrittenInNameOrder) {
  // prometheus-cpp keeps labels in a std::map: the output order is by label name, not declaration.
  Registry reg;
  reg.AddCounter("jobs_total", "Jobs.", {"zone", "app"}).WithLabels({"eu", "bff"}).Inc();
  EXPECT_EQ(reg.Serialize(),
            "# HELP jobs_total Jobs.\n# TYPE jobs_total counter\njobs_total{app=\"bff\",zone=\"eu\"} 1\n");
}

TEST(Registry, GaugeWithoutLabels) {
  Registry reg;
  auto& g = reg.AddGauge("db_pool_in_use", "Connections in use.");
  g.WithLabels({}).Set(2.5);
  g.WithLabels({}).Dec(0.5);
  g.WithLabels({}).Inc();
  g.WithLabels({}).Dec();
  EXPECT_EQ(g.WithLabels({}).Value(), 2);
  EXPECT_EQ(reg.Serialize(),
            "# HELP db_pool_in_use Connections in use.\n# TYPE db_pool_in_use gauge\ndb_pool_in_use 2\n");
}

TEST(Registry, HistogramIsCumulativeWithInfSumAndCount) {
  Registry reg;
  auto& h = reg.AddHistogram("latency_seconds", "Latency.", {"path"}, {0.1, 1});
  auto& child = h.WithLabels({"/x"});
  child.Observe(0.05);
  child.Observe(0.1);  // equal to a bound: counts in that bucket (le = less or equal)
  child.Observe(0.5);
  child.Observe(7);
  // prometheus-cpp writes _count and _sum before the buckets.
  EXPECT_EQ(reg.Serialize(),
            "# HELP latency_seconds Latency.\n"
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_count{path=\"/x\"} 4\n"
            "latency_seconds_sum{path=\"/x\"} 7.65\n"
            "latency_seconds_bucket{path=\"/x\",le=\"0.1\"} 2\n"
            "latency_seconds_bucket{path=\"/x\",le=\"1\"} 3\n"
            "latency_seconds_bucket{path=\"/x\",le=\"+Inf\"} 4\n");
}

TEST(Registry, EscapesLabelValuesAndHelp) {
  Registry reg;
  reg.AddCounter("x_total", "Line one\nback\\slash \"quoted\"", {"v"}).WithLabels({"a\"b\\c\nd"}).Inc();
  // HELP escapes backslash and newline only; label values also escape the double quote.
  EXPECT_EQ(reg.Serialize(),
            "# HELP x_total Line one\\nback\\\\slash \"quoted\"\n# TYPE x_total counter\n"
            "x_total{v=\"a\\\"b\\\\c\\nd\"} 1\n");
}

TEST(Registry, NumberFormatting) {
  Registry reg;
  auto& g = reg.AddGauge("v", "Values.", {"k"});
  g.WithLabels({"a"}).Set(0.005);
  g.WithLabels({"b"}).Set(1e21);
  g.WithLabels({"c"}).Set(std::numeric_limits<double>::infinity());
  g.WithLabels({"d"}).Set(-std::numeric_limits<double>::infinity());
  g.WithLabels({"e"}).Set(std::numeric_limits<double>::quiet_NaN());
  g.WithLabels({"f"}).Set(123456789);
  g.WithLabels({"g"}).Set(0.1 + 0.2);  // 16 significant digits: not the shortest round-trip form
  g.WithLabels({"h"}).Set(1e16);
  g.WithLabels({"i"}).Set(2.5e-5);
  EXPECT_EQ(reg.Serialize(),
            "# HELP v Values.\n# TYPE v gauge\n"
            "v{k=\"a\"} 0.005\n"
            "v{k=\"b\"} 1e+21\n"
            "v{k=\"c\"} +Inf\n"
            "v{k=\"d\"} -Inf\n"
            "v{k=\"e\"} Nan\n"  // prometheus-cpp 1.0.1 spelling; Prometheus parses it case-insensitively
            "v{k=\"f\"} 123456789\n"
            "v{k=\"g\"} 0.3\n"
            "v{k=\"h\"} 1e+16\n"
            "v{k=\"i\"} 2.5e-05\n");
}

TEST(Registry, FamiliesInRegistrationOrderAndEmptyOnesOmitted) {
  Registry reg;
  reg.AddHistogram("c_seconds", "C.", {}, {1}).WithLabels({}).Observe(2);
  reg.AddGauge("b", "").WithLabels({}).Set(1);  // empty help: no HELP line
  reg.AddCounter("unused_total", "Never incremented, no child.");
  reg.AddCounter("a_total", "A.").WithLabels({}).Inc();
  EXPECT_EQ(
      reg.Serialize(),
      "# HELP c_seconds C.\n# TYPE c_seconds histogram\n"
      "c_seconds_count 1\nc_seconds_sum 2\nc_seconds_bucket{le=\"1\"} 0\nc_seconds_bucket{le=\"+Inf\"} 1\n"
      "# TYPE b gauge\nb 1\n"
      "# HELP a_total A.\n# TYPE a_total counter\na_total 1\n");
}

TEST(Registry, RejectsBadNamesAndMisuse) {
  Registry reg;
  EXPECT_THROW(reg.AddCounter("1bad", "h"), std::invalid_argument);
  EXPECT_THROW(reg.AddCounter("bad-name", "h"), std::invalid_argument);
  EXPECT_THROW(reg.AddCounter("", "h"), std::invalid_argument);
  EXPECT_THROW(reg.AddCounter("ok_total", "h", {"__reserved"}), std::invalid_argument);
  EXPECT_THROW(reg.AddCounter("ok_total", "h", {"a:b"}), std::invalid_argument);
  EXPECT_THROW(reg.AddCounter("ok_total", "h", {"a", "a"}), std::invalid_argument);
  EXPECT_THROW(reg.AddHistogram("h_seconds", "h", {"le"}, {1}), std::invalid_argument);
  EXPECT_THROW(reg.AddHistogram("h2_seconds", "h", {}, {2, 1}), std::invalid_argument);
  EXPECT_THROW(reg.AddHistogram("h3_seconds", "h", {}, {1, 1}), std::invalid_argument);
  auto& c = reg.AddCounter("ok_total", "h", {"a"});  // the failed attempts registered nothing
  EXPECT_THROW(reg.AddCounter("ok_total", "h"), std::invalid_argument);
  EXPECT_THROW(reg.AddGauge("ok_total", "h"), std::invalid_argument);
  EXPECT_THROW(c.WithLabels({"x", "y"}), std::invalid_argument);
  EXPECT_THROW(c.WithLabels({}), std::invalid_argument);
  EXPECT_THROW(c.WithLabels(std::vector<std::string>{"x", "y"}), std::invalid_argument);
  EXPECT_THROW(c.WithLabels({"x"}).Inc(-1), std::invalid_argument);
  EXPECT_THROW(c.WithLabels({"x"}).Inc(std::nan("")), std::invalid_argument);
  EXPECT_EQ(c.WithLabels({"x"}).Value(), 0);
  EXPECT_EQ(reg.Serialize(), "# HELP ok_total h\n# TYPE ok_total counter\nok_total{a=\"x\"} 0\n");
}

// Found by metrics_text_fuzz: prometheus-cpp wrote HELP text and label values byte for byte, and one
// invalid UTF-8 sequence makes Prometheus refuse the whole scrape.
TEST(Registry, RefusesHelpAndLabelValuesThatAreNotUtf8) {
  Registry reg;
  EXPECT_THROW(reg.AddCounter("a_total", "bad \xff byte"), std::invalid_argument);
  EXPECT_THROW(reg.AddGauge("b", "overlong \xC0\xAF slash"), std::invalid_argument);
  EXPECT_THROW(reg.AddHistogram("c_seconds", "surrogate \xED\xA0\x80", {}, {1}), std::invalid_argument);
  EXPECT_THROW(reg.AddGauge("d", "cut \xE2\x82"), std::invalid_argument);
  auto& ok = reg.AddCounter("ok_total", "Ünïcödé help \xF0\x9F\x93\x88 is fine", {"target"});
  EXPECT_THROW(ok.WithLabels({"bad\xff"}), std::invalid_argument);
  EXPECT_THROW(ok.WithLabels(std::vector<std::string>{"\xC3"}), std::invalid_argument);
  ok.WithLabels({"Zürich"}).Inc();
  // The refused values created no child; the valid one is written as given.
  EXPECT_EQ(reg.Serialize(),
            "# HELP ok_total Ünïcödé help \xF0\x9F\x93\x88 is fine\n# TYPE ok_total counter\n"
            "ok_total{target=\"Zürich\"} 1\n");
}

// Found by metrics_text_fuzz: prometheus-cpp counted a NaN observation in the lowest bucket, and took
// NaN and infinite bounds (a +Inf bound wrote the +Inf bucket twice).
TEST(Registry, HistogramRefusesNaNObservationsAndNonFiniteBounds) {
  Registry reg;
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_THROW(reg.AddHistogram("a_seconds", "h", {}, {1, inf}), std::invalid_argument);
  EXPECT_THROW(reg.AddHistogram("b_seconds", "h", {}, {-inf, 1}), std::invalid_argument);
  EXPECT_THROW(reg.AddHistogram("c_seconds", "h", {}, {std::nan("")}), std::invalid_argument);
  auto& h = reg.AddHistogram("d_seconds", "h", {}, {1, 2}).WithLabels({});
  EXPECT_THROW(h.Observe(std::nan("")), std::invalid_argument);
  h.Observe(-inf);
  h.Observe(inf);
  EXPECT_EQ(reg.Serialize(),
            "# HELP d_seconds h\n# TYPE d_seconds histogram\nd_seconds_count 2\nd_seconds_sum Nan\n"
            "d_seconds_bucket{le=\"1\"} 1\nd_seconds_bucket{le=\"2\"} 1\nd_seconds_bucket{le=\"+Inf\"} 2\n");
}

// Found by metrics_text_fuzz: a histogram "d" writes d_sum, so a gauge "d_sum" put one series name in
// two families (Prometheus refuses the scrape); prometheus-cpp only compares family names.
TEST(Registry, RefusesNamesWhoseSamplesAnotherFamilyWrites) {
  Registry reg;
  reg.AddHistogram("d", "h", {}, {1});
  EXPECT_THROW(reg.AddGauge("d_sum", "g"), std::invalid_argument);
  EXPECT_THROW(reg.AddCounter("d_count", "c"), std::invalid_argument);
  EXPECT_THROW(reg.AddHistogram("d_bucket", "h", {}, {1}), std::invalid_argument);
  reg.AddGauge("e_count", "g");
  EXPECT_THROW(reg.AddHistogram("e", "h", {}, {1}), std::invalid_argument);
  reg.AddGauge("d_total", "g");  // not a histogram suffix
  reg.AddCounter("x_count_total", "c");
}

TEST(Registry, WithLabelsReturnsTheSameChild) {
  Registry reg;
  auto& fam = reg.AddCounter("s_total", "s", {"a", "b"});
  auto& first = fam.WithLabels({"x", "y"});
  EXPECT_EQ(&fam.WithLabels({"x", "y"}), &first);
  EXPECT_EQ(&fam.WithLabels(std::vector<std::string>{"x", "y"}), &first);
  EXPECT_NE(&fam.WithLabels({"y", "x"}), &first);
  fam.WithLabels({"z", "z"});  // a new child does not move the existing ones
  first.Inc();
  EXPECT_EQ(fam.WithLabels({"x", "y"}).Value(), 1);
}

TEST(Registry, CollectCallbackRunsBeforeSerialize) {
  Registry reg;
  auto& g = reg.AddGauge("pool_size", "Size.");
  int calls = 0;
  reg.OnCollect([&] { g.WithLabels({}).Set(++calls); });
  EXPECT_NE(reg.Serialize().find("\npool_size 1\n"), std::string::npos);
  EXPECT_NE(reg.Serialize().find("\npool_size 2\n"), std::string::npos);
}

TEST(Registry, ConcurrentIncrementsAreNotLost) {
  Registry reg;
  auto& fam = reg.AddCounter("n_total", "n", {"t"});
  auto& h = reg.AddHistogram("d_seconds", "d", {}, DefaultBuckets());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10000; ++i) {
        fam.WithLabels({"same"}).Inc();
        fam.WithLabels({std::to_string(i % 50 + t * 50)}).Inc();  // children created concurrently
        h.WithLabels({}).Observe(0.01);
        if (i % 1000 == 0) reg.Serialize();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(fam.WithLabels({"same"}).Value(), 40000);
  EXPECT_EQ(fam.WithLabels({"0"}).Value(), 200);
  const auto text = reg.Serialize();
  EXPECT_NE(text.find("\nn_total{t=\"same\"} 40000\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nd_seconds_count 40000\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nd_seconds_bucket{le=\"0.005\"} 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nd_seconds_bucket{le=\"0.01\"} 40000\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nd_seconds_bucket{le=\"+Inf\"} 40000\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace nationpulse::metrics
