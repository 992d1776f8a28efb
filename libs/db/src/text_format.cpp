#include "nationpulse/db/text_format.hpp"

namespace nationpulse::db {

std::string TimestampToRfc3339(std::string_view text) {
  // "YYYY-MM-DD HH:MM:SS[.ffffff]+00[:MM]"
  std::string out(text);
  if (out.size() > 10 && out[10] == ' ') out[10] = 'T';
  const auto sign = out.find_last_of("+-");
  // No offset: a `timestamp without time zone` column (as a database made by the Go original may
  // have); the project stores UTC, so it is marked as such.
  if (sign == std::string::npos || sign < 19) return out + "Z";
  std::string offset = out.substr(sign);
  out.erase(sign);
  if (offset == "+00" || offset == "+00:00" || offset == "-00") return out + "Z";
  if (offset.size() == 3) offset += ":00";
  return out + offset;
}

}  // namespace nationpulse::db
