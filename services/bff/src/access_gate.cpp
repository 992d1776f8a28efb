#include "access_gate.hpp"

#include "nationpulse/http/json_response.hpp"

namespace nationpulse::bff {

std::optional<http::Response> ClosedGate::Check(const http::Request&, http::RequestContext&) {
  return http::JsonError(http::Status::unauthorized, "User does not have access or missing token");
}

http::Middleware RequireAccess(AccessGate& gate) {
  return [&gate](const http::Request& req, http::RequestContext& ctx, const http::Next& next) {
    if (auto refusal = gate.Check(req, ctx)) return std::move(*refusal);
    return next();
  };
}

}  // namespace nationpulse::bff
