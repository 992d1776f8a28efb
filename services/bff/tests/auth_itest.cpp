// Sign-in, refresh, sign-out and the token gate, in-process over real HTTP, Postgres (migrated +
// seed) and Redis of the test infrastructure.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "nationpulse/auth/jwt.hpp"
#include "nationpulse/auth/password.hpp"
#include "nationpulse/db/pool.hpp"
#include "nationpulse/http/client.hpp"
#include "nationpulse/log/log.hpp"
#include "nationpulse/testing/test_env.hpp"
#include "src/app.hpp"
#include "src/cookies.hpp"

namespace nationpulse::bff {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

class AuthTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { log::Init("bff-test", log::Level::kWarn); }

  void SetUp() override {
    testing::RequireEnv("PG_DB_ADDR");
    config::Env env;
    settings_ = LoadSettings(env);
    settings_.grpc_address = "127.0.0.1:0";
    settings_.http.address = "127.0.0.1";
    settings_.http.port = 0;
    settings_.auth.allow_passwordless = true;
    settings_.local_cache_ttl = 0ms;
    Restart();
    pool_ = std::make_unique<db::Pool>(settings_.postgres);
    ClearPassword(1);
  }
  void TearDown() override {
    ClearPassword(1);
    ASSERT_EQ(testing::Infra("start --only redis"), 0);
  }

  void Restart() {
    if (app_) app_->Stop();
    app_ = std::make_unique<App>(settings_);
    app_->Start();
  }

  void ClearPassword(int user_id) {
    ASSERT_TRUE(pool_->Run([&](pqxx::connection& c) {
      pqxx::work tx(c);
      tx.exec_params("DELETE FROM user_credentials WHERE user_id = $1", user_id);
      tx.commit();
    }));
  }

  http::Response Call(http::Verb verb, const std::string& target, const std::string& body = {},
                      const std::string& cookie = {}, const std::string& bearer = {}) {
    http::Request req{verb, target, 11};
    if (!body.empty()) {
      req.set(http::bhttp::field::content_type, "application/json");
      req.body() = body;
    }
    if (!cookie.empty()) req.set(http::bhttp::field::cookie, cookie);
    if (!bearer.empty()) req.set(http::bhttp::field::authorization, "Bearer " + bearer);
    auto res = http::Fetch("127.0.0.1", app_->port(), std::move(req), 5s);
    EXPECT_TRUE(res) << (res ? "" : res.error());
    return res ? *res : http::Response{};
  }

  /// Cookie header for the next request from the Set-Cookie lines of a response.
  static std::string CookiesOf(const http::Response& res) {
    std::string out;
    for (const auto& field : res) {
      if (field.name() != http::bhttp::field::set_cookie) continue;
      const auto v = field.value();
      if (!out.empty()) out += "; ";
      out += std::string(v.substr(0, v.find(';')));
    }
    return out;
  }

  http::Response SignIn(const std::string& name, const std::string& email, const std::string& extra = {}) {
    return Call(http::Verb::post, "/api/u/signin",
                R"({"name":")" + name + R"(","email":")" + email + "\"" + extra + "}");
  }

  Settings settings_;
  std::unique_ptr<App> app_;
  std::unique_ptr<db::Pool> pool_;
};

TEST_F(AuthTest, SignInRefreshReadSignOutCycle) {
  auto in = SignIn("woman", "woman@edu.io");
  ASSERT_EQ(in.result(), http::Status::ok) << in.body();
  auto doc = json::parse(in.body());
  EXPECT_EQ(doc["data"]["user"]["id"], "2");  // a string: the frontend detects the admin by id === "2"
  EXPECT_EQ(doc["data"]["user"]["email"], "woman@edu.io");
  const std::string access = doc["data"]["access_token"];
  std::vector<std::string> set_cookies;
  for (const auto& f : in) {
    if (f.name() == http::bhttp::field::set_cookie) set_cookies.emplace_back(f.value());
  }
  ASSERT_EQ(set_cookies.size(), 2u);
  EXPECT_TRUE(set_cookies[0].starts_with("access_token=" + access + "; Path=/; Expires="));
  EXPECT_TRUE(set_cookies[0].ends_with(" GMT; HttpOnly; SameSite=Lax"));
  EXPECT_TRUE(set_cookies[1].starts_with("refresh_token="));
  const auto cookies = CookiesOf(in);

  // The token has the contract's claims.
  auth::JwtCodec codec(settings_.auth.access_secret, "jwt-nation-pulse-server", "jwt-nation-pulse-client");
  auto claims = codec.Verify(access, std::time(nullptr));
  ASSERT_TRUE(claims);
  EXPECT_EQ(claims->subject, "2");
  EXPECT_EQ(claims->expires_at - claims->issued_at, 900);

  EXPECT_EQ(Call(http::Verb::get, "/api/health/country?countryCode=USA", {}, cookies).result(),
            http::Status::ok);
  EXPECT_EQ(Call(http::Verb::get, "/api/health/country?countryCode=USA", {}, {}, access).result(),
            http::Status::ok);

  // Refresh with a live access cookie: the same token comes back (the original sent the user id).
  auto same = Call(http::Verb::post, "/api/u/token/refresh", "{}", cookies);
  ASSERT_EQ(same.result(), http::Status::ok);
  EXPECT_EQ(json::parse(same.body())["data"]["access_token"], access);

  // Refresh with only the refresh cookie rotates the pair; the refresh token works once.
  const auto refresh_cookie = cookies.substr(cookies.find("refresh_token="));
  auto rotated = Call(http::Verb::post, "/api/u/token/refresh", "", refresh_cookie);
  ASSERT_EQ(rotated.result(), http::Status::created) << rotated.body();
  const std::string fresh = json::parse(rotated.body())["data"]["access_token"];
  EXPECT_NE(fresh, access);
  EXPECT_EQ(Call(http::Verb::get, "/api/growth/gdp/country?countryCode=USA", {}, {}, fresh).result(),
            http::Status::ok);
  auto reused = Call(http::Verb::post, "/api/u/token/refresh", "", refresh_cookie);
  EXPECT_EQ(reused.result(), http::Status::unauthorized);

  // Sign-out revokes and clears; the revoked token is refused at once.
  auto out = Call(http::Verb::post, "/api/u/signout", "", "access_token=" + access);
  ASSERT_EQ(out.result(), http::Status::ok);
  EXPECT_EQ(out.body(), "{\"isSuccess\":true,\"data\":\"Logout handled successfully\",\"error\":null}\n");
  EXPECT_NE(CookiesOf(out).find("access_token="), std::string::npos);
  auto refused = Call(http::Verb::get, "/api/health/country?countryCode=USA", {}, {}, access);
  EXPECT_EQ(refused.result(), http::Status::unauthorized);
  // A Bearer-only client is signed out too.
  auto again = json::parse(SignIn("woman", "woman@edu.io").body())["data"]["access_token"].get<std::string>();
  EXPECT_EQ(Call(http::Verb::post, "/api/u/signout", "", {}, again).result(), http::Status::ok);
  EXPECT_EQ(Call(http::Verb::get, "/api/health/country?countryCode=USA", {}, {}, again).result(),
            http::Status::unauthorized);
  // Without any cookie sign-out still answers 200 (the original panicked, D-05).
  EXPECT_EQ(Call(http::Verb::post, "/api/u/signout").result(), http::Status::ok);
}

TEST_F(AuthTest, ModulesDecideAccess) {
  auto in = SignIn("man", "man@edu.io");
  ASSERT_EQ(in.result(), http::Status::ok);
  const auto cookies = CookiesOf(in);
  EXPECT_EQ(Call(http::Verb::get, "/api/health/country?countryCode=USA", {}, cookies).result(),
            http::Status::ok);
  EXPECT_EQ(Call(http::Verb::get, "/api/population/country?countryCode=USA", {}, cookies).result(),
            http::Status::ok);  // D-12 fixed
  EXPECT_EQ(Call(http::Verb::get, "/api/growth/population/country?countryCode=USA", {}, cookies).result(),
            http::Status::ok);
  auto denied = Call(http::Verb::get, "/api/economy/gdp/country?countryCode=USA", {}, cookies);
  EXPECT_EQ(denied.result(), http::Status::forbidden);
  EXPECT_EQ(denied.body(), "{\"isSuccess\":false,\"data\":null,\"error\":\"Forbidden resource\"}\n");
  auto modules = Call(http::Verb::post, "/api/uu/permissions", "{\"userID\":1}", cookies);
  ASSERT_EQ(modules.result(), http::Status::ok);
  EXPECT_EQ(json::parse(modules.body())["data"], json::parse("[11,12,13]"));
}

TEST_F(AuthTest, MissingOrBadTokensAre401) {
  auto none = Call(http::Verb::get, "/api/health/country?countryCode=USA");
  EXPECT_EQ(none.result(), http::Status::unauthorized);
  EXPECT_EQ(json::parse(none.body())["error"], "User does not have access or missing token");
  auto in = SignIn("woman", "woman@edu.io");
  std::string token = json::parse(in.body())["data"]["access_token"];
  token.back() = token.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(Call(http::Verb::get, "/api/health/country?countryCode=USA", {}, {}, token).result(),
            http::Status::unauthorized);
  auth::JwtCodec foreign(std::string(40, 'x'), "jwt-nation-pulse-server", "jwt-nation-pulse-client");
  auth::Claims c;
  c.subject = "2";
  c.jti = auth::NewUuidV4();
  c.issued_at = std::time(nullptr);
  c.expires_at = c.issued_at + 60;
  EXPECT_EQ(Call(http::Verb::get, "/api/health/country?countryCode=USA", {}, {}, foreign.Sign(c)).result(),
            http::Status::unauthorized);
}

TEST_F(AuthTest, PasswordIsRequiredOnceSet) {
  ASSERT_TRUE(pool_->Run([](pqxx::connection& conn) {
    pqxx::work tx(conn);
    tx.exec_params("INSERT INTO user_credentials (user_id, password_hash) VALUES (1, $1)",
                   auth::HashPassword("correct horse battery"));
    tx.commit();
  }));
  EXPECT_EQ(SignIn("man", "man@edu.io").result(), http::Status::unauthorized);
  EXPECT_EQ(SignIn("man", "man@edu.io", R"(,"password":"wrong")").result(), http::Status::unauthorized);
  EXPECT_EQ(SignIn("man", "man@edu.io", R"(,"password":"correct horse battery")").result(), http::Status::ok);
}

TEST_F(AuthTest, PasswordlessSignInCanBeTurnedOff) {
  settings_.auth.allow_passwordless = false;
  Restart();
  auto res = SignIn("woman", "woman@edu.io");
  EXPECT_EQ(res.result(), http::Status::unauthorized);
  EXPECT_EQ(json::parse(res.body())["error"], "invalid name, email or password");
}

TEST_F(AuthTest, BadBodiesAre400AndUnknownUsers401) {
  EXPECT_EQ(Call(http::Verb::post, "/api/u/signin", "{not json").result(), http::Status::bad_request);
  EXPECT_EQ(Call(http::Verb::post, "/api/u/signin", "[1]").result(), http::Status::bad_request);
  EXPECT_EQ(Call(http::Verb::post, "/api/u/signin", R"({"name":"woman"})").result(),
            http::Status::bad_request);
  EXPECT_EQ(Call(http::Verb::post, "/api/u/signin", R"({"name":1,"email":"x"})").result(),
            http::Status::bad_request);
  EXPECT_EQ(SignIn("woman", "nobody@edu.io").result(), http::Status::unauthorized);
  // Keys match case-insensitively, as with the original's decoder.
  EXPECT_EQ(Call(http::Verb::post, "/api/u/signin", R"({"Name":"woman","EMAIL":"woman@edu.io"})").result(),
            http::Status::ok);
  EXPECT_EQ(Call(http::Verb::post, "/api/u/token/refresh").result(), http::Status::unauthorized);
}

TEST_F(AuthTest, AdminRoutesAndEditsTakeEffectOnTheNextRequest) {
  const auto admin = CookiesOf(SignIn("woman", "woman@edu.io"));
  const auto guest = CookiesOf(SignIn("man", "man@edu.io"));
  auto users = Call(http::Verb::get, "/api/a/getUsers", {}, admin);
  ASSERT_EQ(users.result(), http::Status::ok) << users.body();
  auto list = json::parse(users.body())["data"];
  ASSERT_GE(list.size(), 2u);
  EXPECT_EQ(list[0].size(), 5u);
  EXPECT_TRUE(list[0]["id"].is_number_integer());
  EXPECT_TRUE(list[0].contains("username") && list[0].contains("created_at") &&
              list[0].contains("updated_at"));
  EXPECT_EQ(Call(http::Verb::get, "/api/a/getUsers", {}, guest).result(), http::Status::forbidden);

  for (const char* body : {R"({"userID":"1"})", R"({"userID":1})", R"({"userid":"1"})"}) {
    auto perms = Call(http::Verb::post, "/api/a/getUserPermissions", body, admin);
    ASSERT_EQ(perms.result(), http::Status::ok) << body;
    EXPECT_EQ(json::parse(perms.body())["data"], json::parse("[11,12,13]")) << body;
  }
  EXPECT_EQ(Call(http::Verb::post, "/api/a/getUserPermissions", R"({"userID":"x"})", admin).result(),
            http::Status::bad_request);
  EXPECT_EQ(Call(http::Verb::post, "/api/a/getUserPermissions", "nope", admin).result(),
            http::Status::bad_request);

  // The guest is refused Economy (his module list is now cached) until the admin grants it.
  EXPECT_EQ(Call(http::Verb::get, "/api/economy/gdp/country?countryCode=USA", {}, guest).result(),
            http::Status::forbidden);
  auto set = Call(http::Verb::post, "/api/a/setUserPermissions",
                  R"({"user_id":1,"role_id":1,"modules":[1,2,3,4],"permissions":[1,2,4]})", admin);
  ASSERT_EQ(set.result(), http::Status::ok) << set.body();
  EXPECT_EQ(json::parse(set.body())["data"],
            json::parse(R"({"user_id":1,"role_id":1,"modules":[1,2,3,4],"permissions":[1,2,4]})"));
  EXPECT_EQ(Call(http::Verb::get, "/api/economy/gdp/country?countryCode=USA", {}, guest).result(),
            http::Status::ok);

  EXPECT_EQ(Call(http::Verb::post, "/api/a/setUserPermissions",
                 R"({"user_id":1,"role_id":1,"modules":[1,99],"permissions":[1]})", admin)
                .result(),
            http::Status::bad_request);
  EXPECT_EQ(Call(http::Verb::post, "/api/a/setUserPermissions", R"({"user_id":"1"})", admin).result(),
            http::Status::bad_request);
  // 4294967297 would wrap to user 1 in a 32-bit int: refused, never applied to another user.
  EXPECT_EQ(Call(http::Verb::post, "/api/a/setUserPermissions",
                 R"({"user_id":4294967297,"role_id":1,"modules":[1],"permissions":[1]})", admin)
                .result(),
            http::Status::bad_request);
  EXPECT_EQ(
      Call(http::Verb::post, "/api/a/setUserPermissions", R"({"user_id":1,"role_id":1,"modules":[1]})", admin)
          .result(),
      http::Status::bad_request);  // a forgotten set must not wipe the user's grants
  // Put the seed's grants back for the other tests.
  ASSERT_EQ(Call(http::Verb::post, "/api/a/setUserPermissions",
                 R"({"user_id":1,"role_id":1,"modules":[1,2,3],"permissions":[1,2]})", admin)
                .result(),
            http::Status::ok);
  EXPECT_EQ(Call(http::Verb::get, "/api/economy/gdp/country?countryCode=USA", {}, guest).result(),
            http::Status::forbidden);
}

TEST_F(AuthTest, SignInIsRateLimitedPerAccountAndRecovers) {
  settings_.signin_per_minute_per_account = 60;  // one per second
  settings_.signin_burst_per_account = 2;
  Restart();
  EXPECT_EQ(SignIn("woman", "woman@edu.io").result(), http::Status::ok);
  EXPECT_EQ(SignIn("WOMAN", "wrong@edu.io").result(), http::Status::unauthorized);  // same account, any case
  auto limited = SignIn("woman", "woman@edu.io");
  EXPECT_EQ(limited.result(), http::Status::too_many_requests);
  EXPECT_EQ(limited[http::bhttp::field::retry_after], "1");
  EXPECT_EQ(json::parse(limited.body())["isSuccess"], false);
  EXPECT_EQ(SignIn("man", "man@edu.io").result(), http::Status::ok);  // other accounts unaffected
  std::this_thread::sleep_for(1100ms);
  EXPECT_EQ(SignIn("woman", "woman@edu.io").result(), http::Status::ok);
}

TEST_F(AuthTest, SignInIsRateLimitedPerClientAddress) {
  settings_.signin_per_minute_per_ip = 1;
  settings_.signin_burst_per_ip = 3;
  Restart();
  for (int i = 0; i < 3; ++i)
    EXPECT_NE(SignIn("x" + std::to_string(i), "y@edu.io").result(), http::Status::too_many_requests);
  auto limited = SignIn("woman", "woman@edu.io");
  EXPECT_EQ(limited.result(), http::Status::too_many_requests);
  EXPECT_EQ(limited[http::bhttp::field::retry_after], "60");
}

TEST_F(AuthTest, CorsPreflightForAuthRoutes) {
  for (const auto& [origin, allowed] :
       {std::pair{"http://localhost:5173", true}, std::pair{"http://evil.example", false}}) {
    http::Request pre{http::Verb::options, "/api/u/signin", 11};
    pre.set(http::bhttp::field::origin, origin);
    pre.set(http::bhttp::field::access_control_request_method, "POST");
    pre.set(http::bhttp::field::access_control_request_headers, "content-type,authorization");
    auto res = http::Fetch("127.0.0.1", app_->port(), std::move(pre), 2s);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->result(), http::Status::no_content);
    EXPECT_EQ(res->count(http::bhttp::field::access_control_allow_origin), allowed ? 1u : 0u) << origin;
    if (allowed) {
      EXPECT_EQ((*res)[http::bhttp::field::access_control_allow_credentials], "true");
      EXPECT_EQ((*res)[http::bhttp::field::access_control_allow_headers], "Content-Type, Authorization");
    }
  }
}

TEST_F(AuthTest, RedisDownMeans503NeverAnOpenDoor) {
  auto in = SignIn("woman", "woman@edu.io");
  ASSERT_EQ(in.result(), http::Status::ok);
  const auto cookies = CookiesOf(in);
  ASSERT_EQ(testing::Infra("stop --only redis"), 0);
  auto read = Call(http::Verb::get, "/api/health/country?countryCode=USA", {}, cookies);
  EXPECT_EQ(read.result(), http::Status::service_unavailable) << read.body();
  EXPECT_EQ(SignIn("woman", "woman@edu.io").result(), http::Status::service_unavailable);
  EXPECT_EQ(Call(http::Verb::get, "/api/dashboard/health").result(), http::Status::ok);  // public reads go on
}

}  // namespace
}  // namespace nationpulse::bff
