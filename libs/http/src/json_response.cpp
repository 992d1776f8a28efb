#include "nationpulse/http/json_response.hpp"

#include "nationpulse/base/json_writer.hpp"

namespace nationpulse::http {

std::string EnvelopeBody(bool success, std::string_view data_json, std::string_view error) {
  std::string body;
  body.reserve(data_json.size() + error.size() + 48);
  body += success ? R"({"isSuccess":true,"data":)" : R"({"isSuccess":false,"data":)";
  body += data_json.empty() ? "null" : data_json;
  body += R"(,"error":)";
  if (success) {
    body += "null";
  } else {
    AppendJsonString(body, error);
  }
  body += "}\n";
  return body;
}

namespace {

Response Make(Status status, std::string body) {
  Response res{status, 11};
  res.set(bhttp::field::content_type, "application/json");
  res.body() = std::move(body);
  return res;
}

}  // namespace

Response JsonSuccess(std::string_view data_json, Status status) {
  return Make(status, EnvelopeBody(true, data_json, {}));
}

Response JsonError(Status status, std::string_view message) {
  return Make(status, EnvelopeBody(false, "null", message));
}

}  // namespace nationpulse::http
