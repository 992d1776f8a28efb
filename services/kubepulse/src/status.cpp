#include "status.hpp"

namespace nationpulse::kubepulse {

const char* TargetKindName(TargetKind kind) {
  switch (kind) {
    case TargetKind::kGrpc:
      return "grpc";
    case TargetKind::kPostgres:
      return "postgres";
    case TargetKind::kRedis:
      return "redis";
    case TargetKind::kKafka:
      return "kafka";
  }
  return "grpc";
}

const char* StatusName(Status status) {
  switch (status) {
    case Status::kPending:
      return "PENDING";
    case Status::kNotConfigured:
      return "NOT_CONFIGURED";
    case Status::kServing:
      return "SERVING";
    case Status::kNotServing:
      return "NOT_SERVING";
    case Status::kUnknown:
      return "UNKNOWN";
    case Status::kServiceUnknown:
      return "SERVICE_UNKNOWN";
    case Status::kRpcError:
      return "UNHEALTHY (RPC ERROR)";
    case Status::kPingError:
      return "UNHEALTHY (PING ERROR)";
  }
  return "UNKNOWN";
}

const char* StatusClass(Status status) {
  switch (status) {
    case Status::kServing:
      return "ok";
    case Status::kNotServing:
      return "bad";
    case Status::kUnknown:
    case Status::kServiceUnknown:
      return "warn";
    case Status::kRpcError:
    case Status::kPingError:
      return "down";
    case Status::kPending:
    case Status::kNotConfigured:
      return "off";
  }
  return "off";
}

}  // namespace nationpulse::kubepulse
