#include "row_json.hpp"

#include <stdexcept>

#include "nationpulse/base/json_writer.hpp"
#include "nationpulse/db/text_format.hpp"

namespace nationpulse::bff {

const RowShape& DashboardPopulationShape() {
  static const RowShape shape{{{"country_code", ColumnKind::kString},
                               {"country_name", ColumnKind::kString},
                               {"indicator", ColumnKind::kString},
                               {"indicator_code", ColumnKind::kString},
                               {"year", ColumnKind::kInt},
                               {"value", ColumnKind::kDouble}}};
  return shape;
}

const RowShape& DashboardHealthShape() {
  static const RowShape shape{{{"country_code", ColumnKind::kString},
                               {"country_name", ColumnKind::kString},
                               {"indicator", ColumnKind::kString},
                               {"indicator_code", ColumnKind::kString},
                               {"year", ColumnKind::kInt},
                               {"value", ColumnKind::kDouble},
                               {"sex_name", ColumnKind::kString},
                               {"cause", ColumnKind::kString},
                               {"unitRange", ColumnKind::kString}}};
  return shape;
}

const RowShape& DashboardGdpShape() {
  static const RowShape shape{{{"country_code", ColumnKind::kString},
                               {"country_name", ColumnKind::kString},
                               {"indicator", ColumnKind::kString},
                               {"indicator_code", ColumnKind::kString},
                               {"year", ColumnKind::kString},
                               {"value", ColumnKind::kDouble}}};
  return shape;
}

const RowShape& PopulationShape() {
  static const RowShape shape{{{"id", ColumnKind::kInt},
                               {"country_code", ColumnKind::kString},
                               {"country_name", ColumnKind::kString},
                               {"indicator_code", ColumnKind::kString},
                               {"indicator", ColumnKind::kString},
                               {"sex_code", ColumnKind::kString},
                               {"sex_name", ColumnKind::kString},
                               {"age", ColumnKind::kString},
                               {"year", ColumnKind::kInt},
                               {"value", ColumnKind::kDouble},
                               {"last_updated", ColumnKind::kTimestamp}}};
  return shape;
}

const RowShape& HealthShape() {
  static const RowShape shape{{{"id", ColumnKind::kInt},
                               {"country_code", ColumnKind::kString},
                               {"country_name", ColumnKind::kString},
                               {"indicator_code", ColumnKind::kString},
                               {"indicator", ColumnKind::kString},
                               {"sex_code", ColumnKind::kString},
                               {"sex_name", ColumnKind::kString},
                               {"cause", ColumnKind::kString},
                               {"unitRange", ColumnKind::kString},
                               {"year", ColumnKind::kInt},
                               {"value", ColumnKind::kDouble},
                               {"last_updated", ColumnKind::kTimestamp}}};
  return shape;
}

const RowShape& EconomyShape() {
  static const RowShape shape{{{"id", ColumnKind::kInt},
                               {"country_code", ColumnKind::kString},
                               {"country_name", ColumnKind::kString},
                               {"indicator_code", ColumnKind::kString},
                               {"indicator", ColumnKind::kString},
                               {"year", ColumnKind::kString},
                               {"value", ColumnKind::kDouble},
                               {"last_updated", ColumnKind::kTimestamp}}};
  return shape;
}

std::string RowsToJson(const pqxx::result& rows, const RowShape& shape) {
  if (!rows.empty() && static_cast<std::size_t>(rows.columns()) != shape.columns.size()) {
    throw std::runtime_error("result has " + std::to_string(rows.columns()) +
                             " columns, contract shape has " + std::to_string(shape.columns.size()));
  }
  std::string out;
  out.reserve(rows.size() * 192 + 2);
  JsonWriter w(out);
  w.BeginArray();
  for (const auto& row : rows) {
    w.BeginObject();
    for (std::size_t i = 0; i < shape.columns.size(); ++i) {
      const auto& col = shape.columns[i];
      const auto field = row[static_cast<pqxx::row::size_type>(i)];
      w.Key(col.json_key);
      switch (col.kind) {
        case ColumnKind::kString:
          w.String(field.is_null() ? std::string_view{} : std::string_view(field.c_str(), field.size()));
          break;
        case ColumnKind::kInt:
          if (field.is_null()) {
            w.Null();
          } else {
            w.Int(field.as<long long>());
          }
          break;
        case ColumnKind::kDouble:
          if (field.is_null()) {
            w.Null();
          } else {
            w.Double(field.as<double>());
          }
          break;
        case ColumnKind::kTimestamp:
          if (field.is_null()) {
            w.Null();
          } else {
            w.String(db::TimestampToRfc3339(std::string_view(field.c_str(), field.size())));
          }
          break;
      }
    }
    w.EndObject();
  }
  w.EndArray();
  return out;
}

}  // namespace nationpulse::bff
