#include "nationpulse/db/settings.hpp"

#include <stdexcept>

namespace nationpulse::db {

using namespace std::chrono_literals;

PoolOptions PoolOptionsFromEnv(config::Env& env, std::string application_name,
                               std::vector<std::string>& errors) {
  PoolOptions o;
  try {
    ParseAddress(env.String("PG_DB_ADDR", "localhost:5432"), o.host, o.port);
  } catch (const std::invalid_argument& e) {
    errors.push_back(std::string("PG_DB_ADDR: ") + e.what());
  }
  o.dbname = env.String("PG_DB_NAME", "nationPulseDB");
  o.user = env.String("PG_DB_USER", "postgres");
  // Compose and k8s of the original set PG_DB_PASSWORD while the code read PG_DB_PASS (D-22).
  o.password = env.FirstOf({"PG_DB_PASS", "PG_DB_PASSWORD"}, "postgres");
  o.size = static_cast<std::size_t>(env.Int("PG_POOL_SIZE", 8, 1, 512));
  o.connect_timeout = env.Duration("PG_CONNECT_TIMEOUT", 3s);
  o.acquire_timeout = env.Duration("PG_ACQUIRE_TIMEOUT", 2s);
  o.statement_timeout = env.Duration("PG_STATEMENT_TIMEOUT", 5s);
  o.application_name = std::move(application_name);
  return o;
}

}  // namespace nationpulse::db
