#pragma once

#include "access_gate.hpp"
#include "nationpulse/db/pool.hpp"
#include "nationpulse/http/router.hpp"
#include "permissions.hpp"

namespace nationpulse::bff {

/// The admin routes (rest-api.md routes 7–9, module 50): list users, read and replace a user's
/// role, modules and permissions. Changes take effect on the user's next request (D-15).
class AdminApi {
 public:
  AdminApi(db::Pool& pool, PermissionService& permissions, AccessGate& gate);
  void Register(http::Router& router);

 private:
  http::Response GetUsers();
  http::Response GetUserPermissions(const http::Request& request);
  http::Response SetUserPermissions(const http::Request& request);

  db::Pool& pool_;
  PermissionService& permissions_;
  AccessGate& gate_;
};

}  // namespace nationpulse::bff
