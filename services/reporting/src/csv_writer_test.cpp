#include "csv_writer.hpp"

#include <gtest/gtest.h>

#include "nationpulse/db/text_format.hpp"
#include "nationpulse/report/tables.hpp"

namespace nationpulse::reporting {
namespace {

using report::CellKind;
using report::FindReportTable;
using report::ReportTable;

std::string OneTextCell(std::string_view text) {
  std::string out;
  CsvWriter w(out);
  w.AppendText(text);
  w.EndRow();
  return out;
}

TEST(CsvWriter, Quoting) {
  EXPECT_EQ(OneTextCell("plain"), "plain\n");
  EXPECT_EQ(OneTextCell("a,b"), "\"a,b\"\n");
  EXPECT_EQ(OneTextCell("say \"hi\""), "\"say \"\"hi\"\"\"\n");
  EXPECT_EQ(OneTextCell("a\rb"), "\"a\rb\"\n");
  EXPECT_EQ(OneTextCell("a\nb"), "\"a\nb\"\n");
  EXPECT_EQ(OneTextCell(" lead"), "\" lead\"\n");
  EXPECT_EQ(OneTextCell("\tlead"), "\"\tlead\"\n");
  EXPECT_EQ(OneTextCell("trail "), "trail \n");
  EXPECT_EQ(OneTextCell("Türkiye"), "Türkiye\n");
  EXPECT_EQ(OneTextCell(""), "\n");
}

TEST(CsvWriter, DelimitersAndNull) {
  std::string out;
  CsvWriter w(out);
  w.AppendInt(17);
  w.AppendNull();
  w.AppendText("x");
  w.AppendNull();
  w.EndRow();
  w.AppendInt(-3);
  w.EndRow();
  EXPECT_EQ(out, "17,,x,\n-3\n");
  EXPECT_EQ(w.rows(), 2u);
}

TEST(FormatDouble, PlainDecimal) {
  EXPECT_EQ(FormatDouble(345950000), "345950000");
  EXPECT_EQ(FormatDouble(79.1), "79.1");
  EXPECT_EQ(FormatDouble(1e-7), "0.0000001");
  EXPECT_EQ(FormatDouble(25730791311746.5), "25730791311746.5");
  EXPECT_EQ(FormatDouble(-79.1), "-79.1");
  EXPECT_EQ(FormatDouble(-0.5), "-0.5");
  EXPECT_EQ(FormatDouble(0), "0");
  EXPECT_EQ(FormatDouble(-0.0), "0");
  EXPECT_EQ(FormatDouble(0.1 + 0.2), "0.3");
  EXPECT_EQ(FormatDouble(1e21), "1000000000000000000000");
  EXPECT_EQ(FormatDouble(34950), "34950");
  EXPECT_EQ(FormatDouble(1), "1");
  EXPECT_EQ(FormatDouble(123.456), "123.456");
  EXPECT_EQ(FormatDouble(1.0 / 3.0), "0.333333333333333");
  EXPECT_EQ(FormatDouble(9.9999999999999999), "10");
}

TEST(CsvWriter, AppendDoubleNeverUsesExponent) {
  std::string out;
  CsvWriter w(out);
  w.AppendDouble(3.4595e+08);
  w.AppendDouble(1.5e-10);
  w.EndRow();
  EXPECT_EQ(out, "345950000,0.00000000015\n");
}

TEST(PgTimestamp, ToRfc3339) {
  EXPECT_EQ(db::TimestampToRfc3339("2025-11-02 09:14:03.51872+00"), "2025-11-02T09:14:03.51872Z");
  EXPECT_EQ(db::TimestampToRfc3339("2025-11-02 09:14:03+00:00"), "2025-11-02T09:14:03Z");
  EXPECT_EQ(db::TimestampToRfc3339("2025-11-02 09:14:03.51872"), "2025-11-02T09:14:03.51872Z");
  EXPECT_EQ(db::TimestampToRfc3339("2025-11-02 11:14:03+02"), "2025-11-02T11:14:03+02:00");
  EXPECT_EQ(db::TimestampToRfc3339("2025-11-02 04:44:03-04:30"), "2025-11-02T04:44:03-04:30");
}

TEST(CsvWriter, AppendTimestamp) {
  std::string out;
  CsvWriter w(out);
  w.AppendTimestamp("2025-11-02 09:14:03.51872+00");
  w.EndRow();
  EXPECT_EQ(out, "2025-11-02T09:14:03.51872Z\n");
}

TEST(CsvWriter, HeaderOnlyForZeroRows) {
  std::string out;
  CsvWriter w(out);
  w.WriteRow(FindReportTable("growth:gdp")->headers);
  EXPECT_EQ(out, "id,country_code,country_name,indicator_code,indicator,year,value,last_updated\n");
}

TEST(CsvWriter, StreamingFlushMidRow) {
  std::string buf;
  std::string flushed;
  CsvWriter w(buf);
  w.AppendText("a");
  flushed += buf;
  buf.clear();
  w.AppendText("b");
  w.EndRow();
  flushed += buf;
  EXPECT_EQ(flushed, "a,b\n");
}

TEST(CsvWriter, FullPopulationReport) {
  const ReportTable* table = FindReportTable("population");
  ASSERT_NE(table, nullptr);
  std::string out;
  CsvWriter w(out);
  w.WriteRow(table->headers);
  w.AppendInt(17);
  for (const char* s : {"EST", "Estonia", "POP", "Population", "_T", "Total", "From 80 to 84 years"}) {
    w.AppendText(s);
  }
  w.AppendInt(2010);
  w.AppendDouble(34950);
  w.AppendTimestamp("2025-11-02 09:14:03.51872+00");
  w.EndRow();
  w.AppendInt(18);
  for (const char* s : {"TUR", "Türkiye", "POP", "Population, total", "F", "Female", " 85 years or over"}) {
    w.AppendText(s);
  }
  w.AppendInt(2024);
  w.AppendNull();
  w.AppendTimestamp("2025-11-02 09:14:03+00");
  w.EndRow();
  EXPECT_EQ(
      out,
      "id,country_code,country_name,indicator_code,indicator,sex_code,sex_name,age,year,value,last_updated\n"
      "17,EST,Estonia,POP,Population,_T,Total,From 80 to 84 years,2010,34950,2025-11-02T09:14:03.51872Z\n"
      "18,TUR,Türkiye,POP,\"Population, total\",F,Female,\" 85 years or over\",2024,,"
      "2025-11-02T09:14:03Z\n");
  EXPECT_EQ(w.rows(), 3u);
}

TEST(CsvWriter, FullEconomyReportWithLargeValues) {
  const ReportTable* table = FindReportTable("economy:gdp");
  ASSERT_NE(table, nullptr);
  std::string out;
  CsvWriter w(out);
  w.WriteRow(table->headers);
  w.AppendInt(1);
  for (const char* s : {"USA", "United States", "B1GQ", "Gross domestic product", "2024-Q1"}) w.AppendText(s);
  w.AppendDouble(25730791311746.5);
  w.AppendTimestamp("2025-11-02 09:14:03.51872+00");
  w.EndRow();
  EXPECT_EQ(out,
            "id,country_code,country_name,indicator_code,indicator,year,value,last_updated\n"
            "1,USA,United States,B1GQ,Gross domestic product,2024-Q1,25730791311746.5,"
            "2025-11-02T09:14:03.51872Z\n");
}

}  // namespace
}  // namespace nationpulse::reporting
