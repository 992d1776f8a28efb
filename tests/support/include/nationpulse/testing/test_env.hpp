#pragma once

#include <string>

namespace nationpulse::testing {

/// Reads a variable exported by `scripts/infra.sh env --profile test` (make test does this).
/// Integration tests must not silently skip: a missing variable fails the test with a hint.
std::string RequireEnv(const char* name);

/// Runs `scripts/infra.sh <args> --profile test` from the source tree (e.g. "stop --only redis");
/// returns the exit status.
int Infra(const std::string& args);

/// Absolute path inside the source tree.
std::string SourcePath(const std::string& relative);

}  // namespace nationpulse::testing
