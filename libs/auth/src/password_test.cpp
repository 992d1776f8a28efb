#include "nationpulse/auth/password.hpp"

#include <gtest/gtest.h>

#include <string>

namespace nationpulse::auth {
namespace {

TEST(Password, HashVerifies) {
  const std::string hash = HashPassword("correct horse battery staple");
  EXPECT_TRUE(VerifyPassword(hash, "correct horse battery staple"));
}

TEST(Password, WrongPasswordFails) {
  const std::string hash = HashPassword("correct horse battery staple");
  EXPECT_FALSE(VerifyPassword(hash, "correct horse battery stapler"));
  EXPECT_FALSE(VerifyPassword(hash, ""));
}

TEST(Password, SaltMakesHashesDiffer) {
  const std::string a = HashPassword("same password");
  const std::string b = HashPassword("same password");
  EXPECT_NE(a, b);
  EXPECT_TRUE(VerifyPassword(a, "same password"));
  EXPECT_TRUE(VerifyPassword(b, "same password"));
}

TEST(Password, HashIsArgon2id) {
  const std::string hash = HashPassword("pw");
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
}

TEST(Password, MalformedHashIsFalse) {
  const std::string hash = HashPassword("pw");
  EXPECT_FALSE(VerifyPassword("", "pw"));
  EXPECT_FALSE(VerifyPassword("pw", "pw"));
  EXPECT_FALSE(VerifyPassword("$argon2id$v=19$m=65536,t=2,p=1$garbage", "pw"));
  EXPECT_FALSE(VerifyPassword("$2b$10$abcdefghijklmnopqrstuu", "pw"));  // bcrypt
  EXPECT_FALSE(VerifyPassword(hash.substr(0, hash.size() - 5), "pw"));
  EXPECT_FALSE(VerifyPassword(hash + std::string(1, '\0') + "junk", "pw"));
  EXPECT_FALSE(VerifyPassword(std::string(1000, 'a'), "pw"));
}

TEST(Password, EmptyAndBinaryPasswordsRoundTrip) {
  EXPECT_TRUE(VerifyPassword(HashPassword(""), ""));
  const std::string binary("a\0b", 3);
  const std::string hash = HashPassword(binary);
  EXPECT_TRUE(VerifyPassword(hash, binary));
  EXPECT_FALSE(VerifyPassword(hash, "a"));
}

}  // namespace
}  // namespace nationpulse::auth
