#include "feeds.hpp"

namespace nationpulse::ingestion {
namespace {

using K = ColumnKind;

std::vector<Feed> BuildFeeds() {
  const std::vector<std::string_view> measure_columns{"country_code", "country_name", "indicator_code",
                                                      "indicator",    "year",         "value"};
  const std::vector<ColumnKind> measure_kinds{K::kText, K::kText, K::kText, K::kText, K::kText, K::kValue};
  return {
      {"Population",
       "poptable",
       "POPULATION_INDICATOR",
       "OECD.ELS.SAE,DSD_POPULATION@DF_POP_HIST,/.POP.PS._T..",
       "population.csv",
       {"country_code", "country_name", "indicator_code", "indicator", "sex_code", "sex_name", "age", "year",
        "value"},
       {K::kText, K::kText, K::kText, K::kText, K::kText, K::kText, K::kText, K::kInteger, K::kValue}},
      {"Health",
       "htable",
       "HEALTH_INDICATOR",
       "OECD.ELS.HD,DSD_HEALTH_STAT@DF_HEALTH_STATUS,/.A.IRTA+CSEM+LFEXP..........",
       "health.csv",
       {"country_code", "country_name", "indicator_code", "indicator", "sex_code", "sex_name", "cause",
        "unit_range", "year", "value"},
       {K::kText, K::kText, K::kText, K::kText, K::kText, K::kText, K::kText, K::kText, K::kInteger,
        K::kValue}},
      {"EconomyGDP", "egdptable", "ECONOMY_GDP_INDICATOR",
       "OECD.SDD.NAD,DSD_NAMAIN1@DF_QNA_EXPENDITURE_CAPITA,/Q............", "economy-gdp.csv",
       measure_columns, measure_kinds},
      {"EconomyGov", "egovtable", "ECONOMY_GOV_INDICATOR",
       "OECD.GOV.GIP,DSD_GOV@DF_GOV_PF_YU,/A...PT_B1GQ...", "economy-gov.csv", measure_columns,
       measure_kinds},
      {"GrowthGDP", "ggdptable", "GROWTH_GDP_INDICATOR",
       "OECD.ECO.MAD,DSD_EO@DF_EO,/.MGSV_ANNPCT+XGSV_ANNPCT+TDDV_ANNPCT+PCORE_YTYPCT+GDPV_ANNPCT.A",
       "growth-gdp.csv", measure_columns, measure_kinds},
      {"GrowthPopulation", "gpopulationtable", "GROWTH_POPULATION_INDICATOR",
       "OECD.ECO.MAD,DSD_EO@DF_EO,/.POP+UNR+POP1574+ERS1574+ET_ANNPCT.A", "growth-population.csv",
       measure_columns, measure_kinds},
  };
}

}  // namespace

const std::vector<Feed>& AllFeeds() {
  static const std::vector<Feed> feeds = BuildFeeds();
  return feeds;
}

std::string FeedUrl(std::string_view base_url, std::string_view indicator, int start_year) {
  std::string url(base_url);
  url += '/';
  url += indicator;
  url += "?startPeriod=";
  url += std::to_string(start_year);
  url += "&format=csvfilewithlabels";
  return url;
}

std::string SnapshotUrl(std::string_view folder, const Feed& feed) {
  std::string url = "file://";
  url += folder;
  if (url.back() != '/') url += '/';
  url += feed.snapshot_file;
  return url;
}

}  // namespace nationpulse::ingestion
