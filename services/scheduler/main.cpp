// The scheduler process (the original "cronjob"): without arguments it runs the service until
// SIGINT/SIGTERM; --run-now and --next are one-shot operator commands (see --help).
#include <atomic>
#include <csignal>
#include <ctime>
#include <iostream>
#include <string_view>
#include <thread>

#include "nationpulse/config/env.hpp"
#include "nationpulse/process/run.hpp"
#include "src/cli.hpp"
#include "src/service.hpp"

namespace {

using namespace nationpulse;

int RunCommand(const scheduler::Command& command) {
  scheduler::Settings settings;
  try {
    config::Env env;
    env.LoadDotEnv(".env");
    settings = scheduler::LoadSettings(env);
  } catch (const std::exception& e) {
    std::cerr << "np-scheduler: " << e.what() << "\n";
    return 2;
  }
  if (command.mode == scheduler::Command::Mode::kNext) {
    const int printed =
        scheduler::PrintNextFires(settings, command.count, std::chrono::system_clock::now(), std::cout);
    if (printed < command.count) {
      std::cerr << "np-scheduler: \"" << settings.schedule_spec
                << "\" has no further fire time within five years\n";
    }
    return 0;
  }
  // SIGINT/SIGTERM cancel the call (the stream ends CANCELLED) rather than kill the process; blocked
  // before gRPC starts its threads so that only the watcher below receives them.
  const sigset_t signals = process::BlockStopSignals();
  scheduler::IngestionClient client(scheduler::RunNowOptions(settings, command));
  std::atomic<bool> done{false};
  std::thread watcher([&] {
    const timespec slice{0, 100'000'000};
    while (!done) {
      if (sigtimedwait(&signals, nullptr, &slice) > 0) client.Cancel();
    }
  });
  const int code = scheduler::RunNow(client, std::cout, std::cerr);
  done = true;
  watcher.join();
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::string_view(argv[1]) == "--print-env") {
    return process::Run<scheduler::Settings, scheduler::SchedulerService>(
        "scheduler", scheduler::LoadSettings, argc, argv);
  }
  const auto command = scheduler::ParseCommandLine(std::vector<std::string>(argv + 1, argv + argc));
  if (!command) {
    std::cerr << "np-scheduler: " << command.error() << "\n\n" << scheduler::Usage();
    return 2;
  }
  switch (command->mode) {
    case scheduler::Command::Mode::kHelp:
      std::cout << scheduler::Usage();
      return 0;
    case scheduler::Command::Mode::kServe:
      return process::Run<scheduler::Settings, scheduler::SchedulerService>("scheduler",
                                                                            scheduler::LoadSettings);
    case scheduler::Command::Mode::kRunNow:
    case scheduler::Command::Mode::kNext:
      return RunCommand(*command);
  }
  return 2;
}
