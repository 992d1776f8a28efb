#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "feeds.hpp"
#include "nationpulse/base/expected.hpp"
#include "nationpulse/db/pool.hpp"

namespace nationpulse::ingestion {

struct LoadStats {
  std::size_t rows = 0;
  std::size_t null_values = 0;  ///< empty OBS_VALUE stored as NULL
  std::chrono::milliseconds elapsed{};
};

/// Why a feed was not loaded. The table keeps its previous rows in every case.
struct LoadError {
  bool transient = false;  ///< Postgres unreachable: another run may succeed with the same file
  std::string message;     ///< one line, names the line/column for a bad file
};

/// Replaces the rows of `feed.table` with the SDMX-CSV file at `csv_path`, atomically: one transaction
/// that deletes the old rows and COPYs the new ones while the file is parsed (streamed, 64 KiB at a time).
/// Readers see the old rows until the commit, then the new ones, never an empty or half-loaded table; the
/// table definition and the getter functions are never touched (fix D-30, D-35, D-36). Any error — a
/// missing column (D-34), a bad value, no data rows, a database failure — rolls back.
///
///   auto loaded = LoadFeed(pool, feed, "/tmp/population.csv");
Expected<LoadStats, LoadError> LoadFeed(db::Pool& pool, const Feed& feed, const std::string& csv_path);

}  // namespace nationpulse::ingestion
