#include "report_request.hpp"

#include <gtest/gtest.h>

namespace nationpulse::reporting {
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

}  // namespace
}  // namespace nationpulse::reporting
