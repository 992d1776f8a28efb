#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nationpulse/base/expected.hpp"
#include "nationpulse/sdmx/csv_reader.hpp"
#include "nationpulse/sdmx/error.hpp"
#include "nationpulse/sdmx/structure.hpp"

namespace nationpulse::sdmx {

/// The source columns one feed reads, by CSV header name, in output order (data-model.md §7.3).
struct FeedSpec {
  std::vector<std::string> columns;           ///< e.g. REF_AREA, Reference area, ..., OBS_VALUE
  std::string period_column = "TIME_PERIOD";  ///< must be one of `columns`; required non-empty
  std::string value_column = "OBS_VALUE";     ///< must be one of `columns`; a number or null
};

/// The FeedSpec of a feed key of data-model.md §7.1 ("Population", "Health", "EconomyGDP",
/// "EconomyGov", "GrowthGDP", "GrowthPopulation"); nullopt for any other key.
///
///   auto spec = FeedSpecFor("Population");  // REF_AREA, Reference area, MEASURE, ..., OBS_VALUE
std::optional<FeedSpec> FeedSpecFor(std::string_view feed_key);

/// One data row projected onto a FeedSpec.
struct FeedRow {
  std::size_t line = 0;            ///< 1-based line of the CSV record
  std::vector<std::string> cells;  ///< one per FeedSpec::columns, same order; the value cell as read
  std::optional<double> value;     ///< the value column parsed; nullopt when empty or "NaN" (D-37)
};

/// Streaming reader of one SDMX-CSV feed: finds the spec's columns BY NAME in the header and
/// yields rows of exactly those columns, so a missing column is an error, never a shift (D-34).
///
/// Header layouts understood, in any column order:
///  * `csvfilewithlabels` (SDMX-CSV 1.0 with labels): code and label columns side by side,
///    `REF_AREA,Reference area`;
///  * SDMX-CSV 2.0 `labels=both`: a header cell `REF_AREA: Reference area` provides both the code
///    column `REF_AREA` and the label column `Reference area`, its cells `USA: United States` are
///    split on the first ": " (a cell without ": " is all code, with an empty label);
///  * code-only (`format=csv`) with a Structure: for each header cell that is a component of the
///    structure, a label column named by its concept ("Reference area") is derived from its
///    codelist. An unknown code is labelled with the code itself and counted (unknown_codes()).
/// Columns physically present win over derived ones; with duplicate names the first one wins.
///
/// Errors (ParseError, with line): every CsvReader error; kNoHeader for an empty input;
/// kMissingColumn naming every absent column (line of the header); kMissingPeriod for an empty
/// period cell; kBadValue for a value cell that is not a finite decimal number (empty and "NaN"
/// are null).
/// After an error the reader stays failed. Results never depend on how the input was chunked.
///
///   FeedReader reader(*FeedSpecFor("Population"));
///   for (auto chunk : body_chunks) {
///     if (auto ok = reader.Feed(chunk); !ok) return ok.error();
///     for (FeedRow row; reader.Next(row);) batch.push_back(std::move(row));
///   }
///   if (auto ok = reader.Finish(); !ok) return ok.error();
///   for (FeedRow row; reader.Next(row);) batch.push_back(std::move(row));
class FeedReader final {
 public:
  /// @throws std::invalid_argument when `spec` has no columns, or its period or value column is
  /// not among them (a programming error).
  explicit FeedReader(FeedSpec spec, std::shared_ptr<const Structure> structure = nullptr,
                      CsvOptions options = {});
  ~FeedReader();
  FeedReader(FeedReader&&) noexcept;
  FeedReader& operator=(FeedReader&&) noexcept;
  FeedReader(const FeedReader&) = delete;
  FeedReader& operator=(const FeedReader&) = delete;

  /// Parses `chunk`; the rows it completes become available to Next().
  /// @throws std::logic_error when called after Finish().
  Expected<void, ParseError> Feed(std::string_view chunk);

  /// Declares the end of input (see CsvReader::Finish); kNoHeader when there was no record at all.
  /// A header without data rows is not an error: the caller decides what zero rows mean.
  Expected<void, ParseError> Finish();

  /// Moves the oldest pending row into `out`; false when none is pending.
  bool Next(FeedRow& out);

  /// Data rows produced so far (taken or not).
  [[nodiscard]] std::size_t rows() const noexcept;

  /// Codes of a code-only file that the structure did not know (labelled with the code itself).
  [[nodiscard]] std::size_t unknown_codes() const noexcept;

  /// The header record as read (empty until it has been read).
  [[nodiscard]] const std::vector<std::string>& header() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nationpulse::sdmx
