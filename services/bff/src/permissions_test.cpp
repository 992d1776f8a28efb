#include "permissions.hpp"

#include <gtest/gtest.h>

namespace nationpulse::bff {
namespace {

TEST(RequiredModule, FirstMatchingPrefixOfTheContract) {
  EXPECT_EQ(RequiredModule("/api/a/getUsers"), module::kAdmin);
  EXPECT_EQ(RequiredModule("/api/uu/permissions"), module::kDashboard);
  EXPECT_EQ(RequiredModule("/api/growth/population/country"), module::kPopulation);
  EXPECT_EQ(RequiredModule("/api/health/country"), module::kHealth);
  EXPECT_EQ(RequiredModule("/api/economy/gdp/country"), module::kEconomy);
  EXPECT_EQ(RequiredModule("/api/economy/governmentdata/country"), module::kEconomy);
  EXPECT_EQ(RequiredModule("/api/growth/gdp/country"), module::kGrowth);
  EXPECT_EQ(RequiredModule("/api/uu/reports/publish"), module::kReports);
}

TEST(RequiredModule, PopulationPrefixIsFixedAndUnknownIsDenied) {
  EXPECT_EQ(RequiredModule("/api/population/country"), module::kPopulation);  // D-12
  EXPECT_EQ(RequiredModule("/api/uu/other"), std::nullopt);
  EXPECT_EQ(RequiredModule("/api/a"), std::nullopt);
  EXPECT_EQ(RequiredModule("/api/uu/permissionsx"), std::nullopt);
}

}  // namespace
}  // namespace nationpulse::bff
