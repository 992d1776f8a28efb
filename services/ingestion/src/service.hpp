#pragma once

#include <cstdint>
#include <memory>

#include "settings.hpp"

namespace nationpulse::ingestion {

/// The whole ingestion process: the gRPC server (NotifyBFF and grpc.health.v1, SERVING while Postgres
/// answers), /metrics and /livez. main() only loads settings, starts it and stops it.
///
///   IngestionService service(settings);
///   service.Start();   // @throws when the gRPC or HTTP port cannot be bound
///   ... service.Stop();  // NOT_SERVING, a running job stops after its current feed, then close
class IngestionService {
 public:
  explicit IngestionService(Settings settings);
  ~IngestionService();
  IngestionService(const IngestionService&) = delete;
  IngestionService& operator=(const IngestionService&) = delete;

  void Start();
  void Stop();
  int grpc_port() const;
  std::uint16_t http_port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nationpulse::ingestion
