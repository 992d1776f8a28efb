#pragma once

#include <string>
#include <string_view>

#include "nationpulse/http/types.hpp"

namespace nationpulse::http {

/// The one response envelope of every NationPulse JSON answer, keys in this order:
/// {"isSuccess":bool,"data":any,"error":string|null} followed by "\n".

/// 200 (or `status`) with `data_json` (already serialised JSON) as data.
Response JsonSuccess(std::string_view data_json, Status status = Status::ok);
/// An error envelope with data null and the given message.
Response JsonError(Status status, std::string_view message);
/// Body text of an envelope, for callers that build their own response.
std::string EnvelopeBody(bool success, std::string_view data_json, std::string_view error);

}  // namespace nationpulse::http
