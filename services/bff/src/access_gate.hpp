#pragma once

#include <optional>

#include "nationpulse/http/types.hpp"

namespace nationpulse::bff {

/// Decides whether a request may reach a protected route (authentication + permission check
/// of rest-api.md §5–6). Returns the refusal to send, or nullopt to let the request through.
class AccessGate {
 public:
  virtual ~AccessGate() = default;
  virtual std::optional<http::Response> Check(const http::Request& request,
                                              http::RequestContext& context) = 0;
};

/// Refuses everything with the contract's 401: a gate for a deployment (or test) that must serve
/// no protected route at all.
class ClosedGate final : public AccessGate {
 public:
  std::optional<http::Response> Check(const http::Request& request, http::RequestContext& context) override;
};

/// Route middleware that consults `gate` (which must outlive the router).
http::Middleware RequireAccess(AccessGate& gate);

}  // namespace nationpulse::bff
