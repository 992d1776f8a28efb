#include "row_json.hpp"

#include <gtest/gtest.h>

namespace nationpulse::bff {
namespace {

TEST(PgTimestampToRfc3339, UtcBecomesZ) {
  EXPECT_EQ(PgTimestampToRfc3339("2025-11-02 09:14:03.51872+00"), "2025-11-02T09:14:03.51872Z");
  EXPECT_EQ(PgTimestampToRfc3339("2025-11-02 09:14:03+00"), "2025-11-02T09:14:03Z");
}

TEST(PgTimestampToRfc3339, OtherOffsetsKept) {
  EXPECT_EQ(PgTimestampToRfc3339("2025-11-02 09:14:03.5+05:30"), "2025-11-02T09:14:03.5+05:30");
  EXPECT_EQ(PgTimestampToRfc3339("2025-11-02 09:14:03-07"), "2025-11-02T09:14:03-07:00");
}

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
