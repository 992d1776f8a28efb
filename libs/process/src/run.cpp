#include "nationpulse/process/run.hpp"

#include <pthread.h>

#include <csignal>
#include <iostream>
#include <string_view>

#include "nationpulse/fetch/fetch.hpp"

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

TraceSettings LoadTraceSettings(config::Env& env, const std::string& service) {
  TraceSettings s;
  if (auto traces = env.Optional("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")) {
    s.endpoint = *traces;
  } else if (auto base = env.Optional("OTEL_EXPORTER_OTLP_ENDPOINT")) {
    s.endpoint = *base;
    if (!s.endpoint.ends_with('/')) s.endpoint += '/';
    s.endpoint += "v1/traces";
  }
  s.batch.service_name = env.String("OTEL_SERVICE_NAME", service);
  // The OpenTelemetry variables are in milliseconds; Env::Duration reads a bare number as seconds.
  const auto millis = [&env](std::string_view name, std::int64_t fallback) {
    return std::chrono::milliseconds(env.Int(name, fallback, 1, 3'600'000));
  };
  s.batch.delay = millis("OTEL_BSP_SCHEDULE_DELAY", 5000);
  s.timeout = millis("OTEL_EXPORTER_OTLP_TIMEOUT", 10000);
  s.batch.max_queue = static_cast<std::size_t>(env.Int("OTEL_BSP_MAX_QUEUE_SIZE", 2048, 1, 1'000'000));
  s.batch.max_batch = static_cast<std::size_t>(env.Int("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", 512, 1, 100'000));
  return s;
}

std::shared_ptr<trace::BatchExporter> StartTracing(const TraceSettings& settings) {
  if (settings.endpoint.empty()) return nullptr;
  auto exporter = std::make_shared<trace::BatchExporter>(
      settings.batch, [endpoint = settings.endpoint, timeout = settings.timeout](const std::string& body) {
        const auto sent = fetch::Post(endpoint, body, "application/json", timeout);
        return sent && *sent >= 200 && *sent < 300;
      });
  trace::SetExporter(exporter);
  log::Info("exporting spans",
            {{"endpoint", settings.endpoint}, {"service_name", settings.batch.service_name}});
  return exporter;
}

void StopTracing(std::shared_ptr<trace::BatchExporter> exporter) {
  if (!exporter) return;
  exporter->Flush();
  trace::SetExporter(nullptr);
  if (exporter->dropped() > 0) log::Warn("spans dropped", {{"count", exporter->dropped()}});
}

int WaitForStopSignal(const sigset_t& signals) {
  int sig = 0;
  sigwait(&signals, &sig);
  return sig;
}

}  // namespace nationpulse::process
