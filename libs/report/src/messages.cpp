#include "nationpulse/report/messages.hpp"

#include <charconv>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "nationpulse/base/country_code.hpp"
#include "nationpulse/report/tables.hpp"

namespace nationpulse::report {
namespace {

using nlohmann::json;

bool EqualFold(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

/// Go's rule: the exact key wins, otherwise the first case-insensitive match.
const json* FindMember(const json& object, std::string_view name) {
  if (const auto it = object.find(std::string(name)); it != object.end()) return &*it;
  for (const auto& [key, value] : object.items()) {
    if (EqualFold(key, name)) return &value;
  }
  return nullptr;
}

/// A JSON-quoted, length-limited rendering of a client string for error messages (always one line).
std::string Quoted(const std::string& s) {
  constexpr std::size_t kMax = 64;
  std::string shown = s.size() > kMax ? s.substr(0, kMax) + "..." : s;
  return json(shown).dump(-1, ' ', false, json::error_handler_t::replace);
}

Expected<std::int64_t, std::string> ParseUserId(const json* v) {
  if (v == nullptr || v->is_null()) return Unexpected(std::string("missing userID"));
  if (v->is_number_integer()) {
    if (v->is_number_unsigned() &&
        v->get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return Unexpected(std::string("userID is out of range"));
    }
    return v->get<std::int64_t>();
  }
  if (v->is_string()) {
    const auto& s = v->get_ref<const std::string&>();
    std::int64_t id = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
    if (!s.empty() && ec == std::errc() && end == s.data() + s.size()) return id;
  }
  return Unexpected(std::string("userID must be an integer"));
}

}  // namespace

Expected<ReportRequest, std::string> ParseReportRequest(std::string_view text) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Unexpected(std::string("request is not valid JSON"));
  if (!doc.is_object()) return Unexpected(std::string("request is not a JSON object"));

  ReportRequest req;
  const json* export_id = FindMember(doc, "exportID");
  if (export_id == nullptr || export_id->is_null()) return Unexpected(std::string("missing exportID"));
  if (!export_id->is_string() || export_id->get_ref<const std::string&>().empty()) {
    return Unexpected(std::string("exportID must be a non-empty string"));
  }
  req.export_id = export_id->get<std::string>();

  auto user_id = ParseUserId(FindMember(doc, "userID"));
  if (!user_id) return Unexpected(user_id.error());
  req.user_id = *user_id;

  const json* table = FindMember(doc, "requestTableString");
  if (table == nullptr || table->is_null()) return Unexpected(std::string("missing requestTableString"));
  if (!table->is_string()) return Unexpected(std::string("requestTableString must be a string"));
  req.table = table->get<std::string>();
  if (FindReportTable(req.table) == nullptr) {
    return Unexpected("unknown requestTableString " + Quoted(req.table));
  }

  const json* country = FindMember(doc, "requestCountryCode");
  if (country == nullptr || country->is_null()) return Unexpected(std::string("missing requestCountryCode"));
  if (!country->is_string() || !IsValidCountryCode(country->get_ref<const std::string&>())) {
    return Unexpected(std::string("requestCountryCode must match ^[A-Za-z0-9_]{2,12}$"));
  }
  req.country_code = country->get<std::string>();
  if (const json* request_id = FindMember(doc, "requestID");
      request_id != nullptr && request_id->is_string()) {
    req.request_id = request_id->get<std::string>();
  }
  // filters (incl. filters.query, D-11) is intentionally never read.
  return req;
}

RequestOwner PeekRequestOwner(std::string_view text) {
  RequestOwner owner;
  const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return owner;
  if (const json* v = FindMember(doc, "exportID"); v != nullptr && v->is_string())
    owner.export_id = v->get<std::string>();
  if (auto id = ParseUserId(FindMember(doc, "userID"))) owner.user_id = *id;
  if (const json* v = FindMember(doc, "requestID"); v != nullptr && v->is_string())
    owner.request_id = v->get<std::string>();
  return owner;
}

std::string EncodeReportRequest(const ReportRequest& request) {
  const ReportTable* table = FindReportTable(request.table);
  if (table == nullptr) throw std::invalid_argument("not a report table: " + request.table);
  // ordered_json keeps the original's key order on the wire.
  nlohmann::ordered_json headers = nlohmann::ordered_json::array();
  for (const auto h : table->headers) headers.push_back(std::string(h));
  nlohmann::ordered_json doc;
  doc["exportID"] = request.export_id;
  doc["userID"] = request.user_id;
  doc["filters"] = {{"headers", std::move(headers)},
                    {"records", nlohmann::ordered_json::array()},
                    {"query", std::string(table->sql)}};
  doc["requestTableString"] = request.table;
  doc["requestCountryCode"] = request.country_code;
  doc["requestID"] = request.request_id;
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

Expected<ReportResult, std::string> ParseReportResult(std::string_view text) {
  const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Unexpected(std::string("result is not valid JSON"));
  if (!doc.is_object()) return Unexpected(std::string("result is not a JSON object"));
  ReportResult result;
  const json* status = FindMember(doc, "Status");
  const json* code = FindMember(doc, "StatusCode");
  if (status == nullptr || !status->is_string())
    return Unexpected(std::string("result has no Status string"));
  if (code == nullptr || !code->is_number_integer()) {
    return Unexpected(std::string("result has no integer StatusCode"));
  }
  result.status = status->get<std::string>();
  result.status_code = code->get<std::int64_t>();
  if (const json* data = FindMember(doc, "Data"); data != nullptr && data->is_string()) {
    result.data = data->get<std::string>();
  }
  if (const json* v = FindMember(doc, "exportID"); v != nullptr && v->is_string())
    result.export_id = v->get<std::string>();
  if (auto id = ParseUserId(FindMember(doc, "userID"))) result.user_id = *id;
  if (const json* v = FindMember(doc, "requestID"); v != nullptr && v->is_string())
    result.request_id = v->get<std::string>();
  if (const json* v = FindMember(doc, "error"); v != nullptr && v->is_string())
    result.error = v->get<std::string>();
  return result;
}

std::string EncodeFailureResult(const RequestOwner& owner, std::string_view error) {
  nlohmann::ordered_json doc;
  doc["Status"] = "failed";
  doc["StatusCode"] = -1;
  doc["Data"] = nullptr;
  doc["exportID"] = owner.export_id;
  if (owner.user_id) {
    doc["userID"] = *owner.user_id;
  } else {
    doc["userID"] = nullptr;
  }
  doc["requestID"] = owner.request_id;
  doc["error"] = std::string(error);
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string SuccessResultHead() { return R"({"Status":"completed","StatusCode":1,"Data":")"; }

void AppendSuccessResultTail(std::string& out, const ReportRequest& request) {
  auto quoted = [](const std::string& s) {
    return json(s).dump(-1, ' ', false, json::error_handler_t::replace);
  };
  out += R"(","exportID":)";
  out += quoted(request.export_id);
  out += R"(,"userID":)";
  out += std::to_string(request.user_id);
  out += R"(,"requestID":)";
  out += quoted(request.request_id);
  out += '}';
}

std::string ResultKey(std::int64_t user_id, std::string_view export_id) {
  return "reporting:" + std::to_string(user_id) + ":" + std::string(export_id);
}

std::string PendingKey(std::int64_t user_id) { return "reports:pending:" + std::to_string(user_id); }

}  // namespace nationpulse::report
