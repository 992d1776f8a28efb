// The reporting process: read settings, start the service, serve until SIGINT/SIGTERM, drain.
#include <csignal>

#include "nationpulse/config/env.hpp"
#include "nationpulse/log/log.hpp"
#include "src/service.hpp"

int main() {
  using namespace nationpulse;
  // Block the stop signals before any thread starts, so only sigwait() below receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  reporting::Settings settings;
  try {
    config::Env env;
    env.LoadDotEnv(".env");
    settings = reporting::LoadSettings(env);
  } catch (const std::exception& e) {
    log::Init("reporting", log::Level::kInfo);
    log::Error("cannot start", {{"error", e.what()}});
    log::Flush();
    return 2;
  }
  log::Init("reporting", settings.log_level);

  try {
    reporting::ReportingService service(settings);
    service.Start();
    int sig = 0;
    sigwait(&signals, &sig);
    log::Info("shutting down", {{"signal", sig}});
    service.Stop();
  } catch (const std::exception& e) {
    log::Error("reporting failed", {{"error", e.what()}});
    log::Flush();
    return 1;
  }
  log::Info("stopped");
  log::Flush();
  return 0;
}
