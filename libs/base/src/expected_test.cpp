#include "nationpulse/base/expected.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace nationpulse {
namespace {

Expected<int, std::string> Half(int n) {
  if (n % 2 != 0) return Unexpected{std::string("odd")};
  return n / 2;
}

TEST(Expected, CarriesValueOrError) {
  auto ok = Half(8);
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, 4);
  auto bad = Half(3);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), "odd");
}

TEST(Expected, MoveOnlyValues) {
  Expected<std::unique_ptr<int>, std::string> e(std::make_unique<int>(7));
  ASSERT_TRUE(e.has_value());
  auto p = std::move(e).value();
  EXPECT_EQ(*p, 7);
}

TEST(Expected, VoidSpecialisation) {
  Expected<void, std::string> ok;
  EXPECT_TRUE(ok);
  Expected<void, std::string> bad = Unexpected{std::string("nope")};
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), "nope");
}

}  // namespace
}  // namespace nationpulse
