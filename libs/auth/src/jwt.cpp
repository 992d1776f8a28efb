#include "nationpulse/auth/jwt.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <utility>

namespace nationpulse::auth {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kMinKeyBytes = 32;
constexpr std::size_t kSignatureBytes = 32;  // SHA-256 output
constexpr std::string_view kHeaderJson = R"({"alg":"HS256","typ":"JWT"})";

constexpr std::string_view kBase64UrlAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr std::array<std::int8_t, 256> kBase64UrlValues = [] {
  std::array<std::int8_t, 256> values{};
  values.fill(-1);
  for (std::size_t i = 0; i < kBase64UrlAlphabet.size(); ++i) {
    values[static_cast<unsigned char>(kBase64UrlAlphabet[i])] = static_cast<std::int8_t>(i);
  }
  return values;
}();

const Json* Member(const Json& object, const char* key) {
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::optional<std::int64_t> IntegerValue(const Json* value) {
  if (value == nullptr) return std::nullopt;
  if (value->is_number_unsigned()) {
    const auto u = value->get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
    return static_cast<std::int64_t>(u);
  }
  if (value->is_number_integer()) return value->get<std::int64_t>();
  return std::nullopt;
}

std::optional<std::string> NonEmptyString(const Json* value) {
  if (value == nullptr || !value->is_string() || value->get_ref<const std::string&>().empty()) {
    return std::nullopt;
  }
  return value->get<std::string>();
}

}  // namespace

std::string Base64UrlEncode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::uint32_t bits = 0;
  int count = 0;
  for (const char c : bytes) {
    bits = (bits << 8) | static_cast<unsigned char>(c);
    count += 8;
    while (count >= 6) {
      count -= 6;
      out += kBase64UrlAlphabet[(bits >> count) & 0x3f];
    }
  }
  if (count > 0) out += kBase64UrlAlphabet[(bits << (6 - count)) & 0x3f];
  return out;
}

// Strict, so each byte string has exactly one accepted spelling: no '=' padding, nothing outside
// the URL-safe alphabet, no 4n+1 lengths, no non-zero unused bits in the last character.
// (libsodium 1.0.18's decoder maps some bytes >= 0x80 to digits, so it is not used here.)
std::optional<std::string> Base64UrlDecode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t bits = 0;
  int count = 0;
  for (const char c : text) {
    const std::int8_t value = kBase64UrlValues[static_cast<unsigned char>(c)];
    if (value < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<std::uint32_t>(value);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xff);
    }
  }
  if ((bits & ((1u << count) - 1)) != 0) return std::nullopt;
  return out;
}

const char* ToString(TokenError e) {
  switch (e) {
    case TokenError::kMalformed:
      return "malformed";
    case TokenError::kTooLarge:
      return "too_large";
    case TokenError::kWrongAlgorithm:
      return "wrong_algorithm";
    case TokenError::kBadSignature:
      return "bad_signature";
    case TokenError::kExpired:
      return "expired";
    case TokenError::kNotYetValid:
      return "not_yet_valid";
    case TokenError::kWrongIssuer:
      return "wrong_issuer";
    case TokenError::kWrongAudience:
      return "wrong_audience";
  }
  return "unknown";
}

JwtCodec::JwtCodec(std::string key, std::string issuer, std::string audience, std::size_t max_token_bytes)
    : key_(std::move(key)),
      issuer_(std::move(issuer)),
      audience_(std::move(audience)),
      max_token_bytes_(max_token_bytes) {
  if (key_.size() < kMinKeyBytes) {
    throw std::invalid_argument("JWT HS256 key must be at least 32 bytes, got " +
                                std::to_string(key_.size()));
  }
}

std::string JwtCodec::Mac(std::string_view signing_input) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  std::size_t length = 0;
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key_.data(), key_.size(),
                reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(), mac,
                sizeof mac, &length) == nullptr ||
      length != kSignatureBytes) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  return std::string(reinterpret_cast<const char*>(mac), length);
}

std::string JwtCodec::Sign(const Claims& claims) const {
  if (claims.subject.empty() || claims.jti.empty()) {
    throw std::invalid_argument("JWT needs a non-empty sub and jti");
  }
  // ordered_json keeps insertion order: the contract's example lists the claims in this order.
  nlohmann::ordered_json payload;
  payload["iss"] = issuer_;
  payload["sub"] = claims.subject;
  payload["aud"] = nlohmann::ordered_json::array({audience_});
  payload["exp"] = claims.expires_at;
  payload["iat"] = claims.issued_at;
  payload["jti"] = claims.jti;
  if (claims.not_before) payload["nbf"] = *claims.not_before;

  static const std::string encoded_header = Base64UrlEncode(kHeaderJson);
  std::string token = encoded_header + '.' + Base64UrlEncode(payload.dump());
  const std::string mac = Mac(token);
  token += '.';
  token += Base64UrlEncode(mac);
  // Verify refuses anything longer (kTooLarge): never issue a token our own Verify would refuse.
  // Caught by the Sign -> Verify round trip of auth_jwt_fuzz (a sub of a few KiB).
  if (token.size() > max_token_bytes_) {
    throw std::invalid_argument("JWT would be " + std::to_string(token.size()) + " bytes, more than the " +
                                std::to_string(max_token_bytes_) + " Verify accepts");
  }
  return token;
}

Expected<Claims, TokenError> JwtCodec::Verify(std::string_view token, std::int64_t now,
                                              bool check_expiry) const {
  if (token.size() > max_token_bytes_) return Unexpected{TokenError::kTooLarge};

  const auto first_dot = token.find('.');
  if (first_dot == std::string_view::npos) return Unexpected{TokenError::kMalformed};
  const auto second_dot = token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos || token.find('.', second_dot + 1) != std::string_view::npos) {
    return Unexpected{TokenError::kMalformed};
  }
  const std::string_view header_part = token.substr(0, first_dot);
  const std::string_view payload_part = token.substr(first_dot + 1, second_dot - first_dot - 1);
  if (header_part.empty() || payload_part.empty()) return Unexpected{TokenError::kMalformed};
  const auto header_text = Base64UrlDecode(header_part);
  const auto payload_text = Base64UrlDecode(payload_part);
  const auto signature = Base64UrlDecode(token.substr(second_dot + 1));
  if (!header_text || !payload_text || !signature) return Unexpected{TokenError::kMalformed};

  // The algorithm comes from our configuration, never from the token (RFC 8725 §2.1, §3.1): the
  // header is only checked to say the same.
  const Json header = Json::parse(*header_text, nullptr, /*allow_exceptions=*/false);
  if (!header.is_object()) return Unexpected{TokenError::kMalformed};
  const Json* alg = Member(header, "alg");
  if (alg == nullptr || !alg->is_string() || alg->get_ref<const std::string&>() != "HS256") {
    return Unexpected{TokenError::kWrongAlgorithm};
  }
  // RFC 7515 §4.1.11: extensions listed in "crit" must be understood, and we understand none.
  if (header.contains("crit")) return Unexpected{TokenError::kMalformed};

  // Claims are parsed only once the bytes are known to come from a key holder.
  const std::string expected = Mac(token.substr(0, second_dot));
  if (signature->size() != expected.size() ||
      CRYPTO_memcmp(signature->data(), expected.data(), expected.size()) != 0) {
    return Unexpected{TokenError::kBadSignature};
  }

  const Json payload = Json::parse(*payload_text, nullptr, /*allow_exceptions=*/false);
  if (!payload.is_object()) return Unexpected{TokenError::kMalformed};
  Claims claims;
  auto subject = NonEmptyString(Member(payload, "sub"));
  auto jti = NonEmptyString(Member(payload, "jti"));
  const auto expires_at = IntegerValue(Member(payload, "exp"));
  const auto issued_at = IntegerValue(Member(payload, "iat"));
  if (!subject || !jti || !expires_at || !issued_at) return Unexpected{TokenError::kMalformed};
  claims.subject = std::move(*subject);
  claims.jti = std::move(*jti);
  claims.expires_at = *expires_at;
  claims.issued_at = *issued_at;
  if (const Json* nbf = Member(payload, "nbf")) {
    claims.not_before = IntegerValue(nbf);
    if (!claims.not_before) return Unexpected{TokenError::kMalformed};
  }

  const Json* iss = Member(payload, "iss");
  if (iss != nullptr && !iss->is_string()) return Unexpected{TokenError::kMalformed};
  const Json* aud = Member(payload, "aud");
  if (aud != nullptr && aud->is_string()) {
    claims.audience.push_back(aud->get<std::string>());
  } else if (aud != nullptr && aud->is_array()) {
    for (const Json& entry : *aud) {
      if (!entry.is_string()) return Unexpected{TokenError::kMalformed};
      claims.audience.push_back(entry.get<std::string>());
    }
  } else if (aud != nullptr) {
    return Unexpected{TokenError::kMalformed};
  }

  if (iss == nullptr || iss->get_ref<const std::string&>() != issuer_) {
    return Unexpected{TokenError::kWrongIssuer};
  }
  claims.issuer = issuer_;
  bool audience_matches = false;
  for (const std::string& entry : claims.audience) audience_matches = audience_matches || entry == audience_;
  if (!audience_matches) return Unexpected{TokenError::kWrongAudience};

  if (check_expiry) {
    if (claims.expires_at <= now) return Unexpected{TokenError::kExpired};
    if (claims.not_before && *claims.not_before > now) return Unexpected{TokenError::kNotYetValid};
  }
  return claims;
}

}  // namespace nationpulse::auth
