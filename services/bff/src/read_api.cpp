#include "read_api.hpp"

#include <ctime>
#include <nlohmann/json.hpp>

#include "nationpulse/base/country_code.hpp"
#include "nationpulse/http/json_response.hpp"
#include "nationpulse/log/log.hpp"

namespace nationpulse::bff {

using http::Request;
using http::RequestContext;
using http::Response;
using http::Status;

int CurrentUtcYear() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  return tm.tm_year + 1900;
}

http::Response DbErrorResponse(const db::DbError& error) {
  // Throttled: while Postgres is down every uncached read ends here.
  static log::Throttle throttle(5, std::chrono::seconds(10));
  throttle.Warn("database call failed",
                {{"kind", db::KindName(error.kind)}, {"sqlstate", error.sqlstate}, {"error", error.message}});
  switch (error.kind) {
    case db::DbError::Kind::kUnavailable:
    case db::DbError::Kind::kPoolExhausted: {
      auto res = http::JsonError(Status::service_unavailable, "database unavailable, try again later");
      res.set(http::bhttp::field::retry_after, "2");
      return res;
    }
    case db::DbError::Kind::kTimeout: {
      auto res = http::JsonError(Status::service_unavailable, "database query timed out, try again later");
      res.set(http::bhttp::field::retry_after, "2");
      return res;
    }
    case db::DbError::Kind::kQuery:
      break;
  }
  return http::JsonError(Status::internal_server_error, "database query failed");
}

ReadApi::ReadApi(db::Pool& pool, cache::CacheAside& cache, AccessGate& gate, Options options)
    : pool_(pool), cache_(cache), gate_(gate), options_(std::move(options)) {
  if (!options_.current_year) options_.current_year = CurrentUtcYear;
}

Response ReadApi::Serve(const std::string& cache_key, const std::string& sql, const RowShape& shape,
                        const std::vector<std::string>& params) {
  auto load = [&]() -> Expected<cache::Loaded, db::DbError> {
    auto rows = pool_.Run([&](pqxx::connection& c) {
      pqxx::nontransaction tx(c);
      return params.empty()       ? tx.exec(sql)
             : params.size() == 1 ? tx.exec_params(sql, params[0])
                                  : tx.exec_params(sql, params[0], params[1]);
    });
    if (!rows) return Unexpected{rows.error()};
    // Empty results are not cached (contract §8.10/8.11), so new data shows up at once.
    return cache::Loaded{RowsToJson(*rows, shape), !rows->empty()};
  };
  if (!options_.use_cache) {
    auto direct = load();
    if (!direct) return DbErrorResponse(direct.error());
    return http::JsonSuccess(direct->value);
  }
  auto json = cache_.GetOrLoad<db::DbError>(
      cache_key, options_.cache_ttl, load,
      // A cached value must be a JSON array; anything else (another writer, corruption) is a miss.
      [](std::string_view v) { return !v.empty() && v.front() == '[' && nlohmann::json::accept(v); });
  if (!json) return DbErrorResponse(json.error());
  return http::JsonSuccess(*json);
}

Response ReadApi::CountryRoute(const RequestContext& ctx, const std::string& key_prefix,
                               const std::string& key_suffix, const std::string& sql, const RowShape& shape) {
  const auto code = ctx.QueryParam("countryCode");
  if (!code || code->empty()) {
    return http::JsonError(Status::bad_request, "countryCode query parameter is required");
  }
  if (!IsValidCountryCode(*code)) {
    return http::JsonError(Status::bad_request,
                           "invalid countryCode: use 2 to 12 letters, digits or underscores (e.g. USA)");
  }
  return Serve(key_prefix + *code + key_suffix, sql, shape, {*code});
}

void ReadApi::Register(http::Router& router) {
  using http::Verb;
  // Public dashboards: the hottest routes (the landing page). A fresh in-process copy is sent
  // straight from the I/O thread; anything else goes to a worker (Redis, then Postgres).
  auto dashboard = [&](const char* path, std::function<std::string()> key, std::string sql,
                       const RowShape& shape, std::function<std::vector<std::string>()> params) {
    http::RouteOptions opts;
    if (options_.use_cache) {
      opts.fast_path = [this, key](const Request&, RequestContext&) -> std::optional<Response> {
        if (auto cached = cache_.Peek(key())) return http::JsonSuccess(*cached);
        return std::nullopt;
      };
    }
    router.Add(
        Verb::get, path,
        [this, key, sql = std::move(sql), &shape, params](const Request&, RequestContext&) {
          return Serve(key(), sql, shape, params());
        },
        std::move(opts));
  };
  // Keyed by year (fix D-17): a cached answer never outlives the year it was computed for.
  dashboard(
      "/api/dashboard/population",
      [this] { return "dashboard:population:" + std::to_string(options_.current_year()); },
      "SELECT * FROM get_perfgrowthpopulation_dashboard($1, $2)", DashboardPopulationShape(),
      [this] {
        return std::vector<std::string>{std::to_string(options_.current_year()), "10"};
      });
  // One key for read and write (the original wrote dashboard:healthdata, D-17).
  dashboard(
      "/api/dashboard/health", [] { return std::string("dashboard:health"); },
      "SELECT * FROM get_healthstatus_dashboard()", DashboardHealthShape(),
      [] { return std::vector<std::string>{}; });
  dashboard(
      "/api/dashboard/gdp",
      [this] { return "dashboard:GDPdata:" + std::to_string(options_.current_year() - 1); },
      "SELECT * FROM get_highest_gdppercapita_countries_dashboard($1, $2)", DashboardGdpShape(),
      [this] {
        return std::vector<std::string>{std::to_string(options_.current_year() - 1), "10"};
      });

  struct CountryRouteSpec {
    const char* path;
    const char* key_prefix;
    const char* key_suffix;
    const char* sql;
    const RowShape& shape;
  };
  // Cache keys are the original's (rest-api.md §10), so a Go BFF sharing the Redis stays coherent.
  const CountryRouteSpec specs[] = {
      {"/api/population/country", "population:", "", "SELECT * FROM getpopulationofcountry($1)",
       PopulationShape()},
      {"/api/health/country", "health:", "", "SELECT * FROM gethealthcasesbycountry($1)", HealthShape()},
      {"/api/economy/governmentdata/country", "economy:", ":government",
       "SELECT * FROM geteconomygovenmentbycountry($1)", EconomyShape()},
      {"/api/economy/gdp/country", "economy:", "GDP", "SELECT * FROM geteconomygdpbycountry($1)",
       EconomyShape()},
      {"/api/growth/gdp/country", "growth:", ":GDP", "SELECT * FROM getgrowthgdpofcountry($1)",
       EconomyShape()},
      {"/api/growth/population/country", "growth:", ":population", "SELECT * FROM getgrowthpopnbycountry($1)",
       EconomyShape()},
  };
  for (const auto& spec : specs) {
    http::RouteOptions opts;
    opts.middlewares.push_back(RequireAccess(gate_));
    router.Add(
        Verb::get, spec.path,
        [this, prefix = std::string(spec.key_prefix), suffix = std::string(spec.key_suffix),
         sql = std::string(spec.sql), &shape = spec.shape](const Request&, RequestContext& ctx) {
          return CountryRoute(ctx, prefix, suffix, sql, shape);
        },
        std::move(opts));
  }
}

}  // namespace nationpulse::bff
