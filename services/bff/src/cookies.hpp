#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nationpulse::bff {

/// Value of cookie `name` in a Cookie request header ("a=1; b=2"); nullopt when absent.
std::optional<std::string> FindCookie(std::string_view cookie_header, std::string_view name);

/// Set-Cookie value in the original's form (rest-api.md §5.1):
/// "name=value; Path=/; Expires=<http-date>; HttpOnly; SameSite=Lax[; Secure]".
std::string SessionCookie(std::string_view name, std::string_view value, std::int64_t expires_unix,
                          bool secure);

/// Set-Cookie value that deletes the cookie (§8.2): empty value, epoch Expires, Max-Age=0.
std::string ClearedCookie(std::string_view name, bool secure);

/// RFC 7231 IMF-fixdate, e.g. "Thu, 01 Jan 1970 00:00:00 GMT".
std::string HttpDate(std::int64_t unix_seconds);

}  // namespace nationpulse::bff
