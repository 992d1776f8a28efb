#include "nationpulse/http/dispatch.hpp"

#include <exception>
#include <functional>

#include "nationpulse/http/json_response.hpp"
#include "nationpulse/log/log.hpp"

namespace nationpulse::http {

Response RunChain(const std::vector<Middleware>& chain, const Router::Match& match, const Request& req,
                  RequestContext& ctx) {
  const Route* route = match.route;
  const std::vector<Middleware>* route_mw = route != nullptr ? &route->options.middlewares : nullptr;

  std::function<Response(std::size_t)> route_chain = [&](std::size_t i) -> Response {
    if (route == nullptr) {
      if (match.path_known) {
        auto res = JsonError(Status::method_not_allowed, "method not allowed");
        res.set(bhttp::field::allow, match.allow);
        return res;
      }
      return JsonError(Status::not_found, "404 page not found");
    }
    if (i < route_mw->size()) return (*route_mw)[i](req, ctx, [&, i] { return route_chain(i + 1); });
    return route->handler(req, ctx);
  };
  if (route != nullptr && route->options.bypass_chain) return route_chain(0);

  std::function<Response(std::size_t)> global = [&](std::size_t i) -> Response {
    if (i < chain.size()) return chain[i](req, ctx, [&, i] { return global(i + 1); });
    return route_chain(0);
  };
  return global(0);
}

Response RunChainAround(const std::vector<Middleware>& chain, Response fixed, const Request& req,
                        RequestContext& ctx) {
  try {
    std::function<Response(std::size_t)> step = [&](std::size_t i) -> Response {
      if (i < chain.size()) return chain[i](req, ctx, [&, i] { return step(i + 1); });
      return fixed;
    };
    return step(0);
  } catch (const std::exception& e) {
    log::Error("middleware failed", {{"path", ctx.path}, {"error", e.what()}});
  }
  return fixed;
}

}  // namespace nationpulse::http
