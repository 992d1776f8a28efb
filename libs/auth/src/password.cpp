#include "nationpulse/auth/password.hpp"

#include <sodium.h>

#include <stdexcept>

#include "sodium.hpp"

namespace nationpulse::auth {

std::string HashPassword(std::string_view password) {
  EnsureSodiumInitialized();
  char out[crypto_pwhash_STRBYTES];
  // The _alg variant pins Argon2id instead of whatever libsodium's default becomes later.
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("password hashing failed (out of memory)");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view encoded_hash, std::string_view password) {
  EnsureSodiumInitialized();
  // libsodium wants a C string: an embedded NUL would silently cut the hash short.
  if (encoded_hash.empty() || encoded_hash.size() >= crypto_pwhash_STRBYTES ||
      encoded_hash.find('\0') != std::string_view::npos) {
    return false;
  }
  const std::string hash(encoded_hash);
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

}  // namespace nationpulse::auth
