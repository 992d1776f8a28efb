#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nationpulse::ingestion {

/// How a target column gets its value from a FeedRow cell.
enum class ColumnKind {
  kText,     ///< copied as text
  kInteger,  ///< an integer year ("2020"); anything else fails the feed
  kValue,    ///< the parsed OBS_VALUE (NULL when empty, D-37)
};

/// One of the six feeds of data-model.md §7.1: where it comes from and which table it replaces.
struct Feed {
  std::string_view key;            ///< "Population", ... (also the sdmx::FeedSpecFor key)
  std::string_view table;          ///< "poptable", ...
  std::string_view indicator_env;  ///< "POPULATION_INDICATOR", ...
  std::string_view default_indicator;
  std::string_view snapshot_file;  ///< "population.csv" in a snapshot folder (data/oecd)
  /// Target columns in FeedSpec column order (data-model.md §7.3) and how each is converted.
  std::vector<std::string_view> columns;
  std::vector<ColumnKind> kinds;
};

/// The six feeds, in the order the job loads them.
const std::vector<Feed>& AllFeeds();

/// The OECD URL of a feed (data-model.md §7.1): BASE_URL + "/" + indicator + "?startPeriod=" + year +
/// "&format=csvfilewithlabels", concatenated as the original did (no escaping of '+').
std::string FeedUrl(std::string_view base_url, std::string_view indicator, int start_year);

/// file:// URL of a feed's file in a snapshot folder (an absolute path).
std::string SnapshotUrl(std::string_view folder, const Feed& feed);

}  // namespace nationpulse::ingestion
