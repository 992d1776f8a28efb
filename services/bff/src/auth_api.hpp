#pragma once

#include "access_gate.hpp"
#include "auth_service.hpp"
#include "nationpulse/http/router.hpp"
#include "permissions.hpp"
#include "rate_limiter.hpp"

namespace nationpulse::bff {

/// The access check of protected routes (rest-api.md §5.2 and §6): token from the
/// `access_token` cookie, else `Authorization: Bearer`; verified and allow-listed; then the
/// module its path requires must be granted. Puts the user id in context value "userID".
class TokenGate final : public AccessGate {
 public:
  TokenGate(SessionService& sessions, PermissionService& permissions);
  std::optional<http::Response> Check(const http::Request& request, http::RequestContext& context) override;

 private:
  SessionService& sessions_;
  PermissionService& permissions_;
};

/// Sign-in, sign-out, refresh (routes 1–3) and the caller's modules (route 4).
class AuthApi {
 public:
  /// Sign-in attempts are limited per client address (`per_ip`) and per account (`per_account`).
  AuthApi(SessionService& sessions, PermissionService& permissions, AccessGate& gate, bool secure_cookies,
          RateLimiter& per_ip, RateLimiter& per_account);
  void Register(http::Router& router);

 private:
  http::Response SignIn(const http::Request& request, const http::RequestContext& context);
  http::Response SignOut(const http::Request& request);
  http::Response Refresh(const http::Request& request);
  http::Response Permissions(const http::RequestContext& context);
  void SetSessionCookies(http::Response& response, const SessionService::Tokens& tokens) const;

  SessionService& sessions_;
  PermissionService& permissions_;
  AccessGate& gate_;
  bool secure_cookies_;
  RateLimiter& per_ip_;
  RateLimiter& per_account_;
};

/// The access token of a request: non-empty cookie first, then a Bearer header (§5.2 order).
std::optional<std::string> AccessTokenOf(const http::Request& request);

}  // namespace nationpulse::bff
