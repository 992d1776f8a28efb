// Reports end to end with the real binaries: np-bff and np-reporting against the test Postgres, Redis and
// Kafka. A browser is played by an SSE client reading the chunked event stream (rest-api.md §8.5–8.6).
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cmath>
#include <future>
#include <map>
#include <nlohmann/json.hpp>
#include <pqxx/nontransaction>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "nationpulse/cache/redis.hpp"
#include "nationpulse/cache/settings.hpp"
#include "nationpulse/db/pool.hpp"
#include "nationpulse/db/settings.hpp"
#include "nationpulse/health/health.hpp"
#include "nationpulse/http/client.hpp"
#include "nationpulse/kafka/kafka.hpp"
#include "nationpulse/testing/child_process.hpp"
#include "nationpulse/testing/fault_server.hpp"
#include "nationpulse/testing/sse_client.hpp"
#include "nationpulse/testing/test_env.hpp"

namespace nationpulse {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using Clock = std::chrono::steady_clock;

std::string Base64Decode(std::string_view in) {
  static const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int bits = 0;
  unsigned value = 0;
  for (const char c : in) {
    if (c == '=') break;
    const auto pos = kAlphabet.find(c);
    if (pos == std::string::npos) {
      ADD_FAILURE() << "not base64";
      return {};
    }
    value = (value << 6) | static_cast<unsigned>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((value >> bits) & 0xff));
    }
  }
  return out;
}

using testing::SplitLines;
using testing::SseClient;

class ReportsEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    brokers_ = testing::RequireEnv("KAFKA_BROKERS");
    const std::string run = std::to_string(std::random_device{}());
    request_topic_ = "np-e2e-req-" + run;
    result_topic_ = "np-e2e-res-" + run;
    ASSERT_TRUE(kafka::EnsureTopics(brokers_, {request_topic_, result_topic_}, 3, 1, 15s));
    reporting_group_ = "np-e2e-reporting-" + run;
    bff_port_ = testing::FreePort();
    config::Env env;
    std::vector<std::string> errors;
    pool_ = std::make_unique<db::Pool>(db::PoolOptionsFromEnv(env, "reports-itest", errors));
    collector_.Script("/v1/traces", {testing::FaultResponse::Ok("{}", "application/json")});
    redis_ = std::make_unique<cache::Redis>(cache::RedisOptionsFromEnv(env, errors));
    StartReporting();
    bff_ = std::make_unique<testing::ChildProcess>(
        NP_BFF_BINARY,
        std::vector<std::string>{
            "PORT=" + std::to_string(bff_port_), "BFF_LISTEN_ADDRESS=127.0.0.1", "GRPC_ADDRESS=127.0.0.1",
            "GRPC_PORT=0", "AUTH_ALLOW_PASSWORDLESS=true", "KAFKA_WRITER_TOPIC=" + request_topic_,
            "KAFKA_READER_TOPIC=" + result_topic_, "KAFKA_GROUP_ID=np-e2e-bff-" + run,
            "KAFKA_TOPIC_REPLICATION=1", "KAFKA_PUBLISH_TIMEOUT=2s", "SSE_HEARTBEAT_INTERVAL=1s",
            "REPORT_STREAMS_PER_USER=2", "LOG_LEVEL=warn",
            "OTEL_EXPORTER_OTLP_ENDPOINT=" + collector_.Url(""), "OTEL_BSP_SCHEDULE_DELAY=100"});
    ASSERT_TRUE(WaitHttp(bff_port_, "/livez")) << bff_->Log();
    ASSERT_TRUE(WaitServing()) << reporting_->Log();
  }

  void TearDown() override {
    if (HasFailure()) {
      if (bff_) std::cerr << "--- bff log ---\n" << bff_->Log();
      if (reporting_) std::cerr << "--- reporting log ---\n" << reporting_->Log();
    }
    ASSERT_EQ(testing::Infra("start --only kafka"), 0);  // whatever a test stopped comes back
  }

  void StartReporting() {
    reporting_grpc_ = testing::FreePort();
    reporting_http_ = testing::FreePort();
    reporting_ = std::make_unique<testing::ChildProcess>(
        NP_REPORTING_BINARY,
        std::vector<std::string>{"GRPC_ADDRESS=127.0.0.1", "GRPC_PORT=" + std::to_string(reporting_grpc_),
                                 "HTTP_ADDRESS=127.0.0.1", "METRICS_PORT=" + std::to_string(reporting_http_),
                                 "KAFKA_READER_TOPIC=" + request_topic_,
                                 "KAFKA_WRITER_TOPIC=" + result_topic_, "KAFKA_GROUP_ID=" + reporting_group_,
                                 "KAFKA_TOPIC_REPLICATION=1", "HEALTH_PROBE_INTERVAL=500ms", "LOG_LEVEL=warn",
                                 "OTEL_EXPORTER_OTLP_ENDPOINT=" + collector_.Url(""),
                                 "OTEL_BSP_SCHEDULE_DELAY=100"});
  }

  bool WaitServing(std::chrono::milliseconds budget = 20s) {
    const auto deadline = Clock::now() + budget;
    while (Clock::now() < deadline) {
      auto s = health::Check("127.0.0.1:" + std::to_string(reporting_grpc_), "", 500ms);
      if (s && *s == health::ServingStatus::kServing) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }

  static bool WaitHttp(std::uint16_t port, const std::string& path) {
    const auto deadline = Clock::now() + 15s;
    while (Clock::now() < deadline) {
      auto res = http::Fetch("127.0.0.1", port, http::Request{http::Verb::get, path, 11}, 500ms);
      if (res && res->result() == http::Status::ok) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  http::Response Call(http::Verb verb, const std::string& target, const std::string& body,
                      const std::string& cookie, const std::string& traceparent = "") {
    http::Request req{verb, target, 11};
    if (!traceparent.empty()) req.set("traceparent", traceparent);
    if (!body.empty()) {
      req.set(http::bhttp::field::content_type, "application/json");
      req.body() = body;
    }
    if (!cookie.empty()) req.set(http::bhttp::field::cookie, cookie);
    auto res = http::Fetch("127.0.0.1", bff_port_, std::move(req), 10s);
    EXPECT_TRUE(res) << (res ? "" : res.error());
    return res ? *res : http::Response{};
  }

  std::string SignIn(const std::string& name) {
    auto res = Call(http::Verb::post, "/api/u/signin",
                    R"({"name":")" + name + R"(","email":")" + name + R"(@edu.io"})", "");
    EXPECT_EQ(res.result(), http::Status::ok) << res.body();
    std::string out;
    for (const auto& field : res) {
      if (field.name() != http::bhttp::field::set_cookie) continue;
      const auto v = field.value();
      if (!out.empty()) out += "; ";
      out += std::string(v.substr(0, v.find(';')));
    }
    return out;
  }

  /// The frontend's publish body (rest-api.md §8.5), with a client userID the server must ignore.
  static std::string PublishBody(const std::string& table, const std::string& country) {
    return json{{"exportID", table + ":" + country},
                {"userID", 999},
                {"filters", {{"headers", json::array()}, {"records", json::array()}, {"query", ""}}},
                {"requestTableString", table},
                {"requestCountryCode", country}}
        .dump();
  }

  http::Response Publish(const std::string& cookie, const std::string& table, const std::string& country) {
    return Call(http::Verb::post, "/api/uu/reports/publish", PublishBody(table, country), cookie);
  }

  double ReportingMetric(const std::string& series) {
    auto res = http::Fetch("127.0.0.1", reporting_http_, http::Request{http::Verb::get, "/metrics", 11}, 2s);
    if (!res) return -1;
    for (const auto& line : SplitLines(res->body())) {
      if (line.starts_with(series + " ")) return std::stod(line.substr(series.size() + 1));
    }
    return 0;
  }

  /// Every span the two services export (OTLP/HTTP JSON), flattened, with the exporting service's name.
  std::vector<json> CollectedSpans() {
    std::vector<json> out;
    for (const auto& request : collector_.Requests("/v1/traces")) {
      const auto body = json::parse(request.body);
      for (const auto& rs : body["resourceSpans"]) {
        const std::string service = rs["resource"]["attributes"][0]["value"]["stringValue"];
        for (const auto& ss : rs["scopeSpans"]) {
          for (auto span : ss["spans"]) {
            span["service"] = service;
            out.push_back(std::move(span));
          }
        }
      }
    }
    return out;
  }

  testing::FaultServer collector_{true};
  std::string brokers_, request_topic_, result_topic_, reporting_group_;
  std::uint16_t bff_port_ = 0, reporting_grpc_ = 0, reporting_http_ = 0;
  std::unique_ptr<db::Pool> pool_;
  std::unique_ptr<cache::Redis> redis_;
  std::unique_ptr<testing::ChildProcess> reporting_;
  std::unique_ptr<testing::ChildProcess> bff_;
};

TEST_F(ReportsEndToEnd, PublishThenStreamDeliversTheCsvOfPostgres) {
  const auto cookie = SignIn("woman");
  SseClient sse(bff_port_, cookie);
  EXPECT_EQ(sse.head().result(), bhttp::status::ok);
  EXPECT_EQ(sse.head()[bhttp::field::content_type], "text/event-stream");
  EXPECT_EQ(sse.head()[bhttp::field::cache_control], "no-cache");
  EXPECT_EQ(sse.head()[bhttp::field::connection], "keep-alive");
  EXPECT_EQ(sse.head()[bhttp::field::access_control_expose_headers], "Content-type");
  ASSERT_TRUE(sse.ReadUntil([](const std::string& t) { return t.starts_with(": connected\n\n"); }, 5s))
      << sse.text();

  const auto published = Publish(cookie, "population", "USA");
  ASSERT_EQ(published.result(), http::Status::ok) << published.body();
  EXPECT_EQ(json::parse(published.body()),
            json::parse(R"({"isSuccess":true,"data":{"exportID":"population:USA","status":"processing",)"
                        R"("statusCode":0},"error":null})"));

  const auto event = sse.WaitEvent();
  ASSERT_TRUE(event) << sse.text();
  EXPECT_EQ((*event)["Status"], "completed");
  EXPECT_EQ((*event)["StatusCode"], 1);
  EXPECT_EQ((*event)["exportID"], "population:USA");
  EXPECT_EQ((*event)["userID"], 2) << "the token's user, not the body's 999 (D-11)";

  // The CSV against Postgres, checked independently of the reporting code: header, ids, values.
  const auto lines = SplitLines(Base64Decode((*event)["Data"].get<std::string>()));
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(
      lines[0],
      "id,country_code,country_name,indicator_code,indicator,sex_code,sex_name,age,year,value,last_updated");
  auto rows = pool_->Run([](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    return tx.exec("SELECT id, value FROM getpopulationofcountry('USA')");
  });
  ASSERT_TRUE(rows);
  std::map<long, double> expected;
  for (const auto& r : *rows) expected[r[0].as<long>()] = r[1].is_null() ? NAN : r[1].as<double>();
  ASSERT_EQ(lines.size() - 1, expected.size());
  for (std::size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> cells;
    std::stringstream ss(lines[i]);
    for (std::string cell; std::getline(ss, cell, ',');) cells.push_back(cell);
    ASSERT_GE(cells.size(), 10u) << lines[i];
    const long id = std::stol(cells[0]);
    ASSERT_TRUE(expected.contains(id)) << lines[i];
    EXPECT_EQ(cells[1], "USA");
    if (std::isnan(expected[id])) {
      EXPECT_EQ(cells[9], "");
    } else {
      EXPECT_NEAR(std::stod(cells[9]), expected[id], std::abs(expected[id]) * 1e-12) << lines[i];
    }
  }

  // The stream stays open with keep-alive comments until the browser leaves.
  EXPECT_TRUE(
      sse.ReadUntil([](const std::string& t) { return t.find(": ping\n\n") != std::string::npos; }, 5s));
}

TEST_F(ReportsEndToEnd, OneReportIsOneTraceAcrossBffAndReporting) {
  const auto cookie = SignIn("woman");
  SseClient sse(bff_port_, cookie);
  ASSERT_TRUE(sse.ReadUntil([](const std::string& t) { return t.starts_with(": connected\n\n"); }, 5s));
  // The browser's (or a gateway's) trace: every span of this report must hang below its span.
  const std::string trace_id = "0af7651916cd43dd8448eb211c80319c";
  const std::string client_span = "b7ad6b7169203331";
  const auto published = Call(http::Verb::post, "/api/uu/reports/publish", PublishBody("health", "USA"),
                              cookie, "00-" + trace_id + "-" + client_span + "-01");
  ASSERT_EQ(published.result(), http::Status::ok) << published.body();
  const std::string answered(published["traceparent"]);
  ASSERT_EQ(answered.size(), 55u) << "the BFF answers with its server span";
  EXPECT_EQ(answered.substr(3, 32), trace_id);
  ASSERT_TRUE(sse.WaitEvent());

  // Spans arrive within a few export intervals (100 ms) after delivery.
  std::vector<json> spans;
  auto names = [&] {
    std::multiset<std::string> out;
    for (const auto& s : spans) {
      if (s["traceId"] == trace_id)
        out.insert(s["service"].get<std::string>() + ":" + s["name"].get<std::string>());
    }
    return out;
  };
  const std::multiset<std::string> expected{
      "bff:POST /api/uu/reports/publish",         "bff:" + request_topic_ + " publish",
      "reporting:" + request_topic_ + " process", "reporting:render health",
      "reporting:" + result_topic_ + " publish",  "bff:" + result_topic_ + " deliver"};
  const auto deadline = Clock::now() + 10s;
  do {
    std::this_thread::sleep_for(100ms);
    spans = CollectedSpans();
  } while (names() != expected && Clock::now() < deadline);
  ASSERT_EQ(names(), expected) << "collected " << spans.size() << " spans";

  // One tree: exactly one span hangs below the client's, every other one below a span of the set,
  // and following parents from any span reaches the client's span (no cycles, no orphans).
  std::map<std::string, json> by_id;
  for (const auto& s : spans) {
    if (s["traceId"] == trace_id) by_id[s["spanId"]] = s;
  }
  ASSERT_EQ(by_id.size(), expected.size()) << "span ids are unique";
  int roots = 0;
  for (const auto& [id, span] : by_id) {
    const std::string parent = span["parentSpanId"];
    if (parent == client_span) {
      ++roots;
      EXPECT_EQ(span["name"], "POST /api/uu/reports/publish");
      EXPECT_EQ(span["kind"], 2);
      EXPECT_EQ(answered.substr(36, 16), id) << "the response names the server span";
    } else {
      EXPECT_TRUE(by_id.contains(parent)) << span.dump();
    }
    std::string at = id;
    for (std::size_t hops = 0; at != client_span && hops <= by_id.size(); ++hops)
      at = by_id[at]["parentSpanId"];
    EXPECT_EQ(at, client_span) << span.dump();
  }
  EXPECT_EQ(roots, 1);
  // Across the services, by parent: bff publish → reporting process → reporting publish → bff deliver.
  auto parent_name = [&](const std::string& name) {
    for (const auto& [id, span] : by_id) {
      if (span["name"] == name)
        return by_id[span["parentSpanId"].get<std::string>()]["name"].get<std::string>();
    }
    return std::string("<missing>");
  };
  EXPECT_EQ(parent_name(request_topic_ + " process"), request_topic_ + " publish");
  EXPECT_EQ(parent_name(result_topic_ + " deliver"), result_topic_ + " publish");
  EXPECT_EQ(parent_name("render health"), request_topic_ + " process");
}

TEST_F(ReportsEndToEnd, TwoUsersEachReceiveOnlyTheirOwnReport) {
  // Give user 1 (man) the Reports module for this test; restore afterwards.
  auto grant = [this](const char* modules) {
    ASSERT_TRUE(pool_->Run([&](pqxx::connection& c) {
      pqxx::work tx(c);
      tx.exec(std::string("SELECT update_user_permissions(1, 1, ") + modules + ", ARRAY[1,2])");
      tx.commit();
    }));
    ASSERT_TRUE(redis_->Del({"utils:modulePermissions:1", "utils:permissions:1"}));
  };
  grant("ARRAY[1,2,3,5]");
  const auto man = SignIn("man");
  const auto woman = SignIn("woman");
  SseClient man_sse(bff_port_, man);
  SseClient woman_sse(bff_port_, woman);
  auto a = std::async(std::launch::async, [&] { return Publish(man, "health", "FRA"); });
  auto b = std::async(std::launch::async, [&] { return Publish(woman, "economy:gdp", "DEU"); });
  EXPECT_EQ(a.get().result(), http::Status::ok);
  EXPECT_EQ(b.get().result(), http::Status::ok);
  const auto man_event = man_sse.WaitEvent();
  const auto woman_event = woman_sse.WaitEvent();
  ASSERT_TRUE(man_event) << man_sse.text();
  ASSERT_TRUE(woman_event) << woman_sse.text();
  EXPECT_EQ((*man_event)["exportID"], "health:FRA");
  EXPECT_EQ((*man_event)["userID"], 1);
  EXPECT_EQ((*woman_event)["exportID"], "economy:gdp:DEU");
  EXPECT_EQ((*woman_event)["userID"], 2);
  // Nothing else arrives on either stream.
  man_sse.ReadUntil([](const std::string&) { return false; }, 1500ms);
  woman_sse.ReadUntil([](const std::string&) { return false; }, 10ms);
  EXPECT_EQ(man_sse.Events().size(), 1u);
  EXPECT_EQ(woman_sse.Events().size(), 1u);
  grant("ARRAY[1,2,3]");
}

TEST_F(ReportsEndToEnd, AResultReadyBeforeTheBrowserSubscribesIsDelivered) {
  const auto cookie = SignIn("woman");
  ASSERT_TRUE(redis_->Del({"reporting:2:growth:gdp:ITA"}));
  ASSERT_EQ(Publish(cookie, "growth:gdp", "ITA").result(), http::Status::ok);
  // Wait until reporting stored it: the result is done before any stream exists.
  const auto deadline = Clock::now() + 20s;
  while (Clock::now() < deadline) {
    auto v = redis_->Get("reporting:2:growth:gdp:ITA");
    if (v && *v) break;
    std::this_thread::sleep_for(100ms);
  }
  SseClient sse(bff_port_, cookie);
  const auto event = sse.WaitEvent(5s);
  ASSERT_TRUE(event) << sse.text();
  EXPECT_EQ((*event)["exportID"], "growth:gdp:ITA");
  // Delivered once: a second stream of the same user does not get it again.
  SseClient again(bff_port_, cookie);
  again.ReadUntil([](const std::string&) { return false; }, 1500ms);
  EXPECT_TRUE(again.Events().empty()) << again.text();
}

TEST_F(ReportsEndToEnd, AnAcceptedRequestSurvivesAReportingCrash) {
  const auto cookie = SignIn("woman");
  reporting_->Signal(SIGKILL);
  ASSERT_TRUE(reporting_->Exited(5s));
  // Accepted by Kafka while no reporting process runs.
  SseClient sse(bff_port_, cookie);
  ASSERT_EQ(Publish(cookie, "economy:gov", "FRA").result(), http::Status::ok);
  StartReporting();  // same group: it resumes from the committed offset
  const auto event = sse.WaitEvent(40s);
  ASSERT_TRUE(event) << sse.text() << reporting_->Log();
  EXPECT_EQ((*event)["exportID"], "economy:gov:FRA");
  EXPECT_EQ((*event)["StatusCode"], 1);
}

TEST_F(ReportsEndToEnd, KafkaDownMeansQuick503AndReadsKeepWorking) {
  const auto cookie = SignIn("woman");
  ASSERT_EQ(testing::Infra("stop --only kafka"), 0);
  // Within a few probe rounds publish fails fast with 503 and publishes nothing.
  http::Response res;
  const auto deadline = Clock::now() + 20s;
  do {
    res = Publish(cookie, "health", "USA");
  } while (res.result() != http::Status::service_unavailable && Clock::now() < deadline);
  ASSERT_EQ(res.result(), http::Status::service_unavailable) << res.body();
  EXPECT_EQ(json::parse(res.body())["isSuccess"], false);
  const auto started = Clock::now();
  EXPECT_EQ(Publish(cookie, "health", "USA").result(), http::Status::service_unavailable);
  EXPECT_LT(Clock::now() - started, 1s) << "no waiting on a broker known to be down";
  EXPECT_EQ(Call(http::Verb::get, "/api/dashboard/health", "", "").result(), http::Status::ok);
  EXPECT_EQ(Call(http::Verb::get, "/api/population/country?countryCode=USA", "", cookie).result(),
            http::Status::ok);
  // Kafka returns: publishing works again and the report arrives.
  ASSERT_EQ(testing::Infra("start --only kafka"), 0);
  SseClient sse(bff_port_, cookie);
  const auto back = Clock::now() + 60s;
  do {
    res = Publish(cookie, "health", "USA");
    if (res.result() != http::Status::ok) std::this_thread::sleep_for(500ms);
  } while (res.result() != http::Status::ok && Clock::now() < back);
  ASSERT_EQ(res.result(), http::Status::ok) << res.body();
  const auto event = sse.WaitEvent(60s);
  ASSERT_TRUE(event) << sse.text();
  EXPECT_EQ((*event)["exportID"], "health:USA");
}

TEST_F(ReportsEndToEnd, AMalformedRequestIsCountedAndTheNextOneStillProcessed) {
  const auto cookie = SignIn("woman");
  {
    kafka::Producer producer(kafka::ProducerOptions{.brokers = brokers_});
    ASSERT_TRUE(producer.Send(request_topic_, "junk", "{this is not json", {}, 10s));
  }
  SseClient sse(bff_port_, cookie);
  ASSERT_EQ(Publish(cookie, "growth:population", "JPN").result(), http::Status::ok);
  const auto event = sse.WaitEvent();
  ASSERT_TRUE(event) << sse.text();
  EXPECT_EQ((*event)["exportID"], "growth:population:JPN");
  EXPECT_EQ(ReportingMetric(R"(nationpulse_reporting_requests_total{result="invalid"})"), 1);
}

TEST_F(ReportsEndToEnd, AFailedReportEndsTheStreamWithoutAnEvent) {
  // A request reporting cannot answer (an unknown table, as a client bypassing the BFF could send),
  // marked pending for user 2 as the BFF would: the failure result must close the stream, since the
  // current frontend would turn an event into a garbage export.csv (messaging.md §5.2).
  const auto cookie = SignIn("woman");
  SseClient sse(bff_port_, cookie);
  ASSERT_TRUE(sse.ReadUntil([](const std::string& t) { return t.starts_with(": connected"); }, 5s));
  const std::string rid = "e2e-fail-" + request_topic_;
  ASSERT_TRUE(redis_->HSetWithTtl("reports:pending:2", rid, "users:FRA", 60s));
  {
    kafka::Producer producer(kafka::ProducerOptions{.brokers = brokers_});
    const std::string message = R"({"exportID":"users:FRA","userID":2,"requestTableString":"users",)"
                                R"("requestCountryCode":"FRA","requestID":")" +
                                rid + R"("})";
    ASSERT_TRUE(producer.Send(request_topic_, "users:FRA", message, {}, 10s));
  }
  EXPECT_TRUE(sse.WaitClosed(30s)) << sse.text();
  EXPECT_TRUE(sse.Events().empty()) << sse.text();
  EXPECT_EQ(ReportingMetric(R"(nationpulse_reporting_requests_total{result="invalid"})"), 1);
}

TEST_F(ReportsEndToEnd, BadRequestsAreRefusedAndNothingIsPublished) {
  const auto cookie = SignIn("woman");
  struct Case {
    std::string body;
    std::string error;
  };
  const Case cases[] = {
      {"not json", "Invalid JSON: the body must be a JSON object"},
      {PublishBody("users", "FRA"), R"(unknown requestTableString "users")"},
      {PublishBody("health", "%"), "requestCountryCode must match ^[A-Za-z0-9_]{2,12}$"},
      {PublishBody("health", ""), "requestCountryCode must match ^[A-Za-z0-9_]{2,12}$"},
      {R"({"requestTableString":"health","requestCountryCode":"FRA"})",
       "exportID must be a non-empty string of at most 256 bytes"},
  };
  for (const auto& c : cases) {
    auto res = Call(http::Verb::post, "/api/uu/reports/publish", c.body, cookie);
    EXPECT_EQ(res.result(), http::Status::bad_request) << c.body;
    EXPECT_EQ(json::parse(res.body())["error"], c.error) << c.body;
  }
  // Unauthenticated: 401 for both routes, no stream.
  EXPECT_EQ(Publish("", "health", "FRA").result(), http::Status::unauthorized);
  EXPECT_EQ(Call(http::Verb::get, "/api/uu/reports/subscribe/event", "", "").result(),
            http::Status::unauthorized);
  // Streams per user are capped (2 in this test).
  SseClient one(bff_port_, cookie);
  SseClient two(bff_port_, cookie);
  SseClient three(bff_port_, cookie);
  EXPECT_EQ(three.head().result(), bhttp::status::too_many_requests);
  // Nothing reached reporting.
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(ReportingMetric(R"(nationpulse_reporting_kafka_messages_total)"), 0);
}

}  // namespace
}  // namespace nationpulse
