#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace grpc {
class CallbackGenericService;
class Server;
class Service;
}  // namespace grpc

namespace nationpulse::metrics {
class Registry;
}

namespace nationpulse::health {

struct GrpcServerOptions {
  std::string address = "0.0.0.0:50051";   ///< host:port; port 0 picks a free port (tests)
  std::vector<std::string> service_names;  ///< per-service names reported besides "" (e.g. "reporting")
  /// When set, every call is counted in nationpulse_<metrics_service>_grpc_server_handled_total{method,code}
  /// and timed in ..._grpc_server_handling_seconds{method}. Must outlive the server.
  metrics::Registry* registry = nullptr;
  std::string metrics_service{};
};

/// A gRPC server that always carries grpc.health.v1.Health (Check and Watch, served by grpc++'s
/// default health service) and optionally the application's services. Every name ("" and
/// service_names) starts NOT_SERVING until SetServing(true); other names answer NOT_FOUND.
/// Thread-safe.
///
///   health::GrpcServer server({.address = "0.0.0.0:50052", .service_names = {"reporting"}});
///   health::DependencyMonitor monitor(deps, 5s, [&](bool ok) { server.SetServing(ok); });
///   monitor.Start();
///   ...  // on SIGTERM:
///   monitor.Stop();
///   server.Shutdown(5s);  // before stopping the rest
class GrpcServer final {
 public:
  /// Starts listening. `services` (not owned) must outlive the server.
  /// @throws std::runtime_error when the address cannot be bound.
  explicit GrpcServer(GrpcServerOptions options, std::vector<grpc::Service*> services = {});
  /// Shutdown(0ms).
  ~GrpcServer();
  GrpcServer(const GrpcServer&) = delete;
  GrpcServer& operator=(const GrpcServer&) = delete;

  /// Reports `serving` for "" and every service name. Ignored after Shutdown.
  void SetServing(bool serving);
  bool serving() const;
  /// The bound port (the chosen one when the address asked for port 0).
  int port() const;

  /// NOT_SERVING first (watchers are sent it), then grpc Shutdown: new calls are refused at once,
  /// calls in flight (including open Watch streams) are cancelled after `grace`. Returns when the
  /// server is down. Idempotent; concurrent callers wait for the first one.
  void Shutdown(std::chrono::milliseconds grace);

 private:
  void SetStatusLocked(bool serving);

  GrpcServerOptions options_;
  std::unique_ptr<grpc::CallbackGenericService> fallback_;  ///< outlives server_ (declared first)
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;

  std::mutex shutdown_mu_;  ///< serialises Shutdown so a second caller returns only once down
  mutable std::mutex status_mu_;
  bool shut_down_ = false;  ///< guarded by status_mu_
  std::atomic<bool> serving_{false};
};

}  // namespace nationpulse::health
