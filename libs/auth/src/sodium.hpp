#pragma once

namespace nationpulse::auth {

/// Runs sodium_init() once per process; every libsodium call in this library goes through it first.
/// @throws std::runtime_error when libsodium cannot initialise (no usable random source).
void EnsureSodiumInitialized();

}  // namespace nationpulse::auth
