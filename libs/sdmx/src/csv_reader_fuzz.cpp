// libFuzzer target for the streaming SDMX-CSV readers (fuzz preset; docs/reliability.md, "Fuzzing").
// The first input byte picks the feed (byte % 6, so the seeds start with '0'..'5') and seeds the
// chunking, the rest is the body. Each input is parsed whole and in random chunks through CsvReader
// and FeedReader; any difference between the two is a bug, and so is a row that breaks the documented
// shape (one cell per spec column, a non-empty period, a finite value).
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "nationpulse/sdmx/csv_reader.hpp"
#include "nationpulse/sdmx/feed_reader.hpp"

namespace {

using nationpulse::sdmx::CsvOptions;
using nationpulse::sdmx::CsvReader;
using nationpulse::sdmx::CsvRecord;
using nationpulse::sdmx::FeedReader;
using nationpulse::sdmx::FeedRow;
using nationpulse::sdmx::FeedSpecFor;

std::vector<std::string_view> Chunks(std::string_view body, unsigned seed) {
  std::vector<std::string_view> chunks;
  if (seed == 0) {
    chunks.push_back(body);
    return chunks;
  }
  std::minstd_rand rng(seed);
  while (!body.empty()) {
    const std::size_t n = std::min<std::size_t>(body.size(), 1 + rng() % 17);
    chunks.push_back(body.substr(0, n));
    body.remove_prefix(n);
  }
  return chunks;
}

std::string RunCsv(const std::vector<std::string_view>& chunks) {
  CsvOptions options;
  options.max_record_bytes = 4096;  // small caps so the fuzzer reaches them
  options.max_fields = 64;
  CsvReader reader(options);
  std::string trace;
  auto drain = [&] {
    for (CsvRecord record; reader.Next(record);) {
      trace += std::to_string(record.line) + ":";
      for (const std::string& field : record.fields) trace += std::to_string(field.size()) + "," + field;
      trace += ";";
    }
  };
  for (std::string_view chunk : chunks) {
    auto ok = reader.Feed(chunk);
    drain();
    if (!ok) return trace + "E" + ok.error().message;
  }
  auto ok = reader.Finish();
  drain();
  return ok ? trace : trace + "E" + ok.error().message;
}

constexpr std::array<const char*, 6> kFeeds = {"Population", "Health",    "EconomyGDP",
                                               "EconomyGov", "GrowthGDP", "GrowthPopulation"};

std::string RunFeed(const std::vector<std::string_view>& chunks, const char* feed) {
  const auto spec = *FeedSpecFor(feed);
  std::size_t period = 0;
  while (spec.columns[period] != spec.period_column) ++period;
  FeedReader reader(spec);
  std::string trace;
  auto drain = [&] {
    for (FeedRow row; reader.Next(row);) {
      if (row.cells.size() != spec.columns.size() || row.cells[period].empty()) std::abort();
      if (row.value && !std::isfinite(*row.value)) std::abort();
      trace += std::to_string(row.line) + ":";
      for (const std::string& cell : row.cells) trace += std::to_string(cell.size()) + "," + cell;
      trace += row.value ? std::to_string(*row.value) + ";" : "null;";
    }
  };
  for (std::string_view chunk : chunks) {
    auto ok = reader.Feed(chunk);
    drain();
    if (!ok) return trace + "E" + ok.error().message;
  }
  auto ok = reader.Finish();
  drain();
  return ok ? trace : trace + "E" + ok.error().message;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const char* feed = kFeeds[data[0] % kFeeds.size()];
  const unsigned seed = data[0] == 0 ? 1u : data[0];
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);  // NOLINT: libFuzzer API
  const auto whole = Chunks(body, 0);
  const auto pieces = Chunks(body, seed);
  if (RunCsv(whole) != RunCsv(pieces)) std::abort();
  if (RunFeed(whole, feed) != RunFeed(pieces, feed)) std::abort();
  return 0;
}
