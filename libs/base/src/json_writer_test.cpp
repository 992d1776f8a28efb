#include "nationpulse/base/json_writer.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace nationpulse {
namespace {

TEST(FormatJsonDouble, IntegralFloatsHaveNoFraction) {
  EXPECT_EQ(FormatJsonDouble(34950.0), "34950");
  EXPECT_EQ(FormatJsonDouble(0.0), "0");
  EXPECT_EQ(FormatJsonDouble(-2.0), "-2");
  EXPECT_EQ(FormatJsonDouble(345000000.0), "345000000");
}

TEST(FormatJsonDouble, ShortestRoundTrip) {
  EXPECT_EQ(FormatJsonDouble(79.1), "79.1");
  EXPECT_EQ(FormatJsonDouble(1451057.5), "1451057.5");
  EXPECT_EQ(FormatJsonDouble(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(FormatJsonDouble(1e20), "100000000000000000000");
}

TEST(FormatJsonDouble, ExponentFormOutsideGoRange) {
  EXPECT_EQ(FormatJsonDouble(1e21), "1e+21");
  EXPECT_EQ(FormatJsonDouble(1e-7), "1e-7");
  EXPECT_EQ(FormatJsonDouble(1.5e-7), "1.5e-7");
  EXPECT_EQ(FormatJsonDouble(2.5e-10), "2.5e-10");
  EXPECT_EQ(FormatJsonDouble(1e-6), "0.000001");
  EXPECT_EQ(FormatJsonDouble(1.234e300), "1.234e+300");
}

TEST(FormatJsonDouble, NonFiniteBecomesNull) {
  EXPECT_EQ(FormatJsonDouble(std::numeric_limits<double>::quiet_NaN()), "null");
  EXPECT_EQ(FormatJsonDouble(std::numeric_limits<double>::infinity()), "null");
}

TEST(JsonWriter, WritesObjectsArraysAndSeparators) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  w.Key("isSuccess");
  w.Bool(true);
  w.Key("data");
  w.BeginArray();
  w.Int(11);
  w.Int(-3);
  w.BeginObject();
  w.Key("v");
  w.OptionalDouble(std::nullopt);
  w.EndObject();
  w.EndArray();
  w.Key("error");
  w.Null();
  w.Key("raw");
  w.Raw("[1,2]");
  w.EndObject();
  EXPECT_EQ(out, R"({"isSuccess":true,"data":[11,-3,{"v":null}],"error":null,"raw":[1,2]})");
}

TEST(JsonWriter, EscapesLikeGo) {
  std::string out;
  AppendJsonString(out, "a\"b\\c\n<x>&\x01 T\xc3\xbcrkiye");
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\u003cx\\u003e\\u0026\\u0001 T\xc3\xbcrkiye\"");
}

}  // namespace
}  // namespace nationpulse
