#include "admin_api.hpp"

#include <charconv>
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

std::optional<std::vector<int>> IntList(const nlohmann::json& v) {
  if (v.is_null()) return std::vector<int>{};
  if (!v.is_array()) return std::nullopt;
  std::vector<int> out;
  for (const auto& e : v) {
    if (!e.is_number_integer()) return std::nullopt;
    out.push_back(e.get<int>());
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
  } catch (const nlohmann::json::parse_error&) {
    return http::JsonError(Status::bad_request, "Invalid JSON");
  }
  // The frontend sends the id as a string; a number is accepted too (D-25).
  int user_id = 0;
  const nlohmann::json* id = FindKeyIgnoringCase(body, "userID");
  if (id != nullptr && id->is_number_integer()) {
    user_id = id->get<int>();
  } else if (id != nullptr && id->is_string()) {
    const auto& text = id->get_ref<const std::string&>();
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), user_id);
    if (ec != std::errc() || ptr != text.data() + text.size()) user_id = 0;
  }
  if (user_id <= 0) return http::JsonError(Status::bad_request, "Invalid UserID");
  auto modules = permissions_.Modules(user_id);
  if (!modules) return http::JsonError(modules.error().status, modules.error().message);
  std::string data;
  JsonWriter w(data);
  w.BeginArray();
  for (int m : *modules) w.Int(m);
  w.EndArray();
  return http::JsonSuccess(data);
}

Response AdminApi::SetUserPermissions(const Request& req) {
  nlohmann::json body;
  try {
    body = nlohmann::json::parse(req.body());
  } catch (const nlohmann::json::parse_error&) {
    return http::JsonError(Status::bad_request, "Invalid JSON");
  }
  if (!body.is_object() || !body.contains("user_id") || !body["user_id"].is_number_integer() ||
      !body.contains("role_id") || !body["role_id"].is_number_integer()) {
    return http::JsonError(Status::bad_request, "Invalid JSON: user_id and role_id must be integers");
  }
  const int user_id = body["user_id"].get<int>();
  const int role_id = body["role_id"].get<int>();
  auto modules = IntList(body.value("modules", nlohmann::json()));
  auto perms = IntList(body.value("permissions", nlohmann::json()));
  if (!modules || !perms) {
    return http::JsonError(Status::bad_request,
                           "Invalid JSON: modules and permissions must be arrays of integers");
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
  permissions_.Invalidate(user_id);
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
