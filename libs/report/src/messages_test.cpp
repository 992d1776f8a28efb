#include "nationpulse/report/messages.hpp"

#include <gtest/gtest.h>

namespace nationpulse::report {
namespace {

// messaging.md §5.1, the frontend's message as re-serialised by the BFF.
constexpr std::string_view kSpecExample =
    R"json({"exportID":"population:USA","userID":2,"filters":{"headers":["id","country_code","country_name",)json"
    R"json("indicator_code","indicator","sex_code","sex_name","age","year","value","last_updated"],"records":[],)json"
    R"json("query":"SELECT * FROM getpopulationofcountry($1)"},"requestTableString":"population",)json"
    R"json("requestCountryCode":"USA"})json";

TEST(ParseReportRequest, SpecExample) {
  const auto req = ParseReportRequest(kSpecExample);
  ASSERT_TRUE(req) << req.error();
  EXPECT_EQ(req->export_id, "population:USA");
  EXPECT_EQ(req->user_id, 2);
  EXPECT_EQ(req->table, "population");
  EXPECT_EQ(req->country_code, "USA");
}

TEST(ParseReportRequest, KeysAreCaseInsensitive) {
  const auto req = ParseReportRequest(
      R"({"EXPORTID":"health:FRA","userid":7,"RequestTableString":"health","requestcountrycode":"FRA"})");
  ASSERT_TRUE(req) << req.error();
  EXPECT_EQ(req->export_id, "health:FRA");
  EXPECT_EQ(req->user_id, 7);
  EXPECT_EQ(req->table, "health");
  EXPECT_EQ(req->country_code, "FRA");
}

TEST(ParseReportRequest, ExactKeyWinsOverCaseInsensitiveMatch) {
  const auto req = ParseReportRequest(
      R"({"EXPORTID":"other","exportID":"exact","userID":1,"requestTableString":"growth:gdp",)"
      R"("requestCountryCode":"DEU"})");
  ASSERT_TRUE(req) << req.error();
  EXPECT_EQ(req->export_id, "exact");
}

TEST(ParseReportRequest, UserIdAsNumericString) {
  const auto req =
      ParseReportRequest(R"({"exportID":"economy:gdp:ITA","userID":"42","requestTableString":"economy:gdp",)"
                         R"("requestCountryCode":"ITA"})");
  ASSERT_TRUE(req) << req.error();
  EXPECT_EQ(req->user_id, 42);
}

TEST(ParseReportRequest, UserIdMustBeInteger) {
  for (const char* id : {R"("abc")", "2.5", R"("")", R"("12x")", "true", "[]"}) {
    const auto req = ParseReportRequest(std::string(R"({"exportID":"x","userID":)") + id +
                                        R"(,"requestTableString":"health","requestCountryCode":"FRA"})");
    ASSERT_FALSE(req) << id;
    EXPECT_EQ(req.error(), "userID must be an integer") << id;
  }
  const auto missing =
      ParseReportRequest(R"({"exportID":"x","requestTableString":"health","requestCountryCode":"FRA"})");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(), "missing userID");
}

TEST(ParseReportRequest, AllSixTablesAccepted) {
  for (const char* table :
       {"population", "health", "economy:gov", "economy:gdp", "growth:gdp", "growth:population"}) {
    const auto req = ParseReportRequest(std::string(R"({"exportID":"x","userID":1,"requestTableString":")") +
                                        table + R"(","requestCountryCode":"FRA"})");
    ASSERT_TRUE(req) << table << ": " << req.error();
    EXPECT_EQ(req->table, table);
  }
}

TEST(ParseReportRequest, UnknownTableIsNamed) {
  const auto req = ParseReportRequest(
      R"({"exportID":"x","userID":1,"requestTableString":"users","requestCountryCode":"FRA"})");
  ASSERT_FALSE(req);
  EXPECT_EQ(req.error(), R"(unknown requestTableString "users")");
}

TEST(ParseReportRequest, UnknownTableErrorStaysOneLine) {
  const auto req = ParseReportRequest(
      R"({"exportID":"x","userID":1,"requestTableString":"a\nb","requestCountryCode":"FRA"})");
  ASSERT_FALSE(req);
  EXPECT_EQ(req.error(), R"(unknown requestTableString "a\nb")");
}

TEST(ParseReportRequest, BadCountryCode) {
  for (const char* cc : {"%", "U", "FRA' OR 1=1", "ABCDEFGHIJKLM", "", "F-A"}) {
    const auto req = ParseReportRequest(
        std::string(R"({"exportID":"x","userID":1,"requestTableString":"health","requestCountryCode":")") +
        cc + R"("})");
    ASSERT_FALSE(req) << cc;
    EXPECT_EQ(req.error(), "requestCountryCode must match ^[A-Za-z0-9_]{2,12}$") << cc;
  }
  const auto ok = ParseReportRequest(
      R"({"exportID":"x","userID":1,"requestTableString":"health","requestCountryCode":"OECD_EU27"})");
  EXPECT_TRUE(ok);
}

TEST(ParseReportRequest, MissingExportId) {
  const auto req =
      ParseReportRequest(R"({"userID":1,"requestTableString":"health","requestCountryCode":"FRA"})");
  ASSERT_FALSE(req);
  EXPECT_EQ(req.error(), "missing exportID");
  const auto empty = ParseReportRequest(
      R"({"exportID":"","userID":1,"requestTableString":"health","requestCountryCode":"FRA"})");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error(), "exportID must be a non-empty string");
}

TEST(ParseReportRequest, MissingTable) {
  const auto req = ParseReportRequest(R"({"exportID":"x","userID":1,"requestCountryCode":"FRA"})");
  ASSERT_FALSE(req);
  EXPECT_EQ(req.error(), "missing requestTableString");
}

TEST(ParseReportRequest, MalformedJson) {
  for (const char* text : {"", "{", R"({"exportID":)", "not json"}) {
    const auto req = ParseReportRequest(text);
    ASSERT_FALSE(req) << text;
    EXPECT_EQ(req.error(), "request is not valid JSON") << text;
  }
  const auto array = ParseReportRequest("[1,2]");
  ASSERT_FALSE(array);
  EXPECT_EQ(array.error(), "request is not a JSON object");
}

TEST(ParseReportRequest, FiltersQueryIsIgnored) {
  // D-11: the SQL in the message must have no influence; the table key alone decides the query.
  const auto req =
      ParseReportRequest(R"({"exportID":"health:FRA","userID":3,"filters":{"headers":null,"records":null,)"
                         R"("query":"DROP TABLE users; SELECT * FROM users"},"requestTableString":"health",)"
                         R"("requestCountryCode":"FRA"})");
  ASSERT_TRUE(req) << req.error();
  EXPECT_EQ(req->table, "health");
  EXPECT_EQ(req->country_code, "FRA");
  EXPECT_EQ(req->export_id.find("DROP"), std::string::npos);
}

TEST(ParseReportRequest, RequestIdIsOptional) {
  const auto with = ParseReportRequest(
      R"({"exportID":"x","userID":1,"requestTableString":"health","requestCountryCode":"FRA","requestID":"r-1"})");
  ASSERT_TRUE(with) << with.error();
  EXPECT_EQ(with->request_id, "r-1");
  const auto without = ParseReportRequest(kSpecExample);
  ASSERT_TRUE(without);
  EXPECT_EQ(without->request_id, "");
}

TEST(EncodeReportRequest, OriginalKeyOrderAndWhitelistFilters) {
  const ReportRequest req{"population:USA", 2, "population", "USA", "r-9"};
  const std::string expected =
      std::string(kSpecExample.substr(0, kSpecExample.size() - 1)) + R"(,"requestID":"r-9"})";
  EXPECT_EQ(EncodeReportRequest(req), expected);
  // What we publish, reporting parses back to the same request.
  const auto back = ParseReportRequest(EncodeReportRequest(req));
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(back->export_id, req.export_id);
  EXPECT_EQ(back->user_id, req.user_id);
  EXPECT_EQ(back->table, req.table);
  EXPECT_EQ(back->country_code, req.country_code);
  EXPECT_EQ(back->request_id, req.request_id);
}

TEST(EncodeReportRequest, RefusesUnknownTable) {
  EXPECT_THROW(EncodeReportRequest(ReportRequest{"x", 1, "users", "FRA", ""}), std::invalid_argument);
}

TEST(PeekRequestOwner, ReadsWhatItCan) {
  const auto owner = PeekRequestOwner(
      R"({"exportID":"users:FRA","userID":"5","requestTableString":"users","requestID":"abc"})");
  EXPECT_EQ(owner.export_id, "users:FRA");
  ASSERT_TRUE(owner.user_id.has_value());
  EXPECT_EQ(*owner.user_id, 5);
  EXPECT_EQ(owner.request_id, "abc");
  const auto nothing = PeekRequestOwner("{not json");
  EXPECT_EQ(nothing.export_id, "");
  EXPECT_FALSE(nothing.user_id.has_value());
  const auto bad_user = PeekRequestOwner(R"({"exportID":"e","userID":"x"})");
  EXPECT_EQ(bad_user.export_id, "e");
  EXPECT_FALSE(bad_user.user_id.has_value());
}

TEST(ReportResult, SuccessWrittenInPiecesParsesBack) {
  std::string out = SuccessResultHead();
  out += "aWQK";
  AppendSuccessResultTail(out, ReportRequest{"health:\"FRA\"", 7, "health", "FRA", "r"});
  EXPECT_EQ(out,
            R"({"Status":"completed","StatusCode":1,"Data":"aWQK","exportID":"health:\"FRA\"","userID":7,)"
            R"("requestID":"r"})");
  const auto parsed = ParseReportResult(out);
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_EQ(parsed->status, "completed");
  EXPECT_EQ(parsed->status_code, 1);
  EXPECT_EQ(parsed->data.value_or(""), "aWQK");
  EXPECT_EQ(parsed->export_id, "health:\"FRA\"");
  EXPECT_EQ(parsed->user_id.value_or(0), 7);
  EXPECT_EQ(parsed->request_id, "r");
}

TEST(ReportResult, FailureShape) {
  const std::string failed = EncodeFailureResult(RequestOwner{"users:FRA", 3, "r2"}, "unknown table");
  EXPECT_EQ(
      failed,
      R"({"Status":"failed","StatusCode":-1,"Data":null,"exportID":"users:FRA","userID":3,"requestID":"r2",)"
      R"("error":"unknown table"})");
  const auto parsed = ParseReportResult(failed);
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_EQ(parsed->status_code, -1);
  EXPECT_FALSE(parsed->data.has_value());
  EXPECT_EQ(parsed->error, "unknown table");
  const std::string anonymous = EncodeFailureResult(RequestOwner{}, "not JSON");
  EXPECT_NE(anonymous.find(R"("userID":null)"), std::string::npos);
}

TEST(ReportResult, OriginalShapeAndGarbage) {
  // messaging.md §5.2 constructed example (no extra fields).
  const auto orig = ParseReportResult(
      R"({"Status":"completed","StatusCode":1,"Data":"aWQsY291bnRyeV9jb2RlLGNvdW50cnlfbmFtZQoxLFVTQSxVbml0ZWQgU3RhdGVzCg=="})");
  ASSERT_TRUE(orig) << orig.error();
  EXPECT_FALSE(orig->user_id.has_value());
  EXPECT_FALSE(ParseReportResult("[]"));
  EXPECT_FALSE(ParseReportResult("{"));
  EXPECT_FALSE(ParseReportResult(R"({"Status":"completed"})"));
  EXPECT_FALSE(ParseReportResult(R"({"Status":1,"StatusCode":1})"));
}

TEST(ReportKeys, PerUser) {
  EXPECT_EQ(ResultKey(2, "population:USA"), "reporting:2:population:USA");
  EXPECT_EQ(PendingKey(2), "reports:pending:2");
}

}  // namespace
}  // namespace nationpulse::report
