#include "auth_service.hpp"

#include <ctime>

#include "nationpulse/auth/password.hpp"
#include "nationpulse/http/json_response.hpp"
#include "nationpulse/log/log.hpp"

namespace nationpulse::bff {

using http::Status;

namespace {

AuthError Unavailable(std::string_view what, const cache::CacheError& e) {
  // Throttled: while Redis is down every protected request ends here.
  static log::Throttle throttle(5, std::chrono::seconds(10));
  throttle.Warn("redis call failed during authentication", {{"step", what}, {"error", e.message}});
  // Never an open door: without Redis no token can be checked or stored.
  return {Status::service_unavailable, "authentication temporarily unavailable, try again"};
}

}  // namespace

http::Response AuthErrorResponse(const AuthError& e) {
  auto res = http::JsonError(e.status, e.message);
  if (e.status == Status::service_unavailable) res.set(http::bhttp::field::retry_after, "2");
  return res;
}

AuthError DbAuthError(const db::DbError& error) {
  static log::Throttle throttle(5, std::chrono::seconds(10));  // one per request during an outage
  throttle.Warn("database call failed during authentication",
                {{"kind", db::KindName(error.kind)}, {"sqlstate", error.sqlstate}, {"error", error.message}});
  if (error.kind == db::DbError::Kind::kQuery)
    return {Status::internal_server_error, "database query failed"};
  return {Status::service_unavailable, "database unavailable, try again later"};
}

SessionService::SessionService(db::Pool& pool, cache::Redis& redis, AuthOptions options)
    : pool_(pool),
      redis_(redis),
      options_(std::move(options)),
      access_codec_(options_.access_secret, std::string(kTokenIssuer), std::string(kTokenAudience)),
      refresh_codec_(options_.refresh_secret, std::string(kTokenIssuer), std::string(kTokenAudience)) {
  if (options_.access_secret == options_.refresh_secret) {
    throw std::invalid_argument("ACCESS_SECRET and REFRESH_SECRET must differ");
  }
}

std::int64_t SessionService::Now() const {
  return options_.now ? options_.now() : static_cast<std::int64_t>(std::time(nullptr));
}

Expected<std::pair<SessionService::User, SessionService::Tokens>, AuthError> SessionService::SignIn(
    std::string_view name, std::string_view email, const std::optional<std::string>& password) {
  struct Found {
    std::optional<User> user;
    std::optional<std::string> hash;
  };
  auto found = pool_.Run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    Found f;
    auto rows = tx.exec_params("SELECT * FROM get_user($1, $2)", std::string(name), std::string(email));
    if (rows.empty()) return f;
    f.user = User{rows[0][0].as<std::string>(), rows[0][1].as<std::string>(), rows[0][2].as<std::string>()};
    auto cred = tx.exec_params("SELECT password_hash FROM user_credentials WHERE user_id = $1", f.user->id);
    if (!cred.empty()) f.hash = cred[0][0].as<std::string>();
    return f;
  });
  if (!found) return Unexpected{DbAuthError(found.error())};
  // One message for every refusal, so a caller cannot tell which part was wrong.
  const AuthError refused{Status::unauthorized, "invalid name, email or password"};
  if (!found->user || (!found->hash && !options_.allow_passwordless)) {
    // Spend the same Argon2id time as a real check, so response time does not reveal which
    // name/e-mail pairs exist.
    static const std::string kDummyHash = auth::HashPassword("nationpulse-timing-equaliser");
    (void)auth::VerifyPassword(kDummyHash, password.value_or(""));
    return Unexpected{refused};
  }
  if (found->hash && (!password || !auth::VerifyPassword(*found->hash, *password)))
    return Unexpected{refused};
  auto tokens = Issue(found->user->id);
  if (!tokens) return Unexpected{tokens.error()};
  return std::make_pair(*found->user, std::move(*tokens));
}

Expected<SessionService::Tokens, AuthError> SessionService::Issue(const std::string& user_id) {
  const auto now = Now();
  Tokens t;
  auth::Claims access;
  access.subject = user_id;
  access.jti = auth::NewUuidV4();
  access.issuer = std::string(kTokenIssuer);
  access.audience = {std::string(kTokenAudience)};
  access.issued_at = now;
  access.expires_at = now + options_.access_ttl.count();
  auth::Claims refresh = access;
  refresh.jti = auth::NewUuidV4();
  refresh.expires_at = now + options_.refresh_ttl.count();
  t.access = access_codec_.Sign(access);
  t.refresh = refresh_codec_.Sign(refresh);
  t.access_expires = access.expires_at;
  t.refresh_expires = refresh.expires_at;
  if (auto r = redis_.SetEx("access:" + access.jti, user_id, options_.access_ttl); !r) {
    return Unexpected{Unavailable("store access jti", r.error())};
  }
  if (auto r = redis_.SetEx("refresh:" + refresh.jti, user_id, options_.refresh_ttl); !r) {
    return Unexpected{Unavailable("store refresh jti", r.error())};
  }
  return t;
}

Expected<auth::Claims, AuthError> SessionService::Authenticate(std::string_view access_token) {
  auto claims = access_codec_.Verify(access_token, Now());
  if (!claims) return Unexpected{AuthError{Status::unauthorized, "User does not have access"}};
  auto listed = redis_.Get("access:" + claims->jti);
  if (!listed) return Unexpected{Unavailable("check access jti", listed.error())};
  if (!listed->has_value() || **listed != claims->subject) {
    return Unexpected{AuthError{Status::unauthorized, "User does not have acces or invalid token jti"}};
  }
  return std::move(*claims);
}

Expected<SessionService::Tokens, AuthError> SessionService::Rotate(std::string_view refresh_token) {
  auto claims = refresh_codec_.Verify(refresh_token, Now());
  if (!claims) {
    return Unexpected{AuthError{Status::unauthorized,
                                std::string("invalid refresh token: ") + auth::ToString(claims.error())}};
  }
  // GETDEL: of two concurrent uses of one refresh token, exactly one wins.
  auto owner = redis_.GetDel("refresh:" + claims->jti);
  if (!owner) return Unexpected{Unavailable("consume refresh jti", owner.error())};
  if (!owner->has_value() || **owner != claims->subject) {
    return Unexpected{AuthError{Status::unauthorized, "refresh token already used or revoked"}};
  }
  return Issue(claims->subject);
}

void SessionService::Revoke(const std::optional<std::string>& access_token,
                            const std::optional<std::string>& refresh_token) {
  std::vector<std::string> keys;
  if (access_token) {
    if (auto c = access_codec_.Verify(*access_token, Now(), false)) keys.push_back("access:" + c->jti);
  }
  if (refresh_token) {
    if (auto c = refresh_codec_.Verify(*refresh_token, Now(), false)) keys.push_back("refresh:" + c->jti);
  }
  if (keys.empty()) return;
  if (auto r = redis_.Del(keys); !r)
    log::Warn("sign-out could not revoke tokens", {{"error", r.error().message}});
}

}  // namespace nationpulse::bff
