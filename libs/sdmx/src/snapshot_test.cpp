// The committed OECD snapshot data/oecd/*.csv (built by scripts/build-snapshot.py, documented in
// data/SOURCES.md) must load through the same FeedReader path as the live OECD response of each
// feed. Spot values were checked by hand against the real source files named in SOURCES.md.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "nationpulse/sdmx/feed_reader.hpp"

namespace nationpulse::sdmx {
namespace {

using Cells = std::vector<std::string>;

// NP_SDMX_TESTDATA_DIR is <repo>/libs/sdmx/testdata; the snapshot lives at <repo>/data/oecd.
std::string ReadSnapshotFile(const std::string& name) {
  const std::string path = std::string(NP_SDMX_TESTDATA_DIR) + "/../../../data/oecd/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open snapshot file " + path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct Loaded {
  std::vector<FeedRow> rows;
  std::vector<std::string> header;
  std::optional<ParseError> error;
};

// Reads `file` with the FeedSpec of `feed_key`, fed in chunks of `chunk_size` bytes.
Loaded Load(std::string_view feed_key, const std::string& file, std::size_t chunk_size = 61) {
  const auto spec = FeedSpecFor(feed_key);
  if (!spec) throw std::invalid_argument("no feed " + std::string(feed_key));
  const std::string text = ReadSnapshotFile(file);
  FeedReader reader(*spec);
  Loaded out;
  const auto take = [&] {
    for (FeedRow row; reader.Next(row);) out.rows.push_back(std::move(row));
  };
  for (std::size_t at = 0; at < text.size(); at += chunk_size) {
    if (auto ok = reader.Feed(std::string_view(text).substr(at, chunk_size)); !ok) {
      out.error = ok.error();
      return out;
    }
    take();
  }
  if (auto ok = reader.Finish(); !ok) {
    out.error = ok.error();
    return out;
  }
  take();
  out.header = reader.header();
  return out;
}

// The rows whose leading cells equal `prefix` (cell by cell; the rest is free).
std::vector<const FeedRow*> Find(const Loaded& loaded, const Cells& prefix) {
  std::vector<const FeedRow*> found;
  for (const FeedRow& row : loaded.rows) {
    if (row.cells.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), row.cells.begin())) {
      found.push_back(&row);
    }
  }
  return found;
}

// The value of the one row matching `key` (all cells but the value, in FeedSpec order).
std::optional<double> ValueOf(const Loaded& loaded, const Cells& key) {
  const auto found = Find(loaded, key);
  if (found.size() != 1) {
    ADD_FAILURE() << found.size() << " rows match key starting " << (key.empty() ? "" : key[0]);
    return std::nullopt;
  }
  EXPECT_EQ(found[0]->cells.size(), key.size() + 1);
  return found[0]->value;
}

struct FileCase {
  const char* feed_key;
  const char* file;
  std::size_t rows;  // as printed by scripts/build-snapshot.py and listed in SOURCES.md
};

class SnapshotFileTest : public ::testing::TestWithParam<FileCase> {};

// Every file: loads without error in small chunks, has the documented number of rows, only the
// FeedSpec columns (in order), a non-empty period in every row, no two rows with the same key
// (the tables could not tell them apart), and the same result whatever the chunk size.
TEST_P(SnapshotFileTest, LoadsThroughTheFeedReader) {
  const FileCase& c = GetParam();
  const Loaded loaded = Load(c.feed_key, c.file);
  ASSERT_FALSE(loaded.error) << c.file << ": " << loaded.error->message;
  ASSERT_GT(loaded.rows.size(), 0U);
  EXPECT_EQ(loaded.rows.size(), c.rows);
  EXPECT_EQ(loaded.header, FeedSpecFor(c.feed_key)->columns);

  const std::size_t width = FeedSpecFor(c.feed_key)->columns.size();
  std::set<Cells> keys;
  std::size_t nulls = 0;
  for (const FeedRow& row : loaded.rows) {
    ASSERT_EQ(row.cells.size(), width) << "line " << row.line;
    EXPECT_FALSE(row.cells[width - 2].empty()) << "empty period, line " << row.line;
    EXPECT_FALSE(row.cells[0].empty()) << "empty REF_AREA, line " << row.line;
    Cells key(row.cells.begin(), row.cells.end() - 1);
    EXPECT_TRUE(keys.insert(std::move(key)).second) << "duplicate key, line " << row.line;
    if (!row.value) ++nulls;
  }
  // Only DF_GOV_PF_YU carries empty observations (KOR and ISR 2023).
  EXPECT_EQ(nulls, std::string_view(c.feed_key) == "EconomyGov" ? 2U : 0U);

  const Loaded whole = Load(c.feed_key, c.file, std::size_t{1} << 24);
  ASSERT_FALSE(whole.error);
  ASSERT_EQ(whole.rows.size(), loaded.rows.size());
  for (std::size_t i = 0; i < whole.rows.size(); ++i) {
    EXPECT_EQ(whole.rows[i].cells, loaded.rows[i].cells);
  }
}

INSTANTIATE_TEST_SUITE_P(AllFeeds, SnapshotFileTest,
                         ::testing::Values(FileCase{"Population", "population.csv", 16224},
                                           FileCase{"Health", "health.csv", 1970},
                                           FileCase{"EconomyGDP", "economy-gdp.csv", 480},
                                           FileCase{"EconomyGov", "economy-gov.csv", 576},
                                           FileCase{"GrowthGDP", "growth-gdp.csv", 4},
                                           FileCase{"GrowthPopulation", "growth-population.csv", 1352}),
                         [](const ::testing::TestParamInfo<FileCase>& param) {
                           return std::string(param.param.feed_key);
                         });

// Copied values: population/DF_POP_HIST.labels.csv line 2 (EST) and line 33 (BGR, a fractional
// value), and the non-ASCII label of TUR.
TEST(SnapshotTest, PopulationValuesAreCopiedFromDfPopHist) {
  const Loaded pop = Load("Population", "population.csv");
  ASSERT_FALSE(pop.error);
  EXPECT_EQ(
      ValueOf(pop, {"EST", "Estonia", "POP", "Population", "_T", "Total", "From 80 to 84 years", "2010"}),
      34950.0);
  const auto bgr =
      Find(pop, {"BGR", "Bulgaria", "POP", "Population", "_T", "Total", "65 years or over", "2015"});
  ASSERT_EQ(bgr.size(), 1U);
  EXPECT_EQ(bgr[0]->cells.back(), "1451057.5");  // text untouched
  EXPECT_EQ(ValueOf(pop, {"USA", "United States", "POP", "Population", "_T", "Total", "Total", "2022"}),
            333287557.0);
  EXPECT_FALSE(Find(pop, {"TUR", "Türkiye"}).empty());
  // 52 areas x 13 years (2010-2022) x 24 age bands.
  std::set<std::string> areas;
  std::set<std::string> ages;
  for (const FeedRow& row : pop.rows) {
    areas.insert(row.cells[0]);
    ages.insert(row.cells[6]);
  }
  EXPECT_EQ(areas.size(), 52U);
  EXPECT_EQ(ages.size(), 24U);
}

// LFEXP from health/DF_LE.LFEXP.labels.csv (POL 2015, _T), INM from
// health/DF_HEALTH_STATUS.INM.labels.csv: JPN 2020 has 1.8 without a gestation threshold and 1.7
// with the 22-week threshold; only the former is kept.
TEST(SnapshotTest, HealthKeepsLfexpAndUnthresholdedInfantMortality) {
  const Loaded health = Load("Health", "health.csv");
  ASSERT_FALSE(health.error);
  EXPECT_EQ(ValueOf(health, {"POL", "Poland", "LFEXP", "Life expectancy", "_T", "Total", "Not applicable",
                             "Years", "2015"}),
            77.5);
  EXPECT_EQ(ValueOf(health, {"JPN", "Japan", "INM", "Infant mortality", "_T", "Total", "Not applicable",
                             "Deaths per 1 000 live births", "2020"}),
            1.8);
  std::set<std::string> measures;
  std::set<std::string> sexes;
  for (const FeedRow& row : health.rows) {
    measures.insert(row.cells[2]);
    if (row.cells[2] == "LFEXP") sexes.insert(row.cells[4]);
    EXPECT_GE(row.cells[8], "2010");
  }
  EXPECT_EQ(measures, (std::set<std::string>{"INM", "LFEXP"}));
  EXPECT_EQ(sexes, (std::set<std::string>{"F", "M", "_T"}));  // the health page splits by sex
}

// economy-gov/DF_GOV_PF_YU.labels.csv: IRL 2010 (line 2), KOR 2023 (line 121, empty value).
TEST(SnapshotTest, GovernmentDebtIsCopiedFromDfGovPfYu) {
  const Loaded gov = Load("EconomyGov", "economy-gov.csv");
  ASSERT_FALSE(gov.error);
  EXPECT_EQ(ValueOf(gov, {"IRL", "Ireland", "GGD", "Government gross debt", "2010"}), 83.356);
  const auto kor = Find(gov, {"KOR", "Korea", "GGD", "Government gross debt", "2023"});
  ASSERT_EQ(kor.size(), 1U);
  EXPECT_FALSE(kor[0]->value);
  EXPECT_TRUE(Find(gov, {"TUR", "Türkiye", "GGD", "Government gross debt", "2009"}).empty());  // < 2010
}

// GDP per capita = DF_REFSERIES_GLOBAL B1GQ_V (USD, UNIT_MULT 6) / DF_POP_HIST total population.
// USA 2022: 25744108 million USD (economy-gdp/DF_REFSERIES_GLOBAL.B1GQ_V.codes.csv) and 333287557
// persons (population/DF_POP_HIST.labels.csv).
TEST(SnapshotTest, GdpPerCapitaIsDerivedFromRefseriesAndPopulation) {
  const Loaded gdp = Load("EconomyGDP", "economy-gdp.csv");
  ASSERT_FALSE(gdp.error);
  const double expected = 25744108.0 * 1e6 / 333287557.0;
  const auto usa =
      ValueOf(gdp, {"USA", "United States", "B1GQ_POP", "Gross domestic product per capita", "2022"});
  ASSERT_TRUE(usa);
  EXPECT_NEAR(*usa, expected, std::abs(expected) * 1e-14);
  // LUX 2013: 65203.287 million USD / 543358 persons.
  const double lux_expected = 65203.287 * 1e6 / 543358.0;
  const auto lux =
      ValueOf(gdp, {"LUX", "Luxembourg", "B1GQ_POP", "Gross domestic product per capita", "2013"});
  ASSERT_TRUE(lux);
  EXPECT_NEAR(*lux, lux_expected, lux_expected * 1e-14);
  for (const FeedRow& row : gdp.rows) {
    EXPECT_EQ(row.cells[4].size(), 4U) << "annual periods only, line " << row.line;
    EXPECT_EQ(row.cells[4].find_first_of("eE"), std::string::npos);
    EXPECT_EQ(row.cells[5].find_first_of("eE"), std::string::npos) << "no exponent, line " << row.line;
  }
}

// GDPV_ANNPCT = (GDPV_USD[t] / GDPV_USD[t-1] - 1) * 100 from growth/DF_EO.USA.GDPV_USD...csv
// (2023: 25031611545935, 2024: 25730791311746.5, 2027: 27184452411541.2, 2026: 26686779800664.5).
TEST(SnapshotTest, GdpGrowthIsDerivedFromEoGdpvUsdForUsaOnly) {
  const Loaded growth = Load("GrowthGDP", "growth-gdp.csv");
  ASSERT_FALSE(growth.error);
  const Cells prefix = {"USA", "United States", "GDPV_ANNPCT", "Gross domestic product, volume, growth"};
  auto key = [&](const char* year) {
    Cells k = prefix;
    k.emplace_back(year);
    return k;
  };
  const double g2024 = (25730791311746.5 / 25031611545935.0 - 1.0) * 100.0;
  const double g2027 = (27184452411541.2 / 26686779800664.5 - 1.0) * 100.0;
  const auto v2024 = ValueOf(growth, key("2024"));
  const auto v2027 = ValueOf(growth, key("2027"));
  ASSERT_TRUE(v2024 && v2027);
  EXPECT_NEAR(*v2024, g2024, 1e-12);
  EXPECT_NEAR(*v2027, g2027, 1e-12);
  EXPECT_TRUE(Find(growth, key("2023")).empty());  // no 2022 level to grow from
  EXPECT_EQ(Find(growth, prefix).size(), growth.rows.size());
}

// POP = DF_POP_HIST total; POP1574 = sum of the twelve five-year bands 15-19 ... 70-74.
// EST 2010 from population/DF_POP_HIST.labels.csv.
TEST(SnapshotTest, GrowthPopulationIsDerivedFromDfPopHist) {
  const Loaded gpop = Load("GrowthPopulation", "growth-population.csv");
  ASSERT_FALSE(gpop.error);
  EXPECT_EQ(ValueOf(gpop, {"EST", "Estonia", "POP", "Total population", "2010"}), 1331475.0);
  const double bands = 76465.0 + 100355.0 + 95605.0 + 91955.0 + 93540.0 + 87945.0 + 92225.0 + 93245.0 +
                       87515.0 + 77530.0 + 62595.0 + 65220.0;
  EXPECT_EQ(ValueOf(gpop, {"EST", "Estonia", "POP1574", "Working-age population, age 15-74", "2010"}), bands);
  EXPECT_EQ(ValueOf(gpop, {"USA", "United States", "POP", "Total population", "2022"}), 333287557.0);
  std::set<std::string> measures;
  for (const FeedRow& row : gpop.rows) measures.insert(row.cells[2]);
  EXPECT_EQ(measures, (std::set<std::string>{"POP", "POP1574"}));  // UNR, ERS1574, ET_ANNPCT absent
}

}  // namespace
}  // namespace nationpulse::sdmx
