#pragma once

#include <memory>

#include "access_gate.hpp"
#include "settings.hpp"

namespace nationpulse::bff {

/// The whole BFF: pools, cache, metrics, routes and the HTTP server, built from Settings.
/// main() only loads settings, constructs this, starts it and stops it on a signal.
///
///   App app(settings);   // protected routes behind the token gate (tests may pass another gate)
///   app.Start();   // @throws std::system_error when the port cannot be bound
///   ... app.Stop();
class App {
 public:
  explicit App(Settings settings, std::unique_ptr<AccessGate> gate_override = nullptr);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  void Start();
  void Stop();
  std::uint16_t port() const;
  /// The bound gRPC health port (0 before Start).
  int grpc_port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nationpulse::bff
