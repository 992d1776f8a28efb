// Ingestion load benchmark: parse + COPY rows/s through the real loader (LoadFeed) into a Postgres table,
// for each snapshot file and for a generated Population feed of N rows, loaded twice (first load, reload).
// Prints RESULT lines for bench/ingestion.sh. Uses the database of PG_DB_* (the script points it at a scratch
// database).
//   np-bench-ingest <snapshot-dir> <generated-rows>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "feed_loader.hpp"
#include "feeds.hpp"
#include "nationpulse/config/env.hpp"
#include "nationpulse/db/settings.hpp"
#include "nationpulse/log/log.hpp"
#include "nationpulse/sdmx/feed_reader.hpp"

namespace {

using namespace nationpulse;

/// A Population feed in the csvfilewithlabels layout: realistic widths, quoted labels with commas, some
/// empty values (NULL), deterministic.
std::string Generate(std::size_t rows) {
  const std::string path = "/tmp/np-bench-population-" + std::to_string(rows) + ".csv";
  std::ofstream out(path, std::ios::binary);
  out << "REF_AREA,Reference area,MEASURE,Measure,SEX,Sex,Age,TIME_PERIOD,OBS_VALUE\n";
  const char* areas[][2] = {
      {"USA", "United States"}, {"FRA", "France"}, {"KOR", "\"Korea, Republic of\""}, {"TUR", "Türkiye"}};
  for (std::size_t i = 0; i < rows; ++i) {
    const auto& a = areas[i % 4];
    out << a[0] << ',' << a[1] << ",POP,Population,_T,Total,From " << (i % 20) * 5 << " to "
        << (i % 20) * 5 + 4 << " years," << 1960 + i % 64 << ',';
    if (i % 97 != 0) out << (i * 7919 % 100000000) << '.' << (i % 10);
    out << '\n';
  }
  return path;
}

/// The client's share alone: the same reader over the same file, rows counted, nothing sent.
double ParseSeconds(const std::string& path) {
  const auto started = std::chrono::steady_clock::now();
  sdmx::FeedReader reader(*sdmx::FeedSpecFor(ingestion::AllFeeds()[0].key));
  std::ifstream in(path, std::ios::binary);
  std::string chunk(64 * 1024, '\0');
  std::size_t rows = 0;
  for (sdmx::FeedRow row;;) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got == 0) break;
    if (!reader.Feed(std::string_view(chunk.data(), got))) return -1;
    while (reader.Next(row)) ++rows;
  }
  if (!reader.Finish()) return -1;
  for (sdmx::FeedRow row; reader.Next(row);) ++rows;
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  std::printf("RESULT parse rows=%zu seconds=%.3f rows_per_s=%.0f\n", rows, took.count(),
              static_cast<double>(rows) / took.count());
  return took.count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: np-bench-ingest <snapshot-dir> <generated-rows>\n";
    return 2;
  }
  log::Init("bench-ingest", log::Level::kWarn);
  config::Env env;
  std::vector<std::string> errors;
  auto options = db::PoolOptionsFromEnv(env, "bench-ingest", errors);
  options.statement_timeout = std::chrono::minutes(10);
  db::Pool pool(options);
  const auto& feeds = ingestion::AllFeeds();

  std::size_t total_rows = 0;
  double total_seconds = 0;
  for (const auto& feed : feeds) {
    auto loaded =
        ingestion::LoadFeed(pool, feed, std::string(argv[1]) + "/" + std::string(feed.snapshot_file));
    if (!loaded) {
      std::cerr << feed.key << ": " << loaded.error().message << "\n";
      return 1;
    }
    total_rows += loaded->rows;
    total_seconds += static_cast<double>(loaded->elapsed.count()) / 1000.0;
  }
  std::printf("RESULT snapshot rows=%zu seconds=%.3f rows_per_s=%.0f\n", total_rows, total_seconds,
              static_cast<double>(total_rows) / total_seconds);

  const std::size_t rows = std::stoul(argv[2]);
  const std::string path = Generate(rows);
  if (ParseSeconds(path) < 0) {
    std::cerr << "generated: the reader refused the generated feed\n";
    return 1;
  }
  // Twice: "generated" replaces the snapshot's rows, "reload" replaces its own million, as every
  // scheduled run after the first does.
  for (const char* part : {"generated", "reload"}) {
    const auto loaded = ingestion::LoadFeed(pool, feeds[0], path);
    if (!loaded) {
      std::cerr << part << ": " << loaded.error().message << "\n";
      std::remove(path.c_str());
      return 1;
    }
    const double seconds = static_cast<double>(loaded->elapsed.count()) / 1000.0;
    std::printf("RESULT %s rows=%zu seconds=%.3f rows_per_s=%.0f\n", part, loaded->rows, seconds,
                static_cast<double>(loaded->rows) / seconds);
  }
  std::remove(path.c_str());
  return 0;
}
