#include "nationpulse/http/middlewares.hpp"

#include <algorithm>

#include "nationpulse/log/log.hpp"
#include "nationpulse/metrics/registry.hpp"
#include "nationpulse/trace/trace.hpp"

namespace nationpulse::http {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string_view MethodLabel(Verb v) {
  switch (v) {
    case Verb::get:
    case Verb::head:
    case Verb::post:
    case Verb::put:
    case Verb::delete_:
    case Verb::patch:
    case Verb::options:
      return bhttp::to_string(v);
    default:
      return "OTHER";
  }
}

}  // namespace

Middleware Tracing() {
  return [](const Request& req, RequestContext& ctx, const Next& next) {
    const std::string method(MethodLabel(req.method()));
    std::optional<trace::SpanContext> parent;
    if (auto header = req.find("traceparent"); header != req.end()) {
      parent = trace::SpanContext::FromTraceparent(header->value());
    }
    // The route template, never the raw path: span names must stay few (like metric labels).
    trace::Span span(method + " " + (ctx.route != nullptr ? ctx.route->pattern : std::string("unmatched")),
                     trace::SpanKind::kServer, parent);
    trace::ScopedContext scope(span.context());
    span.SetAttribute("http.request.method", method);
    if (ctx.route != nullptr) span.SetAttribute("http.route", ctx.route->pattern);
    Response res;
    try {
      res = next();
    } catch (const std::exception& e) {
      span.SetError(e.what());
      throw;
    }
    span.SetAttribute("http.response.status_code", std::to_string(res.result_int()));
    if (res.result_int() >= 500) span.SetError("HTTP " + std::to_string(res.result_int()));
    res.set("traceparent", span.context().ToTraceparent());
    return res;
  };
}

Middleware AccessLog() {
  return [](const Request& req, RequestContext& ctx, const Next& next) {
    auto res = next();
    if (log::Enabled(log::Level::kInfo)) {
      log::Info("request completed", {{"method", std::string(req.method_string())},
                                      {"path", ctx.path},
                                      {"query", ctx.query},
                                      {"route", ctx.route != nullptr ? ctx.route->pattern : ""},
                                      {"status", res.result_int()},
                                      {"latency", SecondsSince(ctx.started)},
                                      {"user-agent", std::string(req[bhttp::field::user_agent])},
                                      {"remote", ctx.remote_address}});
    }
    return res;
  };
}

Middleware RequestMetrics(metrics::Registry& registry) {
  auto& requests = registry.AddCounter("http_requests_total", "Total number of HTTP requests.",
                                       {"method", "path", "status"});
  auto& duration = registry.AddHistogram("http_request_duration_seconds", "Duration of HTTP requests.",
                                         {"method", "path"}, metrics::DefaultBuckets());
  return [&requests, &duration](const Request& req, RequestContext& ctx, const Next& next) {
    auto res = next();
    const std::string method(MethodLabel(req.method()));
    const std::string path = ctx.route != nullptr ? ctx.route->pattern : "unmatched";
    requests.WithLabels({method, path, std::to_string(res.result_int())}).Inc();
    duration.WithLabels({method, path}).Observe(SecondsSince(ctx.started));
    return res;
  };
}

Middleware Cors(CorsOptions options) {
  return [options = std::move(options)](const Request& req, RequestContext&, const Next& next) {
    const auto origin = req[bhttp::field::origin];
    const bool listed = !origin.empty() &&
                        std::find(options.allowed_origins.begin(), options.allowed_origins.end(), origin) !=
                            options.allowed_origins.end();
    const bool wildcard = !origin.empty() && !listed &&
                          std::find(options.allowed_origins.begin(), options.allowed_origins.end(), "*") !=
                              options.allowed_origins.end();
    Response res;
    if (req.method() == Verb::options) {
      res = Response{Status::no_content, req.version()};
    } else {
      res = next();
    }
    if (!origin.empty()) res.set(bhttp::field::vary, "Origin");
    if (listed || wildcard) {
      res.set(bhttp::field::access_control_allow_origin, listed ? std::string(origin) : "*");
      if (listed) res.set(bhttp::field::access_control_allow_credentials, "true");
      res.set(bhttp::field::access_control_allow_methods, options.allow_methods);
      res.set(bhttp::field::access_control_allow_headers, options.allow_headers);
    }
    return res;
  };
}

}  // namespace nationpulse::http
