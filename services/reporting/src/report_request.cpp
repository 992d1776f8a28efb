#include "report_request.hpp"

#include <charconv>
#include <limits>
#include <nlohmann/json.hpp>

#include "nationpulse/base/country_code.hpp"
#include "report_table.hpp"

namespace nationpulse::reporting {
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
  // filters (incl. filters.query, D-11) is intentionally never read.
  return req;
}

}  // namespace nationpulse::reporting
