#pragma once

#include <string>
#include <vector>

#include "nationpulse/cache/redis.hpp"
#include "nationpulse/config/env.hpp"

namespace nationpulse::cache {

/// The Redis settings every service shares (docs/operations.md): REDIS_ADDR (default localhost:6379 for
/// every service; the original reporting service defaulted to a typo, 6378), REDIS_PASS, REDIS_DB,
/// REDIS_POOL_SIZE, REDIS_CONNECT_TIMEOUT, REDIS_TIMEOUT. Problems are appended to `errors`.
RedisOptions RedisOptionsFromEnv(config::Env& env, std::vector<std::string>& errors);

}  // namespace nationpulse::cache
