#pragma once

// The whole health library: server, dependency monitor and client.
#include "nationpulse/health/check.hpp"               // IWYU pragma: export
#include "nationpulse/health/dependency_monitor.hpp"  // IWYU pragma: export
#include "nationpulse/health/grpc_server.hpp"         // IWYU pragma: export
