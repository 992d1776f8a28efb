#include "nationpulse/auth/jwt.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>

namespace nationpulse::auth {
namespace {

using Json = nlohmann::json;

const std::string kKey = "0123456789abcdef0123456789abcdef-access";
const std::string kIssuer = "jwt-nation-pulse-server";
const std::string kAudience = "jwt-nation-pulse-client";
constexpr std::int64_t kNow = 1767225600;
const std::string kHs256Header = R"({"alg":"HS256","typ":"JWT"})";

// The helpers below encode and sign with libsodium and OpenSSL directly, not through the codec, so
// tests can build tokens the codec would never issue.
std::string B64(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.pop_back();
  return out;
}

std::string Unb64(std::string_view text) {
  std::string out(text.size(), '\0');
  std::size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(),
                        nullptr, &length, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    throw std::runtime_error("test token segment is not base64url");
  }
  out.resize(length);
  return out;
}

std::string Mac(std::string_view input, const std::string& key = kKey, const EVP_MD* md = EVP_sha256()) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(md, key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(input.data()),
       input.size(), mac, &length);
  return B64(std::string_view(reinterpret_cast<const char*>(mac), length));
}

/// header.payload.signature from raw JSON texts, signed with HMAC-SHA256 under `key`.
std::string Forge(std::string_view header, std::string_view payload, const std::string& key = kKey) {
  const std::string input = B64(header) + '.' + B64(payload);
  return input + '.' + Mac(input, key);
}

Json ValidPayload() {
  return Json{{"iss", kIssuer},    {"sub", "2"},  {"aud", Json::array({kAudience})},
              {"exp", kNow + 900}, {"iat", kNow}, {"jti", "3f1c2a8e-5b7d-4c1e-9a0b-2d4e6f8a1c3e"}};
}

std::string ForgePayload(const Json& payload) { return Forge(kHs256Header, payload.dump()); }

Claims SampleClaims() {
  Claims claims;
  claims.subject = "2";
  claims.jti = "3f1c2a8e-5b7d-4c1e-9a0b-2d4e6f8a1c3e";
  claims.issued_at = kNow;
  claims.expires_at = kNow + 900;
  return claims;
}

struct Segments {
  std::string header, payload, signature;
};

Segments Split(const std::string& token) {
  const auto a = token.find('.');
  const auto b = token.find('.', a + 1);
  return {token.substr(0, a), token.substr(a + 1, b - a - 1), token.substr(b + 1)};
}

testing::AssertionResult Refused(const Expected<Claims, TokenError>& result, TokenError expected) {
  if (result) return testing::AssertionFailure() << "token was accepted";
  if (result.error() != expected) {
    return testing::AssertionFailure()
           << "refused as " << ToString(result.error()) << ", expected " << ToString(expected);
  }
  return testing::AssertionSuccess();
}

class JwtCodecTest : public testing::Test {
 protected:
  JwtCodec codec_{kKey, kIssuer, kAudience};
};

TEST_F(JwtCodecTest, KnownAnswer) {
  // Expected token computed outside this code base, in bash:
  //   KEY='nationpulse-known-answer-test-key-32+bytes'
  //   H=$(printf '%s' '{"alg":"HS256","typ":"JWT"}' | basenc --base64url -w0 | tr -d '=')
  //   P=$(printf '%s' '<the payload text below>' | basenc --base64url -w0 | tr -d '=')
  //   printf '%s' "$H.$P" | openssl dgst -sha256 -mac HMAC -macopt "key:$KEY" -binary |
  //     basenc --base64url -w0 | tr -d '='
  // (cross-checked with Python's hmac module). The payload is rest-api.md §11's example:
  //   {"iss":"jwt-nation-pulse-server","sub":"2","aud":["jwt-nation-pulse-client"],"exp":1767226500,
  //    "iat":1767225600,"jti":"3f1c2a8e-5b7d-4c1e-9a0b-2d4e6f8a1c3e"}
  const std::string expected =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
      ".eyJpc3MiOiJqd3QtbmF0aW9uLXB1bHNlLXNlcnZlciIsInN1YiI6IjIiLCJhdWQiOlsiand0LW5hdGlvbi1wdWxzZS1jbGllbnQiX"
      "S"
      "wiZXhwIjoxNzY3MjI2NTAwLCJpYXQiOjE3NjcyMjU2MDAsImp0aSI6IjNmMWMyYThlLTViN2QtNGMxZS05YTBiLTJkNGU2ZjhhMWMz"
      "ZSJ9"
      ".CbOgS7BYwBcA5wsmMQg2YqbAzL9yU8qBwFpu8kLS0iU";
  const JwtCodec codec("nationpulse-known-answer-test-key-32+bytes", kIssuer, kAudience);
  EXPECT_EQ(codec.Sign(SampleClaims()), expected);
  const auto claims = codec.Verify(expected, kNow);
  ASSERT_TRUE(claims) << ToString(claims.error());
  EXPECT_EQ(claims->subject, "2");
  EXPECT_EQ(claims->expires_at, 1767226500);
}

TEST_F(JwtCodecTest, RoundTrip) {
  Claims in = SampleClaims();
  auto out = codec_.Verify(codec_.Sign(in), kNow);
  ASSERT_TRUE(out) << ToString(out.error());
  EXPECT_EQ(out->subject, in.subject);
  EXPECT_EQ(out->jti, in.jti);
  EXPECT_EQ(out->issuer, kIssuer);
  EXPECT_EQ(out->audience, std::vector<std::string>{kAudience});
  EXPECT_EQ(out->issued_at, in.issued_at);
  EXPECT_EQ(out->expires_at, in.expires_at);
  EXPECT_FALSE(out->not_before);

  in.not_before = kNow - 5;
  out = codec_.Verify(codec_.Sign(in), kNow);
  ASSERT_TRUE(out) << ToString(out.error());
  EXPECT_EQ(out->not_before, kNow - 5);
}

TEST_F(JwtCodecTest, HeaderBytesAndPayloadKeyOrderAreExact) {
  Claims claims = SampleClaims();
  claims.issuer = "ignored-issuer";
  claims.audience = {"ignored-audience"};
  Segments s = Split(codec_.Sign(claims));
  EXPECT_EQ(Unb64(s.header), R"({"alg":"HS256","typ":"JWT"})");
  EXPECT_EQ(Unb64(s.payload),
            R"({"iss":"jwt-nation-pulse-server","sub":"2","aud":["jwt-nation-pulse-client"],)"
            R"("exp":1767226500,"iat":1767225600,"jti":"3f1c2a8e-5b7d-4c1e-9a0b-2d4e6f8a1c3e"})");
  EXPECT_EQ(s.signature.size(), 43u);  // 32 bytes, unpadded

  claims.not_before = kNow;
  s = Split(codec_.Sign(claims));
  EXPECT_EQ(Unb64(s.payload),
            R"({"iss":"jwt-nation-pulse-server","sub":"2","aud":["jwt-nation-pulse-client"],)"
            R"("exp":1767226500,"iat":1767225600,"jti":"3f1c2a8e-5b7d-4c1e-9a0b-2d4e6f8a1c3e",)"
            R"("nbf":1767225600})");
}

TEST_F(JwtCodecTest, EncodingMatchesLibsodiumForEveryLength) {
  // Subjects of growing length move the payload through every length mod 3.
  Claims claims = SampleClaims();
  for (std::string subject = "1"; subject.size() <= 6; subject += '0') {
    claims.subject = subject;
    const std::string token = codec_.Sign(claims);
    const Segments s = Split(token);
    EXPECT_EQ(Json::parse(Unb64(s.payload)).at("sub"), subject);
    EXPECT_EQ(s.signature, Mac(s.header + '.' + s.payload));
    const auto verified = codec_.Verify(token, kNow);
    ASSERT_TRUE(verified) << ToString(verified.error());
    EXPECT_EQ(verified->subject, subject);
  }
}

TEST_F(JwtCodecTest, SignRefusesEmptySubjectOrJti) {
  Claims claims = SampleClaims();
  claims.subject.clear();
  EXPECT_THROW(codec_.Sign(claims), std::invalid_argument);
  claims = SampleClaims();
  claims.jti.clear();
  EXPECT_THROW(codec_.Sign(claims), std::invalid_argument);
}

// Caught by auth_jwt_fuzz (Sign -> Verify round trip): Sign issued tokens longer than max_token_bytes,
// which its own Verify then refused as kTooLarge although the contract says every issued token passes.
TEST_F(JwtCodecTest, SignRefusesClaimsTooLargeForVerify) {
  const std::string token = codec_.Sign(SampleClaims());
  const JwtCodec exact(kKey, kIssuer, kAudience, token.size());
  EXPECT_EQ(exact.Sign(SampleClaims()), token);
  const JwtCodec smaller(kKey, kIssuer, kAudience, token.size() - 1);
  EXPECT_THROW(smaller.Sign(SampleClaims()), std::invalid_argument);
  Claims huge = SampleClaims();
  huge.subject = std::string(3200, '4');
  EXPECT_THROW(codec_.Sign(huge), std::invalid_argument);
}

TEST_F(JwtCodecTest, RejectsTamperedSignature) {
  const std::string token = codec_.Sign(SampleClaims());
  std::string tampered = token;
  const std::size_t at = token.rfind('.') + 1;
  tampered[at] = tampered[at] == 'A' ? 'B' : 'A';
  EXPECT_TRUE(Refused(codec_.Verify(tampered, kNow), TokenError::kBadSignature));
  EXPECT_TRUE(Refused(codec_.Verify(token.substr(0, at), kNow), TokenError::kBadSignature));  // empty
  EXPECT_TRUE(Refused(codec_.Verify(token.substr(0, token.size() - 3), kNow),                 // truncated
                      TokenError::kBadSignature));
}

TEST_F(JwtCodecTest, RejectsTamperedPayload) {
  const Segments s = Split(codec_.Sign(SampleClaims()));
  Json payload = Json::parse(Unb64(s.payload));
  payload["sub"] = "1";
  EXPECT_TRUE(Refused(codec_.Verify(s.header + '.' + B64(payload.dump()) + '.' + s.signature, kNow),
                      TokenError::kBadSignature));
}

TEST_F(JwtCodecTest, RejectsAlgNoneWithEmptySignature) {
  const std::string payload = B64(ValidPayload().dump());
  EXPECT_TRUE(Refused(codec_.Verify(B64(R"({"alg":"none","typ":"JWT"})") + '.' + payload + '.', kNow),
                      TokenError::kWrongAlgorithm));
  // Even when the MAC over the text is right, the header has to say HS256.
  EXPECT_TRUE(Refused(codec_.Verify(Forge(R"({"alg":"none","typ":"JWT"})", ValidPayload().dump()), kNow),
                      TokenError::kWrongAlgorithm));
}

TEST_F(JwtCodecTest, RejectsHs512AndRs256) {
  const std::string input = B64(R"({"alg":"HS512","typ":"JWT"})") + '.' + B64(ValidPayload().dump());
  EXPECT_TRUE(Refused(codec_.Verify(input + '.' + Mac(input, kKey, EVP_sha512()), kNow),
                      TokenError::kWrongAlgorithm));
  EXPECT_TRUE(Refused(codec_.Verify(Forge(R"({"alg":"RS256","typ":"JWT"})", ValidPayload().dump()), kNow),
                      TokenError::kWrongAlgorithm));
}

TEST_F(JwtCodecTest, RejectsMissingOrMisspelledAlg) {
  for (const char* header : {R"({"typ":"JWT"})", R"({})", R"({"alg":null})", R"({"alg":256})",
                             R"({"alg":["HS256"]})", R"({"alg":"hs256"})", R"({"alg":"HS256 "})"}) {
    EXPECT_TRUE(
        Refused(codec_.Verify(Forge(header, ValidPayload().dump()), kNow), TokenError::kWrongAlgorithm))
        << header;
  }
}

TEST_F(JwtCodecTest, RejectsCriticalHeaderExtensions) {
  EXPECT_TRUE(Refused(
      codec_.Verify(Forge(R"({"alg":"HS256","crit":["b64"],"b64":false})", ValidPayload().dump()), kNow),
      TokenError::kMalformed));
}

TEST_F(JwtCodecTest, AcceptsExtraHeaderMembers) {
  EXPECT_TRUE(codec_.Verify(Forge(R"({"typ":"JWT","kid":"k1","alg":"HS256"})", ValidPayload().dump()), kNow));
}

TEST_F(JwtCodecTest, RejectsTokenSignedWithAnotherKey) {
  const JwtCodec other(kKey + "-other", kIssuer, kAudience);
  EXPECT_TRUE(Refused(codec_.Verify(other.Sign(SampleClaims()), kNow), TokenError::kBadSignature));
}

TEST_F(JwtCodecTest, RejectsWrongIssuer) {
  const JwtCodec other(kKey, "someone-else", kAudience);
  EXPECT_TRUE(Refused(codec_.Verify(other.Sign(SampleClaims()), kNow), TokenError::kWrongIssuer));
  Json payload = ValidPayload();
  payload.erase("iss");
  EXPECT_TRUE(Refused(codec_.Verify(ForgePayload(payload), kNow), TokenError::kWrongIssuer));
  payload["iss"] = 7;
  EXPECT_TRUE(Refused(codec_.Verify(ForgePayload(payload), kNow), TokenError::kMalformed));
}

TEST_F(JwtCodecTest, ChecksAudienceInStringAndArrayForms) {
  const JwtCodec other(kKey, kIssuer, "another-client");
  EXPECT_TRUE(Refused(codec_.Verify(other.Sign(SampleClaims()), kNow), TokenError::kWrongAudience));

  Json payload = ValidPayload();
  payload["aud"] = "another-client";
  EXPECT_TRUE(Refused(codec_.Verify(ForgePayload(payload), kNow), TokenError::kWrongAudience));
  payload["aud"] = Json::array({"another-client", "third"});
  EXPECT_TRUE(Refused(codec_.Verify(ForgePayload(payload), kNow), TokenError::kWrongAudience));
  payload["aud"] = Json::array();
  EXPECT_TRUE(Refused(codec_.Verify(ForgePayload(payload), kNow), TokenError::kWrongAudience));
  payload.erase("aud");
  EXPECT_TRUE(Refused(codec_.Verify(ForgePayload(payload), kNow), TokenError::kWrongAudience));
  payload["aud"] = Json::array({1});
  EXPECT_TRUE(Refused(codec_.Verify(ForgePayload(payload), kNow), TokenError::kMalformed));
  payload["aud"] = 1;
  EXPECT_TRUE(Refused(codec_.Verify(ForgePayload(payload), kNow), TokenError::kMalformed));

  payload["aud"] = kAudience;
  auto claims = codec_.Verify(ForgePayload(payload), kNow);
  ASSERT_TRUE(claims) << ToString(claims.error());
  EXPECT_EQ(claims->audience, std::vector<std::string>{kAudience});

  payload["aud"] = Json::array({"another-client", kAudience, "third"});
  claims = codec_.Verify(ForgePayload(payload), kNow);
  ASSERT_TRUE(claims) << ToString(claims.error());
  EXPECT_EQ(claims->audience, (std::vector<std::string>{"another-client", kAudience, "third"}));
}

TEST_F(JwtCodecTest, ExpiryHasNoLeeway) {
  Claims claims = SampleClaims();
  claims.expires_at = kNow;
  EXPECT_TRUE(Refused(codec_.Verify(codec_.Sign(claims), kNow), TokenError::kExpired));
  claims.expires_at = kNow - 1;
  EXPECT_TRUE(Refused(codec_.Verify(codec_.Sign(claims), kNow), TokenError::kExpired));
  claims.expires_at = kNow + 1;
  EXPECT_TRUE(codec_.Verify(codec_.Sign(claims), kNow));
}

TEST_F(JwtCodecTest, HonoursNotBefore) {
  Claims claims = SampleClaims();
  claims.not_before = kNow + 1;
  EXPECT_TRUE(Refused(codec_.Verify(codec_.Sign(claims), kNow), TokenError::kNotYetValid));
  claims.not_before = kNow;
  EXPECT_TRUE(codec_.Verify(codec_.Sign(claims), kNow));
}

TEST_F(JwtCodecTest, SkippingExpiryStillChecksEverythingElse) {
  Claims claims = SampleClaims();
  claims.expires_at = kNow - 3600;
  const std::string expired = codec_.Sign(claims);
  const auto accepted = codec_.Verify(expired, kNow, /*check_expiry=*/false);
  ASSERT_TRUE(accepted) << ToString(accepted.error());
  EXPECT_EQ(accepted->jti, claims.jti);

  claims.not_before = kNow + 60;
  EXPECT_TRUE(codec_.Verify(codec_.Sign(claims), kNow, false));

  std::string tampered = expired;
  const std::size_t at = tampered.rfind('.') + 1;
  tampered[at] = tampered[at] == 'A' ? 'B' : 'A';
  EXPECT_TRUE(Refused(codec_.Verify(tampered, kNow, false), TokenError::kBadSignature));
  const JwtCodec other_issuer(kKey, "someone-else", kAudience);
  EXPECT_TRUE(Refused(codec_.Verify(other_issuer.Sign(claims), kNow, false), TokenError::kWrongIssuer));
  const JwtCodec other_audience(kKey, kIssuer, "another-client");
  EXPECT_TRUE(Refused(codec_.Verify(other_audience.Sign(claims), kNow, false), TokenError::kWrongAudience));
  Json payload = ValidPayload();
  payload.erase("exp");
  EXPECT_TRUE(Refused(codec_.Verify(ForgePayload(payload), kNow, false), TokenError::kMalformed));
}

TEST_F(JwtCodecTest, RejectsMalformedBase64) {
  const std::string token = codec_.Sign(SampleClaims());
  const Segments s = Split(token);
  // Padding: 32 signature bytes are 43 characters, so standard base64 would add one '='.
  EXPECT_TRUE(Refused(codec_.Verify(token + "=", kNow), TokenError::kMalformed));
  EXPECT_TRUE(
      Refused(codec_.Verify(s.header + "=." + s.payload + '.' + s.signature, kNow), TokenError::kMalformed));
  EXPECT_TRUE(
      Refused(codec_.Verify(s.header + '.' + s.payload + "==." + s.signature, kNow), TokenError::kMalformed));
  // Characters of the standard alphabet and outside any alphabet, in each segment.
  for (const char bad : {'+', '/', '*', ' ', '%', '\0', '\x80', '\xb0', '\xc1', '\xff'}) {
    for (std::size_t segment = 0; segment < 3; ++segment) {
      Segments t = s;
      std::string& part = segment == 0 ? t.header : segment == 1 ? t.payload : t.signature;
      part[1] = bad;
      EXPECT_TRUE(Refused(codec_.Verify(t.header + '.' + t.payload + '.' + t.signature, kNow),
                          TokenError::kMalformed))
          << "character " << static_cast<int>(bad) << " in segment " << segment;
    }
  }
  // Non-zero unused bits in the last character: another spelling of the same signature bytes.
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string respelled = token;
  respelled.back() = kAlphabet[kAlphabet.find(respelled.back()) | 1];
  EXPECT_TRUE(Refused(codec_.Verify(respelled, kNow), TokenError::kMalformed));
  // A length no byte string encodes to (4n+1 characters).
  EXPECT_TRUE(Refused(codec_.Verify(token + "AA", kNow), TokenError::kMalformed));
}

TEST_F(JwtCodecTest, RejectsMalformedJson) {
  EXPECT_TRUE(Refused(codec_.Verify(Forge(R"({"alg":"HS256")", ValidPayload().dump()), kNow),
                      TokenError::kMalformed));
  EXPECT_TRUE(Refused(codec_.Verify(Forge(kHs256Header, R"({"sub":"2",)"), kNow), TokenError::kMalformed));
  EXPECT_TRUE(Refused(codec_.Verify(Forge(kHs256Header, "not json"), kNow), TokenError::kMalformed));
  EXPECT_TRUE(Refused(codec_.Verify(Forge(kHs256Header, ""), kNow), TokenError::kMalformed));
  EXPECT_TRUE(
      Refused(codec_.Verify(Forge(kHs256Header, "{\"sub\":\"\xff\"}"), kNow), TokenError::kMalformed));
}

TEST_F(JwtCodecTest, RejectsJsonArrayInsteadOfObject) {
  EXPECT_TRUE(
      Refused(codec_.Verify(Forge(R"(["HS256"])", ValidPayload().dump()), kNow), TokenError::kMalformed));
  EXPECT_TRUE(Refused(codec_.Verify(Forge(kHs256Header, "[" + ValidPayload().dump() + "]"), kNow),
                      TokenError::kMalformed));
  EXPECT_TRUE(Refused(codec_.Verify(Forge(kHs256Header, R"("a string")"), kNow), TokenError::kMalformed));
}

TEST_F(JwtCodecTest, RejectsNonIntegerTimes) {
  const auto with = [](const char* key, const Json& value) {
    Json payload = ValidPayload();
    payload[key] = value;
    return ForgePayload(payload);
  };
  EXPECT_TRUE(Refused(codec_.Verify(with("exp", std::to_string(kNow + 900)), kNow), TokenError::kMalformed));
  EXPECT_TRUE(
      Refused(codec_.Verify(with("exp", static_cast<double>(kNow + 900)), kNow), TokenError::kMalformed));
  EXPECT_TRUE(Refused(codec_.Verify(with("exp", true), kNow), TokenError::kMalformed));
  EXPECT_TRUE(Refused(codec_.Verify(with("exp", Json()), kNow), TokenError::kMalformed));
  EXPECT_TRUE(Refused(codec_.Verify(with("exp", 18446744073709551615u), kNow), TokenError::kMalformed));
  EXPECT_TRUE(Refused(codec_.Verify(with("iat", 1.5), kNow), TokenError::kMalformed));
  EXPECT_TRUE(Refused(codec_.Verify(with("nbf", "0"), kNow), TokenError::kMalformed));
  // Exponent notation is a JSON float even when its value is whole.
  std::string text = ValidPayload().dump();
  text.replace(text.find(std::to_string(kNow + 900)), std::to_string(kNow + 900).size(), "1.7672265e9");
  EXPECT_TRUE(Refused(codec_.Verify(Forge(kHs256Header, text), kNow), TokenError::kMalformed));
}

TEST_F(JwtCodecTest, RejectsMissingRequiredClaims) {
  for (const char* key : {"sub", "jti", "exp", "iat"}) {
    Json payload = ValidPayload();
    payload.erase(key);
    EXPECT_TRUE(Refused(codec_.Verify(ForgePayload(payload), kNow), TokenError::kMalformed)) << key;
    payload[key] = "";
    EXPECT_TRUE(Refused(codec_.Verify(ForgePayload(payload), kNow), TokenError::kMalformed)) << key;
  }
  Json payload = ValidPayload();
  payload["sub"] = 2;
  EXPECT_TRUE(Refused(codec_.Verify(ForgePayload(payload), kNow), TokenError::kMalformed));
}

TEST_F(JwtCodecTest, RejectsOversizedTokenBeforeParsing) {
  EXPECT_TRUE(Refused(codec_.Verify(std::string(4097, '!'), kNow), TokenError::kTooLarge));
  const std::string token = codec_.Sign(SampleClaims());
  const JwtCodec exact(kKey, kIssuer, kAudience, token.size());
  EXPECT_TRUE(exact.Verify(token, kNow));
  const JwtCodec smaller(kKey, kIssuer, kAudience, token.size() - 1);
  EXPECT_TRUE(Refused(smaller.Verify(token, kNow), TokenError::kTooLarge));
}

TEST_F(JwtCodecTest, RejectsWrongSegmentCount) {
  const std::string token = codec_.Sign(SampleClaims());
  const Segments s = Split(token);
  for (const std::string& bad : {std::string(), std::string("."), std::string(".."), s.header,
                                 s.header + '.' + s.payload, token + '.' + s.signature, token + '.',
                                 '.' + s.payload + '.' + s.signature, s.header + ".." + s.signature}) {
    EXPECT_TRUE(Refused(codec_.Verify(bad, kNow), TokenError::kMalformed)) << bad;
  }
}

TEST(Base64Url, Rfc4648VectorsInUrlAlphabetWithoutPadding) {
  // RFC 4648 §10, with the padding dropped; 0xfb 0xff exercises the two characters that differ from
  // standard base64 ('+' '/' there, '-' '_' here).
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},          {"foo", "Zm9v"},
      {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}, {"\xfb\xff", "-_8"},
  };
  for (const auto& [bytes, text] : vectors) {
    EXPECT_EQ(Base64UrlEncode(bytes), text) << text;
    EXPECT_EQ(Base64UrlDecode(text), bytes) << text;
  }
}

TEST(Base64Url, RoundTripsEveryByteAndLength) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  for (std::size_t length = 0; length <= bytes.size(); ++length) {
    const std::string in = bytes.substr(bytes.size() - length);
    const std::string text = Base64UrlEncode(in);
    EXPECT_EQ(text.find_first_of("+/="), std::string::npos) << text;
    EXPECT_EQ(Base64UrlDecode(text), in) << text;
  }
}

TEST(Base64Url, DecodeRefusesOtherSpellings) {
  EXPECT_FALSE(Base64UrlDecode("Zg=="));   // padding
  EXPECT_FALSE(Base64UrlDecode("+_8"));    // standard alphabet
  EXPECT_FALSE(Base64UrlDecode("Zm9vY"));  // 4n+1 characters
  EXPECT_FALSE(Base64UrlDecode("Zh"));     // "f" with a non-zero unused bit
}

TEST(JwtCodec, KeyShorterThan32BytesThrows) {
  EXPECT_THROW(JwtCodec(std::string(31, 'k'), kIssuer, kAudience), std::invalid_argument);
  EXPECT_THROW(JwtCodec("", kIssuer, kAudience), std::invalid_argument);
  EXPECT_NO_THROW(JwtCodec(std::string(32, 'k'), kIssuer, kAudience));
}

TEST(TokenError, ToStringIsStable) {
  EXPECT_STREQ(ToString(TokenError::kMalformed), "malformed");
  EXPECT_STREQ(ToString(TokenError::kTooLarge), "too_large");
  EXPECT_STREQ(ToString(TokenError::kWrongAlgorithm), "wrong_algorithm");
  EXPECT_STREQ(ToString(TokenError::kBadSignature), "bad_signature");
  EXPECT_STREQ(ToString(TokenError::kExpired), "expired");
  EXPECT_STREQ(ToString(TokenError::kNotYetValid), "not_yet_valid");
  EXPECT_STREQ(ToString(TokenError::kWrongIssuer), "wrong_issuer");
  EXPECT_STREQ(ToString(TokenError::kWrongAudience), "wrong_audience");
}

bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

TEST(NewUuidV4, CanonicalVersion4Form) {
  for (int i = 0; i < 100; ++i) {
    const std::string uuid = NewUuidV4();
    ASSERT_EQ(uuid.size(), 36u) << uuid;
    for (std::size_t j = 0; j < uuid.size(); ++j) {
      if (j == 8 || j == 13 || j == 18 || j == 23) {
        EXPECT_EQ(uuid[j], '-') << uuid;
      } else {
        EXPECT_TRUE(IsLowerHex(uuid[j])) << uuid;
      }
    }
    EXPECT_EQ(uuid[14], '4') << uuid;
    EXPECT_NE(std::string_view("89ab").find(uuid[19]), std::string_view::npos) << uuid;
  }
}

TEST(NewUuidV4, ThousandAreUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(NewUuidV4());
  EXPECT_EQ(seen.size(), 1000u);
}

}  // namespace
}  // namespace nationpulse::auth
