#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "nationpulse/base/expected.hpp"
#include "nationpulse/http/types.hpp"

namespace nationpulse::http {

/// Minimal blocking HTTP/1.1 client for loopback tools, probes and tests: one connection per
/// call, everything (connect, write, read) bounded by `timeout`.
///
///   auto res = Fetch("127.0.0.1", 8081, Request{Verb::get, "/livez", 11}, 2s);
///   if (res) use(res->result_int(), res->body());
Expected<Response, std::string> Fetch(const std::string& host, std::uint16_t port, Request request,
                                      std::chrono::milliseconds timeout);

}  // namespace nationpulse::http
