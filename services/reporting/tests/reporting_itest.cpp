// The report processor against the real Postgres, Redis and Kafka of the test infrastructure.
#include <gtest/gtest.h>

#include <pqxx/nontransaction>
#include <random>

#include "csv_writer.hpp"
#include "nationpulse/cache/settings.hpp"
#include "nationpulse/db/settings.hpp"
#include "nationpulse/kafka/kafka.hpp"
#include "nationpulse/log/log.hpp"
#include "nationpulse/report/messages.hpp"
#include "nationpulse/report/tables.hpp"
#include "nationpulse/testing/test_env.hpp"
#include "report_processor.hpp"
#include "report_renderer.hpp"

namespace nationpulse::reporting {
namespace {

using namespace std::chrono_literals;

std::string Base64Decode(std::string_view in) {
  static const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int bits = 0;
  unsigned value = 0;
  for (const char c : in) {
    if (c == '=') break;
    const auto pos = kAlphabet.find(c);
    if (pos == std::string::npos) ADD_FAILURE() << "not base64: " << c;
    value = (value << 6) | static_cast<unsigned>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((value >> bits) & 0xff));
    }
  }
  return out;
}

/// The CSV built independently of the renderer: a plain query, every cell through the §8 [REC] rules.
std::string ExpectedCsv(db::Pool& pool, const report::ReportTable& table, const std::string& country) {
  auto rows = pool.Run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    return tx.exec_params(std::string(table.sql), country);
  });
  EXPECT_TRUE(rows);
  std::string out;
  CsvWriter csv(out);
  csv.WriteRow(table.headers);
  for (const auto& row : *rows) {
    for (std::size_t i = 0; i < table.kinds.size(); ++i) {
      const auto& f = row[static_cast<pqxx::row::size_type>(i)];
      if (f.is_null()) {
        csv.AppendNull();
        continue;
      }
      switch (table.kinds[i]) {
        case report::CellKind::kInt:
          csv.AppendInt(f.as<std::int64_t>());
          break;
        case report::CellKind::kDouble:
          csv.AppendDouble(f.as<double>());
          break;
        case report::CellKind::kTimestamp:
          csv.AppendTimestamp(f.c_str());
          break;
        case report::CellKind::kText:
          csv.AppendText(f.c_str());
          break;
      }
    }
    csv.EndRow();
  }
  return out;
}

class ReportingIntegration : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { log::Init("reporting-itest", log::Level::kWarn); }

  void SetUp() override {
    config::Env env;
    std::vector<std::string> errors;
    pool_ = std::make_unique<db::Pool>(db::PoolOptionsFromEnv(env, "reporting-itest", errors));
    redis_ = std::make_unique<cache::Redis>(cache::RedisOptionsFromEnv(env, errors));
    ASSERT_TRUE(errors.empty());
    brokers_ = testing::RequireEnv("KAFKA_BROKERS");
    topic_ = "np-results-" + std::to_string(std::random_device{}());
    ASSERT_TRUE(kafka::EnsureTopics(brokers_, {topic_}, 1, 1, 15s));
    producer_ = std::make_unique<kafka::Producer>(kafka::ProducerOptions{.brokers = brokers_});
    processor_ = std::make_unique<ReportProcessor>(*pool_, *redis_, *producer_, registry_,
                                                   ProcessorOptions{topic_, 60s, 10s, 7});
    consumer_ = std::make_unique<kafka::Consumer>(
        kafka::ConsumerOptions{.brokers = brokers_, .group_id = topic_ + "-g", .topics = {topic_}});
  }

  std::vector<kafka::Message> Results(std::size_t count) {
    std::vector<kafka::Message> out;
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (out.size() < count && std::chrono::steady_clock::now() < deadline) {
      if (auto m = consumer_->Poll(300ms); m && *m) out.push_back(std::move(**m));
    }
    EXPECT_EQ(out.size(), count);
    return out;
  }

  static kafka::Message Request(const std::string& value) {
    kafka::Message m;
    m.topic = "message-log";
    m.value = value;
    m.headers = {{"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}};
    return m;
  }

  std::string Metrics() { return registry_.Serialize(); }

  metrics::Registry registry_;
  std::unique_ptr<db::Pool> pool_;
  std::unique_ptr<cache::Redis> redis_;
  std::string brokers_;
  std::string topic_;
  std::unique_ptr<kafka::Producer> producer_;
  std::unique_ptr<ReportProcessor> processor_;
  std::unique_ptr<kafka::Consumer> consumer_;
};

TEST_F(ReportingIntegration, EveryTableRendersTheRowsOfPostgres) {
  std::int64_t user = 900;
  for (const auto& table : report::AllReportTables()) {
    const report::ReportRequest req{std::string(table.key) + ":USA", ++user, std::string(table.key), "USA",
                                    "req-" + std::string(table.key)};
    ASSERT_TRUE(redis_->Del({report::ResultKey(req.user_id, req.export_id)}));
    ASSERT_EQ(processor_->Handle(Request(report::EncodeReportRequest(req))), ReportProcessor::Outcome::kDone);
    const auto results = Results(1);
    ASSERT_EQ(results.size(), 1u) << table.key;
    EXPECT_EQ(results[0].key, req.export_id);  // keyed by exportID: request and result share ordering
    // The result stays in the requester's trace (a new span of it).
    const auto context = kafka::TraceParentOf(results[0]);
    ASSERT_TRUE(context);
    EXPECT_EQ(context->TraceIdHex(), "4bf92f3577b34da6a3ce929d0e0e4736");
    EXPECT_NE(context->SpanIdHex(), "00f067aa0ba902b7");
    const auto result = report::ParseReportResult(results[0].value);
    ASSERT_TRUE(result) << result.error();
    EXPECT_EQ(result->status, "completed");
    EXPECT_EQ(result->status_code, 1);
    EXPECT_EQ(result->user_id.value_or(0), req.user_id);
    EXPECT_EQ(result->request_id, req.request_id);
    const std::string csv = Base64Decode(result->data.value_or(""));
    const std::string expected = ExpectedCsv(*pool_, table, "USA");
    EXPECT_EQ(csv, expected) << table.key;
    // Batches of 7 rows through the cursor: the seed has more rows than that for at least population.
    if (table.key == "population") {
      EXPECT_GT(std::count(csv.begin(), csv.end(), '\n'), 8);
    }
    // Stored for the BFF under the user's key, byte for byte what was published.
    auto stored = redis_->Get(report::ResultKey(req.user_id, req.export_id));
    ASSERT_TRUE(stored && *stored);
    EXPECT_EQ(**stored, results[0].value);
  }
}

TEST_F(ReportingIntegration, NoRowsGivesAHeaderOnlyCsv) {
  const report::ReportRequest req{"health:ZZZ", 77, "health", "ZZZ", "req-empty"};
  ASSERT_EQ(processor_->Handle(Request(report::EncodeReportRequest(req))), ReportProcessor::Outcome::kDone);
  const auto results = Results(1);
  ASSERT_EQ(results.size(), 1u);
  const auto result = report::ParseReportResult(results[0].value);
  ASSERT_TRUE(result);
  EXPECT_EQ(
      Base64Decode(*result->data),
      "id,country_code,country_name,indicator_code,indicator,sex_code,sex_name,cause,unitRange,year,value,"
      "last_updated\n");
}

TEST_F(ReportingIntegration, RedeliveryRepublishesWithoutQuerying) {
  const report::ReportRequest req{"growth:gdp:USA", 78, "growth:gdp", "USA", "req-twice"};
  const auto message = Request(report::EncodeReportRequest(req));
  ASSERT_TRUE(redis_->Del({report::ResultKey(req.user_id, req.export_id)}));
  ASSERT_EQ(processor_->Handle(message), ReportProcessor::Outcome::kDone);
  ASSERT_EQ(processor_->Handle(message), ReportProcessor::Outcome::kDone);
  const auto results = Results(2);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].value, results[1].value);
  const auto text = Metrics();
  EXPECT_NE(text.find(R"(nationpulse_reporting_requests_total{result="completed"} 1)"), std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(nationpulse_reporting_requests_total{result="republished"} 1)"), std::string::npos)
      << text;
}

TEST_F(ReportingIntegration, BadMessagesAreAnsweredAndNeverBlock) {
  // Unknown table (with a user to tell), then garbage (nobody to tell), then a good one.
  const std::string unknown =
      R"({"exportID":"users:FRA","userID":5,"filters":{"query":"SELECT * FROM users"},)"
      R"("requestTableString":"users","requestCountryCode":"FRA","requestID":"req-bad"})";
  ASSERT_EQ(processor_->Handle(Request(unknown)), ReportProcessor::Outcome::kDone);
  ASSERT_EQ(processor_->Handle(Request("{not json")), ReportProcessor::Outcome::kDone);
  const report::ReportRequest good{"economy:gdp:FRA", 5, "economy:gdp", "FRA", "req-good"};
  ASSERT_EQ(processor_->Handle(Request(report::EncodeReportRequest(good))), ReportProcessor::Outcome::kDone);
  const auto results = Results(2);
  ASSERT_EQ(results.size(), 2u);
  const auto failed = report::ParseReportResult(results[0].value);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->status, "failed");
  EXPECT_EQ(failed->status_code, -1);
  EXPECT_FALSE(failed->data.has_value());
  EXPECT_EQ(failed->user_id.value_or(0), 5);
  EXPECT_EQ(failed->request_id, "req-bad");
  EXPECT_EQ(failed->error, R"(unknown requestTableString "users")");
  const auto completed = report::ParseReportResult(results[1].value);
  ASSERT_TRUE(completed);
  EXPECT_EQ(completed->status_code, 1);
  const auto text = Metrics();
  EXPECT_NE(text.find(R"(nationpulse_reporting_requests_total{result="invalid"} 2)"), std::string::npos)
      << text;
}

TEST_F(ReportingIntegration, PostgresDownAsksForRetryAndPublishesNothing) {
  db::PoolOptions dead;
  dead.host = "127.0.0.1";
  dead.port = 1;  // refuses connections
  dead.connect_timeout = 500ms;
  db::Pool dead_pool(dead);
  metrics::Registry registry;
  ReportProcessor processor(dead_pool, *redis_, *producer_, registry, ProcessorOptions{topic_, 60s, 10s, 7});
  const report::ReportRequest req{"population:USA", 79, "population", "USA", "req-down"};
  ASSERT_TRUE(redis_->Del({report::ResultKey(req.user_id, req.export_id)}));
  EXPECT_EQ(processor.Handle(Request(report::EncodeReportRequest(req))), ReportProcessor::Outcome::kRetry);
  auto polled = consumer_->Poll(1500ms);
  ASSERT_TRUE(polled);
  EXPECT_FALSE(polled->has_value()) << "nothing may be published for a postponed request";
}

}  // namespace
}  // namespace nationpulse::reporting
