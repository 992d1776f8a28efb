#include <boost/url/params_view.hpp>

#include "nationpulse/http/types.hpp"

namespace nationpulse::http {

std::optional<std::string> RequestContext::QueryParam(std::string_view name) const {
  boost::urls::params_view params(query);
  for (const auto& p : params) {
    if (p.key == name) return std::string(p.value);
  }
  return std::nullopt;
}

}  // namespace nationpulse::http
