#pragma once

#include <grpcpp/support/server_interceptor.h>

#include <memory>
#include <string>

#include "nationpulse/metrics/registry.hpp"

namespace nationpulse::health {

/// A server interceptor counting each call by method and status code and timing it. Methods the
/// server does not implement (answered UNIMPLEMENTED) are labelled "unknown", so a client cannot
/// grow the label set.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MetricsInterceptorFactory(
    metrics::Registry& registry, const std::string& service);

}  // namespace nationpulse::health
