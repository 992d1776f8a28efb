#pragma once

#include <cstdint>
#include <memory>

#include "settings.hpp"

namespace nationpulse::scheduler {

/// The whole scheduler process: the gRPC health endpoint ("" and "scheduler", SERVING while the
/// loop thread is alive; an unreachable ingestion service shows in logs and metrics, not here),
/// /livez and /metrics over HTTP, and the scheduler loop calling the ingestion service.
///
///   SchedulerService service(settings);
///   service.Start();   // @throws when the gRPC or HTTP port cannot be bound
///   ... service.Stop();  // NOT_SERVING, cancel a run in flight, stop the servers
class SchedulerService {
 public:
  explicit SchedulerService(Settings settings);
  ~SchedulerService();
  SchedulerService(const SchedulerService&) = delete;
  SchedulerService& operator=(const SchedulerService&) = delete;

  void Start();
  void Stop();
  int grpc_port() const;
  std::uint16_t http_port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nationpulse::scheduler
