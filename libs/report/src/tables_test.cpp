#include "nationpulse/report/tables.hpp"

#include <gtest/gtest.h>

#include <string>

namespace nationpulse::report {
namespace {

std::string Joined(const std::vector<std::string_view>& headers) {
  std::string out;
  for (const auto h : headers) {
    if (!out.empty()) out += ',';
    out += h;
  }
  return out;
}

// messaging.md §8 header rows; rest-api.md 8.5 queries.
TEST(ReportTable, ExactHeadersAndQueries) {
  struct Case {
    const char* key;
    const char* sql;
    const char* headers;
  };
  const char* economy = "id,country_code,country_name,indicator_code,indicator,year,value,last_updated";
  const Case cases[] = {
      {"population", "SELECT * FROM getpopulationofcountry($1)",
       "id,country_code,country_name,indicator_code,indicator,sex_code,sex_name,age,year,value,last_updated"},
      {"health", "SELECT * FROM gethealthcasesbycountry($1)",
       "id,country_code,country_name,indicator_code,indicator,sex_code,sex_name,cause,unitRange,year,value,"
       "last_updated"},
      {"economy:gov", "SELECT * FROM geteconomygovenmentbycountry($1)", economy},
      {"economy:gdp", "SELECT * FROM geteconomygdpbycountry($1)", economy},
      {"growth:gdp", "SELECT * FROM getgrowthgdpofcountry($1)", economy},
      {"growth:population", "SELECT * FROM getgrowthpopnbycountry($1)", economy},
  };
  for (const auto& c : cases) {
    const ReportTable* table = FindReportTable(c.key);
    ASSERT_NE(table, nullptr) << c.key;
    EXPECT_EQ(table->key, c.key);
    EXPECT_EQ(table->sql, c.sql) << c.key;
    EXPECT_EQ(Joined(table->headers), c.headers) << c.key;
    EXPECT_EQ(table->kinds.size(), table->headers.size()) << c.key;
  }
  EXPECT_EQ(AllReportTables().size(), 6u);
}

TEST(ReportTable, ColumnKinds) {
  using K = CellKind;
  for (const auto& table : AllReportTables()) {
    const auto& h = table.headers;
    for (std::size_t i = 0; i < h.size(); ++i) {
      K expected = K::kText;
      if (h[i] == "id") expected = K::kInt;
      if (h[i] == "value") expected = K::kDouble;
      if (h[i] == "last_updated") expected = K::kTimestamp;
      if (h[i] == "year") {
        expected = (table.key == "population" || table.key == "health") ? K::kInt : K::kText;
      }
      EXPECT_EQ(table.kinds[i], expected) << table.key << " column " << h[i];
    }
  }
}

TEST(ReportTable, UnknownKeys) {
  for (const char* key : {"", "users", "Population", "economy", "growth:", "population "}) {
    EXPECT_EQ(FindReportTable(key), nullptr) << key;
  }
}

}  // namespace
}  // namespace nationpulse::report
