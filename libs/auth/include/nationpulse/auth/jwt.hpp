#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nationpulse/base/expected.hpp"

namespace nationpulse::auth {

/// The registered claims of an access or refresh token (rest-api.md §5.1).
struct Claims {
  std::string subject;                     ///< "sub", user id as decimal string
  std::string jti;                         ///< "jti", UUID v4: the Redis allow-list key
  std::string issuer;                      ///< "iss"
  std::vector<std::string> audience;       ///< "aud" (array on output; string or array accepted)
  std::int64_t issued_at = 0;              ///< "iat", Unix seconds
  std::int64_t expires_at = 0;             ///< "exp", Unix seconds
  std::optional<std::int64_t> not_before;  ///< "nbf" when present
};

/// Why a token was refused. Every value means 401 to the client; the distinction is for logs
/// and metrics.
enum class TokenError {
  kMalformed,
  kTooLarge,
  kWrongAlgorithm,
  kBadSignature,
  kExpired,
  kNotYetValid,
  kWrongIssuer,
  kWrongAudience,
};

/// Short stable text ("malformed", "too_large", "wrong_algorithm", "bad_signature", "expired",
/// "not_yet_valid", "wrong_issuer", "wrong_audience"), usable as a log field or metric label.
const char* ToString(TokenError e);

/// HS256 JWTs per RFC 7519 and the RFC 8725 best practices. The algorithm is pinned: the header
/// must say exactly "HS256", so "none", "HS512", "RS256" or a missing alg are refused before the
/// signature is looked at. The signature is compared in constant time, then iss, aud, exp (required,
/// strictly in the future, no leeway), nbf (when present) and iat (required) are checked.
///
/// Immutable after construction: one instance may be shared by any number of threads.
///
///   auth::JwtCodec access(*auth::ReadSecret("ACCESS_SECRET"), "jwt-nation-pulse-server",
///                         "jwt-nation-pulse-client");
///   auto claims = access.Verify(token, now_seconds);
///   if (!claims) log.Info("token refused: {}", auth::ToString(claims.error()));
class JwtCodec {
 public:
  /// @param key raw bytes of the secret, used as-is and NOT base64-decoded (contract §5.1).
  /// @param max_token_bytes longer tokens are refused with kTooLarge before any parsing.
  /// @throws std::invalid_argument when key is shorter than 32 bytes (RFC 7518 §3.2: at least
  ///         the size of the hash output).
  JwtCodec(std::string key, std::string issuer, std::string audience, std::size_t max_token_bytes = 4096);

  /// Header exactly {"alg":"HS256","typ":"JWT"}; payload keys in the order iss, sub, aud, exp,
  /// iat, jti, then nbf when set (as rest-api.md §11). iss and aud are the codec's own
  /// (claims.issuer and claims.audience are ignored), so every token it issues passes its Verify.
  /// @throws std::invalid_argument when claims.subject or claims.jti is empty, or when the token would
  ///         be longer than max_token_bytes (Verify would refuse the token).
  /// @throws nlohmann::json::type_error when a claim is not valid UTF-8.
  std::string Sign(const Claims& claims) const;

  /// @param now Unix seconds.
  /// @param check_expiry false skips the exp and nbf comparisons only (sign-out must be able to
  ///        revoke an expired token); exp must still be present and everything else is checked.
  Expected<Claims, TokenError> Verify(std::string_view token, std::int64_t now,
                                      bool check_expiry = true) const;

 private:
  std::string Mac(std::string_view signing_input) const;

  std::string key_;
  std::string issuer_;
  std::string audience_;
  std::size_t max_token_bytes_;
};

/// RFC 4648 §5 base64url without padding, as JWT segments are spelled (RFC 7515 §2).
std::string Base64UrlEncode(std::string_view bytes);

/// Strict inverse of Base64UrlEncode: nullopt for padding, other alphabets, 4n+1 lengths, set unused bits.
std::optional<std::string> Base64UrlDecode(std::string_view text);

/// A random (libsodium randombytes) UUID v4 in lower-case canonical 8-4-4-4-12 form, for jti.
///   claims.jti = auth::NewUuidV4();
std::string NewUuidV4();

}  // namespace nationpulse::auth
