#include "cookies.hpp"

#include <gtest/gtest.h>

namespace nationpulse::bff {
namespace {

TEST(FindCookie, FindsByExactName) {
  EXPECT_EQ(FindCookie("a=1; access_token=xyz; refresh_token=r", "access_token"), "xyz");
  EXPECT_EQ(FindCookie("access_token=\"q\"", "access_token"), "q");
  EXPECT_EQ(FindCookie("x_access_token=1", "access_token"), std::nullopt);
  EXPECT_EQ(FindCookie("", "access_token"), std::nullopt);
  EXPECT_EQ(FindCookie("access_token=", "access_token"), "");
}

TEST(HttpDate, ImfFixdate) {
  EXPECT_EQ(HttpDate(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(HttpDate(1767226500), "Thu, 01 Jan 2026 00:15:00 GMT");
}

TEST(SessionCookie, OriginalFormPlusOptionalSecure) {
  EXPECT_EQ(SessionCookie("access_token", "j.w.t", 0, false),
            "access_token=j.w.t; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax");
  EXPECT_TRUE(SessionCookie("refresh_token", "r", 0, true).ends_with("; HttpOnly; SameSite=Lax; Secure"));
  EXPECT_EQ(
      ClearedCookie("access_token", false),
      "access_token=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; SameSite=Lax");
}

}  // namespace
}  // namespace nationpulse::bff
