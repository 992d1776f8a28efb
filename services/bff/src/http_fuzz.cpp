// libFuzzer target: raw bytes from a client connection through the BFF (fuzz preset; see
// docs/reliability.md, "Fuzzing"). The input is what a client sends on one keep-alive connection:
// requests are parsed one after another with Beast's request parser and the server's limits (header
// 16 KiB -> 431, body 1 MiB -> 413, any other parse error -> 400), and each is dispatched through the
// BFF's real router, middleware chain (access log, metrics, CORS) and handlers, as http::Server would
// (fuzz_support.hpp says how, and why the dependencies are dead without any I/O).
//
// Asserted for every answer (std::abort otherwise):
//  * no handler or middleware throws (the server would answer 500): hostile input gets a 4xx, a dead
//    dependency a 503, nothing else;
//  * the status is one the API documents; 2xx only for routes that need no session (/livez, /metrics,
//    sign-out, CORS preflights): no input gets past the token gate, whatever it forges;
//  * JSON answers are the envelope {"isSuccess","data","error"}, valid JSON even when the request
//    echoed hostile bytes into a message; a 405 carries Allow;
//  * CORS headers only for the allowed origin, never reflected for another;
//  * the serialised answer parses back as one HTTP response, with no CR/LF inside a header value;
//  * the `path` label of http_requests_total only ever holds route patterns or "unmatched";
//  * tracing: a traceparent on the answer is well-formed and continues a valid one from the request;
//    span names are "<METHOD> <route pattern|unmatched>" (never the client's path) and the OTLP JSON
//    the exporter would send parses.
#include <algorithm>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"
#include "nationpulse/trace/exporter.hpp"
#include "nationpulse/trace/trace.hpp"

namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using nationpulse::bff::fuzz::FuzzBff;
using nationpulse::http::Request;
using nationpulse::http::Response;
using nationpulse::http::Status;
using nationpulse::http::Verb;

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "bff_http_fuzz: %s: %s\n", what, detail.c_str());
  std::abort();
}

/// Keeps the spans of the current request (installed as the process-wide exporter).
class SpanCapture final : public nationpulse::trace::Exporter {
 public:
  void Export(nationpulse::trace::SpanData span) override { spans.push_back(std::move(span)); }
  std::vector<nationpulse::trace::SpanData> spans;
};

SpanCapture& Spans() {
  static auto* capture = [] {
    auto shared = std::make_shared<SpanCapture>();
    nationpulse::trace::SetExporter(shared);
    return new std::shared_ptr<SpanCapture>(shared);
  }();
  return **capture;
}

FuzzBff& Bff() {
  static FuzzBff* bff = [] {
    nationpulse::bff::fuzz::SilenceLogs();
    Spans();
    return new FuzzBff();
  }();
  return *bff;
}

void CheckTrace(const FuzzBff& bff, const Request& req, const Response& res) {
  if (const auto tp = res.find("traceparent"); tp != res.end()) {
    const auto ours = nationpulse::trace::SpanContext::FromTraceparent(tp->value());
    if (!ours) Fail("answer traceparent does not parse", std::string(tp->value()));
    if (const auto in = req.find("traceparent"); in != req.end()) {
      const auto theirs = nationpulse::trace::SpanContext::FromTraceparent(in->value());
      if (theirs && theirs->trace_id != ours->trace_id) Fail("trace not continued", std::string(in->value()));
    }
  }
  for (const auto& span : Spans().spans) {
    const auto space = span.name.find(' ');
    const std::string route = space == std::string::npos ? "" : span.name.substr(space + 1);
    if (route != "unmatched" && !bff.router.Find(Verb::get, route).path_known) {
      Fail("span name holds more than a route pattern", span.name);
    }
  }
  if (!Spans().spans.empty() &&
      !nlohmann::json::accept(nationpulse::trace::ToOtlpJson("bff", Spans().spans))) {
    Fail("OTLP JSON does not parse", Spans().spans.front().name);
  }
  Spans().spans.clear();
}

bool Unprotected(std::string_view path, Verb method) {
  if (method == Verb::options) return true;  // CORS answers every preflight before routing
  return path == "/livez" || path == "/metrics" || path == "/api/u/signout";
}

void CheckAnswer(const FuzzBff& bff, const Request& req, std::string_view path,
                 const nationpulse::bff::fuzz::Answer& answer) {
  const Response& res = answer.response;
  const unsigned status = res.result_int();
  if (answer.threw) Fail("exception escaped to the server", answer.exception);
  static const std::set<unsigned> kDocumented = {200, 201, 204, 400, 401, 403, 404, 405, 413, 429, 431, 503};
  if (!kDocumented.contains(status))
    Fail("undocumented status", std::to_string(status) + " for " + std::string(path));
  if (status < 300 && !Unprotected(path, req.method()) &&
      !(req.method() == Verb::head && Unprotected(path, Verb::get))) {
    Fail("2xx from a route that needs a session", std::to_string(status) + " " + std::string(path));
  }
  if (status == 405 && res[bhttp::field::allow].empty()) Fail("405 without Allow", std::string(path));
  const auto origin = res[bhttp::field::access_control_allow_origin];
  const auto& allowed = bff.c.settings.cors_allowed_origins;
  if (!origin.empty() && (std::find(allowed.begin(), allowed.end(), origin) == allowed.end() ||
                          req[bhttp::field::origin] != origin)) {
    Fail("CORS origin not on the list", std::string(origin));
  }
  for (const auto& field : res) {
    if (field.value().find_first_of("\r\n") != std::string_view::npos) {
      Fail("CR/LF in a response header", std::string(field.name_string()));
    }
  }
  if (req.method() != Verb::head && res[bhttp::field::content_type] == "application/json" &&
      !nationpulse::bff::fuzz::IsEnvelope(res.body(), status)) {
    Fail("not a JSON envelope", res.body());
  }
  // What goes on the wire must read back as exactly this response.
  std::ostringstream wire;
  wire << res;
  const std::string bytes = wire.str();
  bhttp::response_parser<bhttp::string_body> parser;
  parser.skip(req.method() == Verb::head);
  parser.eager(true);
  parser.body_limit(64u << 20);
  beast::error_code ec;
  const auto used = parser.put(boost::asio::buffer(bytes), ec);
  if (ec || !parser.is_done() || used != bytes.size()) Fail("answer does not parse back", ec.message());
  if (req.method() != Verb::head && parser.get().body() != res.body())
    Fail("answer body changed", path.data());
}

/// Every 4096 inputs: the metrics must not have grown a label per client-chosen path.
void CheckMetricLabels(FuzzBff& bff) {
  static std::uint64_t runs = 0;
  if (++runs % 4096 != 0) return;
  const std::string text = bff.c.registry.Serialize();
  std::size_t pos = 0;
  while ((pos = text.find("path=\"", pos)) != std::string::npos) {
    pos += 6;
    const auto end = text.find('"', pos);
    const std::string label = text.substr(pos, end - pos);
    if (label != "unmatched" && bff.router.Find(Verb::get, label).path_known == false &&
        bff.router.Find(Verb::post, label).path_known == false) {
      Fail("metrics label is not a route", label);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzBff& bff = Bff();
  ++bff.epoch;
  beast::flat_buffer buffer;
  buffer.commit(boost::asio::buffer_copy(buffer.prepare(size), boost::asio::buffer(data, size)));

  // One connection: requests until the input ends, an answer closes it, or 16 requests.
  for (int n = 0; n < 16 && buffer.size() > 0; ++n) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(bff.c.settings.http.header_limit));
    parser.body_limit(bff.c.settings.http.body_limit);
    parser.eager(true);
    beast::error_code ec;
    // beast's read loop: feed what has arrived; when the parser needs more and the input has ended,
    // tell it about the end of the stream (the client closed its side).
    while (!parser.is_done()) {
      const auto used = parser.put(buffer.data(), ec);
      buffer.consume(used);
      if (ec == bhttp::error::need_more || (!ec && used == 0)) {
        ec = {};
        if (used > 0 && buffer.size() > 0) continue;  // progress: feed the rest
        if (parser.got_some()) {
          parser.put_eof(ec);
        } else {
          ec = bhttp::error::end_of_stream;
        }
        if (!ec && !parser.is_done()) ec = bhttp::error::partial_message;
      }
      if (ec) break;
    }
    if (ec == bhttp::error::end_of_stream) return 0;
    if (ec) {
      // server.cpp HandleReadError: 431, 413 through the chain, 400 for other HTTP errors; close.
      if (ec == bhttp::error::body_limit) {
        Request head(parser.get().base());
        nationpulse::http::RequestContext ctx;
        if (auto url = boost::urls::parse_origin_form(head.target())) ctx.path = url->path();
        auto res = nationpulse::bff::fuzz::RunChainAround(
            bff, nationpulse::http::JsonError(Status::payload_too_large, "request body too large"), head,
            ctx);
        // CORS answers every preflight itself (204), also one whose body was too large.
        const auto expected = head.method() == Verb::options ? Status::no_content : Status::payload_too_large;
        if (res.result() != expected) Fail("413 changed by the chain", ctx.path);
      }
      return 0;
    }
    Request req = parser.release();
    nationpulse::http::RequestContext ctx;
    Spans().spans.clear();
    auto answer = nationpulse::bff::fuzz::DispatchOne(bff, req, &ctx);
    CheckAnswer(bff, req, ctx.path, answer);
    CheckTrace(bff, req, answer.response);
    CheckMetricLabels(bff);
    if (!answer.response.keep_alive()) break;
  }
  return 0;
}
