#pragma once

#include <string_view>

namespace nationpulse {

/// The countryCode rule of the API (rest-api.md §8.11 [REC]): 2–12 of [A-Za-z0-9_], so ISO3
/// codes ("USA") and OECD aggregates ("EU27_2020") pass while LIKE wildcards ('%'), quotes and
/// other junk never reach SQL or cache keys (fix D-18).
constexpr bool IsValidCountryCode(std::string_view code) {
  if (code.size() < 2 || code.size() > 12) return false;
  for (char c : code) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace nationpulse
