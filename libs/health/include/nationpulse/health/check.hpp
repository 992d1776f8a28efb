#pragma once

#include <grpcpp/support/status_code_enum.h>

#include <chrono>
#include <string>

#include "nationpulse/base/expected.hpp"

namespace nationpulse::health {

/// grpc.health.v1.HealthCheckResponse.ServingStatus.
enum class ServingStatus { kUnknown, kServing, kNotServing, kServiceUnknown };

/// "UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN" (the proto's names).
const char* ServingStatusName(ServingStatus status);

/// The canonical name of a gRPC status code: "OK", "UNAVAILABLE", "DEADLINE_EXCEEDED", ...
const char* StatusCodeName(grpc::StatusCode code);

/// Why a Check got no answer: UNAVAILABLE (unreachable, shutting down), DEADLINE_EXCEEDED,
/// UNIMPLEMENTED (no health service), NOT_FOUND (gRPC's answer for an unknown service name).
struct CheckError {
  grpc::StatusCode code = grpc::StatusCode::UNKNOWN;
  std::string message;  ///< gRPC's error message
};

/// "UNAVAILABLE: failed to connect to all addresses" (for logs and kubepulse output).
std::string Describe(const CheckError& error);

/// One grpc.health.v1.Health/Check of `service` ("" = the whole server) against `target`
/// ("host:port", any gRPC target URI) over a fresh insecure channel, bounded by `deadline`.
/// Does not wait for the server to come up: a refused connection fails at once with UNAVAILABLE.
/// Blocking.
///
///   auto status = health::Check("reporting:50052", "reporting", 1s);
///   if (!status) log::Warn("unhealthy", {{"error", health::Describe(status.error())}});
Expected<ServingStatus, CheckError> Check(const std::string& target, const std::string& service,
                                          std::chrono::milliseconds deadline);

}  // namespace nationpulse::health
