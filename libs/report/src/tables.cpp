#include "nationpulse/report/tables.hpp"

namespace nationpulse::report {
namespace {

using K = CellKind;

std::vector<ReportTable> BuildTables() {
  // population (poptable) and health (htable): year is an integer column.
  const std::vector<std::string_view> population_headers{
      "id",       "country_code", "country_name", "indicator_code", "indicator",   "sex_code",
      "sex_name", "age",          "year",         "value",          "last_updated"};
  const std::vector<CellKind> population_kinds{K::kInt,  K::kText,   K::kText,     K::kText,
                                               K::kText, K::kText,   K::kText,     K::kText,
                                               K::kInt,  K::kDouble, K::kTimestamp};
  const std::vector<std::string_view> health_headers{
      "id",       "country_code", "country_name", "indicator_code", "indicator", "sex_code",
      "sex_name", "cause",        "unitRange",    "year",           "value",     "last_updated"};
  const std::vector<CellKind> health_kinds{K::kInt,  K::kText, K::kText, K::kText, K::kText,   K::kText,
                                           K::kText, K::kText, K::kText, K::kInt,  K::kDouble, K::kTimestamp};
  // egdptable, egovtable, ggdptable, gpopulationtable: year is text ("2024-Q1").
  const std::vector<std::string_view> economy_headers{
      "id", "country_code", "country_name", "indicator_code", "indicator", "year", "value", "last_updated"};
  const std::vector<CellKind> economy_kinds{K::kInt,  K::kText, K::kText,   K::kText,
                                            K::kText, K::kText, K::kDouble, K::kTimestamp};
  return {
      {"population", "SELECT * FROM getpopulationofcountry($1)", population_headers, population_kinds},
      {"health", "SELECT * FROM gethealthcasesbycountry($1)", health_headers, health_kinds},
      {"economy:gov", "SELECT * FROM geteconomygovenmentbycountry($1)", economy_headers, economy_kinds},
      {"economy:gdp", "SELECT * FROM geteconomygdpbycountry($1)", economy_headers, economy_kinds},
      {"growth:gdp", "SELECT * FROM getgrowthgdpofcountry($1)", economy_headers, economy_kinds},
      {"growth:population", "SELECT * FROM getgrowthpopnbycountry($1)", economy_headers, economy_kinds},
  };
}

}  // namespace

const std::vector<ReportTable>& AllReportTables() {
  static const std::vector<ReportTable> tables = BuildTables();
  return tables;
}

const ReportTable* FindReportTable(std::string_view key) {
  for (const auto& table : AllReportTables()) {
    if (table.key == key) return &table;
  }
  return nullptr;
}

}  // namespace nationpulse::report
