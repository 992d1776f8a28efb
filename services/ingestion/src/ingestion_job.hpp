#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "feeds.hpp"
#include "nationpulse/db/pool.hpp"
#include "nationpulse/fetch/fetch.hpp"
#include "nationpulse/metrics/registry.hpp"

namespace nationpulse::ingestion {

/// Where the feeds come from and how they are fetched.
struct JobOptions {
  std::string base_url = "https://sdmx.oecd.org/public/rest/data";
  /// Indicator per feed key (env *_INDICATOR); a missing key uses the feed's default.
  std::map<std::string, std::string, std::less<>> indicators;
  /// When set, feeds are read from this folder (file://<dir>/<feed file>) instead of base_url.
  std::optional<std::string> snapshot_dir;
  std::chrono::milliseconds delay_between_requests{1000};
  int start_period_years_back = 16;
  fetch::FetchOptions fetch;
  std::string temp_dir = "/tmp";
};

/// What happened to one feed in a run.
struct FeedOutcome {
  std::string key;
  bool ok = false;
  std::size_t rows = 0;
  std::string error;  ///< when !ok
  std::chrono::milliseconds elapsed{};
};

struct JobResult {
  bool ok = false;
  bool cancelled = false;
  std::string message;  ///< the final NotifyBFF message and jobschedulelogs text
  std::vector<FeedOutcome> feeds;
  std::chrono::system_clock::time_point started;
  std::chrono::system_clock::time_point finished;
};

/// One ingestion run (data-model.md §5–8 with the §8.2 requirements): the six feeds one after another,
/// each fetched into a temporary file (never held whole in memory), then loaded atomically by LoadFeed. A
/// failing feed keeps its previous rows and does not stop the others. The run ends with one jobschedulelogs
/// row. Not thread-safe: the caller guarantees one run at a time (single flight).
class IngestionJob {
 public:
  IngestionJob(db::Pool& pool, metrics::Registry& registry, JobOptions options);

  /// Runs all feeds; `on_feed` after each one; `cancelled` is consulted between feeds and during fetches
  /// (a feed is never left half-loaded: cancellation takes effect before its load starts).
  JobResult Run(const std::function<void(const FeedOutcome&)>& on_feed,
                const std::function<bool()>& cancelled);

  /// The URL a feed is fetched from in a run that starts in `year`.
  std::string SourceUrl(const Feed& feed, int year) const;

 private:
  FeedOutcome RunFeed(const Feed& feed, int year, const std::function<bool()>& cancelled);
  void RecordRun(const JobResult& result);

  db::Pool& pool_;
  JobOptions options_;
  metrics::Family<metrics::Counter>& rows_;
  metrics::Family<metrics::Counter>& failures_;
  metrics::Family<metrics::Histogram>& duration_;
  metrics::Family<metrics::Gauge>& last_success_;
  metrics::Family<metrics::Counter>& jobs_;
};

}  // namespace nationpulse::ingestion
