#include "nationpulse/http/router.hpp"

#include <stdexcept>

namespace nationpulse::http {

void Router::Add(Verb method, std::string pattern, Handler handler, RouteOptions options) {
  auto& list = routes_[pattern];
  for (const auto& r : list) {
    if (r.method == method) {
      throw std::invalid_argument("route registered twice: " + std::string(bhttp::to_string(method)) + " " +
                                  pattern);
    }
  }
  list.push_back(Route{method, pattern, std::move(handler), std::move(options)});
}

Router::Match Router::Find(Verb method, std::string_view path) const {
  Match m;
  auto it = routes_.find(std::string(path));
  if (it == routes_.end()) return m;
  m.path_known = true;
  const Route* get_route = nullptr;
  for (const auto& r : it->second) {
    if (r.method == method) {
      m.route = &r;
      return m;
    }
    if (r.method == Verb::get) get_route = &r;
  }
  if (method == Verb::head && get_route != nullptr) {
    m.route = get_route;
    return m;
  }
  for (const auto& r : it->second) {
    if (!m.allow.empty()) m.allow += ", ";
    m.allow += std::string(bhttp::to_string(r.method));
    if (r.method == Verb::get) m.allow += ", HEAD";
  }
  return m;
}

}  // namespace nationpulse::http
