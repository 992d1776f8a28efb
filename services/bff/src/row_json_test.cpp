#include "row_json.hpp"

#include <gtest/gtest.h>

namespace nationpulse::bff {
namespace {

TEST(RowShapes, KeyOrderAndTypesFollowTheContract) {
  auto keys = [](const RowShape& s) {
    std::string out;
    for (const auto& c : s.columns) out += std::string(c.json_key) + ",";
    return out;
  };
  EXPECT_EQ(keys(DashboardPopulationShape()),
            "country_code,country_name,indicator,indicator_code,year,value,");
  EXPECT_EQ(keys(DashboardHealthShape()),
            "country_code,country_name,indicator,indicator_code,year,value,sex_name,cause,unitRange,");
  EXPECT_EQ(
      keys(HealthShape()),
      "id,country_code,country_name,indicator_code,indicator,sex_code,sex_name,cause,unitRange,year,value,"
      "last_updated,");
  EXPECT_EQ(keys(EconomyShape()),
            "id,country_code,country_name,indicator_code,indicator,year,value,last_updated,");
  EXPECT_EQ(DashboardGdpShape().columns[4].kind, ColumnKind::kString);  // "2025-Q3"
  EXPECT_EQ(DashboardPopulationShape().columns[4].kind, ColumnKind::kInt);
  EXPECT_EQ(PopulationShape().columns[8].kind, ColumnKind::kInt);
  EXPECT_EQ(EconomyShape().columns[5].kind, ColumnKind::kString);
}

}  // namespace
}  // namespace nationpulse::bff
