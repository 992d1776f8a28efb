#pragma once

#include <cstdint>
#include <memory>

#include "settings.hpp"

namespace nationpulse::reporting {

/// The whole reporting process: the gRPC health endpoint first (fix D-40), then /metrics, the dependency
/// monitor and the consume loop on its own thread. main() only loads settings, starts it and stops it.
///
///   ReportingService service(settings);
///   service.Start();   // @throws when the gRPC or HTTP port cannot be bound
///   ... service.Stop();  // NOT_SERVING, finish the message in hand, leave the group, close
class ReportingService {
 public:
  explicit ReportingService(Settings settings);
  ~ReportingService();
  ReportingService(const ReportingService&) = delete;
  ReportingService& operator=(const ReportingService&) = delete;

  void Start();
  void Stop();
  int grpc_port() const;
  std::uint16_t http_port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nationpulse::reporting
