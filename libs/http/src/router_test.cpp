#include "nationpulse/http/router.hpp"

#include <gtest/gtest.h>

namespace nationpulse::http {
namespace {

Handler Ok() {
  return [](const Request&, RequestContext&) { return Response{Status::ok, 11}; };
}

TEST(Router, ExactMatchMethodAndHeadFallback) {
  Router r;
  r.Add(Verb::get, "/api/dashboard/population", Ok());
  r.Add(Verb::post, "/api/u/signin", Ok());
  auto m = r.Find(Verb::get, "/api/dashboard/population");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/api/dashboard/population");
  EXPECT_NE(r.Find(Verb::head, "/api/dashboard/population").route, nullptr);
  EXPECT_EQ(r.Find(Verb::get, "/api/dashboard/population/").route, nullptr);
  EXPECT_FALSE(r.Find(Verb::get, "/nope").path_known);
}

TEST(Router, WrongMethodReportsAllow) {
  Router r;
  r.Add(Verb::post, "/api/u/signin", Ok());
  r.Add(Verb::get, "/x", Ok());
  auto m = r.Find(Verb::get, "/api/u/signin");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.path_known);
  EXPECT_EQ(m.allow, "POST");
  EXPECT_EQ(r.Find(Verb::delete_, "/x").allow, "GET, HEAD");
}

TEST(Router, DuplicateRouteIsRejected) {
  Router r;
  r.Add(Verb::get, "/x", Ok());
  EXPECT_THROW(r.Add(Verb::get, "/x", Ok()), std::invalid_argument);
}

TEST(RequestContext, QueryParamDecodesAndTakesFirst) {
  RequestContext ctx;
  ctx.query = "countryCode=US%41&countryCode=FRA&empty=&plus=a+b";
  EXPECT_EQ(ctx.QueryParam("countryCode"), "USA");
  EXPECT_EQ(ctx.QueryParam("empty"), "");
  EXPECT_EQ(ctx.QueryParam("missing"), std::nullopt);
  EXPECT_EQ(ctx.QueryParam("plus"), "a b");
}

}  // namespace
}  // namespace nationpulse::http
