#include "nationpulse/metrics/registry.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace nationpulse::metrics {
namespace {

TEST(Registry, CounterWithLabels) {
  Registry reg;
  auto& requests = reg.AddCounter("http_requests_total", "Total HTTP requests.", {"method", "path", "status"});
  requests.WithLabels({"GET", "/livez", "200"}).Inc();
  requests.WithLabels({"GET", "/livez", "200"}).Inc(2);
  requests.WithLabels({"POST", "/api/u/signin", "401"}).Inc();
  EXPECT_EQ(reg.Serialize(),
            "# HELP http_requests_total Total HTTP requests.\n"
            "# TYPE http_requests_total counter\n"
            "http_requests_total{method=\"GET\",path=\"/livez\",status=\"200\"} 3\n"
            "http_requests_total{method=\"POST\",path=\"/api/u/signin\",status=\"401\"} 1\n");
}

TEST(Registry, GaugeWithoutLabels) {
  Registry reg;
  auto& g = reg.AddGauge("db_pool_in_use", "Connections in use.");
  g.WithLabels({}).Set(2.5);
  g.WithLabels({}).Dec(0.5);
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
  EXPECT_EQ(reg.Serialize(),
            "# HELP latency_seconds Latency.\n"
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_bucket{path=\"/x\",le=\"0.1\"} 2\n"
            "latency_seconds_bucket{path=\"/x\",le=\"1\"} 3\n"
            "latency_seconds_bucket{path=\"/x\",le=\"+Inf\"} 4\n"
            "latency_seconds_sum{path=\"/x\"} 7.65\n"
            "latency_seconds_count{path=\"/x\"} 4\n");
}

TEST(Registry, EscapesLabelValuesAndHelp) {
  Registry reg;
  reg.AddCounter("x_total", "Line one\nback\\slash", {"v"}).WithLabels({"a\"b\\c\nd"}).Inc();
  EXPECT_EQ(reg.Serialize(),
            "# HELP x_total Line one\\nback\\\\slash\n# TYPE x_total counter\n"
            "x_total{v=\"a\\\"b\\\\c\\nd\"} 1\n");
}

TEST(Registry, RejectsBadNamesAndMisuse) {
  Registry reg;
  EXPECT_THROW(reg.AddCounter("1bad", "h"), std::invalid_argument);
  EXPECT_THROW(reg.AddCounter("ok_total", "h", {"__reserved"}), std::invalid_argument);
  EXPECT_THROW(reg.AddHistogram("h_seconds", "h", {"le"}, {1}), std::invalid_argument);
  EXPECT_THROW(reg.AddHistogram("h2_seconds", "h", {}, {2, 1}), std::invalid_argument);
  auto& c = reg.AddCounter("ok_total", "h", {"a"});
  EXPECT_THROW(reg.AddCounter("ok_total", "h"), std::invalid_argument);
  EXPECT_THROW(c.WithLabels({"x", "y"}), std::invalid_argument);
  EXPECT_THROW(c.WithLabels({"x"}).Inc(-1), std::invalid_argument);
}

TEST(Registry, CollectCallbackRunsBeforeSerialize) {
  Registry reg;
  auto& g = reg.AddGauge("pool_size", "Size.");
  int calls = 0;
  reg.OnCollect([&] { g.WithLabels({}).Set(++calls); });
  EXPECT_NE(reg.Serialize().find("pool_size 1\n"), std::string::npos);
  EXPECT_NE(reg.Serialize().find("pool_size 2\n"), std::string::npos);
}

TEST(Registry, ConcurrentIncrementsAreNotLost) {
  Registry reg;
  auto& fam = reg.AddCounter("n_total", "n", {"t"});
  auto& h = reg.AddHistogram("d_seconds", "d", {}, DefaultBuckets());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        fam.WithLabels({"same"}).Inc();
        h.WithLabels({}).Observe(0.01);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(fam.WithLabels({"same"}).Value(), 40000);
  EXPECT_EQ(h.WithLabels({}).Take().count, 40000u);
}

TEST(FormatValue, SpecialValues) {
  EXPECT_EQ(FormatValue(1.0 / 0.0), "+Inf");
  EXPECT_EQ(FormatValue(-1.0 / 0.0), "-Inf");
  EXPECT_EQ(FormatValue(0.0 / 0.0), "NaN");
  EXPECT_EQ(FormatValue(0.005), "0.005");
  EXPECT_EQ(FormatValue(1e21), "1e+21");
}

}  // namespace
}  // namespace nationpulse::metrics
