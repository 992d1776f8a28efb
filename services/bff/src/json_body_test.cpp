// JSON request bodies of the sign-in and admin routes, answered without Postgres or Redis: the
// dependencies are configured so that nothing is ever reached (a Unix socket in a missing directory, a
// Redis pool of size 0), so a body that passes validation ends in 503 and a refused one in 400.
#include "json_body.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "admin_api.hpp"
#include "auth_api.hpp"

namespace nationpulse::bff {
namespace {

using http::Request;
using http::RequestContext;
using http::Status;
using http::Verb;

class OpenGate final : public AccessGate {
 public:
  std::optional<http::Response> Check(const Request&, RequestContext&) override { return std::nullopt; }
};

db::PoolOptions DeadPostgres() {
  db::PoolOptions o;
  o.host = "/nonexistent/nationpulse-test";  // a Unix socket directory that does not exist
  o.size = 1;
  o.reconnect_backoff = std::chrono::hours(1);
  return o;
}

cache::RedisOptions DeadRedis() {
  cache::RedisOptions o;
  o.size = 0;                                        // never opens a connection ...
  o.acquire_timeout = std::chrono::milliseconds(0);  // ... and fails at once
  return o;
}

AuthOptions Secrets() {
  AuthOptions o;
  o.access_secret = std::string(32, 'a');
  o.refresh_secret = std::string(32, 'r');
  return o;
}

class JsonBodyTest : public testing::Test {
 protected:
  JsonBodyTest() {
    auth_api_.Register(router_);
    admin_api_.Register(router_);
  }

  Status Post(const std::string& path, const std::string& body) {
    Request req{Verb::post, path, 11};
    req.body() = body;
    req.prepare_payload();
    RequestContext ctx;
    ctx.path = path;
    ctx.remote_address = "192.0.2.1";
    const auto match = router_.Find(Verb::post, path);
    EXPECT_NE(match.route, nullptr) << path;
    // The handler itself, after the gate: exceptions would reach the server and become a 500.
    return match.route->handler(req, ctx).result();
  }

  db::Pool pool_{DeadPostgres()};
  cache::Redis redis_{DeadRedis()};
  SessionService sessions_{pool_, redis_, Secrets()};
  PermissionService permissions_{pool_, redis_};
  OpenGate gate_;
  RateLimiter per_ip_{0, 1};  // 0 per minute: limiting off
  RateLimiter per_account_{0, 1};
  AuthApi auth_api_{sessions_, permissions_, gate_, false, per_ip_, per_account_};
  AdminApi admin_api_{pool_, permissions_, gate_};
  http::Router router_;
};

// Found by bff_json_body_fuzz: a number out of double range is not a parse_error but an out_of_range
// exception in nlohmann::json, which escaped the handlers (the server answered 500, not 400).
TEST_F(JsonBodyTest, NumbersOutOfRangeAreBadRequestsNotServerErrors) {
  EXPECT_EQ(Post("/api/u/signin", R"({"name":1e999,"email":"a@b.c"})"), Status::bad_request);
  EXPECT_EQ(Post("/api/u/signin", "-35e401"), Status::bad_request);
  EXPECT_EQ(Post("/api/a/getUserPermissions", R"({"userID":1e400})"), Status::bad_request);
  EXPECT_EQ(Post("/api/a/setUserPermissions", "35e401"), Status::bad_request);
  EXPECT_EQ(Post("/api/a/setUserPermissions", R"({"user_id":1,"role_id":2,"modules":[1e999]})"),
            Status::bad_request);
}

TEST_F(JsonBodyTest, MalformedAndWrongShapesAreBadRequests) {
  EXPECT_EQ(Post("/api/u/signin", ""), Status::bad_request);
  EXPECT_EQ(Post("/api/u/signin", R"(["alice","a@b.c"])"), Status::bad_request);
  EXPECT_EQ(Post("/api/u/signin", R"({"name":"alice","email":"a@b.c","password":7})"), Status::bad_request);
  EXPECT_EQ(Post("/api/a/getUserPermissions", R"({"userID":"7x"})"), Status::bad_request);
  EXPECT_EQ(Post("/api/a/setUserPermissions",
                 R"({"user_id":2147483648,"role_id":1,"modules":[],"permissions":[]})"),
            Status::bad_request);
}

TEST_F(JsonBodyTest, AcceptedBodiesReachTheDeadDatabase) {
  EXPECT_EQ(Post("/api/u/signin", R"({"NAME":"alice","Email":"a@b.c"})"), Status::service_unavailable);
  EXPECT_EQ(
      Post("/api/a/setUserPermissions", R"({"user_id":7,"role_id":2,"modules":null,"permissions":[1]})"),
      Status::service_unavailable);
}

TEST(FindKeyIgnoringCase, MatchesAsciiCaseOnlyAndOnlyInObjects) {
  const auto body = nlohmann::json::parse(R"({"exportID":"e1","Ä":1})");
  ASSERT_NE(FindKeyIgnoringCase(body, "EXPORTid"), nullptr);
  EXPECT_EQ(*FindKeyIgnoringCase(body, "exportid"), "e1");
  EXPECT_EQ(FindKeyIgnoringCase(body, "export"), nullptr);
  EXPECT_EQ(FindKeyIgnoringCase(body, "ä"), nullptr);
  EXPECT_EQ(FindKeyIgnoringCase(nlohmann::json::array({1}), "exportID"), nullptr);
}

}  // namespace
}  // namespace nationpulse::bff
