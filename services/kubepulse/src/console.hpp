#pragma once

#include <chrono>
#include <ctime>
#include <string>
#include <vector>

#include "status.hpp"

namespace nationpulse::kubepulse {

/// Go's time.Kitchen layout of a broken-down time: "3:04PM", "12:00AM".
std::string KitchenTime(const std::tm& local);

/// The broken-down local time of the process (TZ) at `at`.
std::tm LocalTime(std::chrono::system_clock::time_point at);

/// The stdout block of one round, exactly the original's lines (grpc.md §4):
///
///   (blank line)
///   --- Pulse check: 3:04PM ---
///   [BFF-Service]  Status:SERVING
///   [Reporting-Svc]  Status:UNHEALTHY (RPC ERROR)
///
/// one line per target in `targets` order; `results` is parallel to `targets`. Returned as one string so
/// the caller writes it at once and log lines (also on stdout) never land inside it.
std::string ConsoleBlock(const std::tm& local, const std::vector<Target>& targets,
                         const std::vector<ProbeResult>& results);

}  // namespace nationpulse::kubepulse
