#pragma once

#include <string>
#include <string_view>

namespace nationpulse::auth {

/// Argon2id (libsodium, OPSLIMIT_INTERACTIVE / MEMLIMIT_INTERACTIVE: about 64 MiB and tens of
/// milliseconds per call, so call it from a worker thread, never an I/O thread).
/// @returns the self-describing encoded form "$argon2id$v=19$m=...,t=...,p=...$salt$hash", with a
///          fresh random salt on every call.
/// @throws std::runtime_error when hashing fails (out of memory).
///   db.StorePasswordHash(user_id, auth::HashPassword(password));
std::string HashPassword(std::string_view password);

/// Checks `password` against an encoded hash from HashPassword, in constant time.
/// @returns false on a mismatch and for a malformed or truncated hash; never throws for bad input.
///   if (!auth::VerifyPassword(row.password_hash, password)) return Unauthorized();
bool VerifyPassword(std::string_view encoded_hash, std::string_view password);

}  // namespace nationpulse::auth
