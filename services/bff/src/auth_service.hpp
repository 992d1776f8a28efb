#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nationpulse/auth/jwt.hpp"
#include "nationpulse/base/expected.hpp"
#include "nationpulse/cache/redis.hpp"
#include "nationpulse/db/pool.hpp"
#include "nationpulse/http/types.hpp"

namespace nationpulse::bff {

inline constexpr std::string_view kTokenIssuer = "jwt-nation-pulse-server";
inline constexpr std::string_view kTokenAudience = "jwt-nation-pulse-client";

/// A refusal or failure with the HTTP status and envelope message it maps to.
struct AuthError {
  http::Status status = http::Status::unauthorized;
  std::string message;
};

struct AuthOptions {
  std::string access_secret;   ///< raw bytes, HS256 key of access tokens (ACCESS_SECRET)
  std::string refresh_secret;  ///< raw bytes, HS256 key of refresh tokens (REFRESH_SECRET)
  std::chrono::seconds access_ttl{900};
  std::chrono::seconds refresh_ttl{7 * 24 * 3600};
  /// Users without a stored password may sign in with name + e-mail (the original frontend has no
  /// password field). Off unless configured.
  bool allow_passwordless = false;
  /// Unix seconds; injectable for tests.
  std::function<std::int64_t()> now;
};

/// Sessions of rest-api.md §5: HS256 access/refresh tokens whose JTIs are allow-listed in Redis
/// (access:<jti>, refresh:<jti>), so revocation and one-time refresh take effect at once.
/// Blocking (Postgres, Redis): worker threads only.
class SessionService {
 public:
  struct User {
    std::string id;  ///< decimal string: the frontend compares ids as strings
    std::string name;
    std::string email;
  };
  struct Tokens {
    std::string access;
    std::string refresh;
    std::int64_t access_expires = 0;
    std::int64_t refresh_expires = 0;
  };

  SessionService(db::Pool& pool, cache::Redis& redis, AuthOptions options);

  /// Checks name + e-mail (+ password when the user has one) and issues a pair.
  Expected<std::pair<User, Tokens>, AuthError> SignIn(std::string_view name, std::string_view email,
                                                      const std::optional<std::string>& password);
  /// Verifies an access token: signature, iss, aud, exp, nbf, and its JTI still allow-listed.
  Expected<auth::Claims, AuthError> Authenticate(std::string_view access_token);
  /// Exchanges a refresh token (usable once) for a new pair.
  Expected<Tokens, AuthError> Rotate(std::string_view refresh_token);
  /// Removes the JTIs of whichever tokens parse with their own key, expired or not. Best effort:
  /// sign-out always clears the cookies.
  void Revoke(const std::optional<std::string>& access_token,
              const std::optional<std::string>& refresh_token);

  const AuthOptions& options() const { return options_; }

 private:
  Expected<Tokens, AuthError> Issue(const std::string& user_id);
  std::int64_t Now() const;

  db::Pool& pool_;
  cache::Redis& redis_;
  AuthOptions options_;
  auth::JwtCodec access_codec_;
  auth::JwtCodec refresh_codec_;
};

/// The envelope answer of an AuthError (503s carry Retry-After).
http::Response AuthErrorResponse(const AuthError& error);

/// Maps a database failure to the answer of an auth step: 503 when unavailable, 500 otherwise.
AuthError DbAuthError(const db::DbError& error);

}  // namespace nationpulse::bff
