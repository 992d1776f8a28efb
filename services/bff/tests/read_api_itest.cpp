// The BFF read API in-process over real HTTP, Postgres (migrated + dev seed) and Redis of the
// test infrastructure. Uses an open access gate so the protected country routes can be read;
// the real binary (bff_process_itest.cpp) proves they are closed without one.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "nationpulse/cache/redis.hpp"
#include "nationpulse/db/pool.hpp"
#include "nationpulse/http/client.hpp"
#include "nationpulse/log/log.hpp"
#include "nationpulse/testing/test_env.hpp"
#include "src/app.hpp"
#include "src/read_api.hpp"

namespace nationpulse::bff {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

class OpenGate final : public AccessGate {
 public:
  std::optional<http::Response> Check(const http::Request&, http::RequestContext&) override {
    return std::nullopt;
  }
};

Settings TestSettings() {
  config::Env env;
  auto s = LoadSettings(env);
  s.http.address = "127.0.0.1";
  s.http.port = 0;
  s.grpc_address = "127.0.0.1:0";
  s.http.io_threads = 1;
  s.http.worker_threads = 4;
  s.local_cache_ttl = std::chrono::milliseconds(0);  // observe the Redis layer directly
  return s;
}

class ReadApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    testing::RequireEnv("PG_DB_ADDR");
    log::Init("bff-test", log::Level::kWarn);
  }

  void SetUp() override {
    settings_ = TestSettings();
    redis_ = std::make_unique<cache::Redis>(settings_.redis);
    ASSERT_TRUE(redis_->Ping()) << "test Redis not reachable";
    // Each test starts with a cold cache for the keys it reads.
    ASSERT_TRUE(
        redis_->Del({"population:USA", "health:USA", "economy:USA:government", "economy:USAGDP",
                     "growth:USA:GDP", "growth:USA:population", "dashboard:health", "health:ZZT",
                     "dashboard:population:" + std::to_string(CurrentUtcYear()),
                     "dashboard:GDPdata:" + std::to_string(CurrentUtcYear() - 1), "population:NOPE"}));
    app_ = std::make_unique<App>(settings_, std::make_unique<OpenGate>());
    app_->Start();
  }
  void TearDown() override { app_->Stop(); }

  http::Response Get(const std::string& target, const std::string& origin = {}) {
    http::Request req{http::Verb::get, target, 11};
    if (!origin.empty()) req.set(http::bhttp::field::origin, origin);
    auto res = http::Fetch("127.0.0.1", app_->port(), std::move(req), 5s);
    EXPECT_TRUE(res) << (res ? "" : res.error());
    return res ? *res : http::Response{};
  }

  /// Parses an envelope and checks its fixed key order.
  static json Envelope(const http::Response& res) {
    EXPECT_EQ(res[http::bhttp::field::content_type], "application/json");
    EXPECT_FALSE(res.body().empty());
    EXPECT_EQ(res.body().back(), '\n');
    auto doc = json::parse(res.body());
    EXPECT_TRUE(res.body().starts_with("{\"isSuccess\":")) << res.body();
    EXPECT_NE(res.body().find(",\"data\":"), std::string::npos);
    EXPECT_LT(res.body().find(",\"data\":"), res.body().find(",\"error\":"));
    EXPECT_EQ(doc.size(), 3u);
    return doc;
  }

  static void ExpectKeyOrder(const std::string& body, const std::vector<std::string>& keys) {
    const auto first_obj = body.find("[{");
    ASSERT_NE(first_obj, std::string::npos) << body.substr(0, 200);
    std::size_t pos = first_obj;
    for (const auto& k : keys) {
      const auto at = body.find("\"" + k + "\":", pos);
      ASSERT_NE(at, std::string::npos) << "key " << k << " missing or out of order";
      pos = at;
    }
  }

  Settings settings_;
  std::unique_ptr<cache::Redis> redis_;
  std::unique_ptr<App> app_;
};

/// YYYY-MM-DDTHH:MM:SS[.fraction without trailing zeros]Z (std::regex is avoided: GCC 12 warns
/// falsely inside it under the sanitizer preset).
bool IsRfc3339Utc(const std::string& t) {
  const std::string shape = "dddd-dd-ddTdd:dd:dd";
  if (t.size() < shape.size() + 1 || t.back() != 'Z') return false;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 'd' ? !std::isdigit(static_cast<unsigned char>(t[i])) : t[i] != shape[i]) return false;
  }
  const auto rest = t.substr(shape.size(), t.size() - shape.size() - 1);
  if (rest.empty()) return true;
  if (rest.size() < 2 || rest[0] != '.' || rest.back() == '0') return false;
  return std::all_of(rest.begin() + 1, rest.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

TEST_F(ReadApiTest, PopulationCountryRowsHaveContractShape) {
  auto res = Get("/api/population/country?countryCode=USA");
  ASSERT_EQ(res.result(), http::Status::ok) << res.body();
  auto doc = Envelope(res);
  EXPECT_EQ(doc["isSuccess"], true);
  EXPECT_TRUE(doc["error"].is_null());
  ASSERT_TRUE(doc["data"].is_array());
  ASSERT_FALSE(doc["data"].empty());
  ExpectKeyOrder(res.body(), {"id", "country_code", "country_name", "indicator_code", "indicator", "sex_code",
                              "sex_name", "age", "year", "value", "last_updated"});
  bool found_total_2022 = false;
  for (const auto& row : doc["data"]) {
    EXPECT_EQ(row.size(), 11u);
    EXPECT_TRUE(row["id"].is_number_integer());
    EXPECT_EQ(row["country_code"], "USA");
    EXPECT_EQ(row["country_name"], "United States");
    EXPECT_TRUE(row["year"].is_number_integer());
    EXPECT_TRUE(row["value"].is_number());
    EXPECT_TRUE(IsRfc3339Utc(row["last_updated"].get<std::string>())) << row["last_updated"];
    if (row["age"] == "Total" && row["year"] == 2022) {
      found_total_2022 = true;
      EXPECT_EQ(row["value"], 333287557);
    }
  }
  EXPECT_TRUE(found_total_2022);
  // Integral floats print without a fraction, as the Go original's encoder does.
  EXPECT_NE(res.body().find("\"value\":333287557,"), std::string::npos);
}

TEST_F(ReadApiTest, HealthRowsUseUnitRangeAndIntegerYear) {
  auto res = Get("/api/health/country?countryCode=USA");
  ASSERT_EQ(res.result(), http::Status::ok) << res.body();
  auto doc = Envelope(res);
  ExpectKeyOrder(res.body(), {"id", "country_code", "country_name", "indicator_code", "indicator", "sex_code",
                              "sex_name", "cause", "unitRange", "year", "value", "last_updated"});
  std::set<std::string> sexes;
  for (const auto& row : doc["data"]) {
    EXPECT_EQ(row.size(), 12u);
    EXPECT_TRUE(row.contains("unitRange"));
    EXPECT_FALSE(row.contains("unit_range"));
    EXPECT_TRUE(row["year"].is_number_integer());
    sexes.insert(row["sex_code"]);
  }
  EXPECT_EQ(sexes, (std::set<std::string>{"F", "M", "_T"}));
  EXPECT_NE(res.body().find("\"value\":78.4,"), std::string::npos);
}

TEST_F(ReadApiTest, EconomyAndGrowthRowsHaveStringYear) {
  for (const char* path : {"/api/economy/governmentdata/country", "/api/economy/gdp/country",
                           "/api/growth/gdp/country", "/api/growth/population/country"}) {
    SCOPED_TRACE(path);
    auto res = Get(std::string(path) + "?countryCode=USA");
    ASSERT_EQ(res.result(), http::Status::ok) << res.body();
    auto doc = Envelope(res);
    ASSERT_FALSE(doc["data"].empty());
    ExpectKeyOrder(res.body(), {"id", "country_code", "country_name", "indicator_code", "indicator", "year",
                                "value", "last_updated"});
    for (const auto& row : doc["data"]) {
      EXPECT_EQ(row.size(), 8u);
      EXPECT_TRUE(row["year"].is_string());
      EXPECT_TRUE(row["value"].is_number() || row["value"].is_null());
    }
  }
  // Large values stay in plain decimal (Go switches to exponent form only from 1e21).
  auto growth = Get("/api/growth/gdp/country?countryCode=USA");
  EXPECT_NE(growth.body().find("\"value\":25730791311746.5,"), std::string::npos) << growth.body();
}

TEST_F(ReadApiTest, DashboardsHaveTheirOwnShapes) {
  auto pop = Get("/api/dashboard/population");
  ASSERT_EQ(pop.result(), http::Status::ok) << pop.body();
  auto pop_doc = Envelope(pop);
  ASSERT_EQ(pop_doc["data"].size(), 10u);
  ExpectKeyOrder(pop.body(),
                 {"country_code", "country_name", "indicator", "indicator_code", "year", "value"});
  EXPECT_EQ(pop_doc["data"][0]["country_code"], "USA");  // largest population of the seed
  EXPECT_TRUE(pop_doc["data"][0]["year"].is_number_integer());
  for (std::size_t i = 1; i < pop_doc["data"].size(); ++i) {
    EXPECT_GE(pop_doc["data"][i - 1]["value"].get<double>(), pop_doc["data"][i]["value"].get<double>());
  }

  auto health = Get("/api/dashboard/health");
  ASSERT_EQ(health.result(), http::Status::ok);
  auto health_doc = Envelope(health);
  ASSERT_FALSE(health_doc["data"].empty());
  ExpectKeyOrder(health.body(), {"country_code", "country_name", "indicator", "indicator_code", "year",
                                 "value", "sex_name", "cause", "unitRange"});
  EXPECT_TRUE(health_doc["data"][0]["year"].is_number_integer());

  auto gdp = Get("/api/dashboard/gdp");
  ASSERT_EQ(gdp.result(), http::Status::ok);
  auto gdp_doc = Envelope(gdp);
  ASSERT_EQ(gdp_doc["data"].size(), 10u);
  EXPECT_TRUE(gdp_doc["data"][0]["year"].is_string());
  ExpectKeyOrder(gdp.body(),
                 {"country_code", "country_name", "indicator", "indicator_code", "year", "value"});
}

TEST_F(ReadApiTest, SecondReadIsACacheHitWithTheSameBody) {
  auto first = Get("/api/health/country?countryCode=USA");
  auto stored = redis_->Get("health:USA");
  ASSERT_TRUE(stored);
  ASSERT_TRUE(stored->has_value()) << "the miss must populate the cache";
  EXPECT_EQ(json::parse(**stored), json::parse(first.body())["data"]);

  // Prove the second answer comes from Redis: plant a different (valid) value under the key.
  ASSERT_TRUE(redis_->SetEx("health:USA", R"([{"planted":true}])", 60s));
  auto second = Get("/api/health/country?countryCode=USA");
  EXPECT_EQ(second.body(), "{\"isSuccess\":true,\"data\":[{\"planted\":true}],\"error\":null}\n");

  // A corrupt cached value is treated as a miss and replaced.
  ASSERT_TRUE(redis_->SetEx("health:USA", "{not json", 60s));
  auto third = Get("/api/health/country?countryCode=USA");
  EXPECT_EQ(third.body(), first.body());

  auto metrics = Get("/metrics");
  EXPECT_NE(metrics.body().find("nationpulse_bff_cache_requests_total{result=\"hit\"} 1"), std::string::npos)
      << metrics.body();
  EXPECT_NE(metrics.body().find("nationpulse_bff_cache_requests_total{result=\"invalid\"} 1"),
            std::string::npos);
}

TEST_F(ReadApiTest, LocalCacheAnswersHotKeysWithoutRedis) {
  app_->Stop();
  settings_.local_cache_ttl = 60s;
  app_ = std::make_unique<App>(settings_, std::make_unique<OpenGate>());
  app_->Start();
  auto first = Get("/api/health/country?countryCode=USA");
  ASSERT_TRUE(redis_->SetEx("health:USA", R"([{"planted":true}])", 60s));
  auto second = Get("/api/health/country?countryCode=USA");
  EXPECT_EQ(second.body(), first.body());  // served from process memory, Redis not consulted
  auto metrics = Get("/metrics");
  EXPECT_NE(metrics.body().find("nationpulse_bff_cache_requests_total{result=\"local_hit\"} 1"),
            std::string::npos)
      << metrics.body();
}

TEST_F(ReadApiTest, HotDashboardIsServedFromProcessMemory) {
  app_->Stop();
  settings_.local_cache_ttl = 60s;
  app_ = std::make_unique<App>(settings_, std::make_unique<OpenGate>());
  app_->Start();
  auto first = Get("/api/dashboard/health", "http://localhost:5173");
  ASSERT_EQ(first.result(), http::Status::ok);
  ASSERT_TRUE(redis_->Del({"dashboard:health"}));
  auto second = Get("/api/dashboard/health", "http://localhost:5173");
  EXPECT_EQ(second.body(), first.body());
  EXPECT_EQ(second[http::bhttp::field::access_control_allow_origin], "http://localhost:5173");
  auto metrics = Get("/metrics").body();
  EXPECT_NE(metrics.find("nationpulse_bff_cache_requests_total{result=\"local_hit\"} 1"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find(R"(http_requests_total{method="GET",path="/api/dashboard/health",status="200"} 2)"),
            std::string::npos);
}

TEST_F(ReadApiTest, CacheCanBeTurnedOff) {
  app_->Stop();
  settings_.cache_enabled = false;
  app_ = std::make_unique<App>(settings_, std::make_unique<OpenGate>());
  app_->Start();
  ASSERT_TRUE(redis_->SetEx("health:USA", R"([{"planted":true}])", 60s));
  auto res = Get("/api/health/country?countryCode=USA");
  ASSERT_EQ(res.result(), http::Status::ok);
  EXPECT_EQ(res.body().find("planted"), std::string::npos);
  EXPECT_NE(res.body().find("\"country_code\":\"USA\""), std::string::npos);
}

TEST_F(ReadApiTest, EmptyResultIsAnEmptyArrayAndNotCached) {
  auto res = Get("/api/population/country?countryCode=NOPE");
  ASSERT_EQ(res.result(), http::Status::ok);
  EXPECT_EQ(res.body(), "{\"isSuccess\":true,\"data\":[],\"error\":null}\n");
  auto stored = redis_->Get("population:NOPE");
  ASSERT_TRUE(stored);
  EXPECT_FALSE(stored->has_value());
}

TEST_F(ReadApiTest, NullValueIsJsonNull) {
  db::Pool pool(settings_.postgres);
  auto inserted = pool.Run([](pqxx::connection& c) {
    pqxx::work tx(c);
    tx.exec("DELETE FROM htable WHERE country_code = 'ZZT'");
    tx.exec(
        "INSERT INTO htable (country_code, country_name, indicator_code, indicator, sex_code, sex_name, "
        "cause, "
        "unit_range, year, value) VALUES ('ZZT','Testland','LFEXP','Life expectancy','_T','Total','Not "
        "applicable','Years',2020,NULL)");
    tx.commit();
  });
  ASSERT_TRUE(inserted) << inserted.error().message;
  auto res = Get("/api/health/country?countryCode=ZZT");
  ASSERT_EQ(res.result(), http::Status::ok) << res.body();
  EXPECT_NE(res.body().find("\"year\":2020,\"value\":null,"), std::string::npos) << res.body();
  ASSERT_TRUE(pool.Run([](pqxx::connection& c) {
    pqxx::work tx(c);
    tx.exec("DELETE FROM htable WHERE country_code = 'ZZT'");
    tx.commit();
  }));
}

TEST_F(ReadApiTest, BadCountryCodeIs400WithEnvelope) {
  for (const char* target :
       {"/api/health/country", "/api/health/country?countryCode=", "/api/health/country?countryCode=%25",
        "/api/health/country?countryCode=US_%25", "/api/population/country?countryCode=USA%27--",
        "/api/growth/gdp/country?countryCode=ABCDEFGHIJKLMN"}) {
    SCOPED_TRACE(target);
    auto res = Get(target);
    EXPECT_EQ(res.result(), http::Status::bad_request);
    auto doc = Envelope(res);
    EXPECT_EQ(doc["isSuccess"], false);
    EXPECT_TRUE(doc["data"].is_null());
    EXPECT_TRUE(doc["error"].is_string());
  }
}

TEST_F(ReadApiTest, UnknownRoutesAre404AndWrongMethods405) {
  auto nf = Get("/api/dashboard/whatever");
  EXPECT_EQ(nf.result(), http::Status::not_found);
  EXPECT_EQ(Envelope(nf)["error"], "404 page not found");
  EXPECT_EQ(Get("/nothing/here").result(), http::Status::not_found);
  auto na =
      http::Fetch("127.0.0.1", app_->port(), http::Request{http::Verb::post, "/api/dashboard/gdp", 11}, 2s);
  ASSERT_TRUE(na);
  EXPECT_EQ(na->result(), http::Status::method_not_allowed);
  EXPECT_EQ((*na)[http::bhttp::field::allow], "GET, HEAD");
  EXPECT_EQ(Envelope(*na)["isSuccess"], false);
}

TEST_F(ReadApiTest, CorsForTheFrontendOriginOnly) {
  auto ok = Get("/api/dashboard/health", "http://localhost:5173");
  EXPECT_EQ(ok[http::bhttp::field::access_control_allow_origin], "http://localhost:5173");
  EXPECT_EQ(ok[http::bhttp::field::access_control_allow_credentials], "true");
  EXPECT_EQ(ok[http::bhttp::field::vary], "Origin");
  auto evil = Get("/api/dashboard/health", "http://evil.example");
  EXPECT_EQ(evil.result(), http::Status::ok);
  EXPECT_EQ(evil.count(http::bhttp::field::access_control_allow_origin), 0u);
  http::Request preflight{http::Verb::options, "/api/health/country?countryCode=USA", 11};
  preflight.set(http::bhttp::field::origin, "http://localhost:5173");
  preflight.set(http::bhttp::field::access_control_request_method, "GET");
  auto pre = http::Fetch("127.0.0.1", app_->port(), std::move(preflight), 2s);
  ASSERT_TRUE(pre);
  EXPECT_EQ(pre->result(), http::Status::no_content);
  EXPECT_EQ((*pre)[http::bhttp::field::access_control_allow_methods], "GET, POST, OPTIONS");
}

TEST_F(ReadApiTest, ProbesAndMetrics) {
  auto live = Get("/livez");
  EXPECT_EQ(live.result(), http::Status::ok);
  EXPECT_EQ(live.body(), "{\"isSuccess\":true,\"data\":{\"status\":\"ok\"},\"error\":null}\n");
  auto ready = Get("/readyz");
  EXPECT_EQ(ready.result(), http::Status::ok);
  EXPECT_EQ(json::parse(ready.body())["data"], json::parse(R"({"postgres":"ok","redis":"ok","kafka":"ok"})"));
  Get("/api/health/country?countryCode=%25");
  auto metrics = Get("/metrics");
  EXPECT_EQ(metrics[http::bhttp::field::content_type], "text/plain; version=0.0.4; charset=utf-8");
  const auto& text = metrics.body();
  EXPECT_NE(text.find(R"(http_requests_total{method="GET",path="/api/health/country",status="400"} 1)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("# TYPE http_request_duration_seconds histogram"), std::string::npos);
  EXPECT_NE(text.find("nationpulse_bff_db_pool_connections{state=\"open\"}"), std::string::npos);
  EXPECT_EQ(text.find("/metrics"), std::string::npos);  // /metrics itself bypasses the chain
}

}  // namespace
}  // namespace nationpulse::bff
