#include "service.hpp"

#include <atomic>

#include "ingestion_rpc.hpp"
#include "nationpulse/health/health.hpp"
#include "nationpulse/http/ops.hpp"
#include "nationpulse/log/log.hpp"
#include "nationpulse/metrics/registry.hpp"
#include "nationpulse/trace/exporter.hpp"

namespace nationpulse::ingestion {

using namespace std::chrono_literals;

struct IngestionService::Impl {
  explicit Impl(Settings s)
      : settings(std::move(s)),
        pool(settings.postgres),
        job(pool, registry, settings.job),
        rpc(job, [this] { return stopping.load(); }) {
    pool.RegisterMetrics(registry, "ingestion");
  }

  Settings settings;
  metrics::Registry registry;
  db::Pool pool;
  IngestionJob job;
  IngestionRpc rpc;
  std::atomic<bool> stopping{false};
  std::atomic<bool> started{false};
  std::unique_ptr<health::GrpcServer> grpc;
  std::unique_ptr<health::DependencyMonitor> monitor;
  std::unique_ptr<http::Server> http;
};

IngestionService::IngestionService(Settings settings) : impl_(std::make_unique<Impl>(std::move(settings))) {}

IngestionService::~IngestionService() { Stop(); }

void IngestionService::Start() {
  auto& s = *impl_;
  s.grpc = std::make_unique<health::GrpcServer>(
      health::GrpcServerOptions{.address = s.settings.grpc_address,
                                .service_names = {"dataIngestion.DataIngestion", "ingestion"},
                                .registry = &s.registry,
                                .metrics_service = "ingestion"},
      std::vector<grpc::Service*>{&s.rpc});

  http::Router router;
  http::AddLivezRoute(router);
  trace::RegisterMetrics(s.registry, "ingestion");
  http::AddMetricsRoute(router, s.registry);
  s.http = http::StartOpsServer(s.settings.http_address, s.settings.http_port, std::move(router));

  auto& running = s.registry.AddGauge("nationpulse_ingestion_job_running", "1 while an ingestion job runs.");
  auto& pg_up = s.registry.AddGauge("nationpulse_ingestion_dependency_up",
                                    "1 when the dependency answered its last probe.", {"dependency"});
  s.monitor = std::make_unique<health::DependencyMonitor>(
      std::vector<health::Dependency>{{"postgres", true,
                                       [&s]() -> Expected<void, std::string> {
                                         if (auto r = s.pool.Ping(); !r) return Unexpected(r.error().message);
                                         return {};
                                       }}},
      s.settings.probe_interval, [&s](bool serving) {
        if (!s.stopping) s.grpc->SetServing(serving);
      });
  s.registry.OnCollect([&s, &running, &pg_up] {
    running.WithLabels({}).Set(s.rpc.running() ? 1 : 0);
    for (const auto& d : s.monitor->snapshot()) pg_up.WithLabels({d.name}).Set(d.up ? 1 : 0);
  });
  s.monitor->Start();
  s.started = true;
  log::Info("ingestion started",
            {{"grpc", s.settings.grpc_address},
             {"http_port", s.http->port()},
             {"source", s.settings.job.snapshot_dir ? "snapshot " + *s.settings.job.snapshot_dir
                                                    : s.settings.job.base_url}});
}

void IngestionService::Stop() {
  if (!impl_ || !impl_->started.exchange(false)) return;
  auto& s = *impl_;
  s.stopping = true;  // a running job stops after its current feed
  if (s.monitor) s.monitor->Stop();
  if (s.grpc) s.grpc->Shutdown(s.settings.shutdown_grace);
  if (s.http) s.http->Stop();
}

int IngestionService::grpc_port() const { return impl_->grpc ? impl_->grpc->port() : 0; }
std::uint16_t IngestionService::http_port() const { return impl_->http ? impl_->http->port() : 0; }

}  // namespace nationpulse::ingestion
