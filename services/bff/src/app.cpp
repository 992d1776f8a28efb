#include "app.hpp"

#include "components.hpp"
#include "nationpulse/base/expected.hpp"
#include "nationpulse/health/health.hpp"
#include "nationpulse/http/server.hpp"
#include "nationpulse/log/log.hpp"
#include "nationpulse/metrics/registry.hpp"

namespace nationpulse::bff {

struct App::Impl {
  Impl(Settings s, std::unique_ptr<AccessGate> g)
      : components(std::move(s), Components::Overrides{.gate = std::move(g)}) {}

  void RegisterServerMetrics();

  Components components;
  std::unique_ptr<http::Server> server;
  std::unique_ptr<health::GrpcServer> grpc;
  std::unique_ptr<health::DependencyMonitor> monitor;
  bool stopped = false;
};

void App::Impl::RegisterServerMetrics() {
  auto& registry = components.registry;
  auto& http_conns = registry.AddGauge("nationpulse_bff_http_open_connections", "Open HTTP connections.");
  auto& queue =
      registry.AddGauge("nationpulse_bff_http_worker_queue_depth", "Requests waiting for a worker.");
  registry.OnCollect([this, &http_conns, &queue] {
    if (server) {
      http_conns.WithLabels({}).Set(static_cast<double>(server->open_connections()));
      queue.WithLabels({}).Set(static_cast<double>(server->worker_queue_depth()));
    }
  });
}

App::App(Settings settings, std::unique_ptr<AccessGate> gate)
    : impl_(std::make_unique<Impl>(std::move(settings), std::move(gate))) {
  auto& c = impl_->components;
  c.RegisterDependencyMetrics();
  impl_->RegisterServerMetrics();
  auto& overload = c.registry
                       .AddCounter("nationpulse_bff_http_overload_rejections_total",
                                   "Requests refused with 503 because the worker queue was full.")
                       .WithLabels({});
  c.settings.http.on_overload = [&overload] { overload.Inc(); };
  auto chain = c.Chain();
  impl_->server = std::make_unique<http::Server>(c.settings.http, c.BuildRouter(), std::move(chain));
}

App::~App() { Stop(); }

void App::Start() {
  auto& s = *impl_;
  auto& c = s.components;
  // Health first: an orchestrator sees NOT_SERVING, never a closed port, while the rest starts.
  s.grpc = std::make_unique<health::GrpcServer>(
      health::GrpcServerOptions{.address = c.settings.grpc_address,
                                .service_names = {"nationpulse.bff", "bff"},
                                .registry = &c.registry,
                                .metrics_service = "bff"});
  // grpc.md §3 [REC]: the BFF is healthy when Postgres and Redis answer. Redis is required here although
  // /readyz stays ready without it (reads fall back to Postgres): this is the operator's view of the
  // suite's health, readiness is whether to send traffic. Kafka only carries reports: it degrades.
  auto probe = [](auto ping) -> Expected<void, std::string> {
    if (auto r = ping(); !r) return Unexpected(r.error().message);
    return {};
  };
  s.monitor = std::make_unique<health::DependencyMonitor>(
      std::vector<health::Dependency>{
          {"postgres", true, [&c, probe] { return probe([&c] { return c.pool.Ping(); }); }},
          {"redis", true, [&c, probe] { return probe([&c] { return c.redis.Ping(); }); }},
          {"kafka", false,
           [&c] {
             return c.report_api.kafka_up() ? Expected<void, std::string>{}
                                            : Unexpected(std::string("unreachable"));
           }},
      },
      c.settings.probe_interval, [&s](bool serving) {
        if (!s.stopped) s.grpc->SetServing(serving);
      });
  s.server->Start();
  c.report_api.Start();
  s.monitor->Start();
  log::Info("bff listening", {{"address", c.settings.http.address}, {"port", s.server->port()}});
}

void App::Stop() {
  if (!impl_ || impl_->stopped) return;
  impl_->stopped = true;
  // NOT_SERVING first so probes and balancers stop sending, then HTTP (it closes the SSE streams),
  // then the consumer the streams were fed from.
  if (impl_->grpc) impl_->grpc->SetServing(false);
  if (impl_->server) impl_->server->Stop();
  impl_->components.report_api.Stop();
  if (impl_->monitor) impl_->monitor->Stop();
  if (impl_->grpc) impl_->grpc->Shutdown(std::chrono::seconds(1));
}

std::uint16_t App::port() const { return impl_->server->port(); }
int App::grpc_port() const { return impl_->grpc ? impl_->grpc->port() : 0; }

}  // namespace nationpulse::bff
