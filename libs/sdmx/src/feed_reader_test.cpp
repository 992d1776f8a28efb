#include "nationpulse/sdmx/feed_reader.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace nationpulse::sdmx {
namespace {

using Cells = std::vector<std::string>;

std::string ReadTestFile(const std::string& name) {
  const std::string path = std::string(NP_SDMX_TESTDATA_DIR) + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open test data " + path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::shared_ptr<const Structure> PopulationStructure() {
  auto structure = ParseStructure(ReadTestFile("DF_POP_HIST.structure.excerpt.xml"));
  if (!structure) throw std::runtime_error(structure.error().message);
  return std::make_shared<const Structure>(std::move(structure).value());
}

FeedSpec Spec(std::string_view key) {
  auto spec = FeedSpecFor(key);
  if (!spec) throw std::invalid_argument("no feed " + std::string(key));
  return *spec;
}

struct Outcome {
  std::vector<FeedRow> rows;
  std::optional<ParseError> error;
  std::size_t unknown_codes = 0;

  [[nodiscard]] std::string Describe() const {
    std::string out;
    for (const FeedRow& row : rows) {
      out += std::to_string(row.line) + ":";
      for (const std::string& cell : row.cells) out += "[" + cell + "]";
      out += row.value ? " = " + std::to_string(*row.value) + "\n" : " = null\n";
    }
    if (error) out += "error " + std::string(KindName(error->kind)) + " " + error->message + "\n";
    return out + "unknown codes " + std::to_string(unknown_codes) + "\n";
  }
};

// Feeds `input` in chunks of `chunk_size` bytes (0: whole), taking rows after every chunk.
Outcome Read(const FeedSpec& spec, std::string_view input, std::size_t chunk_size = 0,
             std::shared_ptr<const Structure> structure = nullptr) {
  FeedReader reader(spec, std::move(structure));
  Outcome outcome;
  auto drain = [&] {
    for (FeedRow row; reader.Next(row);) outcome.rows.push_back(std::move(row));
  };
  if (chunk_size == 0) chunk_size = input.size() + 1;
  for (std::size_t at = 0; at < input.size(); at += chunk_size) {
    auto ok = reader.Feed(input.substr(at, chunk_size));
    drain();
    if (!ok) {
      outcome.error = ok.error();
      outcome.unknown_codes = reader.unknown_codes();
      return outcome;
    }
  }
  auto ok = reader.Finish();
  drain();
  if (!ok) outcome.error = ok.error();
  outcome.unknown_codes = reader.unknown_codes();
  return outcome;
}

// Reads whole, byte by byte and in a few odd chunk sizes; all must agree.
Outcome ReadEveryWay(const FeedSpec& spec, std::string_view input,
                     const std::shared_ptr<const Structure>& structure = nullptr) {
  const Outcome whole = Read(spec, input, 0, structure);
  for (std::size_t chunk : {1, 2, 3, 7, 64, 1000, 4096}) {
    EXPECT_EQ(Read(spec, input, chunk, structure).Describe(), whole.Describe()) << "chunk " << chunk;
  }
  return whole;
}

TEST(FeedReaderTest, FeedSpecsFollowTheColumnLists) {
  EXPECT_EQ(Spec("Population").columns, (Cells{"REF_AREA", "Reference area", "MEASURE", "Measure", "SEX",
                                               "Sex", "Age", "TIME_PERIOD", "OBS_VALUE"}));
  EXPECT_EQ(Spec("Health").columns, (Cells{"REF_AREA", "Reference area", "MEASURE", "Measure", "SEX", "Sex",
                                           "Cause of death", "Unit of measure", "TIME_PERIOD", "OBS_VALUE"}));
  EXPECT_EQ(Spec("EconomyGDP").columns,
            (Cells{"REF_AREA", "Reference area", "TRANSACTION", "Transaction", "TIME_PERIOD", "OBS_VALUE"}));
  for (std::string_view key : {"EconomyGov", "GrowthGDP", "GrowthPopulation"}) {
    EXPECT_EQ(Spec(key).columns,
              (Cells{"REF_AREA", "Reference area", "MEASURE", "Measure", "TIME_PERIOD", "OBS_VALUE"}));
  }
  EXPECT_FALSE(FeedSpecFor("population"));
  EXPECT_FALSE(FeedSpecFor(""));
}

TEST(FeedReaderTest, InconsistentSpecIsAProgrammingError) {
  EXPECT_THROW(FeedReader(FeedSpec{}), std::invalid_argument);
  EXPECT_THROW(FeedReader(FeedSpec{{"REF_AREA", "OBS_VALUE"}}), std::invalid_argument);  // no TIME_PERIOD
  EXPECT_THROW(FeedReader(FeedSpec{{"REF_AREA", "TIME_PERIOD"}}), std::invalid_argument);
}

TEST(FeedReaderTest, PopulationLabelsFile) {
  auto out = ReadEveryWay(Spec("Population"), ReadTestFile("DF_POP_HIST.labels.excerpt.csv"));
  ASSERT_FALSE(out.error) << out.error->message;
  ASSERT_EQ(out.rows.size(), 22u);
  EXPECT_EQ(out.rows[0].line, 2u);
  EXPECT_EQ(out.rows[0].cells, (Cells{"EST", "Estonia", "POP", "Population", "_T", "Total",
                                      "From 80 to 84 years", "2010", "34950"}));
  EXPECT_EQ(out.rows[0].value, 34950.0);
  EXPECT_EQ(out.rows[1].cells[7], "2011");
  EXPECT_EQ(out.rows[1].value, 36047.0);
  EXPECT_EQ(out.rows[13].cells, (Cells{"CAN", "Canada", "POP", "Population", "_T", "Total",
                                       "65 years or over", "2010", "4804015"}));
  EXPECT_EQ(out.rows[20].cells, (Cells{"TUR", "T\xC3\xBCrkiye", "POP", "Population", "_T", "Total",
                                       "From 45 to 49 years", "2010", "4585123"}));
  EXPECT_EQ(out.rows[21].line, 23u);
  EXPECT_EQ(out.unknown_codes, 0u);
}

TEST(FeedReaderTest, PopulationCodesWithStructureEqualTheLabelsFile) {
  const auto structure = PopulationStructure();
  auto codes = ReadEveryWay(Spec("Population"), ReadTestFile("DF_POP_HIST.codes.excerpt.csv"), structure);
  ASSERT_FALSE(codes.error) << codes.error->message;
  auto labels = Read(Spec("Population"), ReadTestFile("DF_POP_HIST.labels.excerpt.csv"));
  ASSERT_EQ(codes.rows.size(), 22u);
  EXPECT_EQ(codes.rows[0].cells, (Cells{"EST", "Estonia", "POP", "Population", "_T", "Total",
                                        "From 80 to 84 years", "2010", "34950"}));
  EXPECT_EQ(codes.Describe(), labels.Describe());  // the labels file was generated from these two
  EXPECT_EQ(codes.unknown_codes, 0u);
}

TEST(FeedReaderTest, CodesWithoutStructureLackTheLabelColumns) {
  auto out = Read(Spec("Population"), ReadTestFile("DF_POP_HIST.codes.excerpt.csv"));
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->kind, ParseError::Kind::kMissingColumn);
  EXPECT_EQ(out.error->column, "Reference area");
  EXPECT_EQ(out.error->line, 1u);
  for (const char* name : {"'Reference area'", "'Measure'", "'Sex'", "'Age'"}) {
    EXPECT_NE(out.error->message.find(name), std::string::npos) << out.error->message;
  }
  EXPECT_TRUE(out.rows.empty());
}

TEST(FeedReaderTest, UnknownCodeIsLabelledWithItselfAndCounted) {
  const std::string input =
      "REF_AREA,MEASURE,SEX,AGE,TIME_PERIOD,OBS_VALUE\n"
      "EST,POP,_T,Y80T84,2010,1\n"
      "XXX,POP,_T,Y99,2010,2\n"
      ",POP,_T,Y80T84,2010,3\n";
  auto out = ReadEveryWay(Spec("Population"), input, PopulationStructure());
  ASSERT_FALSE(out.error) << out.error->message;
  ASSERT_EQ(out.rows.size(), 3u);
  EXPECT_EQ(out.rows[0].cells[1], "Estonia");
  EXPECT_EQ(out.rows[1].cells[1], "XXX");
  EXPECT_EQ(out.rows[1].cells[6], "Y99");
  EXPECT_EQ(out.rows[2].cells[1], "");
  EXPECT_EQ(out.unknown_codes, 2u);
}

TEST(FeedReaderTest, PhysicalLabelColumnWinsOverTheStructure) {
  const std::string input =
      "REF_AREA,Reference area,MEASURE,SEX,AGE,TIME_PERIOD,OBS_VALUE\n"
      "EST,Eesti,POP,_T,Y80T84,2010,1\n";
  auto out = Read(Spec("Population"), input, 0, PopulationStructure());
  ASSERT_FALSE(out.error) << out.error->message;
  ASSERT_EQ(out.rows.size(), 1u);
  EXPECT_EQ(out.rows[0].cells,
            (Cells{"EST", "Eesti", "POP", "Population", "_T", "Total", "From 80 to 84 years", "2010", "1"}));
}

TEST(FeedReaderTest, GrowthLabelsBothFile) {
  auto out = ReadEveryWay(Spec("GrowthGDP"), ReadTestFile("DF_EO.USA.GDPV_USD.csv2-labels-both.csv"));
  ASSERT_FALSE(out.error) << out.error->message;
  ASSERT_EQ(out.rows.size(), 5u);
  EXPECT_EQ(out.rows[0].cells, (Cells{"USA", "United States", "GDPV_USD",
                                      "Gross domestic product, volume in USD, constant exchange rates",
                                      "2024", "25730791311746.5"}));
  EXPECT_EQ(out.rows[0].value, 25730791311746.5);
  EXPECT_EQ(out.rows[4].cells[4], "2023");
  EXPECT_EQ(out.rows[4].value, 25031611545935.0);
  EXPECT_EQ(out.rows[4].line, 6u);
}

TEST(FeedReaderTest, LabelsBothCellWithoutSeparatorIsAllCode) {
  const std::string input =
      "REF_AREA: Reference area,MEASURE: Measure,TIME_PERIOD: Time period,OBS_VALUE\r\n"
      "USA: United States,POP,2024,1\r\n"
      "\"EA17: Euro area: 17 countries\",POP: Population,2025,\r\n";
  auto out = ReadEveryWay(Spec("GrowthPopulation"), input);
  ASSERT_FALSE(out.error) << out.error->message;
  ASSERT_EQ(out.rows.size(), 2u);
  EXPECT_EQ(out.rows[0].cells, (Cells{"USA", "United States", "POP", "", "2024", "1"}));
  EXPECT_EQ(out.rows[1].cells, (Cells{"EA17", "Euro area: 17 countries", "POP", "Population", "2025", ""}));
  EXPECT_FALSE(out.rows[1].value);
}

TEST(FeedReaderTest, HealthLifeExpectancyFile) {
  auto out = ReadEveryWay(Spec("Health"), ReadTestFile("DF_LE.LFEXP.labels.excerpt.csv"));
  ASSERT_FALSE(out.error) << out.error->message;
  ASSERT_EQ(out.rows.size(), 25u);
  EXPECT_EQ(out.rows[0].cells, (Cells{"FRA", "France", "LFEXPDFM", "Life expectancy difference (female-male)",
                                      "_T", "Total", "Not applicable", "Years", "2017", "6.1"}));
  EXPECT_EQ(out.rows[0].value, 6.1);
  EXPECT_EQ(out.rows[20].cells, (Cells{"POL", "Poland", "LFEXP", "Life expectancy", "_T", "Total",
                                       "Not applicable", "Years", "2015", "77.5"}));
  EXPECT_EQ(out.rows[20].value, 77.5);
}

TEST(FeedReaderTest, EconomyGovFileWithEmptyValueAsNull) {
  auto out = ReadEveryWay(Spec("EconomyGov"), ReadTestFile("DF_GOV_PF_YU.labels.excerpt.csv"));
  ASSERT_FALSE(out.error) << out.error->message;
  ASSERT_EQ(out.rows.size(), 23u);
  EXPECT_EQ(out.rows[0].cells, (Cells{"IRL", "Ireland", "GGD", "Government gross debt", "2010", "83.356"}));
  EXPECT_EQ(out.rows[0].value, 83.356);
  EXPECT_EQ(out.rows[20].cells, (Cells{"KOR", "Korea", "GGD", "Government gross debt", "2023", ""}));
  EXPECT_FALSE(out.rows[20].value);  // D-37: null, not 0
  EXPECT_EQ(out.rows[21].cells[1], "T\xC3\xBCrkiye");
  EXPECT_EQ(out.rows[21].value, 31.046);
}

TEST(FeedReaderTest, ColumnsAreFoundByNameInAnyOrder) {
  const std::string input =
      "OBS_VALUE,Measure,TIME_PERIOD,extra,Reference area,MEASURE,REF_AREA\n"
      "1.5,Government gross debt,2020,x,Ireland,GGD,IRL\n";
  auto out = ReadEveryWay(Spec("EconomyGov"), input);
  ASSERT_FALSE(out.error) << out.error->message;
  ASSERT_EQ(out.rows.size(), 1u);
  EXPECT_EQ(out.rows[0].cells, (Cells{"IRL", "Ireland", "GGD", "Government gross debt", "2020", "1.5"}));
}

TEST(FeedReaderTest, MissingColumnIsNamedNeverShifted) {
  const std::string input =
      "REF_AREA,Reference area,MEASURE,TIME_PERIOD,OBS_VALUE\n"
      "IRL,Ireland,GGD,2020,1.5\n";
  auto out = ReadEveryWay(Spec("EconomyGov"), input);
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->kind, ParseError::Kind::kMissingColumn);
  EXPECT_EQ(out.error->column, "Measure");
  EXPECT_EQ(out.error->line, 1u);
  EXPECT_NE(out.error->message.find("'Measure'"), std::string::npos) << out.error->message;
  EXPECT_TRUE(out.rows.empty());
}

TEST(FeedReaderTest, EmptyAndNaNValuesAreNull) {
  const std::string input =
      "REF_AREA,Reference area,MEASURE,Measure,TIME_PERIOD,OBS_VALUE\n"
      "A,a,M,m,2020,\n"
      "A,a,M,m,2021,NaN\n"
      "A,a,M,m,2022,-1.25e3\n"
      "A,a,M,m,2023,0\n";
  auto out = ReadEveryWay(Spec("GrowthGDP"), input);
  ASSERT_FALSE(out.error) << out.error->message;
  ASSERT_EQ(out.rows.size(), 4u);
  EXPECT_FALSE(out.rows[0].value);
  EXPECT_EQ(out.rows[0].cells[5], "");
  EXPECT_FALSE(out.rows[1].value);
  EXPECT_EQ(out.rows[2].value, -1250.0);
  EXPECT_EQ(out.rows[3].value, 0.0);
}

TEST(FeedReaderTest, NonNumericValueIsAnErrorWithItsLine) {
  for (std::string_view bad : {"12a", "\"1,234\"", "inf", "nan", " 12", "0x10", "--1", "1e999"}) {
    const std::string input =
        "REF_AREA,Reference area,MEASURE,Measure,TIME_PERIOD,OBS_VALUE\n"
        "A,a,M,m,2020,1\n"
        "A,a,M,m,2021," +
        std::string(bad) + "\nA,a,M,m,2022,3\n";
    auto out = ReadEveryWay(Spec("GrowthGDP"), input);
    ASSERT_TRUE(out.error) << bad;
    EXPECT_EQ(out.error->kind, ParseError::Kind::kBadValue) << bad;
    EXPECT_EQ(out.error->line, 3u) << bad;
    EXPECT_EQ(out.error->column, "OBS_VALUE");
    ASSERT_EQ(out.rows.size(), 1u) << bad;  // the rows before it were delivered, none after
  }
}

TEST(FeedReaderTest, EmptyTimePeriodIsAnError) {
  const std::string input =
      "REF_AREA,Reference area,MEASURE,Measure,TIME_PERIOD,OBS_VALUE\n"
      "A,a,M,m,2020,1\n"
      "A,a,M,m,,2\n";
  auto out = ReadEveryWay(Spec("GrowthGDP"), input);
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->kind, ParseError::Kind::kMissingPeriod);
  EXPECT_EQ(out.error->line, 3u);
  EXPECT_EQ(out.error->column, "TIME_PERIOD");
}

TEST(FeedReaderTest, FirstErrorInTheInputWinsWhateverTheChunking) {
  // A bad value on line 3 and a stray quote on line 5: the reported error is always line 3.
  const std::string input =
      "REF_AREA,Reference area,MEASURE,Measure,TIME_PERIOD,OBS_VALUE\n"
      "A,a,M,m,2020,1\n"
      "A,a,M,m,2021,oops\n"
      "A,a,M,m,2022,3\n"
      "A,a\"b,M,m,2023,4\n";
  const Outcome whole = Read(Spec("GrowthGDP"), input);
  ASSERT_TRUE(whole.error);
  EXPECT_EQ(whole.error->line, 3u);
  for (std::size_t split = 0; split <= input.size(); ++split) {
    FeedReader reader(Spec("GrowthGDP"));
    std::optional<ParseError> error;
    if (auto ok = reader.Feed(std::string_view(input).substr(0, split)); !ok) error = ok.error();
    if (!error) {
      if (auto ok = reader.Feed(std::string_view(input).substr(split)); !ok) error = ok.error();
    }
    if (!error) {
      if (auto ok = reader.Finish(); !ok) error = ok.error();
    }
    ASSERT_TRUE(error) << split;
    EXPECT_EQ(error->message, whole.error->message) << split;
  }
}

TEST(FeedReaderTest, TruncatedInsideAQuoteIsAnError) {
  const std::string file = ReadTestFile("DF_EO.USA.GDPV_USD.csv2-labels-both.csv");
  const auto cut = file.find("\"GDPV_USD: Gross") + 10;  // inside the quoted cell of line 2
  auto out = ReadEveryWay(Spec("GrowthGDP"), std::string_view(file).substr(0, cut));
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->kind, ParseError::Kind::kUnterminatedQuote);
  EXPECT_EQ(out.error->line, 2u);
}

TEST(FeedReaderTest, WrongFieldCountIsAnError) {
  std::string file = ReadTestFile("DF_POP_HIST.labels.excerpt.csv");
  // Drop the last field (",Zero") of line 4.
  std::size_t at = 0;
  for (int line = 1; line < 4; ++line) at = file.find('\n', at) + 1;
  const auto end = file.find('\n', at);
  file.erase(file.rfind(',', end), end - file.rfind(',', end));
  auto out = ReadEveryWay(Spec("Population"), file);
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->kind, ParseError::Kind::kFieldCount);
  EXPECT_EQ(out.error->line, 4u);
  EXPECT_EQ(out.rows.size(), 2u);
}

TEST(FeedReaderTest, HtmlErrorPageIsRejected) {
  const std::string plain =
      "<!DOCTYPE html>\n<html><head><title>429 Too Many Requests</title></head>\n"
      "<body><h1>Too Many Requests</h1><p>Retry later.</p></body></html>\n";
  auto out = ReadEveryWay(Spec("Population"), plain);
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->kind, ParseError::Kind::kMissingColumn);
  EXPECT_EQ(out.error->column, "REF_AREA");
  EXPECT_TRUE(out.rows.empty());

  const std::string with_attributes =
      "<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Error</title></head>\n"
      "<body><p>Service unavailable, please retry.</p></body></html>\n";
  out = ReadEveryWay(Spec("Population"), with_attributes);
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->kind, ParseError::Kind::kStrayQuote);
  EXPECT_EQ(out.error->line, 1u);
  EXPECT_TRUE(out.rows.empty());
}

TEST(FeedReaderTest, BinaryGarbageIsRejected) {
  std::mt19937 rng(42);
  for (int round = 0; round < 100; ++round) {
    std::string input(static_cast<std::size_t>(std::uniform_int_distribution<int>(1, 2000)(rng)), '\0');
    for (char& c : input) c = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng));
    auto out = ReadEveryWay(Spec("Population"), input);
    EXPECT_TRUE(out.error) << "round " << round;
    EXPECT_TRUE(out.rows.empty());
  }
}

TEST(FeedReaderTest, EmptyBodyIsAnError) {
  for (std::string_view input : {"", "\n\n", "\xEF\xBB\xBF"}) {
    auto out = ReadEveryWay(Spec("Population"), input);
    ASSERT_TRUE(out.error);
    EXPECT_EQ(out.error->kind, ParseError::Kind::kNoHeader);
  }
}

TEST(FeedReaderTest, HeaderWithoutRowsIsNotAnError) {
  FeedReader reader(Spec("EconomyGov"));
  ASSERT_TRUE(reader.Feed("REF_AREA,Reference area,MEASURE,Measure,TIME_PERIOD,OBS_VALUE\r\n"));
  ASSERT_TRUE(reader.Finish());
  EXPECT_EQ(reader.rows(), 0u);
  EXPECT_EQ(reader.header().size(), 6u);
  FeedRow row;
  EXPECT_FALSE(reader.Next(row));
}

TEST(FeedReaderTest, ErrorIsStickyAndFeedAfterFinishThrows) {
  FeedReader reader(Spec("EconomyGov"));
  ASSERT_FALSE(reader.Feed("REF_AREA\nx\n"));
  auto again = reader.Finish();
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, ParseError::Kind::kMissingColumn);

  FeedReader done(Spec("EconomyGov"));
  ASSERT_FALSE(done.Finish());
  EXPECT_THROW((void)done.Feed("x"), std::logic_error);
}

}  // namespace
}  // namespace nationpulse::sdmx
