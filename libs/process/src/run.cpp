#include "nationpulse/process/run.hpp"

#include <pthread.h>

#include <csignal>
#include <iostream>
#include <string_view>

namespace nationpulse::process {

sigset_t BlockStopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // A client that hangs up must cost one failed write, not the process.
  std::signal(SIGPIPE, SIG_IGN);
  return signals;
}

Mode ParseArgs(int argc, char** argv) {
  if (argc <= 1 || argv == nullptr) return Mode::kServe;
  if (argc > 2) return Mode::kBadUsage;
  const std::string_view arg(argv[1]);
  if (arg == "--print-env") return Mode::kPrintEnv;
  if (arg == "--help" || arg == "-h") return Mode::kHelp;
  return Mode::kBadUsage;
}

void PrintNames(const std::set<std::string>& names) {
  for (const auto& name : names) std::cout << name << '\n';
  std::cout.flush();
}

void PrintUsage(const std::string& name) {
  std::cerr << "usage: np-" << name << " [--print-env | --help]\n"
            << "  without arguments: run the service (settings from the environment and ./.env)\n"
            << "  --print-env        list every environment variable the service reads, then exit\n";
}

int WaitForStopSignal(const sigset_t& signals) {
  int sig = 0;
  sigwait(&signals, &sig);
  return sig;
}

}  // namespace nationpulse::process
