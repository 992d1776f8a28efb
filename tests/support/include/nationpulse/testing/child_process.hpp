#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace nationpulse::testing {

/// A free TCP port on 127.0.0.1 (bound once, then released for the child to take).
std::uint16_t FreePort();

/// A service binary run as a child process with the test's environment plus `extra_env`
/// ("NAME=value"), stdout and stderr to a log file; SIGKILLed if still running when destroyed.
///
///   ChildProcess bff(NP_BFF_BINARY, {"PORT=" + std::to_string(port)});
///   ... bff.Signal(SIGTERM); ASSERT_TRUE(bff.Exited(5s)); EXPECT_EQ(bff.exit_code(), 0);
class ChildProcess {
 public:
  /// @throws std::runtime_error when the binary cannot be started.
  ChildProcess(std::string binary, std::vector<std::string> extra_env);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  /// Waits for the process to end; true when it did within `budget`.
  bool Exited(std::chrono::milliseconds budget);
  void Signal(int sig);
  /// The exit status, or 128 + signal number; -1 while running.
  int exit_code() const { return exit_code_; }
  /// Everything the process wrote so far.
  std::string Log() const;
  pid_t pid() const { return pid_; }

 private:
  std::string log_path_;
  pid_t pid_ = -1;
  bool exited_ = false;
  int exit_code_ = -1;
};

}  // namespace nationpulse::testing
