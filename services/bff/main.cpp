// The BFF process: read settings, build the app, serve until SIGINT/SIGTERM, drain.
#include <csignal>
#include <cstdlib>
#include <iostream>

#include "nationpulse/config/env.hpp"
#include "nationpulse/log/log.hpp"
#include "src/app.hpp"

int main() {
  using namespace nationpulse;
  // Block the stop signals before any thread starts, so only sigwait() below receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  bff::Settings settings;
  try {
    config::Env env;
    env.LoadDotEnv(".env");
    settings = bff::LoadSettings(env);
  } catch (const std::exception& e) {
    log::Init("bff", log::Level::kInfo);
    log::Error("cannot start", {{"error", e.what()}});
    log::Flush();
    return 2;
  }
  log::Init("bff", settings.log_level);

  try {
    bff::App app(settings);
    app.Start();
    int sig = 0;
    sigwait(&signals, &sig);
    log::Info("shutting down", {{"signal", sig}});
    app.Stop();
  } catch (const std::exception& e) {
    log::Error("bff failed", {{"error", e.what()}});
    log::Flush();
    return 1;
  }
  log::Info("stopped");
  log::Flush();
  return 0;
}
