#pragma once

#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <vector>

namespace nationpulse::bff {

/// How one result column becomes one JSON member.
enum class ColumnKind {
  kString,     ///< text; NULL becomes "" (the contract has no null strings)
  kInt,        ///< integer; NULL becomes null
  kDouble,     ///< shortest round-trip number; NULL becomes null (D-14: never crash on NULL)
  kTimestamp,  ///< timestamptz as RFC 3339 UTC ("2025-11-02T09:14:03.51872Z")
};

struct Column {
  std::string_view json_key;
  ColumnKind kind;
};

/// The JSON object shapes of rest-api.md §9, in emitted key order. Result columns are read by
/// position, so each shape must list the function's output columns in order.
struct RowShape {
  std::vector<Column> columns;
};

const RowShape& DashboardPopulationShape();  ///< §9.1
const RowShape& DashboardHealthShape();      ///< §9.2
const RowShape& DashboardGdpShape();         ///< §9.3
const RowShape& PopulationShape();           ///< §9.4
const RowShape& HealthShape();               ///< §9.5
const RowShape& EconomyShape();              ///< §9.6 (economy and growth tables)

/// Serialises all rows as a JSON array ("[]" for none).
/// @throws std::runtime_error when the result has a different column count than the shape
/// (a schema that drifted from the contract is a bug, not user input).
std::string RowsToJson(const pqxx::result& rows, const RowShape& shape);

}  // namespace nationpulse::bff
