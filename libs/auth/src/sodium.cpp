#include "sodium.hpp"

#include <sodium.h>

#include <stdexcept>

namespace nationpulse::auth {

void EnsureSodiumInitialized() {
  // A function-local static is initialised exactly once even under concurrent first calls; if
  // sodium_init fails the exception leaves it uninitialised, so the next call retries.
  static const bool initialised = [] {
    if (sodium_init() < 0) throw std::runtime_error("libsodium initialisation failed");
    return true;
  }();
  (void)initialised;
}

}  // namespace nationpulse::auth
