#include "nationpulse/health/grpc_server.hpp"

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include <stdexcept>
#include <utility>

#include "grpc_metrics.hpp"
#include "nationpulse/log/log.hpp"

namespace nationpulse::health {

GrpcServer::GrpcServer(GrpcServerOptions options, std::vector<grpc::Service*> services)
    : options_(std::move(options)) {
  // A process-wide switch read by ServerBuilder: every server built afterwards gets the default
  // service, which is what we want for all of ours.
  grpc::EnableDefaultHealthCheckService(true);

  grpc::ServerBuilder builder;
  builder.AddListeningPort(options_.address, grpc::InsecureServerCredentials(), &port_);
  // A port already taken must fail here, not be shared with another process (gRPC sets
  // SO_REUSEPORT by default, so a second instance would silently split the traffic).
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  if (options_.registry != nullptr) {
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
    creators.push_back(MetricsInterceptorFactory(*options_.registry, options_.metrics_service));
    builder.experimental().SetInterceptorCreators(std::move(creators));
  }
  for (grpc::Service* service : services) builder.RegisterService(service);
  if (services.empty()) {
    // grpc 1.51 refuses to build a server whose only service is the default health one ("At least
    // one of the completion queues must be frequently polled": that service is added after the
    // check). The stock generic callback service answers UNIMPLEMENTED to unknown methods, as an
    // empty server would, and gives the server the callback queue the health service runs on.
    fallback_ = std::make_unique<grpc::CallbackGenericService>();
    builder.RegisterCallbackGenericService(fallback_.get());
  }
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    if (server_ != nullptr) server_->Shutdown();
    throw std::runtime_error("gRPC server cannot listen on " + options_.address);
  }
  if (server_->GetHealthCheckService() == nullptr) {
    server_->Shutdown();
    throw std::runtime_error(
        "gRPC server has no health service (an application service registered "
        "grpc.health.v1.Health itself?)");
  }
  // The default service starts with "" SERVING; a probe landing between BuildAndStart and here
  // (microseconds) could see that. Registering the names here also makes them known to Check.
  std::lock_guard lock(status_mu_);
  SetStatusLocked(false);
  log::Info("gRPC server listening", {{"address", options_.address}, {"port", port_}});
}

GrpcServer::~GrpcServer() { Shutdown(std::chrono::milliseconds(0)); }

void GrpcServer::SetServing(bool serving) {
  std::lock_guard lock(status_mu_);
  // The default service sends watchers every update, repeated ones included.
  if (shut_down_ || serving == serving_) return;
  SetStatusLocked(serving);
}

void GrpcServer::SetStatusLocked(bool serving) {
  grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService();
  health->SetServingStatus("", serving);
  for (const std::string& name : options_.service_names) health->SetServingStatus(name, serving);
  serving_ = serving;
}

bool GrpcServer::serving() const { return serving_; }

int GrpcServer::port() const { return port_; }

void GrpcServer::Shutdown(std::chrono::milliseconds grace) {
  std::lock_guard shutdown_lock(shutdown_mu_);
  {
    std::lock_guard lock(status_mu_);
    if (shut_down_) return;
    shut_down_ = true;
    // Sets every name NOT_SERVING (watchers are sent it once: a SetServingStatus before would
    // send it twice) and freezes the service so nothing flips it back while draining.
    server_->GetHealthCheckService()->Shutdown();
    serving_ = false;
  }
  log::Info("gRPC server shutting down",
            {{"address", options_.address}, {"grace_ms", static_cast<long long>(grace.count())}});
  server_->Shutdown(std::chrono::system_clock::now() + grace);
  server_->Wait();
}

}  // namespace nationpulse::health
