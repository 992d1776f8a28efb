#include "auth_api.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

#include "cookies.hpp"
#include "json_body.hpp"
#include "nationpulse/base/json_writer.hpp"
#include "nationpulse/http/json_response.hpp"

namespace nationpulse::bff {

using http::Request;
using http::RequestContext;
using http::Response;
using http::Status;

namespace {

std::optional<std::string> Cookie(const Request& req, std::string_view name) {
  auto value = FindCookie(req[http::bhttp::field::cookie], name);
  if (value && value->empty()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<std::string> AccessTokenOf(const Request& req) {
  if (auto cookie = Cookie(req, "access_token")) return cookie;
  const auto header = req[http::bhttp::field::authorization];
  if (header.starts_with("Bearer ") && header.size() > 7) return std::string(header.substr(7));
  return std::nullopt;
}

TokenGate::TokenGate(SessionService& sessions, PermissionService& permissions)
    : sessions_(sessions), permissions_(permissions) {}

std::optional<Response> TokenGate::Check(const Request& req, RequestContext& ctx) {
  const auto token = AccessTokenOf(req);
  if (!token) return http::JsonError(Status::unauthorized, "User does not have access or missing token");
  auto claims = sessions_.Authenticate(*token);
  if (!claims) return AuthErrorResponse(claims.error());
  int user_id = 0;
  const auto& sub = claims->subject;
  auto [ptr, ec] = std::from_chars(sub.data(), sub.data() + sub.size(), user_id);
  if (ec != std::errc() || ptr != sub.data() + sub.size() || user_id <= 0) {
    // The original exited the process here (D-14).
    return http::JsonError(Status::unauthorized, "User does not have access");
  }
  ctx.values["userID"] = sub;
  const auto required = RequiredModule(ctx.path);
  if (!required) return http::JsonError(Status::forbidden, "Forbidden resource");
  auto modules = permissions_.Modules(user_id);
  if (!modules) return AuthErrorResponse(modules.error());
  if (std::find(modules->begin(), modules->end(), *required) == modules->end()) {
    return http::JsonError(Status::forbidden, "Forbidden resource");
  }
  return std::nullopt;
}

AuthApi::AuthApi(SessionService& sessions, PermissionService& permissions, AccessGate& gate,
                 bool secure_cookies, RateLimiter& per_ip, RateLimiter& per_account)
    : sessions_(sessions),
      permissions_(permissions),
      gate_(gate),
      secure_cookies_(secure_cookies),
      per_ip_(per_ip),
      per_account_(per_account) {}

namespace {

Response TooManyAttempts(std::int64_t retry_after) {
  auto res = http::JsonError(Status::too_many_requests,
                             "too many sign-in attempts, retry in " + std::to_string(retry_after) + " s");
  res.set(http::bhttp::field::retry_after, std::to_string(retry_after));
  return res;
}

}  // namespace

void AuthApi::SetSessionCookies(Response& res, const SessionService::Tokens& t) const {
  res.insert(http::bhttp::field::set_cookie,
             SessionCookie("access_token", t.access, t.access_expires, secure_cookies_));
  res.insert(http::bhttp::field::set_cookie,
             SessionCookie("refresh_token", t.refresh, t.refresh_expires, secure_cookies_));
}

Response AuthApi::SignIn(const Request& req, const RequestContext& ctx) {
  // Before any parsing or database work, so a flood costs almost nothing.
  if (const auto wait = per_ip_.Acquire("ip:" + ctx.remote_address); wait > 0) return TooManyAttempts(wait);
  nlohmann::json body;
  try {
    body = nlohmann::json::parse(req.body());
  } catch (const nlohmann::json::exception&) {  // out_of_range too: a number like 1e999 (bff_json_body_fuzz)
    return http::JsonError(Status::bad_request, "Invalid request payload: body must be a JSON object");
  }
  if (!body.is_object())
    return http::JsonError(Status::bad_request, "Invalid request payload: body must be a JSON object");
  const auto* name = FindKeyIgnoringCase(body, "name");
  const auto* email = FindKeyIgnoringCase(body, "email");
  const auto* password = FindKeyIgnoringCase(body, "password");
  if (name == nullptr || email == nullptr || !name->is_string() || !email->is_string() ||
      name->get_ref<const std::string&>().empty() || email->get_ref<const std::string&>().empty()) {
    return http::JsonError(Status::bad_request,
                           "Invalid request payload: name and email are required strings");
  }
  if (password != nullptr && !password->is_null() && !password->is_string()) {
    return http::JsonError(Status::bad_request, "Invalid request payload: password must be a string");
  }
  std::string account = name->get<std::string>();
  for (auto& ch : account) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (const auto wait = per_account_.Acquire("account:" + account); wait > 0) return TooManyAttempts(wait);
  std::optional<std::string> pw;
  if (password != nullptr && password->is_string()) pw = password->get<std::string>();
  auto result = sessions_.SignIn(name->get<std::string>(), email->get<std::string>(), pw);
  if (!result) return AuthErrorResponse(result.error());
  const auto& [user, tokens] = *result;
  std::string data;
  JsonWriter w(data);
  w.BeginObject();
  w.Key("user");
  w.BeginObject();
  w.Key("id");
  w.String(user.id);
  w.Key("name");
  w.String(user.name);
  w.Key("email");
  w.String(user.email);
  w.EndObject();
  w.Key("access_token");
  w.String(tokens.access);
  w.EndObject();
  auto res = http::JsonSuccess(data);
  SetSessionCookies(res, tokens);
  return res;
}

Response AuthApi::SignOut(const Request& req) {
  sessions_.Revoke(AccessTokenOf(req), Cookie(req, "refresh_token"));
  auto res = http::JsonSuccess("\"Logout handled successfully\"");
  res.insert(http::bhttp::field::set_cookie, ClearedCookie("access_token", secure_cookies_));
  res.insert(http::bhttp::field::set_cookie, ClearedCookie("refresh_token", secure_cookies_));
  return res;
}

Response AuthApi::Refresh(const Request& req) {
  auto token_data = [](std::string_view token) {
    std::string data = "{\"access_token\":";
    AppendJsonString(data, token);
    return data + "}";
  };
  // A still-valid session needs no rotation: hand back its access token (the original returned
  // the user id here, D-06), so the frontend can use it as Bearer.
  if (auto access = Cookie(req, "access_token")) {
    auto live = sessions_.Authenticate(*access);
    if (live) return http::JsonSuccess(token_data(*access));
    // Redis down is not "signed out": the frontend must not drop the session over it.
    if (live.error().status == Status::service_unavailable) return AuthErrorResponse(live.error());
  }
  const auto refresh = Cookie(req, "refresh_token");
  if (!refresh) return http::JsonError(Status::unauthorized, "missing cookie refresh_token");
  auto tokens = sessions_.Rotate(*refresh);
  if (!tokens) return AuthErrorResponse(tokens.error());
  auto res = http::JsonSuccess(token_data(tokens->access), Status::created);
  SetSessionCookies(res, *tokens);
  return res;
}

Response AuthApi::Permissions(const RequestContext& ctx) {
  const auto& sub = ctx.values.at("userID");
  return ModuleListResponse(permissions_.Modules(std::stoi(sub)));
}

void AuthApi::Register(http::Router& router) {
  using http::Verb;
  router.Add(Verb::post, "/api/u/signin",
             [this](const Request& req, RequestContext& ctx) { return SignIn(req, ctx); });
  router.Add(Verb::post, "/api/u/signout",
             [this](const Request& req, RequestContext&) { return SignOut(req); });
  router.Add(Verb::post, "/api/u/token/refresh",
             [this](const Request& req, RequestContext&) { return Refresh(req); });
  http::RouteOptions protected_route;
  protected_route.middlewares.push_back(RequireAccess(gate_));
  router.Add(
      Verb::post, "/api/uu/permissions",
      [this](const Request&, RequestContext& ctx) { return Permissions(ctx); }, std::move(protected_route));
}

}  // namespace nationpulse::bff
