#include "permissions.hpp"

#include <nlohmann/json.hpp>

#include "nationpulse/base/json_writer.hpp"
#include "nationpulse/http/json_response.hpp"
#include "nationpulse/log/log.hpp"

namespace nationpulse::bff {

std::optional<int> RequiredModule(std::string_view path) {
  if (path.starts_with("/api/a/")) return module::kAdmin;
  if (path.starts_with("/api/dashboard/") || path == "/api/uu/permissions") return module::kDashboard;
  if (path.starts_with("/api/growth/population/") || path.starts_with("/api/population/"))
    return module::kPopulation;
  if (path.starts_with("/api/health/")) return module::kHealth;
  if (path.starts_with("/api/economy/")) return module::kEconomy;
  if (path.starts_with("/api/growth/")) return module::kGrowth;
  if (path.starts_with("/api/uu/reports/")) return module::kReports;
  return std::nullopt;
}

PermissionService::PermissionService(db::Pool& pool, cache::Redis& redis, std::chrono::seconds ttl)
    : pool_(pool), redis_(redis), ttl_(ttl) {}

Expected<std::vector<int>, AuthError> PermissionService::Modules(int user_id) {
  const std::string key = "utils:modulePermissions:" + std::to_string(user_id);
  auto cached = redis_.Get(key);
  if (cached && cached->has_value()) {
    try {
      const auto rows = nlohmann::json::parse(**cached);
      if (rows.is_array()) {
        std::vector<int> out;
        for (const auto& row : rows) out.push_back(row.at("module_value").get<int>());
        return out;
      }
    } catch (const nlohmann::json::exception&) {
      // Not our shape (e.g. the original's cached null): treat as a miss and overwrite.
    }
  }
  std::vector<int> modules;
  std::string json;
  auto loaded = pool_.Run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    auto rows = tx.exec_params("SELECT * FROM get_user_permissions($1)", user_id);
    static constexpr const char* kKeys[] = {
        "username",    "email",        "role_id",       "role_name",       "role_description", "module_id",
        "module_name", "module_value", "permission_id", "permission_name", "permission_value"};
    static constexpr bool kInt[] = {false, false, true, false, false, true, false, true, true, false, true};
    JsonWriter w(json);
    w.BeginArray();
    for (const auto& row : rows) {
      w.BeginObject();
      for (int i = 0; i < 11; ++i) {
        w.Key(kKeys[i]);
        if (kInt[i]) {
          w.Int(row[i].is_null() ? 0 : row[i].as<long long>());
        } else {
          w.String(row[i].is_null() ? "" : row[i].c_str());
        }
      }
      w.EndObject();
      modules.push_back(row[7].as<int>());
    }
    w.EndArray();
  });
  if (!loaded) return Unexpected{DbAuthError(loaded.error())};
  if (!modules.empty()) {
    if (auto r = redis_.SetEx(key, json, ttl_); !r)
      log::Warn("permission cache write failed", {{"error", r.error().message}});
  }
  return modules;
}

bool PermissionService::Invalidate(int user_id) {
  const auto id = std::to_string(user_id);
  if (auto r = redis_.Del({"utils:permissions:" + id, "utils:modulePermissions:" + id}); !r) {
    log::Warn("permission cache invalidation failed", {{"user", id}, {"error", r.error().message}});
    return false;
  }
  return true;
}

http::Response ModuleListResponse(const Expected<std::vector<int>, AuthError>& modules) {
  if (!modules) return AuthErrorResponse(modules.error());
  std::string data;
  JsonWriter w(data);
  w.BeginArray();
  for (int m : *modules) w.Int(m);
  w.EndArray();
  return http::JsonSuccess(data);
}

}  // namespace nationpulse::bff
