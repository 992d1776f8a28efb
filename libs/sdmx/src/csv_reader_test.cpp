#include "nationpulse/sdmx/csv_reader.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace nationpulse::sdmx {
namespace {

using namespace std::string_literals;

// Everything a reader produced for one input, printable so gtest shows a readable difference.
struct Outcome {
  std::vector<CsvRecord> records;
  std::optional<ParseError> error;

  [[nodiscard]] std::string Describe() const {
    std::string out;
    for (const CsvRecord& r : records) {
      out += std::to_string(r.line) + ":";
      for (const std::string& f : r.fields) out += "[" + f + "]";
      out += "\n";
    }
    if (error) out += "error " + std::string(KindName(error->kind)) + " " + error->message + "\n";
    return out;
  }
};

Outcome Parse(const std::vector<std::string_view>& chunks, CsvOptions options = {}) {
  CsvReader reader(options);
  Outcome outcome;
  auto drain = [&] {
    for (CsvRecord record; reader.Next(record);) outcome.records.push_back(std::move(record));
  };
  for (std::string_view chunk : chunks) {
    auto ok = reader.Feed(chunk);
    drain();
    if (!ok) {
      outcome.error = ok.error();
      return outcome;
    }
  }
  auto ok = reader.Finish();
  drain();
  if (!ok) outcome.error = ok.error();
  return outcome;
}

Outcome ParseWhole(std::string_view input, CsvOptions options = {}) { return Parse({input}, options); }

// Parses `input` whole, one byte at a time and in every two-chunk split, and checks that all of
// them give the same records and error; returns the whole-input outcome.
Outcome ParseEveryChunking(std::string_view input, CsvOptions options = {}) {
  const Outcome whole = ParseWhole(input, options);
  std::vector<std::string_view> bytes;
  for (std::size_t i = 0; i < input.size(); ++i) bytes.push_back(input.substr(i, 1));
  EXPECT_EQ(Parse(bytes, options).Describe(), whole.Describe()) << "one byte at a time";
  for (std::size_t split = 0; split <= input.size(); ++split) {
    EXPECT_EQ(Parse({input.substr(0, split), input.substr(split)}, options).Describe(), whole.Describe())
        << "split at " << split;
  }
  return whole;
}

std::vector<std::vector<std::string>> Fields(const Outcome& outcome) {
  std::vector<std::vector<std::string>> out;
  for (const CsvRecord& r : outcome.records) out.push_back(r.fields);
  return out;
}

std::vector<std::size_t> Lines(const Outcome& outcome) {
  std::vector<std::size_t> out;
  for (const CsvRecord& r : outcome.records) out.push_back(r.line);
  return out;
}

using Rows = std::vector<std::vector<std::string>>;

TEST(CsvReaderTest, SplitsLfRecords) {
  auto out = ParseEveryChunking("a,b\n1,2\n");
  EXPECT_FALSE(out.error);
  EXPECT_EQ(Fields(out), (Rows{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(Lines(out), (std::vector<std::size_t>{1, 2}));
}

TEST(CsvReaderTest, AcceptsCrLf) {
  auto out = ParseEveryChunking("a,b\r\n1,2\r\n");
  EXPECT_FALSE(out.error);
  EXPECT_EQ(Fields(out), (Rows{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(Lines(out), (std::vector<std::size_t>{1, 2}));
}

TEST(CsvReaderTest, AcceptsLoneCrAsLineEnd) {
  auto out = ParseEveryChunking("a,b\r1,2\r");
  EXPECT_FALSE(out.error);
  EXPECT_EQ(Fields(out), (Rows{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(Lines(out), (std::vector<std::size_t>{1, 2}));
}

TEST(CsvReaderTest, KeepsFinalRecordWithoutLineEnd) {
  auto out = ParseEveryChunking("a,b\n1,2");
  EXPECT_FALSE(out.error);
  EXPECT_EQ(Fields(out), (Rows{{"a", "b"}, {"1", "2"}}));
}

TEST(CsvReaderTest, FinalEmptyFieldWithoutLineEnd) {
  auto out = ParseEveryChunking("a,b\n1,");
  EXPECT_FALSE(out.error);
  EXPECT_EQ(Fields(out), (Rows{{"a", "b"}, {"1", ""}}));
}

TEST(CsvReaderTest, IgnoresEmptyTrailingLines) {
  for (std::string_view input : {"a,b\n1,2\n\n", "a,b\r\n1,2\r\n\r\n", "a,b\n1,2\n\n\n"}) {
    auto out = ParseEveryChunking(input);
    EXPECT_FALSE(out.error) << input;
    EXPECT_EQ(Fields(out), (Rows{{"a", "b"}, {"1", "2"}})) << input;
  }
}

TEST(CsvReaderTest, SkipsEmptyLinesAndCountsThem) {
  auto out = ParseEveryChunking("\n\r\na,b\n\n1,2\n");
  EXPECT_FALSE(out.error);
  EXPECT_EQ(Fields(out), (Rows{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(Lines(out), (std::vector<std::size_t>{3, 5}));
}

TEST(CsvReaderTest, EmptyInputGivesNoRecord) {
  for (std::string_view input : {"", "\n", "\r\n\r\n", "\xEF\xBB\xBF"}) {
    auto out = ParseEveryChunking(input);
    EXPECT_FALSE(out.error);
    EXPECT_TRUE(out.records.empty());
  }
}

TEST(CsvReaderTest, KeepsEmptyFields) {
  auto out = ParseEveryChunking("a,,c\n,,\n\"\",x,\"\"\n");
  EXPECT_FALSE(out.error);
  EXPECT_EQ(Fields(out), (Rows{{"a", "", "c"}, {"", "", ""}, {"", "x", ""}}));
}

TEST(CsvReaderTest, QuotedCommas) {
  auto out = ParseEveryChunking("code,label\nGDPV_USD,\"Gross domestic product, volume in USD\"\n");
  EXPECT_FALSE(out.error);
  EXPECT_EQ(Fields(out), (Rows{{"code", "label"}, {"GDPV_USD", "Gross domestic product, volume in USD"}}));
}

TEST(CsvReaderTest, QuotedLineBreaksStayInTheFieldAndCountAsLines) {
  auto out = ParseEveryChunking("a,b\n\"one\ntwo\",2\n\"x\r\ny\",3\r\nlast,4\n");
  EXPECT_FALSE(out.error);
  EXPECT_EQ(Fields(out), (Rows{{"a", "b"}, {"one\ntwo", "2"}, {"x\r\ny", "3"}, {"last", "4"}}));
  EXPECT_EQ(Lines(out), (std::vector<std::size_t>{1, 2, 4, 6}));
}

TEST(CsvReaderTest, DoubledQuotesAreEscapes) {
  auto out = ParseEveryChunking("a,b\n\"say \"\"hi\"\"\",\"\"\"\"\n\"\"\"x\",\"y\"\"\"\n");
  EXPECT_FALSE(out.error);
  EXPECT_EQ(Fields(out), (Rows{{"a", "b"}, {"say \"hi\"", "\""}, {"\"x", "y\""}}));
}

TEST(CsvReaderTest, PassesUtf8Through) {
  const std::string input = "area,label\nTUR,T\xC3\xBCrkiye\nCIV,\"C\xC3\xB4te d\xE2\x80\x99Ivoire\"\n";
  auto out = ParseEveryChunking(input);
  EXPECT_FALSE(out.error);
  EXPECT_EQ(Fields(out),
            (Rows{{"area", "label"}, {"TUR", "T\xC3\xBCrkiye"}, {"CIV", "C\xC3\xB4te d\xE2\x80\x99Ivoire"}}));
}

TEST(CsvReaderTest, SkipsLeadingBom) {
  auto out = ParseEveryChunking("\xEF\xBB\xBFREF_AREA,OBS_VALUE\r\nEST,1\r\n");
  EXPECT_FALSE(out.error);
  EXPECT_EQ(Fields(out), (Rows{{"REF_AREA", "OBS_VALUE"}, {"EST", "1"}}));
  EXPECT_EQ(Lines(out), (std::vector<std::size_t>{1, 2}));
}

TEST(CsvReaderTest, BomOnlySkippedAtTheStart) {
  auto out = ParseEveryChunking(
      "a\n\xEF\xBB\xBF"
      "b\n");
  EXPECT_FALSE(out.error);
  EXPECT_EQ(Fields(out), (Rows{{"a"},
                               {"\xEF\xBB\xBF"
                                "b"}}));
}

TEST(CsvReaderTest, PartialBomIsOrdinaryContent) {
  auto out = ParseEveryChunking("\xEF\xBBx,y\n");
  EXPECT_FALSE(out.error);
  EXPECT_EQ(Fields(out), (Rows{{"\xEF\xBBx", "y"}}));
  out = ParseEveryChunking("\xEF\xBB");
  EXPECT_FALSE(out.error);
  EXPECT_EQ(Fields(out), (Rows{{"\xEF\xBB"}}));
}

TEST(CsvReaderTest, UnterminatedQuoteAtEndIsAnErrorWithTheRecordLine) {
  auto out = ParseEveryChunking("a,b\n1,2\n3,\"open\nstill open\n");
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->kind, ParseError::Kind::kUnterminatedQuote);
  EXPECT_EQ(out.error->line, 3u);
  EXPECT_NE(out.error->message.find("line 3"), std::string::npos) << out.error->message;
  EXPECT_EQ(Fields(out), (Rows{{"a", "b"}, {"1", "2"}}));  // complete records before it still delivered
}

TEST(CsvReaderTest, ClosingQuoteAtEndOfInputIsFine) {
  auto out = ParseEveryChunking("a,b\n1,\"x\"");
  EXPECT_FALSE(out.error);
  EXPECT_EQ(Fields(out), (Rows{{"a", "b"}, {"1", "x"}}));
}

TEST(CsvReaderTest, FieldCountDifferentFromHeaderIsAnError) {
  for (std::string_view input : {"a,b\n1,2\n3\n4,5\n", "a,b\n1,2\n3,4,5\n"}) {
    auto out = ParseEveryChunking(input);
    ASSERT_TRUE(out.error) << input;
    EXPECT_EQ(out.error->kind, ParseError::Kind::kFieldCount);
    EXPECT_EQ(out.error->line, 3u);
    EXPECT_EQ(Fields(out), (Rows{{"a", "b"}, {"1", "2"}}));
  }
}

TEST(CsvReaderTest, FieldCountErrorLineCountsQuotedLineBreaks) {
  auto out = ParseEveryChunking("a,b\n\"x\ny\",2\n3\n");
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->kind, ParseError::Kind::kFieldCount);
  EXPECT_EQ(out.error->line, 4u);
}

TEST(CsvReaderTest, StrayQuoteInUnquotedFieldIsAnError) {
  auto out = ParseEveryChunking("a,b\n1,2\n3,x\"y\n");
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->kind, ParseError::Kind::kStrayQuote);
  EXPECT_EQ(out.error->line, 3u);
}

TEST(CsvReaderTest, TextAfterClosingQuoteIsAnError) {
  auto out = ParseEveryChunking("a,b\n\"x\"y,2\n");
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->kind, ParseError::Kind::kStrayQuote);
  EXPECT_EQ(out.error->line, 2u);
}

TEST(CsvReaderTest, NulByteIsBinaryInput) {
  auto out = ParseEveryChunking("a,b\n1,\0\n"s);
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->kind, ParseError::Kind::kBinary);
  EXPECT_EQ(out.error->line, 2u);
  out = ParseEveryChunking("a,\"b\0\"\n"s);
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->kind, ParseError::Kind::kBinary);
}

TEST(CsvReaderTest, RecordSizeIsCapped) {
  CsvOptions small;
  small.max_record_bytes = 16;
  auto out = ParseEveryChunking("a,b\nshort,1\n0123456789,0123456789\n", small);
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->kind, ParseError::Kind::kRecordTooLarge);
  EXPECT_EQ(out.error->line, 3u);
  EXPECT_EQ(Fields(out), (Rows{{"a", "b"}, {"short", "1"}}));

  out = ParseEveryChunking("\"never closed and longer than sixteen bytes", small);
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->kind, ParseError::Kind::kRecordTooLarge);
}

TEST(CsvReaderTest, DefaultCapStopsAnEndlessQuotedField) {
  const std::string chunk(64 * 1024, 'x');
  CsvReader reader;
  ASSERT_TRUE(reader.Feed("a,\""));
  std::optional<ParseError> error;
  for (int i = 0; i < 32 && !error; ++i) {  // 2 MiB offered, the cap is 1 MiB
    if (auto ok = reader.Feed(chunk); !ok) error = ok.error();
  }
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, ParseError::Kind::kRecordTooLarge);
  EXPECT_EQ(error->line, 1u);
}

TEST(CsvReaderTest, FieldCountIsCapped) {
  CsvOptions small;
  small.max_fields = 3;
  auto out = ParseEveryChunking("a,b,c\n1,2,3,4,5\n", small);
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->kind, ParseError::Kind::kRecordTooLarge);
  EXPECT_EQ(out.error->line, 2u);
}

TEST(CsvReaderTest, ErrorIsSticky) {
  CsvReader reader;
  auto first = reader.Feed("a,b\n1,x\"\n");
  ASSERT_FALSE(first);
  auto again = reader.Feed("2,3\n");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message, first.error().message);
  auto finish = reader.Finish();
  ASSERT_FALSE(finish);
  EXPECT_EQ(finish.error().kind, ParseError::Kind::kStrayQuote);
}

TEST(CsvReaderTest, FeedAfterFinishIsAProgrammingError) {
  CsvReader reader;
  ASSERT_TRUE(reader.Feed("a\n"));
  ASSERT_TRUE(reader.Finish());
  EXPECT_TRUE(reader.Finish());  // idempotent
  EXPECT_THROW((void)reader.Feed("b\n"), std::logic_error);
}

TEST(CsvReaderTest, RecordsCanBeTakenAfterEachChunk) {
  CsvReader reader;
  ASSERT_TRUE(reader.Feed("a,b\n1,"));
  EXPECT_EQ(reader.pending(), 1u);
  CsvRecord record;
  ASSERT_TRUE(reader.Next(record));
  EXPECT_EQ(record.fields, (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(reader.Next(record));
  ASSERT_TRUE(reader.Feed("2\n"));
  ASSERT_TRUE(reader.Next(record));
  EXPECT_EQ(record.fields, (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(record.line, 2u);
}

// Random inputs over an alphabet of the bytes that matter: every chunking agrees, nothing crashes.
TEST(CsvReaderTest, RandomInputsAreChunkingInvariant) {
  const std::vector<std::string> alphabet = {"a", "b", ",", "\"", "\r", "\n", "\xC3\xBC", "\xEF\xBB\xBF"};
  std::mt19937 rng(20240601);
  for (int round = 0; round < 300; ++round) {
    std::string input;
    const auto length = std::uniform_int_distribution<int>(0, 24)(rng);
    for (int i = 0; i < length; ++i) {
      input += alphabet[std::uniform_int_distribution<std::size_t>(0, alphabet.size() - 1)(rng)];
    }
    const Outcome whole = ParseEveryChunking(input);
    // Random chunk sizes too.
    std::vector<std::string_view> chunks;
    std::string_view rest = input;
    while (!rest.empty()) {
      const auto n = std::uniform_int_distribution<std::size_t>(1, 5)(rng);
      chunks.push_back(rest.substr(0, n));
      rest.remove_prefix(std::min(n, rest.size()));
    }
    EXPECT_EQ(Parse(chunks).Describe(), whole.Describe()) << "input #" << round;
  }
}

TEST(CsvReaderTest, RandomBinaryNeverCrashes) {
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    std::string input(static_cast<std::size_t>(std::uniform_int_distribution<int>(1, 400)(rng)), '\0');
    for (char& c : input) c = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng));
    const Outcome whole = ParseWhole(input);
    std::vector<std::string_view> chunks;
    for (std::size_t i = 0; i < input.size(); i += 13)
      chunks.push_back(std::string_view(input).substr(i, 13));
    EXPECT_EQ(Parse(chunks).Describe(), whole.Describe());
    if (input.find('\0') != std::string::npos) {
      ASSERT_TRUE(whole.error);  // never silently accepted
    }
  }
}

}  // namespace
}  // namespace nationpulse::sdmx
