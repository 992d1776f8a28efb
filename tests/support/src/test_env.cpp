#include "nationpulse/testing/test_env.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <stdexcept>

namespace nationpulse::testing {

std::string RequireEnv(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') {
    throw std::runtime_error(std::string(name) +
                             " is not set: integration tests need the test infrastructure; run them with "
                             "`make test` (or eval \"$(scripts/infra.sh env --profile test)\")");
  }
  return v;
}

int Infra(const std::string& args) {
  const std::string cmd = SourcePath("scripts/infra.sh") + " " + args + " --profile test >/dev/null 2>&1";
  const int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

std::string SourcePath(const std::string& relative) { return std::string(NP_SOURCE_DIR) + "/" + relative; }

}  // namespace nationpulse::testing
