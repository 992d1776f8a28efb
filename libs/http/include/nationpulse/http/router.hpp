#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "nationpulse/http/types.hpp"

namespace nationpulse::http {

/// Exact-path router. HEAD is served by GET routes (as Go's ServeMux does).
///
///   Router r;
///   r.Add(Verb::get, "/api/dashboard/population", handler);
///   auto m = r.Find(Verb::get, "/api/dashboard/population");  // m.route != nullptr
class Router {
 public:
  /// @throws std::invalid_argument when the same method and path are registered twice.
  void Add(Verb method, std::string pattern, Handler handler, RouteOptions options = {});

  struct Match {
    const Route* route = nullptr;
    /// When route is nullptr: true if the path exists under other methods (405).
    bool path_known = false;
    /// Comma-separated methods of the path, for the Allow header of a 405.
    std::string allow;
  };
  Match Find(Verb method, std::string_view path) const;

 private:
  std::unordered_map<std::string, std::vector<Route>> routes_;
};

}  // namespace nationpulse::http
