#pragma once

#include <chrono>
#include <string>

namespace nationpulse::kubepulse {

/// What a row of the pulse watches: a gRPC health endpoint of a NationPulse service, or (with
/// KUBEPULSE_PROBE_INFRA) one of the shared dependencies pinged directly.
enum class TargetKind { kGrpc, kPostgres, kRedis, kKafka };

/// "grpc", "postgres", "redis", "kafka" (the JSON `kind`).
const char* TargetKindName(TargetKind kind);

/// One watched endpoint. An empty address means the variable was unset: the row is shown as not
/// configured and never probed (the original dialled "" and reported an RPC error).
struct Target {
  std::string name;  ///< display name, e.g. "BFF-Service"
  TargetKind kind = TargetKind::kGrpc;
  std::string address;  ///< "host:port" (for Kafka the broker list); empty = not configured

  bool configured() const { return !address.empty(); }
};

/// The state of a row. The gRPC ones carry the proto's enum names; the rest are kubepulse's own.
enum class Status {
  kPending,        ///< configured, no round finished yet
  kNotConfigured,  ///< address unset: never probed
  kServing,
  kNotServing,
  kUnknown,
  kServiceUnknown,
  kRpcError,   ///< the Check RPC failed (refused, timeout, unknown service name)
  kPingError,  ///< a direct Postgres/Redis/Kafka ping failed
};

/// The console and JSON spelling: "SERVING", "NOT_SERVING", "UNKNOWN", "SERVICE_UNKNOWN",
/// "UNHEALTHY (RPC ERROR)" (as the original printed), "UNHEALTHY (PING ERROR)", "NOT_CONFIGURED",
/// "PENDING".
const char* StatusName(Status status);

/// The dashboard's colour class: "ok" (serving), "bad" (not serving), "warn" (unknown), "down"
/// (unreachable), "off" (not configured, pending).
const char* StatusClass(Status status);

/// Only SERVING counts as up (nationpulse_service_up, the dashboard's headline).
inline bool IsUp(Status status) { return status == Status::kServing; }

/// The outcome of probing one target once.
struct ProbeResult {
  Status status = Status::kPending;
  std::chrono::microseconds latency{0};
  std::string error;  ///< why the probe failed; empty when it got an answer
};

}  // namespace nationpulse::kubepulse
