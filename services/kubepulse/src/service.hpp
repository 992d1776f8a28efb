#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "settings.hpp"

namespace nationpulse::kubepulse {

/// Where each round's console block goes; by default stdout, one write per block.
using ConsoleSink = std::function<void(std::string_view block)>;

/// Why /healthz answers 503, or empty when the round loop is healthy: the loop thread ended, or
/// `since_progress` (since the last recorded round, or since start before the first) exceeds three
/// intervals.
std::string LoopProblem(bool loop_running, std::chrono::nanoseconds since_progress,
                        std::chrono::seconds interval);

/// The whole kubepulse process: the round loop (probe every target concurrently, wait for all,
/// print the block, record it) and the HTTP port with the dashboard (/), /api/status, /metrics and
/// /healthz. main() only loads settings, starts it and stops it.
///
///   KubePulseService service(settings);
///   service.Start();   // @throws when the HTTP port cannot be bound or an infra client is misconfigured
///   ... service.Stop();  // wakes the loop, joins it and the probes in flight, stops HTTP
class KubePulseService {
 public:
  explicit KubePulseService(Settings settings);
  /// Same, with the console blocks sent to `console` (tests).
  KubePulseService(Settings settings, ConsoleSink console);
  ~KubePulseService();
  KubePulseService(const KubePulseService&) = delete;
  KubePulseService& operator=(const KubePulseService&) = delete;

  void Start();
  void Stop();
  std::uint16_t http_port() const;
  /// Rounds recorded so far.
  std::uint64_t rounds() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nationpulse::kubepulse
