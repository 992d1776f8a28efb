#include "nationpulse/cache/settings.hpp"

#include <charconv>

namespace nationpulse::cache {

using namespace std::chrono_literals;

RedisOptions RedisOptionsFromEnv(config::Env& env, std::vector<std::string>& errors) {
  RedisOptions o;
  const std::string addr = env.String("REDIS_ADDR", "localhost:6379");
  const auto colon = addr.rfind(':');
  o.host = colon == std::string::npos ? addr : addr.substr(0, colon);
  if (colon != std::string::npos) {
    const std::string port = addr.substr(colon + 1);
    int value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value < 1 || value > 65535) {
      errors.push_back("REDIS_ADDR: bad port in \"" + addr + "\"");
    } else {
      o.port = value;
    }
  }
  o.password = env.String("REDIS_PASS", "");
  o.db = static_cast<int>(env.Int("REDIS_DB", 0, 0, 1'000'000));
  o.size = static_cast<std::size_t>(env.Int("REDIS_POOL_SIZE", 8, 1, 512));
  o.connect_timeout = env.Duration("REDIS_CONNECT_TIMEOUT", 300ms);
  o.command_timeout = env.Duration("REDIS_TIMEOUT", 300ms);
  return o;
}

}  // namespace nationpulse::cache
