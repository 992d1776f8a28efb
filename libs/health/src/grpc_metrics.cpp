#include "grpc_metrics.hpp"

#include <chrono>

#include "nationpulse/health/check.hpp"

namespace nationpulse::health {
namespace {

using grpc::experimental::InterceptionHookPoints;

struct CallMetrics {
  metrics::Family<metrics::Counter>& handled;
  metrics::Family<metrics::Histogram>& duration;
};

class MetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(const char* method, CallMetrics& metrics)
      : method_(method != nullptr ? method : ""),
        metrics_(metrics),
        started_(std::chrono::steady_clock::now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::StatusCode code = methods->GetSendStatus().error_code();
      const std::string method = code == grpc::StatusCode::UNIMPLEMENTED ? "unknown" : method_;
      metrics_.handled.WithLabels({method, StatusCodeName(code)}).Inc();
      metrics_.duration.WithLabels({method}).Observe(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
    }
    methods->Proceed();
  }

 private:
  std::string method_;
  CallMetrics& metrics_;
  std::chrono::steady_clock::time_point started_;
};

class Factory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  Factory(metrics::Registry& registry, const std::string& service)
      : metrics_{registry.AddCounter("nationpulse_" + service + "_grpc_server_handled_total",
                                     "gRPC calls completed, by method and status code.", {"method", "code"}),
                 registry.AddHistogram("nationpulse_" + service + "_grpc_server_handling_seconds",
                                       "Time from the start of a gRPC call to its status.", {"method"},
                                       metrics::DefaultBuckets())} {}

  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override {
    return new MetricsInterceptor(info->method(), metrics_);
  }

 private:
  CallMetrics metrics_;
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MetricsInterceptorFactory(
    metrics::Registry& registry, const std::string& service) {
  return std::make_unique<Factory>(registry, service);
}

}  // namespace nationpulse::health
