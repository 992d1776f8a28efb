// Report round-trip benchmark against a running BFF + reporting: publish → export-status event on the SSE
// stream, sequentially (latency), then a burst (reporting throughput). Prints RESULT lines for
// bench/reports.sh.
//   np-bench-reports <bff-port> <sequential-requests> <burst-requests>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "nationpulse/http/client.hpp"
#include "nationpulse/testing/sse_client.hpp"

namespace {

using namespace nationpulse;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

const char* kTables[] = {"population",  "health",     "economy:gov",
                         "economy:gdp", "growth:gdp", "growth:population"};
const char* kCountries[] = {"USA", "FRA", "DEU", "JPN", "ITA", "CAN", "GBR", "KOR"};

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: np-bench-reports <bff-port> <sequential-requests> <burst-requests>\n";
    return 2;
  }
  const auto port = static_cast<std::uint16_t>(std::stoi(argv[1]));
  const int sequential = std::stoi(argv[2]);
  const int burst = std::stoi(argv[3]);

  http::Request signin{http::Verb::post, "/api/u/signin", 11};
  signin.set(http::bhttp::field::content_type, "application/json");
  signin.body() = R"({"name":"woman","email":"woman@edu.io"})";
  auto in = http::Fetch("127.0.0.1", port, signin, 5s);
  if (!in || in->result() != http::Status::ok) {
    std::cerr << "sign-in failed\n";
    return 1;
  }
  std::string cookie;
  for (const auto& f : *in) {
    if (f.name() != http::bhttp::field::set_cookie) continue;
    if (!cookie.empty()) cookie += "; ";
    cookie += std::string(f.value().substr(0, f.value().find(';')));
  }
  auto publish = [&](int i) {
    const std::string table = kTables[i % 6];
    const std::string country = kCountries[(i / 6) % 8];
    http::Request req{http::Verb::post, "/api/uu/reports/publish", 11};
    req.set(http::bhttp::field::content_type, "application/json");
    req.set(http::bhttp::field::cookie, cookie);
    req.body() = nlohmann::json{
        {"exportID", table + ":" + country},
        {"userID", 2},
        {"filters",
         {{"headers", nlohmann::json::array()}, {"records", nlohmann::json::array()}, {"query", ""}}},
        {"requestTableString", table},
        {"requestCountryCode",
         country}}.dump();
    auto res = http::Fetch("127.0.0.1", port, req, 10s);
    return res && res->result() == http::Status::ok;
  };

  testing::SseClient sse(port, cookie);
  std::size_t seen = 0;
  std::vector<double> latencies;
  for (int i = 0; i < sequential; ++i) {
    const auto t0 = Clock::now();
    if (!publish(i)) {
      std::cerr << "publish " << i << " failed\n";
      return 1;
    }
    if (!sse.WaitEvent(30s, seen)) {
      std::cerr << "no event for request " << i << "\n";
      return 1;
    }
    ++seen;
    latencies.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  std::printf("RESULT roundtrip n=%d p50_ms=%.1f p95_ms=%.1f max_ms=%.1f\n", sequential,
              Percentile(latencies, 0.5), Percentile(latencies, 0.95),
              *std::max_element(latencies.begin(), latencies.end()));

  const auto start = Clock::now();
  for (int i = 0; i < burst; ++i) {
    if (!publish(sequential + i)) {
      std::cerr << "burst publish " << i << " failed\n";
      return 1;
    }
  }
  const auto published = Clock::now();
  if (!sse.WaitEvent(120s, seen + static_cast<std::size_t>(burst) - 1)) {
    std::cerr << "burst: only " << sse.Events().size() - seen << " of " << burst << " events\n";
    return 1;
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("RESULT burst n=%d publish_s=%.2f total_s=%.2f reports_per_s=%.1f\n", burst,
              std::chrono::duration<double>(published - start).count(), seconds, burst / seconds);
  return 0;
}
