#include "ingestion_job.hpp"

#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <pqxx/transaction>
#include <thread>

#include "feed_loader.hpp"
#include "nationpulse/log/log.hpp"
#include "nationpulse/trace/trace.hpp"

namespace nationpulse::ingestion {
namespace {

using Clock = std::chrono::steady_clock;

int CurrentUtcYear() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  return tm.tm_year + 1900;
}

/// The body of one download, in a temporary file: a retry starts the file over.
class FileSink final : public fetch::BodySink {
 public:
  explicit FileSink(const std::string& dir) {
    std::string pattern = dir + "/np-feed-XXXXXX";
    const int fd = mkstemp(pattern.data());
    if (fd < 0) throw std::runtime_error("cannot create a temporary file in " + dir);
    close(fd);
    path_ = pattern;
    out_.open(path_, std::ios::binary | std::ios::trunc);
  }
  ~FileSink() override {
    out_.close();
    std::remove(path_.c_str());
  }
  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;

  void Restart() override {
    out_.close();
    out_.open(path_, std::ios::binary | std::ios::trunc);
  }
  bool OnChunk(std::string_view bytes) override {
    out_.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return static_cast<bool>(out_);
  }
  /// Flushes; false when writing failed (disk full).
  bool Finish() {
    out_.flush();
    const bool ok = static_cast<bool>(out_);
    out_.close();
    return ok;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::ofstream out_;
};
}  // namespace

IngestionJob::IngestionJob(db::Pool& pool, metrics::Registry& registry, JobOptions options)
    : pool_(pool),
      options_(std::move(options)),
      rows_(
          registry.AddCounter("nationpulse_ingestion_rows_loaded_total", "Rows loaded, by feed.", {"feed"})),
      failures_(registry.AddCounter("nationpulse_ingestion_feed_failures_total",
                                    "Feeds that failed (previous rows kept), by feed.", {"feed"})),
      duration_(registry.AddHistogram("nationpulse_ingestion_feed_duration_seconds",
                                      "Fetch and load time of one feed.", {"feed"},
                                      {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300})),
      last_success_(registry.AddGauge("nationpulse_ingestion_last_success_timestamp_seconds",
                                      "Unix time of the last successful load, by feed.", {"feed"})),
      jobs_(registry.AddCounter("nationpulse_ingestion_jobs_total", "Ingestion runs, by result.",
                                {"result"})) {}

std::string IngestionJob::SourceUrl(const Feed& feed, int year) const {
  if (options_.snapshot_dir) return SnapshotUrl(*options_.snapshot_dir, feed);
  const auto it = options_.indicators.find(feed.key);
  const std::string_view indicator =
      it != options_.indicators.end() ? std::string_view(it->second) : feed.default_indicator;
  return FeedUrl(options_.base_url, indicator, year - options_.start_period_years_back);
}

FeedOutcome IngestionJob::RunFeed(const Feed& feed, int year, const std::function<bool()>& cancelled) {
  FeedOutcome outcome;
  outcome.key = std::string(feed.key);
  const auto started = Clock::now();
  const std::string url = SourceUrl(feed, year);
  auto finish = [&](bool ok, std::string error) {
    outcome.ok = ok;
    outcome.error = std::move(error);
    outcome.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    duration_.WithLabels({std::string(feed.key)})
        .Observe(static_cast<double>(outcome.elapsed.count()) / 1000.0);
    if (ok) {
      rows_.WithLabels({std::string(feed.key)}).Inc(static_cast<double>(outcome.rows));
      last_success_.WithLabels({std::string(feed.key)})
          .Set(static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(
                                       std::chrono::system_clock::now().time_since_epoch())
                                       .count()));
      log::Info("feed loaded", {{"feed", feed.key}, {"rows", outcome.rows}, {"ms", outcome.elapsed.count()}});
    } else {
      failures_.WithLabels({std::string(feed.key)}).Inc();
      log::Warn("feed failed, previous rows kept", {{"feed", feed.key}, {"error", outcome.error}});
    }
    return outcome;
  };

  try {
    FileSink sink(options_.temp_dir);
    auto fetched = fetch::Get(url, options_.fetch, sink, cancelled);
    if (!fetched) {
      return finish(false, std::string("fetch failed (") + fetch::KindName(fetched.error().kind) +
                               "): " + fetched.error().message);
    }
    if (!sink.Finish()) return finish(false, "cannot write the download to " + options_.temp_dir);
    if (cancelled && cancelled()) return finish(false, "cancelled before loading");
    auto loaded = LoadFeed(pool_, feed, sink.path());
    if (!loaded) return finish(false, "load failed: " + loaded.error().message);
    outcome.rows = loaded->rows;
    return finish(true, {});
  } catch (const std::exception& e) {
    return finish(false, e.what());
  }
}

JobResult IngestionJob::Run(const std::function<void(const FeedOutcome&)>& on_feed,
                            const std::function<bool()>& cancelled) {
  JobResult result;
  result.started = std::chrono::system_clock::now();
  const int year = CurrentUtcYear();
  log::Info("ingestion started",
            {{"source", options_.snapshot_dir ? "snapshot " + *options_.snapshot_dir : options_.base_url}});
  bool first = true;
  for (const Feed& feed : AllFeeds()) {
    if (cancelled && cancelled()) {
      result.cancelled = true;
      break;
    }
    // DELAY_BETWEEN_REQUESTS: be polite to the OECD API between two downloads (not before the first).
    if (!first && !options_.snapshot_dir) {
      const auto until = Clock::now() + options_.delay_between_requests;
      while (Clock::now() < until && !(cancelled && cancelled())) {
        std::this_thread::sleep_for(
            std::min<Clock::duration>(std::chrono::milliseconds(100), until - Clock::now()));
      }
      if (cancelled && cancelled()) {
        result.cancelled = true;
        break;
      }
    }
    first = false;
    {
      trace::Span span("ingest " + std::string(feed.key));
      trace::ScopedContext scope(span.context());
      result.feeds.push_back(RunFeed(feed, year, cancelled));
      span.SetAttribute("ingestion.rows", std::to_string(result.feeds.back().rows));
      if (!result.feeds.back().ok) span.SetError(result.feeds.back().error);
    }
    if (on_feed) on_feed(result.feeds.back());
  }
  result.finished = std::chrono::system_clock::now();

  std::vector<std::string> failed;
  for (const auto& f : result.feeds) {
    if (!f.ok) failed.push_back(f.key + ": " + f.error);
  }
  result.ok = failed.empty() && !result.cancelled;
  if (result.ok) {
    result.message = "All jobs processed successfully";  // the original's text (grpc.md §1)
  } else {
    result.message =
        std::to_string(failed.size()) + " of " + std::to_string(AllFeeds().size()) + " feeds failed";
    if (result.cancelled) {
      result.message += ", cancelled after " + std::to_string(result.feeds.size()) + " feeds";
    }
    for (const auto& f : failed) result.message += "; " + f;
  }
  jobs_.WithLabels({result.ok ? "success" : "failed"}).Inc();
  RecordRun(result);
  log::Info(
      "ingestion finished",
      {{"ok", result.ok},
       {"message", result.message},
       {"ms",
        std::chrono::duration_cast<std::chrono::milliseconds>(result.finished - result.started).count()}});
  return result;
}

void IngestionJob::RecordRun(const JobResult& result) {
  auto seconds = [](std::chrono::system_clock::time_point t) {
    return std::to_string(
        std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count() / 1e6);
  };
  auto recorded = pool_.Run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    tx.exec_params(
        "INSERT INTO jobschedulelogs (message, type, created_at, completed_at) "
        "VALUES ($1, $2, to_timestamp($3::double precision), to_timestamp($4::double precision))",
        result.message, result.ok ? 1 : 0, seconds(result.started), seconds(result.finished));
    tx.commit();
  });
  if (!recorded) log::Warn("cannot record the run in jobschedulelogs", {{"error", recorded.error().message}});
}

}  // namespace nationpulse::ingestion
