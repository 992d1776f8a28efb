#pragma once

#include <signal.h>

#include <chrono>
#include <exception>
#include <memory>
#include <set>
#include <string>

#include "nationpulse/config/env.hpp"
#include "nationpulse/log/log.hpp"
#include "nationpulse/trace/exporter.hpp"

namespace nationpulse::process {

/// Blocks SIGINT and SIGTERM in the calling thread (and so in every thread started later, which
/// inherit the mask), so that only WaitForStopSignal receives them; ignores SIGPIPE. Call first in main.
sigset_t BlockStopSignals();

/// Waits for SIGINT or SIGTERM (blocked by BlockStopSignals) and returns its number.
int WaitForStopSignal(const sigset_t& signals);

/// What the command line asked for. Services take no arguments but two operator flags.
enum class Mode { kServe, kPrintEnv, kHelp, kBadUsage };
Mode ParseArgs(int argc, char** argv);

/// Prints `names` one per line (sorted), for `--print-env`.
void PrintNames(const std::set<std::string>& names);
/// Prints the flags to stderr.
void PrintUsage(const std::string& name);

/// Span export, from the standard OpenTelemetry variables: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (used as
/// is) or OTEL_EXPORTER_OTLP_ENDPOINT (+ "/v1/traces"); nothing is exported when both are unset.
/// OTEL_SERVICE_NAME (default: the service name), OTEL_BSP_SCHEDULE_DELAY, OTEL_BSP_MAX_QUEUE_SIZE,
/// OTEL_BSP_MAX_EXPORT_BATCH_SIZE, OTEL_EXPORTER_OTLP_TIMEOUT (durations; bare numbers are
/// milliseconds, as in the OpenTelemetry spec).
struct TraceSettings {
  std::string endpoint;  ///< full URL of the traces endpoint; empty = off
  trace::BatchOptions batch;
  std::chrono::milliseconds timeout{10000};
};
TraceSettings LoadTraceSettings(config::Env& env, const std::string& service);

/// Installs a BatchExporter that POSTs to settings.endpoint (each POST bounded by settings.timeout)
/// as the process exporter; nullptr and nothing installed when the endpoint is empty.
std::shared_ptr<trace::BatchExporter> StartTracing(const TraceSettings& settings);
/// Sends what is queued and uninstalls the exporter.
void StopTracing(std::shared_ptr<trace::BatchExporter> exporter);

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
///
/// `--print-env` lists every environment variable the service reads and exits 0 (deployment
/// checks compare it with compose and the Kubernetes ConfigMap/Secret); it works without any
/// setting being valid.
template <typename Settings, typename Service>
int Run(const std::string& name, Settings (*load)(config::Env&), int argc = 1, char** argv = nullptr) {
  switch (ParseArgs(argc, argv)) {
    case Mode::kServe:
      break;
    case Mode::kPrintEnv: {
      config::Env env;
      try {
        LoadTraceSettings(env, name);
        load(env);
      } catch (const std::exception&) {
        // Invalid or missing settings still leave the names that were read.
      }
      PrintNames(env.names_read());
      return 0;
    }
    case Mode::kHelp:
    case Mode::kBadUsage:
      PrintUsage(name);
      return ParseArgs(argc, argv) == Mode::kHelp ? 0 : 2;
  }
  const sigset_t signals = BlockStopSignals();
  Settings settings;
  TraceSettings trace_settings;
  try {
    config::Env env;
    env.LoadDotEnv(".env");
    trace_settings = LoadTraceSettings(env, name);
    settings = load(env);
    env.Check();
  } catch (const std::exception& e) {
    log::Init(name, log::Level::kInfo);
    log::Error("cannot start", {{"error", e.what()}});
    log::Flush();
    return 2;
  }
  log::Init(name, settings.log_level);
  auto tracing = StartTracing(trace_settings);
  try {
    Service service(settings);
    service.Start();
    const int sig = WaitForStopSignal(signals);
    log::Info("shutting down", {{"signal", sig}});
    service.Stop();
  } catch (const std::exception& e) {
    log::Error(name + " failed", {{"error", e.what()}});
    StopTracing(std::move(tracing));
    log::Flush();
    return 1;
  }
  StopTracing(std::move(tracing));
  log::Info("stopped");
  log::Flush();
  return 0;
}

}  // namespace nationpulse::process
