// The ingestion service in-process against the real Postgres of the test infrastructure (its own database,
// NP_INGESTION_TEST_DB, so whole-table replacements do not disturb other suites), fed by the committed
// snapshot and by a fault-injecting HTTP server.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <pqxx/nontransaction>
#include <set>
#include <sstream>
#include <thread>

#include "nationpulse/db/settings.hpp"
#include "nationpulse/http/client.hpp"
#include "nationpulse/log/log.hpp"
#include "nationpulse/proto/data_ingestion.grpc.pb.h"
#include "nationpulse/testing/child_process.hpp"
#include "nationpulse/testing/fault_server.hpp"
#include "nationpulse/testing/test_env.hpp"
#include "nationpulse/trace/exporter.hpp"
#include "service.hpp"

namespace nationpulse::ingestion {
namespace {

using namespace std::chrono_literals;
using testing::FaultResponse;
using testing::FaultServer;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// The first `rows` data rows of a CSV (header kept).
std::string FirstRows(const std::string& csv, std::size_t rows) {
  std::size_t at = 0;
  for (std::size_t i = 0; i <= rows && at != std::string::npos; ++i) {
    at = csv.find('\n', at);
    if (at != std::string::npos) ++at;
  }
  return at == std::string::npos ? csv : csv.substr(0, at);
}

struct Call {
  grpc::Status status;
  std::vector<dataIngestion::NotifyBFFResponse> messages;
};

const std::map<std::string, std::size_t> kSnapshotRows{{"poptable", 16224}, {"htable", 1970},
                                                       {"egdptable", 480},  {"egovtable", 576},
                                                       {"ggdptable", 4},    {"gpopulationtable", 1352}};

class IngestionIntegration : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { log::Init("ingestion-itest", log::Level::kError); }

  void SetUp() override {
    env_vars_ = {{"PG_DB_NAME", testing::RequireEnv("NP_INGESTION_TEST_DB")},
                 {"GRPC_ADDRESS", "127.0.0.1"},
                 {"GRPC_PORT", "0"},
                 {"HTTP_ADDRESS", "127.0.0.1"},
                 {"METRICS_PORT", "0"},
                 {"DELAY_BETWEEN_REQUESTS", "0"},
                 {"SHUTDOWN_TIMEOUT", "5s"}};
    for (const char* name : {"PG_DB_ADDR", "PG_DB_USER", "PG_DB_PASS"})
      env_vars_[name] = testing::RequireEnv(name);
    config::Env env(config::Env::Vars{env_vars_.begin(), env_vars_.end()});
    std::vector<std::string> errors;
    pool_ = std::make_unique<db::Pool>(db::PoolOptionsFromEnv(env, "ingestion-itest", errors));
  }
  void TearDown() override {
    if (service_) service_->Stop();
  }

  void StartService(std::map<std::string, std::string> extra) {
    if (service_) service_->Stop();
    auto vars = env_vars_;
    for (auto& [k, v] : extra) vars[k] = v;
    config::Env env(config::Env::Vars{vars.begin(), vars.end()});
    service_ = std::make_unique<IngestionService>(LoadSettings(env));
    service_->Start();
  }

  Call Notify(std::chrono::seconds deadline = 120s, const std::string& traceparent = "") {
    auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(service_->grpc_port()),
                                       grpc::InsecureChannelCredentials());
    auto stub = dataIngestion::DataIngestion::NewStub(channel);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + deadline);
    if (!traceparent.empty()) ctx.AddMetadata("traceparent", traceparent);
    dataIngestion::NotifyBFFRequest req;
    auto reader = stub->NotifyBFF(&ctx, req);
    Call call;
    for (dataIngestion::NotifyBFFResponse msg; reader->Read(&msg);) call.messages.push_back(msg);
    call.status = reader->Finish();
    return call;
  }

  std::size_t Count(const std::string& sql) {
    auto n = pool_->Run([&](pqxx::connection& c) {
      pqxx::nontransaction tx(c);
      return tx.exec1(sql)[0].as<std::size_t>();
    });
    EXPECT_TRUE(n) << n.error().message;
    return n ? *n : 0;
  }

  void LoadSnapshot() {
    StartService({{"SNAPSHOT_DIR", NP_SNAPSHOT_DIR}});
    const auto call = Notify();
    ASSERT_TRUE(call.status.ok()) << call.status.error_message();
    ASSERT_FALSE(call.messages.empty());
    ASSERT_EQ(call.messages.back().type(), dataIngestion::SUCCESS) << call.messages.back().message();
  }

  std::map<std::string, std::string> env_vars_;
  std::unique_ptr<db::Pool> pool_;
  std::unique_ptr<IngestionService> service_;
};

TEST_F(IngestionIntegration, TheSnapshotLoadsEveryFeedThroughGrpc) {
  StartService({{"SNAPSHOT_DIR", NP_SNAPSHOT_DIR}});
  const std::size_t logs_before = Count("SELECT count(*) FROM jobschedulelogs");
  for (int run = 0; run < 2; ++run) {  // the second run replaces, never appends
    const auto call = Notify();
    ASSERT_TRUE(call.status.ok()) << call.status.error_message();
    ASSERT_EQ(call.messages.size(), 7u) << "one progress message per feed, then the final one";
    const char* feeds[] = {"Population", "Health",    "EconomyGDP",
                           "EconomyGov", "GrowthGDP", "GrowthPopulation"};
    for (std::size_t i = 0; i < 6; ++i) {
      EXPECT_EQ(call.messages[i].type(), dataIngestion::SUCCESS) << call.messages[i].message();
      EXPECT_TRUE(call.messages[i].message().starts_with(std::string(feeds[i]) + ": "))
          << call.messages[i].message();
      EXPECT_FALSE(call.messages[i].has_completed_at());
    }
    const auto& last = call.messages.back();
    EXPECT_EQ(last.type(), dataIngestion::SUCCESS);
    EXPECT_EQ(last.message(), "All jobs processed successfully");
    EXPECT_TRUE(last.has_created_at());
    EXPECT_TRUE(last.has_completed_at());
    EXPECT_LE(last.created_at().seconds(), last.completed_at().seconds());
    for (const auto& [table, rows] : kSnapshotRows)
      EXPECT_EQ(Count("SELECT count(*) FROM " + table), rows) << table;
  }
  // Empty OBS_VALUE is NULL (two in the government debt file), never 0.
  EXPECT_EQ(Count("SELECT count(*) FROM egovtable WHERE value IS NULL"), 2u);
  EXPECT_EQ(Count("SELECT count(*) FROM jobschedulelogs"), logs_before + 2);
  EXPECT_EQ(Count("SELECT type FROM jobschedulelogs ORDER BY id DESC LIMIT 1"), 1u);
  // The getters survive (the original dropped them with CASCADE, D-30).
  EXPECT_GT(Count("SELECT count(*) FROM getpopulationofcountry('USA')"), 0u);
}

TEST_F(IngestionIntegration, AJobContinuesTheCallersTraceWithASpanPerFeed) {
  struct Recorder : trace::Exporter {
    void Export(trace::SpanData span) override {
      std::lock_guard lock(mutex);
      spans.push_back(std::move(span));
    }
    std::mutex mutex;
    std::vector<trace::SpanData> spans;
  };
  auto recorder = std::make_shared<Recorder>();
  trace::SetExporter(recorder);
  StartService({{"SNAPSHOT_DIR", NP_SNAPSHOT_DIR}});
  const std::string caller = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  const auto call = Notify(120s, caller);
  service_.reset();  // every span has ended
  trace::SetExporter(nullptr);
  ASSERT_TRUE(call.status.ok());
  ASSERT_EQ(call.messages.back().type(), dataIngestion::SUCCESS);

  const auto parent = *trace::SpanContext::FromTraceparent(caller);
  const trace::SpanData* server = nullptr;
  for (const auto& s : recorder->spans) {
    if (s.name == "dataIngestion.DataIngestion/NotifyBFF") server = &s;
  }
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(server->kind, trace::SpanKind::kServer);
  EXPECT_EQ(server->context.trace_id, parent.trace_id);
  EXPECT_EQ(server->parent_span_id, parent.span_id);
  std::set<std::string> feeds;
  for (const auto& s : recorder->spans) {
    if (!s.name.starts_with("ingest ")) continue;
    EXPECT_EQ(s.parent_span_id, server->context.span_id) << s.name;
    EXPECT_FALSE(s.error) << s.name << ": " << s.status_message;
    feeds.insert(s.name);
  }
  EXPECT_EQ(feeds.size(), 6u);
}

TEST_F(IngestionIntegration, EachFaultLeavesThePreviousRowsAndNamesTheFeed) {
  LoadSnapshot();
  FaultServer server;
  const std::string gdp = ReadFile(std::string(NP_SNAPSHOT_DIR) + "/economy-gdp.csv");
  const std::string population = ReadFile(std::string(NP_SNAPSHOT_DIR) + "/population.csv");
  server.Script("/data/population", {FaultResponse::Stall(population, 100, 3s)});  // stalls: FAILED
  server.Script("/data/health", {FaultResponse::Status(500, "upstream down")});    // always 500: FAILED
  server.Script("/data/gdp", {FaultResponse::Status(429, "slow down", 0),          // 429 then 200: OK
                              FaultResponse::Ok(FirstRows(gdp, 3))});
  server.Script("/data/gov", {FaultResponse::Truncated(gdp, 50)});  // truncated: FAILED
  server.Script(
      "/data/growth-gdp",  // wrong columns: FAILED
      {FaultResponse::Ok("REF_AREA,Reference area,MEASURE,Measure,TIME_PERIOD,VALUE\nUSA,US,X,x,2020,1\n")});
  server.Script("/data/growth-pop", {FaultResponse::Ok("REF_AREA,Reference area,MEASURE,Measure,TIME_PERIOD,"
                                                       "OBS_VALUE\n")});  // header only: FAILED (D-35)
  StartService({{"BASE_URL", server.Url("/data")},
                {"POPULATION_INDICATOR", "population"},
                {"HEALTH_INDICATOR", "health"},
                {"ECONOMY_GDP_INDICATOR", "gdp"},
                {"ECONOMY_GOV_INDICATOR", "gov"},
                {"GROWTH_GDP_INDICATOR", "growth-gdp"},
                {"GROWTH_POPULATION_INDICATOR", "growth-pop"},
                {"DELAY_BETWEEN_REQUESTS", "150ms"},
                {"FETCH_ATTEMPTS", "2"},
                {"FETCH_BACKOFF_INITIAL", "50ms"},
                {"FETCH_STALL_TIMEOUT", "300ms"}});
  const auto call = Notify();
  ASSERT_TRUE(call.status.ok()) << call.status.error_message();
  ASSERT_EQ(call.messages.size(), 7u);
  const auto& last = call.messages.back();
  EXPECT_EQ(last.type(), dataIngestion::FAILED);
  EXPECT_TRUE(last.message().starts_with("5 of 6 feeds failed")) << last.message();
  for (const char* feed : {"Population: ", "Health: ", "EconomyGov: ", "GrowthGDP: ", "GrowthPopulation: "}) {
    EXPECT_NE(last.message().find(feed), std::string::npos) << feed << " in " << last.message();
  }
  EXPECT_EQ(last.message().find("EconomyGDP: "), std::string::npos) << last.message();
  EXPECT_NE(last.message().find("OBS_VALUE"), std::string::npos) << "the missing column is named (D-34)";
  EXPECT_NE(last.message().find("no data rows"), std::string::npos) << last.message();
  EXPECT_NE(last.message().find("500"), std::string::npos) << last.message();
  EXPECT_EQ(call.messages[2].type(), dataIngestion::SUCCESS) << call.messages[2].message();

  // Failed feeds kept their rows; the one good feed was replaced.
  for (const auto& [table, rows] : kSnapshotRows) {
    if (table == "egdptable") continue;
    EXPECT_EQ(Count("SELECT count(*) FROM " + table), rows) << table;
  }
  EXPECT_EQ(Count("SELECT count(*) FROM egdptable"), 3u);
  EXPECT_EQ(Count("SELECT type FROM jobschedulelogs ORDER BY id DESC LIMIT 1"), 0u);
  // The 429 was retried; requests are spaced by DELAY_BETWEEN_REQUESTS between feeds; startPeriod is sent.
  EXPECT_EQ(server.Requests("/data/gdp").size(), 2u);
  const auto health = server.Requests("/data/health");
  const auto gdp_requests = server.Requests("/data/gdp");
  ASSERT_FALSE(health.empty());
  EXPECT_GE(gdp_requests.front().at - health.back().at, 140ms);
  EXPECT_TRUE(gdp_requests.front().query.starts_with("startPeriod=")) << gdp_requests.front().query;
  EXPECT_NE(gdp_requests.front().query.find("format=csvfilewithlabels"), std::string::npos);
}

TEST_F(IngestionIntegration, ASecondTriggerWhileAJobRunsIsRefusedAtOnce) {
  FaultServer server;
  const std::string gdp = ReadFile(std::string(NP_SNAPSHOT_DIR) + "/economy-gdp.csv");
  // Population arrives slowly (about 1.5 s), the rest at once.
  server.Script(
      "/data/population",
      {FaultResponse::Slow(FirstRows(ReadFile(std::string(NP_SNAPSHOT_DIR) + "/population.csv"), 200), 1024,
                           100ms)});
  for (const char* p : {"/data/health", "/data/gdp", "/data/gov", "/data/growth-gdp", "/data/growth-pop"}) {
    server.Script(p, {FaultResponse::Status(404, "none")});
  }
  StartService({{"BASE_URL", server.Url("/data")},
                {"POPULATION_INDICATOR", "population"},
                {"HEALTH_INDICATOR", "health"},
                {"ECONOMY_GDP_INDICATOR", "gdp"},
                {"ECONOMY_GOV_INDICATOR", "gov"},
                {"GROWTH_GDP_INDICATOR", "growth-gdp"},
                {"GROWTH_POPULATION_INDICATOR", "growth-pop"}});
  auto first = std::async(std::launch::async, [this] { return Notify(); });
  ASSERT_TRUE(server.WaitForRequests("/data/population", 1, 5s));
  const auto started = std::chrono::steady_clock::now();
  const auto second = Notify();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s) << "refused at once, not queued";
  ASSERT_TRUE(second.status.ok());
  ASSERT_EQ(second.messages.size(), 1u);
  EXPECT_EQ(second.messages[0].type(), dataIngestion::FAILED);
  EXPECT_EQ(second.messages[0].message(), "ingestion already running");
  const auto done = first.get();
  ASSERT_TRUE(done.status.ok());
  EXPECT_EQ(done.messages.size(), 7u);
  EXPECT_EQ(done.messages[0].type(), dataIngestion::SUCCESS) << done.messages[0].message();
  EXPECT_EQ(Count("SELECT count(*) FROM poptable"), 200u);
}

TEST_F(IngestionIntegration, ReadersSeeOnlyWholeTablesWhileJobsRun) {
  LoadSnapshot();
  FaultServer server;
  const std::string population = ReadFile(std::string(NP_SNAPSHOT_DIR) + "/population.csv");
  server.Script("/data/population", {FaultResponse::Ok(FirstRows(population, 5000))});
  for (const char* p : {"/data/health", "/data/gdp", "/data/gov", "/data/growth-gdp", "/data/growth-pop"}) {
    server.Script(p, {FaultResponse::Status(404, "none")});
  }
  // The BFF on the same database, caches off: what a browser would get during the loads.
  const std::uint16_t bff_port = testing::FreePort();
  testing::ChildProcess bff(
      NP_BFF_BINARY,
      {"PORT=" + std::to_string(bff_port), "BFF_LISTEN_ADDRESS=127.0.0.1", "GRPC_ADDRESS=127.0.0.1",
       "GRPC_PORT=0", "PG_DB_NAME=" + env_vars_["PG_DB_NAME"], "CACHE_ENABLED=false", "CACHE_LOCAL_TTL=0",
       "AUTH_ALLOW_PASSWORDLESS=true", "LOG_LEVEL=error"});
  std::string cookie;
  for (auto deadline = std::chrono::steady_clock::now() + 15s; cookie.empty();) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << bff.Log();
    http::Request signin{http::Verb::post, "/api/u/signin", 11};
    signin.set(http::bhttp::field::content_type, "application/json");
    signin.body() = R"({"name":"woman","email":"woman@edu.io"})";
    auto res = http::Fetch("127.0.0.1", bff_port, signin, 2s);
    if (!res || res->result() != http::Status::ok) {
      std::this_thread::sleep_for(100ms);
      continue;
    }
    for (const auto& f : *res) {
      if (f.name() != http::bhttp::field::set_cookie) continue;
      if (!cookie.empty()) cookie += "; ";
      cookie += std::string(f.value().substr(0, f.value().find(';')));
    }
  }
  std::atomic<bool> stop{false};
  std::set<std::size_t> seen;
  std::size_t reads = 0;
  std::set<std::string> bff_answers;  // "<status>:<rows>"
  std::mutex errors_mutex;
  std::set<std::string> read_errors;  // a swap must never make a reader's query fail
  std::thread browser([&] {
    while (!stop) {
      http::Request get{http::Verb::get, "/api/population/country?countryCode=EST", 11};
      get.set(http::bhttp::field::cookie, cookie);
      auto res = http::Fetch("127.0.0.1", bff_port, get, 5s);
      if (!res) {
        bff_answers.insert("error:" + res.error());
        continue;
      }
      const auto doc = nlohmann::json::parse(res->body(), nullptr, false);
      const auto rows = doc.is_object() && doc["data"].is_array() ? doc["data"].size() : 0;
      bff_answers.insert(std::to_string(res->result_int()) + ":" + std::to_string(rows));
    }
  });
  std::thread reader([&] {
    config::Env env(config::Env::Vars{env_vars_.begin(), env_vars_.end()});
    std::vector<std::string> errors;
    db::Pool pool(db::PoolOptionsFromEnv(env, "ingestion-reader", errors));
    while (!stop) {
      auto n = pool.Run([](pqxx::connection& c) {
        pqxx::nontransaction tx(c);
        return tx.exec1("SELECT count(*) FROM poptable")[0].as<std::size_t>();
      });
      if (n) {
        seen.insert(*n);
      } else {
        std::lock_guard lock(errors_mutex);
        read_errors.insert(n.error().message);
      }
      ++reads;
    }
  });
  // Alternate between the full snapshot and a 5000-row feed, three times each.
  for (int i = 0; i < 3; ++i) {
    StartService({{"BASE_URL", server.Url("/data")},
                  {"POPULATION_INDICATOR", "population"},
                  {"HEALTH_INDICATOR", "health"},
                  {"ECONOMY_GDP_INDICATOR", "gdp"},
                  {"ECONOMY_GOV_INDICATOR", "gov"},
                  {"GROWTH_GDP_INDICATOR", "growth-gdp"},
                  {"GROWTH_POPULATION_INDICATOR", "growth-pop"}});
    ASSERT_TRUE(Notify().status.ok());
    StartService({{"SNAPSHOT_DIR", NP_SNAPSHOT_DIR}});
    ASSERT_TRUE(Notify().status.ok());
  }
  stop = true;
  reader.join();
  browser.join();
  EXPECT_GT(reads, 20u);
  // Never a 5xx, never an empty array (EST is in both datasets).
  EXPECT_FALSE(bff_answers.empty());
  for (const auto& answer : bff_answers) {
    EXPECT_TRUE(answer.starts_with("200:") && answer != "200:0") << answer;
  }
  EXPECT_EQ(seen, (std::set<std::size_t>{5000, 16224})) << "only whole tables, never empty or partial";
  EXPECT_TRUE(read_errors.empty()) << *read_errors.begin();
}

/// One row per index, constraint, grant and comment of a table, as the catalog describes it.
std::set<std::string> Definition(db::Pool& pool, const std::string& table) {
  std::set<std::string> out;
  auto got = pool.Run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    const auto quoted = tx.quote(table);
    for (const auto& row : tx.exec("SELECT indexdef FROM pg_indexes WHERE tablename = " + quoted))
      out.insert("index " + row[0].as<std::string>());
    for (const auto& row : tx.exec("SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint "
                                   "WHERE conrelid = " +
                                   quoted + "::regclass"))
      out.insert("constraint " + row[0].as<std::string>());
    for (const auto& row :
         tx.exec("SELECT coalesce(relacl::text, '') || ' ' || pg_get_userbyid(relowner) || ' ' || "
                 "coalesce(obj_description(oid, 'pg_class'), '') FROM pg_class WHERE oid = " +
                 quoted + "::regclass"))
      out.insert("acl " + row[0].as<std::string>());
    for (const auto& row : tx.exec("SELECT pg_get_serial_sequence(" + quoted + ", 'id')"))
      out.insert("sequence " + row[0].as<std::string>());
    return 0;
  });
  EXPECT_TRUE(got) << got.error().message;
  return out;
}

TEST_F(IngestionIntegration, TheSwapKeepsTheTableDefinitionGettersAndIds) {
  LoadSnapshot();
  // What an operator may have added: a grant and a comment must survive the swap too.
  auto prepared = pool_->Run([](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    tx.exec(
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'np_itest_reader') THEN "
        "CREATE ROLE np_itest_reader; END IF; END $$");
    tx.exec("GRANT SELECT ON poptable TO np_itest_reader");
    tx.exec("COMMENT ON TABLE poptable IS 'population, one row per observation'");
    return 0;
  });
  ASSERT_TRUE(prepared) << prepared.error().message;
  std::map<std::string, std::set<std::string>> before;
  for (const auto& [table, rows] : kSnapshotRows) before[table] = Definition(*pool_, table);
  const std::size_t getters = Count(
      "SELECT sum(oid::bigint) FROM pg_proc WHERE proname IN ('getpopulationofcountry', "
      "'gethealthcasesbycountry', 'geteconomygovenmentbycountry', 'geteconomygdpbycountry', "
      "'getgrowthgdpofcountry', 'getgrowthpopnbycountry')");
  const std::size_t last_id = Count("SELECT max(id) FROM poptable");

  LoadSnapshot();
  for (const auto& [table, rows] : kSnapshotRows) {
    EXPECT_EQ(Definition(*pool_, table), before[table]) << table;
    EXPECT_EQ(Count("SELECT count(*) FROM " + table), rows) << table;
  }
  EXPECT_EQ(Count("SELECT count(*) FROM pg_class WHERE oid = 'poptable'::regclass "
                  "AND has_table_privilege('np_itest_reader', oid, 'SELECT') "
                  "AND obj_description(oid, 'pg_class') = 'population, one row per observation'"),
            1u);
  EXPECT_EQ(Count("SELECT sum(oid::bigint) FROM pg_proc WHERE proname IN ('getpopulationofcountry', "
                  "'gethealthcasesbycountry', 'geteconomygovenmentbycountry', 'geteconomygdpbycountry', "
                  "'getgrowthgdpofcountry', 'getgrowthpopnbycountry')"),
            getters)
      << "the getters are the same functions, never dropped and re-created";
  EXPECT_GT(Count("SELECT min(id) FROM poptable"), last_id) << "ids continue, never reused";
  EXPECT_EQ(Count("SELECT count(*) FROM pg_class WHERE relname LIKE 'np\\_load\\_%'"), 0u);
}

TEST_F(IngestionIntegration, EveryReaderFunctionIsInlinedSoItNeverSeesAnEmptySwappedTable) {
  LoadSnapshot();
  // A reader that waited on the swap's lock reads the new table; it must not do so with a snapshot
  // taken before the swap (it would see no rows). Inlined functions lock their tables while being
  // planned, before the statement's snapshot; a Function Scan would lock them later (008_swap_loads.sql).
  const char* readers[] = {"getpopulationofcountry('USA')",
                           "gethealthcasesbycountry('USA')",
                           "geteconomygovenmentbycountry('USA')",
                           "geteconomygdpbycountry('USA')",
                           "getgrowthgdpofcountry('USA')",
                           "getgrowthpopnbycountry('USA')",
                           "get_perfgrowthpopulation_dashboard(2020, 10)",
                           "get_healthstatus_dashboard()",
                           "get_highest_gdppercapita_countries_dashboard(2020, 10)"};
  for (const char* call : readers) {
    auto plan = pool_->Run([&](pqxx::connection& c) {
      pqxx::nontransaction tx(c);
      std::string text;
      for (const auto& row : tx.exec(std::string("EXPLAIN SELECT * FROM ") + call))
        text += row[0].as<std::string>() + "\n";
      return text;
    });
    ASSERT_TRUE(plan) << plan.error().message;
    EXPECT_EQ(plan->find("Function Scan"), std::string::npos) << call << ":\n" << *plan;
  }
}

TEST_F(IngestionIntegration, ASwapWaitingForALongReaderLetsOtherReadersThrough) {
  LoadSnapshot();
  config::Env env(config::Env::Vars{env_vars_.begin(), env_vars_.end()});
  std::vector<std::string> errors;
  db::Pool readers(db::PoolOptionsFromEnv(env, "ingestion-readers", errors));
  // A report-like reader keeps poptable open for 3 s, so the swap must wait for it...
  std::promise<void> holding;
  std::thread long_reader([&] {
    auto held = readers.Run([&](pqxx::connection& c) {
      pqxx::work tx(c);
      tx.exec("SELECT count(*) FROM poptable");
      holding.set_value();
      std::this_thread::sleep_for(3s);
      tx.commit();
      return 0;
    });
    EXPECT_TRUE(held) << held.error().message;
  });
  holding.get_future().wait();
  // ...while short readers keep being answered: each waits at most one lock attempt (200 ms).
  std::atomic<bool> stop{false};
  std::chrono::steady_clock::duration slowest{};
  std::size_t reads = 0;
  std::thread short_reader([&] {
    while (!stop) {
      const auto started = std::chrono::steady_clock::now();
      auto n = readers.Run([](pqxx::connection& c) {
        pqxx::nontransaction tx(c);
        return tx.exec1("SELECT count(*) FROM poptable")[0].as<std::size_t>();
      });
      EXPECT_TRUE(n) << n.error().message;
      slowest = std::max(slowest, std::chrono::steady_clock::now() - started);
      ++reads;
    }
  });
  StartService({{"SNAPSHOT_DIR", NP_SNAPSHOT_DIR}});
  const auto call = Notify();
  stop = true;
  short_reader.join();
  long_reader.join();
  ASSERT_TRUE(call.status.ok()) << call.status.error_message();
  EXPECT_EQ(call.messages.back().type(), dataIngestion::SUCCESS) << call.messages.back().message();
  EXPECT_GT(reads, 10u);
  // Bounded well below the 3 s the long reader held the table: the swap gave way between attempts.
  EXPECT_LT(slowest, 1500ms);
}

}  // namespace
}  // namespace nationpulse::ingestion
