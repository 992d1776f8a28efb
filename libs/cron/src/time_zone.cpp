#include "nationpulse/cron/time_zone.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <mutex>

namespace nationpulse::cron {
namespace {

using std::chrono::local_seconds;
using std::chrono::seconds;
using std::chrono::sys_seconds;

// libc holds one zone per process: which one TZ currently names, guarded by the mutex.
std::mutex& LibcMutex() {
  static std::mutex mutex;
  return mutex;
}

std::string& ActiveZone() {
  static std::string active;
  return active;
}

std::string ZoneDir() {
  const char* dir = std::getenv("TZDIR");
  return dir != nullptr && *dir != '\0' ? dir : "/usr/share/zoneinfo";
}

// A name libc would resolve inside the zone directory, never a path out of it or a POSIX TZ rule.
bool PlausibleName(std::string_view name) {
  if (name.empty() || name.size() > 255 || name.front() == '/' || name.back() == '/') return false;
  std::size_t start = 0;
  while (start <= name.size()) {
    const std::size_t slash = std::min(name.find('/', start), name.size());
    const std::string_view part = name.substr(start, slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = slash + 1;
  }
  for (char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' ||
                    c == '_' || c == '-' || c == '+';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Expected<TimeZone, std::string> TimeZone::Load(std::string_view name) {
  TimeZone zone;
  if (name == "UTC" || name == "Etc/UTC") return zone;
  const std::string quoted = "\"" + std::string(name) + "\"";
  if (!PlausibleName(name)) {
    return Unexpected{"invalid time zone " + quoted + ": expected an IANA name such as Europe/Paris or UTC"};
  }
  const std::string path = ZoneDir() + "/" + std::string(name);
  struct stat info {};
  if (stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
    return Unexpected{"unknown time zone " + quoted + ": " + path +
                      " does not exist (IANA names such as Europe/Paris; is the tzdata package installed?)"};
  }
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  if (!in.read(magic, sizeof(magic)) || std::string_view(magic, sizeof(magic)) != "TZif") {
    return Unexpected{"invalid time zone " + quoted + ": " + path + " is not a TZif zone file"};
  }
  zone.name_ = std::string(name);
  zone.utc_ = false;
  return zone;
}

seconds TimeZone::OffsetAt(sys_seconds t) const {
  if (utc_) return seconds(0);
  const std::time_t when = static_cast<std::time_t>(t.time_since_epoch().count());
  std::tm tm{};
  std::lock_guard lock(LibcMutex());
  if (ActiveZone() != name_) {
    // The leading ':' makes libc read the zone file rather than parse a POSIX TZ rule.
    setenv("TZ", (":" + name_).c_str(), 1);
    tzset();
    ActiveZone() = name_;
  }
  if (localtime_r(&when, &tm) == nullptr) return seconds(0);
  return seconds(tm.tm_gmtoff);
}

local_seconds TimeZone::ToLocal(sys_seconds t) const {
  return local_seconds((t + OffsetAt(t)).time_since_epoch());
}

sys_seconds TimeZone::FirstInstant(local_seconds local) const {
  const sys_seconds as_utc(local.time_since_epoch());
  if (utc_) return as_utc;
  // Offsets are under a day and transitions are far more than a day apart, so the offsets a day
  // either side are the only two candidates.
  constexpr auto kDay = std::chrono::hours(24);
  const seconds before = OffsetAt(as_utc - kDay);
  const seconds after = OffsetAt(as_utc + kDay);
  const sys_seconds early = as_utc - std::max(before, after);
  const sys_seconds late = as_utc - std::min(before, after);
  const auto maps_back = [&](sys_seconds t) { return t + OffsetAt(t) == as_utc; };
  if (maps_back(early)) return early;  // also the first of the two in a repeated hour
  if (maps_back(late)) return late;
  if (before >= after) return early;  // no gap to explain it (two transitions within a day): best effort
  // A gap: `early` is still on the old offset, `late` already on the new one. Find the transition.
  sys_seconds lo = early;  // old offset
  sys_seconds hi = late;   // new offset
  while (hi - lo > seconds(1)) {
    const sys_seconds mid = lo + (hi - lo) / 2;
    if (OffsetAt(mid) == after) {
      hi = mid;
    } else {
      lo = mid;
    }
  }
  return hi;
}

}  // namespace nationpulse::cron
