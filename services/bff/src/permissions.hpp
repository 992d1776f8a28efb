#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth_service.hpp"
#include "nationpulse/cache/redis.hpp"
#include "nationpulse/db/pool.hpp"

namespace nationpulse::bff {

/// Module values of the RBAC model (data-model.md §2.3).
namespace module {
inline constexpr int kDashboard = 11;
inline constexpr int kPopulation = 12;
inline constexpr int kHealth = 13;
inline constexpr int kEconomy = 14;
inline constexpr int kReports = 15;
inline constexpr int kGrowth = 16;
inline constexpr int kAdmin = 50;
}  // namespace module

/// The module a path requires (rest-api.md §6, first matching prefix), with /api/population/
/// mapped to Population (the original denied it always, D-12). nullopt: no module grants it.
std::optional<int> RequiredModule(std::string_view path);

/// A user's granted modules: Redis `utils:modulePermissions:<id>` (JSON rows of §9.7, 15 min,
/// the original's key and shape) in front of `get_user_permissions`. Blocking: workers only.
class PermissionService {
 public:
  PermissionService(db::Pool& pool, cache::Redis& redis,
                    std::chrono::seconds ttl = std::chrono::seconds(900));

  /// Module values in the function's row order (duplicates kept, as the contract says).
  /// A Redis failure falls back to Postgres; a Postgres failure is an error (500/503), and nothing
  /// is cached then (the original cached null for 15 minutes, D-13).
  Expected<std::vector<int>, AuthError> Modules(int user_id);
  /// Drops both cache keys of a user after an admin change (D-15).
  /// @returns false when Redis could not be reached (the old grants may then linger for the TTL).
  [[nodiscard]] bool Invalidate(int user_id);

 private:
  db::Pool& pool_;
  cache::Redis& redis_;
  std::chrono::seconds ttl_;
};

/// The answer of routes 4 and 7: the module values as a JSON int array, or the error's envelope.
http::Response ModuleListResponse(const Expected<std::vector<int>, AuthError>& modules);

}  // namespace nationpulse::bff
