#include "feed_loader.hpp"

#include <array>
#include <fstream>
#include <pqxx/stream_to>
#include <pqxx/transaction>
#include <stdexcept>

#include "nationpulse/sdmx/feed_reader.hpp"

namespace nationpulse::ingestion {
namespace {

/// One COPY field: text or NULL, without copying the row's cells.
struct CopyField {
  std::string_view text;
  bool null = false;
};

/// A feed file that cannot be loaded: rolls the transaction back, reported as not transient.
struct BadFeed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

bool IsYear(std::string_view s) {
  if (s.empty() || s.size() > 4) return false;
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

template <std::size_t N>
void CopyRow(pqxx::stream_to& out, const Feed& feed, const sdmx::FeedRow& row, LoadStats& stats) {
  std::array<CopyField, N> fields;
  for (std::size_t i = 0; i < N; ++i) {
    const std::string& cell = row.cells[i];
    switch (feed.kinds[i]) {
      case ColumnKind::kText:
        fields[i] = CopyField{cell, false};
        break;
      case ColumnKind::kInteger:
        if (!IsYear(cell)) {
          throw BadFeed("line " + std::to_string(row.line) + ": TIME_PERIOD '" + cell.substr(0, 20) +
                        "' is not a year");
        }
        fields[i] = CopyField{cell, false};
        break;
      case ColumnKind::kValue:
        // The reader validated the text as a finite decimal; Postgres parses it exactly as it was written.
        fields[i] = row.value ? CopyField{cell, false} : CopyField{{}, true};
        if (!row.value) ++stats.null_values;
        break;
    }
  }
  out << fields;
}

void CopyAnyRow(pqxx::stream_to& out, const Feed& feed, const sdmx::FeedRow& row, LoadStats& stats) {
  switch (feed.columns.size()) {
    case 6:
      return CopyRow<6>(out, feed, row, stats);
    case 9:
      return CopyRow<9>(out, feed, row, stats);
    case 10:
      return CopyRow<10>(out, feed, row, stats);
    default:
      throw std::logic_error("no COPY row shape for " + std::to_string(feed.columns.size()) + " columns");
  }
}

}  // namespace
}  // namespace nationpulse::ingestion

namespace pqxx {

// Lets pqxx::stream_to write a CopyField: its text, or \N for NULL.
template <>
struct string_traits<nationpulse::ingestion::CopyField> {
  using Field = nationpulse::ingestion::CopyField;
  static constexpr const char* name() noexcept { return "CopyField"; }
  static constexpr bool has_null() noexcept { return true; }
  static bool is_null(const Field& f) { return f.null; }
  static Field null() { return Field{{}, true}; }
  static void from_string(const char[], Field&) { throw std::logic_error("CopyField is write-only"); }
  static std::string to_string(const Field& f) { return std::string(f.text); }
};

}  // namespace pqxx

namespace nationpulse::ingestion {

Expected<LoadStats, LoadError> LoadFeed(db::Pool& pool, const Feed& feed, const std::string& csv_path) {
  const auto spec = sdmx::FeedSpecFor(feed.key);
  if (!spec || spec->columns.size() != feed.columns.size()) {
    throw std::logic_error("feed " + std::string(feed.key) + " has no matching FeedSpec");
  }
  const auto started = std::chrono::steady_clock::now();
  LoadStats stats;
  Expected<void, db::DbError> loaded;
  try {
    loaded = pool.Run([&](pqxx::connection& conn) {
      stats = LoadStats{};
      std::ifstream in(csv_path, std::ios::binary);
      if (!in) throw BadFeed("cannot open the downloaded file " + csv_path);
      sdmx::FeedReader reader(*spec);
      pqxx::work tx(conn);
      const std::string table(feed.table);
      // Into an index-less copy of the table, swapped in at the end (db/migrations/008_swap_loads.sql):
      // readers keep the old rows until the commit, and indexes built in bulk take half the server time
      // of maintaining them row by row (docs/benchmarks.md).
      const auto load_table = tx.exec_params1("SELECT np_begin_load($1)", table)[0].as<std::string>();
      std::vector<std::string> columns(feed.columns.begin(), feed.columns.end());
      pqxx::stream_to out(tx, tx.quote_name(load_table), columns);
      std::string chunk(64 * 1024, '\0');
      auto drain = [&] {
        for (sdmx::FeedRow row; reader.Next(row);) {
          CopyAnyRow(out, feed, row, stats);
          ++stats.rows;
        }
      };
      while (in) {
        in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        const auto got = static_cast<std::size_t>(in.gcount());
        if (got == 0) break;
        if (auto fed = reader.Feed(std::string_view(chunk.data(), got)); !fed)
          throw BadFeed(fed.error().message);
        drain();
      }
      if (in.bad()) throw BadFeed("cannot read the downloaded file " + csv_path);
      if (auto finished = reader.Finish(); !finished) throw BadFeed(finished.error().message);
      drain();
      // D-35: an empty feed must not empty the table.
      if (stats.rows == 0) throw BadFeed("the feed has no data rows");
      out.complete();
      tx.exec_params("SELECT np_finish_load($1)", table);
      tx.commit();
    });
  } catch (const BadFeed& e) {
    // Not a database outcome: Pool::Run rethrows it after ~work rolled the transaction back.
    return Unexpected(LoadError{false, e.what()});
  }
  if (!loaded) {
    const auto kind = loaded.error().kind;
    const bool transient =
        kind == db::DbError::Kind::kUnavailable || kind == db::DbError::Kind::kPoolExhausted;
    return Unexpected(LoadError{transient, std::string(db::KindName(kind)) + ": " + loaded.error().message});
  }
  stats.elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  return stats;
}

}  // namespace nationpulse::ingestion
