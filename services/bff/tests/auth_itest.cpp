// Sign-in, refresh, sign-out and the token gate, in-process over real HTTP, Postgres (migrated +
// seed) and Redis of the test infrastructure.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

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
