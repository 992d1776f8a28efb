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

// Both spellings the code base uses must compile with GCC 12 and with the fuzz preset's clang 14, which
// has no parenthesised aggregate initialisation (the fuzz build failed on Unexpected(e) before
// Unexpected had a constructor).
TEST(Expected, UnexpectedWithParenthesesOrBraces) {
  const std::string message = "gone";
  Expected<int, std::string> paren = Unexpected(message);
  Expected<int, std::string> brace = Unexpected{message};
  Expected<void, std::string> moved = Unexpected(std::string("moved"));
  ASSERT_FALSE(paren);
  ASSERT_FALSE(brace);
  ASSERT_FALSE(moved);
  EXPECT_EQ(paren.error(), "gone");
  EXPECT_EQ(brace.error(), "gone");
  EXPECT_EQ(moved.error(), "moved");
  static_assert(std::is_same_v<decltype(Unexpected(message)), Unexpected<std::string>>);
}

}  // namespace
}  // namespace nationpulse
