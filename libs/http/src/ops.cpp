#include "nationpulse/http/ops.hpp"

#include "nationpulse/http/json_response.hpp"

namespace nationpulse::http {

void AddMetricsRoute(Router& router, const metrics::Registry& registry) {
  RouteOptions options = InlineRoute();
  options.bypass_chain = true;
  router.Add(
      Verb::get, "/metrics",
      [&registry](const Request&, RequestContext&) {
        Response res{Status::ok, 11};
        res.set(bhttp::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
        res.body() = registry.Serialize();
        return res;
      },
      std::move(options));
}

void AddLivezRoute(Router& router) {
  router.Add(
      Verb::get, "/livez", [](const Request&, RequestContext&) { return JsonSuccess(R"({"status":"ok"})"); },
      InlineRoute());
}

std::unique_ptr<Server> StartOpsServer(const std::string& address, std::uint16_t port, Router router) {
  ServerOptions options;
  options.address = address;
  options.port = port;
  options.io_threads = 1;
  options.worker_threads = 1;
  auto server = std::make_unique<Server>(options, std::move(router), std::vector<Middleware>{});
  server->Start();
  return server;
}

}  // namespace nationpulse::http
