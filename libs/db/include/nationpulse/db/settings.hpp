#pragma once

#include <string>
#include <vector>

#include "nationpulse/config/env.hpp"
#include "nationpulse/db/pool.hpp"

namespace nationpulse::db {

/// The Postgres settings every service shares (docs/operations.md): PG_DB_ADDR, PG_DB_NAME, PG_DB_USER,
/// PG_DB_PASS or PG_DB_PASSWORD, PG_POOL_SIZE, PG_CONNECT_TIMEOUT, PG_ACQUIRE_TIMEOUT, PG_STATEMENT_TIMEOUT.
/// Problems are appended to `errors` (and to env.errors()) so a service can report all of them at once.
PoolOptions PoolOptionsFromEnv(config::Env& env, std::string application_name,
                               std::vector<std::string>& errors);

}  // namespace nationpulse::db
