#include "admin_api.hpp"

#include <charconv>
#include <limits>
#include <nlohmann/json.hpp>

#include "json_body.hpp"
#include "nationpulse/base/json_writer.hpp"
#include "nationpulse/http/json_response.hpp"
#include "read_api.hpp"
#include "row_json.hpp"

namespace nationpulse::bff {

using http::Request;
using http::RequestContext;
using http::Response;
using http::Status;

namespace {

/// Postgres array literal of integers, e.g. {1,2,3}.
std::string IntArray(const std::vector<int>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + std::to_string(values[i]);
  return out + "}";
}

/// A positive 32-bit id; nullopt for anything else (a larger number must not wrap to another id).
std::optional<int> Id(const nlohmann::json* v) {
  if (v == nullptr || !v->is_number_integer()) return std::nullopt;
  const auto n = v->get<std::int64_t>();
  if (n <= 0 || n > std::numeric_limits<int>::max()) return std::nullopt;
  return static_cast<int>(n);
}

/// An array of ids; null means "none". nullopt when absent or malformed.
std::optional<std::vector<int>> IdList(const nlohmann::json* v) {
  if (v == nullptr) return std::nullopt;
  if (v->is_null()) return std::vector<int>{};
  if (!v->is_array()) return std::nullopt;
  std::vector<int> out;
  for (const auto& e : *v) {
    auto id = Id(&e);
    if (!id) return std::nullopt;
    out.push_back(*id);
  }
  return out;
}

}  // namespace

AdminApi::AdminApi(db::Pool& pool, PermissionService& permissions, AccessGate& gate)
    : pool_(pool), permissions_(permissions), gate_(gate) {}

Response AdminApi::GetUsers() {
  auto rows = pool_.Run([](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    return tx.exec("SELECT * from users");
  });
  if (!rows) return DbErrorResponse(rows.error());
  static const RowShape kUserShape{{{"id", ColumnKind::kInt},
                                    {"username", ColumnKind::kString},
                                    {"email", ColumnKind::kString},
                                    {"created_at", ColumnKind::kTimestamp},
                                    {"updated_at", ColumnKind::kTimestamp}}};
  return http::JsonSuccess(RowsToJson(*rows, kUserShape));
}

Response AdminApi::GetUserPermissions(const Request& req) {
  nlohmann::json body;
  try {
    body = nlohmann::json::parse(req.body());
  } catch (const nlohmann::json::exception&) {  // out_of_range too: a number like 1e999 (bff_json_body_fuzz)
    return http::JsonError(Status::bad_request, "Invalid JSON");
  }
  // The frontend sends the id as a string; a number is accepted too (D-25).
  int user_id = 0;
  const nlohmann::json* id = FindKeyIgnoringCase(body, "userID");
  if (auto n = Id(id)) {
    user_id = *n;
  } else if (id != nullptr && id->is_string()) {
    const auto& text = id->get_ref<const std::string&>();
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), user_id);
    if (ec != std::errc() || ptr != text.data() + text.size()) user_id = 0;
  }
  if (user_id <= 0) return http::JsonError(Status::bad_request, "Invalid UserID");
  return ModuleListResponse(permissions_.Modules(user_id));
}

Response AdminApi::SetUserPermissions(const Request& req) {
  nlohmann::json body;
  try {
    body = nlohmann::json::parse(req.body());
  } catch (const nlohmann::json::exception&) {  // out_of_range too: a number like 1e999 (bff_json_body_fuzz)
    return http::JsonError(Status::bad_request, "Invalid JSON");
  }
  const auto user = Id(FindKeyIgnoringCase(body, "user_id"));
  const auto role = Id(FindKeyIgnoringCase(body, "role_id"));
  if (!user || !role)
    return http::JsonError(Status::bad_request,
                           "Invalid JSON: user_id and role_id must be positive integers");
  const int user_id = *user;
  const int role_id = *role;
  // Both sets are required (an empty array or null clears one), so a forgotten key never wipes grants.
  auto modules = IdList(FindKeyIgnoringCase(body, "modules"));
  auto perms = IdList(FindKeyIgnoringCase(body, "permissions"));
  if (!modules || !perms) {
    return http::JsonError(Status::bad_request,
                           "Invalid JSON: modules and permissions must be arrays of positive integers");
  }
  auto done = pool_.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);  // one transaction: the role, module and permission sets change together
    tx.exec_params("SELECT update_user_permissions($1, $2, $3::int[], $4::int[])", user_id, role_id,
                   IntArray(*modules), IntArray(*perms));
    tx.commit();
  });
  if (!done) {
    const auto& e = done.error();
    if (e.kind == db::DbError::Kind::kQuery && (e.sqlstate == "23503" || e.sqlstate == "22004")) {
      return http::JsonError(Status::bad_request, "unknown user, role, module or permission id");
    }
    return DbErrorResponse(e);
  }
  if (!permissions_.Invalidate(user_id)) {
    // Saved, but the user's cached grants could not be dropped: say so, the call is safe to repeat.
    return AuthErrorResponse({Status::service_unavailable,
                              "permissions saved, but the permission cache could not be cleared; retry"});
  }
  std::string data;
  JsonWriter w(data);
  w.BeginObject();
  w.Key("user_id");
  w.Int(user_id);
  w.Key("role_id");
  w.Int(role_id);
  w.Key("modules");
  w.BeginArray();
  for (int m : *modules) w.Int(m);
  w.EndArray();
  w.Key("permissions");
  w.BeginArray();
  for (int p : *perms) w.Int(p);
  w.EndArray();
  w.EndObject();
  return http::JsonSuccess(data);
}

void AdminApi::Register(http::Router& router) {
  using http::Verb;
  auto guarded = [this] {
    http::RouteOptions o;
    o.middlewares.push_back(RequireAccess(gate_));
    return o;
  };
  router.Add(
      Verb::get, "/api/a/getUsers", [this](const Request&, RequestContext&) { return GetUsers(); },
      guarded());
  router.Add(
      Verb::post, "/api/a/getUserPermissions",
      [this](const Request& req, RequestContext&) { return GetUserPermissions(req); }, guarded());
  router.Add(
      Verb::post, "/api/a/setUserPermissions",
      [this](const Request& req, RequestContext&) { return SetUserPermissions(req); }, guarded());
}

}  // namespace nationpulse::bff
