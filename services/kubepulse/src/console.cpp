#include "console.hpp"

#include <cstdio>
#include <stdexcept>

namespace nationpulse::kubepulse {

std::string KitchenTime(const std::tm& local) {
  const int hour12 = local.tm_hour % 12 == 0 ? 12 : local.tm_hour % 12;
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%d:%02d%s", hour12, local.tm_min, local.tm_hour < 12 ? "AM" : "PM");
  return buffer;
}

std::tm LocalTime(std::chrono::system_clock::time_point at) {
  const std::time_t t = std::chrono::system_clock::to_time_t(at);
  std::tm local{};
  localtime_r(&t, &local);
  return local;
}

std::string ConsoleBlock(const std::tm& local, const std::vector<Target>& targets,
                         const std::vector<ProbeResult>& results) {
  if (targets.size() != results.size()) throw std::invalid_argument("ConsoleBlock: one result per target");
  std::string out = "\n--- Pulse check: " + KitchenTime(local) + " ---\n";
  for (std::size_t i = 0; i < targets.size(); ++i) {
    out += "[" + targets[i].name + "]  Status:" + StatusName(results[i].status) + "\n";
  }
  return out;
}

}  // namespace nationpulse::kubepulse
