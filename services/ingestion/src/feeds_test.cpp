#include "feeds.hpp"

#include <gtest/gtest.h>

#include "nationpulse/sdmx/feed_reader.hpp"

namespace nationpulse::ingestion {
namespace {

TEST(Feeds, SixFeedsWithTheSpecTablesAndIndicators) {
  const auto& feeds = AllFeeds();
  ASSERT_EQ(feeds.size(), 6u);
  const char* tables[] = {"poptable", "htable", "egdptable", "egovtable", "ggdptable", "gpopulationtable"};
  for (std::size_t i = 0; i < feeds.size(); ++i) {
    EXPECT_EQ(feeds[i].table, tables[i]);
    const auto spec = sdmx::FeedSpecFor(feeds[i].key);
    ASSERT_TRUE(spec) << feeds[i].key;
    EXPECT_EQ(spec->columns.size(), feeds[i].columns.size()) << feeds[i].key;
    EXPECT_EQ(feeds[i].kinds.size(), feeds[i].columns.size()) << feeds[i].key;
  }
  EXPECT_EQ(feeds[1].default_indicator,
            "OECD.ELS.HD,DSD_HEALTH_STAT@DF_HEALTH_STATUS,/.A.IRTA+CSEM+LFEXP..........");
  EXPECT_EQ(feeds[5].indicator_env, "GROWTH_POPULATION_INDICATOR");
}

// data-model.md §7.1 example: a job started in 2026 asks from 2010.
TEST(Feeds, UrlOfTheSpecExample) {
  EXPECT_EQ(FeedUrl("https://sdmx.oecd.org/public/rest/data", AllFeeds()[0].default_indicator, 2010),
            "https://sdmx.oecd.org/public/rest/data/OECD.ELS.SAE,DSD_POPULATION@DF_POP_HIST,/.POP.PS._T..?"
            "startPeriod=2010&format=csvfilewithlabels");
}

TEST(Feeds, SnapshotUrl) {
  EXPECT_EQ(SnapshotUrl("/srv/data/oecd", AllFeeds()[2]), "file:///srv/data/oecd/economy-gdp.csv");
  EXPECT_EQ(SnapshotUrl("/srv/data/oecd/", AllFeeds()[2]), "file:///srv/data/oecd/economy-gdp.csv");
}

}  // namespace
}  // namespace nationpulse::ingestion
