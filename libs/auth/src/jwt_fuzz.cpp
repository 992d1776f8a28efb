// libFuzzer target for JwtCodec (fuzz preset; see docs/reliability.md, "Fuzzing"). The first input
// byte picks the mode (byte % 3), the rest is its input:
//  '0' a token as a client sends it: Verify must return (never throw, never crash), and with or
//      without the expiry check give the same answer (only kExpired/kNotYetValid may differ);
//  '1' "<header JSON>\n<payload JSON>" signed here with the codec's key (so the claim checks behind the
//      signature are reached): an accepted token must have a pinned "alg":"HS256" header, non-empty sub
//      and jti, the codec's issuer and audience, and be live at `now`; re-signing its claims must give a
//      token that verifies to the same claims; and changing any one character must get it refused;
//  '2' "<sub>\n<jti>\n<8 bytes exp>..." claims given to Sign: it either throws what it documents
//      (std::invalid_argument, nlohmann::json::type_error for invalid UTF-8) or issues a token that
//      its own Verify accepts with the same claims.
// Any violation calls std::abort().
#include <openssl/evp.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

#include "nationpulse/auth/jwt.hpp"

namespace {

using nationpulse::auth::Base64UrlEncode;
using nationpulse::auth::Claims;
using nationpulse::auth::JwtCodec;
using nationpulse::auth::TokenError;

constexpr std::string_view kKey = "nationpulse-fuzz-jwt-key-0123456789abcdef";
constexpr std::string_view kIssuer = "jwt-nation-pulse-server";
constexpr std::string_view kAudience = "jwt-nation-pulse-client";
constexpr std::int64_t kNow = 1735689600;  // 2025-01-01T00:00:00Z

[[noreturn]] void Fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "auth_jwt_fuzz: %s: %.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

const JwtCodec& Codec() {
  static const JwtCodec codec{std::string(kKey), std::string(kIssuer), std::string(kAudience)};
  return codec;
}

std::string Signed(std::string_view header, std::string_view payload) {
  std::string token = Base64UrlEncode(header) + "." + Base64UrlEncode(payload);
  unsigned char mac[EVP_MAX_MD_SIZE];
  std::size_t length = 0;
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, kKey.data(), kKey.size(),
                reinterpret_cast<const unsigned char*>(token.data()), token.size(), mac, sizeof mac,
                &length) == nullptr) {
    Fail("HMAC", "EVP_Q_mac failed");
  }
  return token + "." + Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(mac), length));
}

bool SameClaims(const Claims& a, const Claims& b) {
  return a.subject == b.subject && a.jti == b.jti && a.issued_at == b.issued_at &&
         a.expires_at == b.expires_at && a.not_before == b.not_before;
}

/// The documented guarantees of an accepted token.
void CheckAccepted(std::string_view token, const Claims& claims, std::string_view header_json) {
  const auto header = nlohmann::json::parse(header_json, nullptr, false);
  if (!header.is_object() || !header.contains("alg") || header["alg"] != "HS256" || header.contains("crit")) {
    Fail("accepted a token whose header is not pinned to HS256", header_json);
  }
  if (claims.subject.empty() || claims.jti.empty()) Fail("accepted empty sub/jti", token);
  if (claims.issuer != kIssuer) Fail("accepted a foreign issuer", token);
  bool audience = false;
  for (const auto& a : claims.audience) audience = audience || a == kAudience;
  if (!audience) Fail("accepted a foreign audience", token);
  if (claims.expires_at <= kNow || (claims.not_before && *claims.not_before > kNow)) {
    Fail("accepted a token that is not live", token);
  }
}

/// An accepted token has exactly one spelling: any one-character change must be refused.
void CheckTamper(const std::string& token, std::size_t where, char with) {
  if (token.empty()) return;
  std::string changed = token;
  auto& c = changed[where % changed.size()];
  if (c == with) return;
  c = with;
  if (Codec().Verify(changed, kNow)) Fail("accepted a tampered token", changed);
}

void VerifyRaw(std::string_view token) {
  const auto strict = Codec().Verify(token, kNow);
  const auto lenient = Codec().Verify(token, kNow, /*check_expiry=*/false);
  // The expiry check only ever adds refusals (kExpired, kNotYetValid) and never changes claims.
  if (strict) {
    if (!lenient || !SameClaims(*strict, *lenient)) Fail("expiry check changed the claims", token);
    const auto dot = token.find('.');
    if (dot == std::string_view::npos || token.find('.', dot + 1) == std::string_view::npos) {
      Fail("accepted a token without three parts", token);
    }
  } else if (lenient) {
    if (strict.error() != TokenError::kExpired && strict.error() != TokenError::kNotYetValid) {
      Fail("refused with expiry check for another reason", nationpulse::auth::ToString(strict.error()));
    }
  } else if (strict.error() != lenient.error()) {
    Fail("expiry check changed an earlier refusal", token);
  }
}

void VerifySigned(std::string_view input) {
  const auto newline = input.find('\n');
  if (newline == std::string_view::npos) return;
  const std::string_view header = input.substr(0, newline);
  const std::string_view payload = input.substr(newline + 1);
  const std::string token = Signed(header, payload);
  const auto strict = Codec().Verify(token, kNow);
  const auto lenient = Codec().Verify(token, kNow, /*check_expiry=*/false);
  if (strict) {
    if (!lenient || !SameClaims(*strict, *lenient)) Fail("expiry check changed the claims", token);
    CheckAccepted(token, *strict, header);
  } else if (lenient) {
    if (strict.error() != TokenError::kExpired && strict.error() != TokenError::kNotYetValid) {
      Fail("refused with expiry check for another reason", nationpulse::auth::ToString(strict.error()));
    }
  } else if (strict.error() != lenient.error()) {
    Fail("expiry check changed an earlier refusal", token);
  }
  if (!strict) return;
  // Re-issue: the codec's own token for these claims verifies to the same claims.
  const std::string again = Codec().Sign(*strict);
  const auto back = Codec().Verify(again, kNow);
  if (!back || !SameClaims(*back, *strict)) Fail("re-signed claims do not verify", again);
  CheckTamper(token, payload.size() * 31 + header.size(), payload.empty() ? 'A' : payload.back());
}

std::int64_t ReadInt64(std::string_view& in) {
  std::uint64_t v = 0;
  const std::size_t n = std::min<std::size_t>(8, in.size());
  std::memcpy(&v, in.data(), n);
  in.remove_prefix(n);
  return static_cast<std::int64_t>(v);
}

void SignClaims(std::string_view input) {
  Claims claims;
  auto next_line = [&input] {
    const auto newline = input.find('\n');
    const std::string_view line = input.substr(0, newline);
    input.remove_prefix(newline == std::string_view::npos ? input.size() : newline + 1);
    return std::string(line);
  };
  claims.subject = next_line();
  claims.jti = next_line();
  // Times near kNow most of the time (one byte of offset), the whole int64 range otherwise.
  const bool wide = !input.empty() && (input[0] & 1);
  if (!input.empty()) input.remove_prefix(1);
  auto time = [&](std::int64_t base) {
    const std::int64_t raw = ReadInt64(input);
    return wide ? raw : base + static_cast<std::int8_t>(raw & 0xff) * 60;
  };
  claims.expires_at = time(kNow + 3600);
  claims.issued_at = time(kNow);
  if (!input.empty()) claims.not_before = time(kNow);
  std::string token;
  try {
    token = Codec().Sign(claims);
  } catch (const std::invalid_argument&) {
    return;  // documented: empty sub or jti
  } catch (const nlohmann::json::type_error&) {
    return;  // documented: a claim that is not valid UTF-8
  }
  const bool live = claims.expires_at > kNow && !(claims.not_before && *claims.not_before > kNow);
  const auto back = Codec().Verify(token, kNow);
  if (live && (!back || !SameClaims(*back, claims))) {
    Fail("a token Sign issued is refused by Verify",
         back ? token : std::string(nationpulse::auth::ToString(back.error())) + " " + token);
  }
  if (!live && back) Fail("accepted a token that is not live", token);
  if (back) CheckTamper(token, claims.subject.size() * 7 + claims.jti.size(), 'x');
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0 || size > 16 * 1024) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 3) {
    case 0:
      VerifyRaw(input);
      break;
    case 1:
      VerifySigned(input);
      break;
    default:
      SignClaims(input);
      break;
  }
  return 0;
}
