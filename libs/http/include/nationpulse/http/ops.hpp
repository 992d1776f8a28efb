#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "nationpulse/http/router.hpp"
#include "nationpulse/http/server.hpp"
#include "nationpulse/metrics/registry.hpp"

namespace nationpulse::http {

/// GET /metrics: `registry` in the Prometheus text format, answered on the I/O thread and outside the
/// server-wide chain (as the original's /metrics, which bypasses logging and CORS). `registry` must
/// outlive the router.
void AddMetricsRoute(Router& router, const metrics::Registry& registry);

/// GET /livez answering {"status":"ok"} on the I/O thread: the process is alive.
void AddLivezRoute(Router& router);

/// Starts the small operator server of a backend service (/livez, /metrics, ...): one I/O thread, one
/// worker, no middleware chain. @throws std::system_error when the address cannot be bound.
///
///   auto ops = http::StartOpsServer(settings.http_address, settings.http_port, std::move(router));
std::unique_ptr<Server> StartOpsServer(const std::string& address, std::uint16_t port, Router router);

}  // namespace nationpulse::http
