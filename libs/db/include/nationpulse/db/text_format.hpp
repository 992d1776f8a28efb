#pragma once

#include <string>
#include <string_view>

namespace nationpulse::db {

/// Postgres timestamptz text ("2025-11-02 09:14:03.51872+00", as sent in a session with
/// TimeZone=UTC, which every Pool connection uses) to RFC 3339 ("2025-11-02T09:14:03.51872Z").
/// Postgres already trims trailing zeros of the fraction. Other offsets are kept as "+hh:mm"; text
/// without an offset (a `timestamp without time zone` column) is taken as UTC.
std::string TimestampToRfc3339(std::string_view text);

}  // namespace nationpulse::db
