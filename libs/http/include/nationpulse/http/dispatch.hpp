#pragma once

#include <vector>

#include "nationpulse/http/router.hpp"
#include "nationpulse/http/types.hpp"

namespace nationpulse::http {

// What Server does with one routed request, as functions: a harness that drives a router without
// sockets (the BFF's fuzzers) runs exactly the server's code instead of a copy of it.

/// Runs the server-wide `chain`, then the route's steps, then the handler, or the router's 404/405
/// answer when nothing matched. A route with bypass_chain skips `chain`.
/// @throws whatever a middleware or handler throws (the server answers 500).
Response RunChain(const std::vector<Middleware>& chain, const Router::Match& match, const Request& req,
                  RequestContext& ctx);

/// The server-wide `chain` around an answer the server itself decided (overload, body too large), so
/// such answers still carry CORS headers and appear in logs and metrics. A middleware that throws is
/// logged and `fixed` is returned as it was.
Response RunChainAround(const std::vector<Middleware>& chain, Response fixed, const Request& req,
                        RequestContext& ctx);

}  // namespace nationpulse::http
