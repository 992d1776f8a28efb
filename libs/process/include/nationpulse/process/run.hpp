#pragma once

#include <signal.h>

#include <exception>
#include <string>

#include "nationpulse/config/env.hpp"
#include "nationpulse/log/log.hpp"

namespace nationpulse::process {

/// Blocks SIGINT and SIGTERM in the calling thread (and so in every thread started later, which
/// inherit the mask), so that only WaitForStopSignal receives them; ignores SIGPIPE. Call first in main.
sigset_t BlockStopSignals();

/// Waits for SIGINT or SIGTERM (blocked by BlockStopSignals) and returns its number.
int WaitForStopSignal(const sigset_t& signals);

/// The life of every service process, so each main() is one line:
///   1. stop signals blocked before any thread starts;
///   2. settings from the environment (plus a .env file in the working directory); a bad setting logs
///      every problem and exits 2;
///   3. the service is built and started; a failure logs and exits 1;
///   4. it runs until SIGINT/SIGTERM, then Stop() drains it and the process exits 0.
///
///   int main() { return process::Run<reporting::Settings, reporting::ReportingService>(
///       "reporting", reporting::LoadSettings); }
///
/// `Settings` must have a `log_level` member; `Service` is constructible from Settings and has
/// Start() and Stop().
template <typename Settings, typename Service>
int Run(const std::string& name, Settings (*load)(config::Env&)) {
  const sigset_t signals = BlockStopSignals();
  Settings settings;
  try {
    config::Env env;
    env.LoadDotEnv(".env");
    settings = load(env);
  } catch (const std::exception& e) {
    log::Init(name, log::Level::kInfo);
    log::Error("cannot start", {{"error", e.what()}});
    log::Flush();
    return 2;
  }
  log::Init(name, settings.log_level);
  try {
    Service service(settings);
    service.Start();
    const int sig = WaitForStopSignal(signals);
    log::Info("shutting down", {{"signal", sig}});
    service.Stop();
  } catch (const std::exception& e) {
    log::Error(name + " failed", {{"error", e.what()}});
    log::Flush();
    return 1;
  }
  log::Info("stopped");
  log::Flush();
  return 0;
}

}  // namespace nationpulse::process
