#include "nationpulse/base/country_code.hpp"

#include <gtest/gtest.h>

namespace nationpulse {
namespace {

static_assert(IsValidCountryCode("USA"));

TEST(IsValidCountryCode, AcceptsIsoAndAggregates) {
  EXPECT_TRUE(IsValidCountryCode("USA"));
  EXPECT_TRUE(IsValidCountryCode("EU27_2020"));
  EXPECT_TRUE(IsValidCountryCode("de"));
}

TEST(IsValidCountryCode, RejectsWildcardsAndJunk) {
  EXPECT_FALSE(IsValidCountryCode(""));
  EXPECT_FALSE(IsValidCountryCode("U"));
  EXPECT_FALSE(IsValidCountryCode("%"));
  EXPECT_FALSE(IsValidCountryCode("US%"));
  EXPECT_FALSE(IsValidCountryCode("USA'; DROP TABLE poptable;--"));
  EXPECT_FALSE(IsValidCountryCode("ABCDEFGHIJKLM"));
  EXPECT_FALSE(IsValidCountryCode("US A"));
}

}  // namespace
}  // namespace nationpulse
