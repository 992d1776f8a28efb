// libFuzzer target: JSON request bodies of the BFF (fuzz preset; see docs/reliability.md, "Fuzzing").
// The first input byte picks the route (byte % 4: '0' sign-in, '1' getUserPermissions, '2'
// setUserPermissions, '3' report publish), the rest is the body of a POST sent through the real
// route, chain and handler (fuzz_support.hpp). The access gate is replaced by one that lets every
// request through without a user, so the body parsers of protected routes are reached; whatever a
// body passes on to is dead: sign-in and the admin routes then answer 503, a publish answers 401
// (no user) right after its validation, before Kafka.
//
// Asserted (std::abort otherwise):
//  * no exception reaches the server (it would answer 500), and the answer is the JSON envelope;
//  * a body that is not JSON, or not an object, is refused with 400;
//  * anything but 400 means the body was accepted: 503 for sign-in and the admin routes, 401 for a
//    publish (never 2xx, never 500);
//  * the same body re-serialised compactly gets the same answer (the parser, not the bytes, decides);
//  * the same body with its top-level keys in upper case gets the same answer (keys match ignoring
//    case, as the Go original's decoder did), unless two keys then collide.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"

namespace {

using nationpulse::bff::fuzz::FuzzBff;
using nationpulse::http::Request;
using nationpulse::http::Verb;

/// Lets everything through, without a user id (so a publish stops before Kafka).
class OpenGate final : public nationpulse::bff::AccessGate {
 public:
  std::optional<nationpulse::http::Response> Check(const Request&,
                                                   nationpulse::http::RequestContext&) override {
    return std::nullopt;
  }
};

constexpr const char* kRoutes[] = {"/api/u/signin", "/api/a/getUserPermissions", "/api/a/setUserPermissions",
                                   "/api/uu/reports/publish"};

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "bff_json_body_fuzz: %s: %s\n", what, detail.c_str());
  std::abort();
}

FuzzBff& Bff() {
  static FuzzBff* bff = [] {
    nationpulse::bff::fuzz::SilenceLogs();
    return new FuzzBff(std::make_unique<OpenGate>());
  }();
  return *bff;
}

struct Result {
  unsigned status;
  std::string body;
};

Result Post(FuzzBff& bff, const char* path, std::string body) {
  Request req{Verb::post, path, 11};
  req.set(nationpulse::http::bhttp::field::host, "localhost");
  req.set(nationpulse::http::bhttp::field::content_type, "application/json");
  req.body() = std::move(body);
  req.prepare_payload();
  auto answer = nationpulse::bff::fuzz::DispatchOne(bff, req);
  if (answer.threw) Fail("exception escaped to the server", answer.exception);
  const unsigned status = answer.response.result_int();
  if (!nationpulse::bff::fuzz::IsEnvelope(answer.response.body(), status)) {
    Fail("not a JSON envelope", answer.response.body());
  }
  return {status, answer.response.body()};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0 || size > 64 * 1024) return 0;
  FuzzBff& bff = Bff();
  ++bff.epoch;
  const std::size_t route = data[0] % 4;
  const char* path = kRoutes[route];
  const std::string body(reinterpret_cast<const char*>(data + 1), size - 1);

  const Result first = Post(bff, path, body);
  const unsigned accepted = route == 3 ? 401 : 503;
  if (first.status != 400 && first.status != accepted) {
    Fail("unexpected status", std::to_string(first.status) + " for " + path + ": " + first.body);
  }
  const auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if ((json.is_discarded() || !json.is_object()) && first.status != 400) {
    Fail("a body that is not a JSON object was accepted", body);
  }
  if (json.is_discarded()) return 0;

  const Result compact = Post(bff, path, json.dump());
  if (compact.status != first.status || compact.body != first.body) {
    Fail("answer depends on the JSON spelling", first.body + " vs " + compact.body);
  }

  if (json.is_object()) {
    nlohmann::json upper = nlohmann::json::object();
    for (const auto& [key, value] : json.items()) {
      std::string k = key;
      for (char& c : k) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (upper.contains(k)) return 0;  // two keys differ only in case: which one wins is unspecified
      upper[k] = value;
    }
    const Result shouted = Post(bff, path, upper.dump());
    if (shouted.status != first.status || shouted.body != first.body) {
      Fail("keys are not matched ignoring case", first.body + " vs " + shouted.body);
    }
  }
  return 0;
}
