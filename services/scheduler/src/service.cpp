#include "service.hpp"

#include <atomic>

#include "ingestion_client.hpp"
#include "nationpulse/health/health.hpp"
#include "nationpulse/http/json_response.hpp"
#include "nationpulse/http/ops.hpp"
#include "nationpulse/http/server.hpp"
#include "nationpulse/log/log.hpp"
#include "nationpulse/metrics/registry.hpp"
#include "nationpulse/trace/exporter.hpp"
#include "scheduler.hpp"

namespace nationpulse::scheduler {

using namespace std::chrono_literals;

namespace {

ClientOptions ClientOptionsFrom(const Settings& s) {
  return ClientOptions{.target = s.ingestion_target,
                       .job_timeout = s.job_timeout,
                       .connect_timeout = s.connect_timeout,
                       .retry_attempts = s.retry_attempts,
                       .retry_backoff = s.retry_backoff,
                       .retry_backoff_max = s.retry_backoff_max};
}

nlohmann::json OptionalTime(const std::optional<std::chrono::system_clock::time_point>& t) {
  return t ? nlohmann::json(FormatUtc(*t)) : nlohmann::json(nullptr);
}

JobResult RunAndLog(IngestionClient& client) {
  return client.Run(
      [](const IngestionMessage& m) {
        log::Info("ingestion message", {{"message", m.message},
                                        {"type", m.success ? "SUCCESS" : "FAILED"},
                                        {"created_at", OptionalTime(m.created_at)},
                                        {"completed_at", OptionalTime(m.completed_at)}});
      },
      [&client](int attempt, std::chrono::milliseconds delay, const std::string& error) {
        log::Warn("ingestion service unavailable, retrying", {{"target", client.options().target},
                                                              {"attempt", attempt},
                                                              {"retry_in_ms", delay.count()},
                                                              {"error", error}});
      });
}

}  // namespace

struct SchedulerService::Impl {
  explicit Impl(Settings s)
      : settings(std::move(s)),
        client(ClientOptionsFrom(settings)),
        loop(LoopOptions{settings.schedule, settings.time_zone, settings.run_on_start},
             Job{.run = [this] { return RunAndLog(client); }, .cancel = [this] { client.Cancel(); }},
             registry) {}

  Settings settings;
  metrics::Registry registry;
  IngestionClient client;
  Scheduler loop;
  std::unique_ptr<health::GrpcServer> grpc;
  std::unique_ptr<health::DependencyMonitor> monitor;
  std::unique_ptr<http::Server> http;
  std::atomic<bool> stopping{false};
  std::atomic<bool> started{false};
};

SchedulerService::SchedulerService(Settings settings) : impl_(std::make_unique<Impl>(std::move(settings))) {}

SchedulerService::~SchedulerService() { Stop(); }

void SchedulerService::Start() {
  auto& s = *impl_;
  // The first conversion in a non-UTC zone sets TZ for the process (cron::TimeZone): do it now,
  // before gRPC and HTTP start their threads.
  const auto offset = s.settings.time_zone.OffsetAt(
      std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
  log::Info("schedule", {{"spec", s.settings.schedule_spec},
                         {"time_zone", s.settings.time_zone.name()},
                         {"utc_offset_s", offset.count()},
                         {"run_on_start", s.settings.run_on_start},
                         {"target", s.settings.ingestion_target}});

  s.grpc = std::make_unique<health::GrpcServer>(
      health::GrpcServerOptions{.address = s.settings.grpc_address,
                                .service_names = {"nationpulse.cron", "scheduler"},
                                .registry = &s.registry,
                                .metrics_service = "scheduler"});

  http::Router router;
  router.Add(
      http::Verb::get, "/livez",
      [&s](const http::Request&, http::RequestContext&) {
        if (!s.loop.running())
          return http::JsonError(http::Status::service_unavailable, "scheduler loop stopped");
        return http::JsonSuccess(R"({"status":"ok"})");
      },
      http::InlineRoute());
  trace::RegisterMetrics(s.registry, "scheduler");
  http::AddMetricsRoute(router, s.registry);
  s.http = http::StartOpsServer(s.settings.http_address, s.settings.http_port, std::move(router));

  s.loop.Start();
  // Only the loop decides liveness: an ingestion outage is the job's business (logs, runs_total).
  s.monitor = std::make_unique<health::DependencyMonitor>(
      std::vector<health::Dependency>{
          {"loop", true,
           [&s]() -> Expected<void, std::string> {
             if (!s.loop.running()) return Unexpected(std::string("the scheduler loop is not running"));
             return {};
           }},
      },
      s.settings.probe_interval, [&s](bool serving) {
        if (!s.stopping) s.grpc->SetServing(serving);
      });
  s.monitor->Start();
  s.started = true;
  log::Info("scheduler started", {{"grpc", s.settings.grpc_address}, {"http_port", s.http->port()}});
}

void SchedulerService::Stop() {
  if (!impl_ || !impl_->started.exchange(false)) return;
  auto& s = *impl_;
  s.stopping = true;
  if (s.grpc) s.grpc->SetServing(false);
  s.loop.Stop();  // cancels a NotifyBFF call in flight
  if (s.monitor) s.monitor->Stop();
  if (s.http) s.http->Stop();
  if (s.grpc) s.grpc->Shutdown(2s);
}

int SchedulerService::grpc_port() const { return impl_->grpc ? impl_->grpc->port() : 0; }
std::uint16_t SchedulerService::http_port() const { return impl_->http ? impl_->http->port() : 0; }

}  // namespace nationpulse::scheduler
