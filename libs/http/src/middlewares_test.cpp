#include "nationpulse/http/middlewares.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "nationpulse/log/log.hpp"
#include "nationpulse/metrics/registry.hpp"
#include "nationpulse/trace/exporter.hpp"

namespace nationpulse::http {
namespace {

Response Call(const Middleware& mw, Request req, RequestContext& ctx, Status status = Status::ok) {
  return mw(req, ctx, [status] {
    Response r{status, 11};
    r.body() = "handler";
    return r;
  });
}

Request WithOrigin(Verb v, std::string_view origin) {
  Request req{v, "/api/x", 11};
  if (!origin.empty()) req.set(bhttp::field::origin, origin);
  return req;
}

TEST(Cors, ListedOriginGetsCredentialedHeaders) {
  auto mw = Cors({{"http://localhost:5173"}});
  RequestContext ctx;
  auto res = Call(mw, WithOrigin(Verb::get, "http://localhost:5173"), ctx);
  EXPECT_EQ(res.body(), "handler");
  EXPECT_EQ(res[bhttp::field::access_control_allow_origin], "http://localhost:5173");
  EXPECT_EQ(res[bhttp::field::access_control_allow_credentials], "true");
  EXPECT_EQ(res[bhttp::field::access_control_allow_methods], "GET, POST, OPTIONS");
  EXPECT_EQ(res[bhttp::field::access_control_allow_headers], "Content-Type, Authorization");
  EXPECT_EQ(res[bhttp::field::vary], "Origin");
}

TEST(Cors, UnlistedOriginGetsNoCorsHeaders) {
  auto mw = Cors({{"http://localhost:5173"}});
  RequestContext ctx;
  auto res = Call(mw, WithOrigin(Verb::get, "http://evil.example"), ctx);
  EXPECT_EQ(res.count(bhttp::field::access_control_allow_origin), 0u);
  EXPECT_EQ(res.count(bhttp::field::access_control_allow_credentials), 0u);
  auto none = Call(mw, WithOrigin(Verb::get, ""), ctx);
  EXPECT_EQ(none.count(bhttp::field::access_control_allow_origin), 0u);
  EXPECT_EQ(none.count(bhttp::field::vary), 0u);
}

TEST(Cors, PreflightAnswered204WithoutCallingNext) {
  auto mw = Cors({{"http://localhost:5173"}});
  RequestContext ctx;
  bool called = false;
  auto res = mw(WithOrigin(Verb::options, "http://localhost:5173"), ctx, [&] {
    called = true;
    return Response{Status::unauthorized, 11};
  });
  EXPECT_FALSE(called);
  EXPECT_EQ(res.result(), Status::no_content);
  EXPECT_TRUE(res.body().empty());
  EXPECT_EQ(res[bhttp::field::access_control_allow_origin], "http://localhost:5173");
}

TEST(Cors, WildcardAllowsWithoutCredentials) {
  auto mw = Cors({{"*"}});
  RequestContext ctx;
  auto res = Call(mw, WithOrigin(Verb::get, "http://any"), ctx);
  EXPECT_EQ(res[bhttp::field::access_control_allow_origin], "*");
  EXPECT_EQ(res.count(bhttp::field::access_control_allow_credentials), 0u);
}

TEST(RequestMetrics, CountsRealStatusByRouteTemplate) {
  metrics::Registry reg;
  auto mw = RequestMetrics(reg);
  Route route{Verb::get, "/api/health/country", {}, {}};
  RequestContext matched;
  matched.route = &route;
  Call(mw, Request{Verb::get, "/api/health/country?countryCode=USA", 11}, matched, Status::bad_request);
  RequestContext unmatched;
  Call(mw, Request{Verb::get, "/random/path/123", 11}, unmatched, Status::not_found);
  const auto text = reg.Serialize();
  EXPECT_NE(text.find(R"(http_requests_total{method="GET",path="/api/health/country",status="400"} 1)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(http_requests_total{method="GET",path="unmatched",status="404"} 1)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(http_request_duration_seconds_count{method="GET",path="unmatched"} 1)"),
            std::string::npos);
  EXPECT_EQ(text.find("/random/path/123"), std::string::npos);
}

TEST(AccessLog, LogsRealStatusAndFields) {
  std::ostringstream out;
  log::InitForTest("test", log::Level::kInfo, out);
  auto mw = AccessLog();
  RequestContext ctx;
  ctx.path = "/api/x";
  ctx.query = "a=1";
  Request req{Verb::get, "/api/x?a=1", 11};
  req.set(bhttp::field::user_agent, "gtest");
  Call(mw, req, ctx, Status::service_unavailable);
  auto line = nlohmann::json::parse(out.str());
  EXPECT_EQ(line["msg"], "request completed");
  EXPECT_EQ(line["status"], 503);
  EXPECT_EQ(line["path"], "/api/x");
  EXPECT_EQ(line["query"], "a=1");
  EXPECT_EQ(line["method"], "GET");
  EXPECT_EQ(line["user-agent"], "gtest");
  EXPECT_TRUE(line["latency"].is_number());
  log::Init("test", log::Level::kWarn);  // `out` dies with this test; later tests log elsewhere
}

class SpanRecorder : public trace::Exporter {
 public:
  void Export(trace::SpanData span) override { spans.push_back(std::move(span)); }
  std::vector<trace::SpanData> spans;
};

TEST(Tracing, ContinuesTheCallersTraceAndAnswersWithTheServerSpan) {
  auto recorder = std::make_shared<SpanRecorder>();
  trace::SetExporter(recorder);
  std::ostringstream out;
  log::InitForTest("test", log::Level::kInfo, out);
  const std::string incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  Route route{Verb::get, "/api/population", {}, {}};
  RequestContext ctx;
  ctx.route = &route;
  Request req{Verb::get, "/api/population?x=1", 11};
  req.set("traceparent", incoming);
  auto chain = [&] {
    return Tracing()(req, ctx, [&] {
      return AccessLog()(req, ctx, [] { return Response{Status::bad_gateway, 11}; });
    });
  };
  const auto res = chain();
  trace::SetExporter(nullptr);
  log::Init("test", log::Level::kWarn);

  ASSERT_EQ(recorder->spans.size(), 1u);
  const auto& span = recorder->spans[0];
  EXPECT_EQ(span.name, "GET /api/population");
  EXPECT_EQ(span.kind, trace::SpanKind::kServer);
  EXPECT_EQ(span.context.TraceIdHex(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(span.parent_span_id, trace::SpanContext::FromTraceparent(incoming)->span_id);
  EXPECT_TRUE(span.error);  // 502
  EXPECT_EQ(res["traceparent"], span.context.ToTraceparent());
  // The access log line was written inside the span.
  const auto line = nlohmann::json::parse(out.str());
  EXPECT_EQ(line["trace_id"], "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(line["span_id"], span.context.SpanIdHex());
}

TEST(Tracing, StartsATraceWhenTheHeaderIsMissingOrInvalid) {
  for (const char* header : {"", "garbage", "00-00000000000000000000000000000000-00f067aa0ba902b7-01"}) {
    RequestContext ctx;
    Request req{Verb::get, "/nowhere", 11};
    if (*header != '\0') req.set("traceparent", header);
    const auto res = Call(Tracing(), req, ctx, Status::not_found);
    const auto answered = trace::SpanContext::FromTraceparent(std::string(res["traceparent"]));
    ASSERT_TRUE(answered) << header;
    EXPECT_NE(answered->TraceIdHex(), "00000000000000000000000000000000");
  }
}

}  // namespace
}  // namespace nationpulse::http
