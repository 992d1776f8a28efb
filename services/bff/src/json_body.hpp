#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace nationpulse::bff {

/// Member of a JSON object whose key equals `key` ignoring ASCII case, as Go's decoder matches
/// request bodies (the frontend and old clients rely on it); nullptr when absent or not an object.
const nlohmann::json* FindKeyIgnoringCase(const nlohmann::json& object, std::string_view key);

}  // namespace nationpulse::bff
