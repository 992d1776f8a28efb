#include "nationpulse/sdmx/structure.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

namespace nationpulse::sdmx {
namespace {

const std::string kTestData = NP_SDMX_TESTDATA_DIR;

std::string ReadTestFile(const std::string& name) {
  std::ifstream in(kTestData + "/" + name, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open test data " + name);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A minimal SDMX-ML 2.1 structure message around the given structures.
std::string Message(const std::string& structures) {
  return R"(<?xml version="1.0" encoding="utf-8"?>
<message:Structure xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
    xmlns:structure="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure"
    xmlns:common="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common">
  <message:Structures>
)" + structures +
         R"(
  </message:Structures>
</message:Structure>
)";
}

TEST(StructureTest, ReadsThePopulationStructure) {
  auto parsed = LoadStructureFile(kTestData + "/DF_POP_HIST.structure.excerpt.xml");
  ASSERT_TRUE(parsed) << parsed.error().message;
  const Structure& s = *parsed;

  ASSERT_EQ(s.components.size(), 11u);  // 6 dimensions, TIME_PERIOD, 3 attributes, OBS_VALUE
  EXPECT_EQ(s.components[0].id, "REF_AREA");
  EXPECT_EQ(s.components[6].id, "TIME_PERIOD");
  EXPECT_EQ(s.components[10].id, "OBS_VALUE");

  const auto* area = s.FindComponent("REF_AREA");
  ASSERT_NE(area, nullptr);
  EXPECT_EQ(area->concept_id, "REF_AREA");
  EXPECT_EQ(area->concept_name, "Reference area");
  EXPECT_EQ(area->codelist_id, "CL_AREA");

  const auto* age = s.FindComponent("AGE");
  ASSERT_NE(age, nullptr);
  EXPECT_EQ(age->concept_name, "Age");
  EXPECT_EQ(age->codelist_id, "CL_AGE");

  const auto* period = s.FindComponent("TIME_PERIOD");
  ASSERT_NE(period, nullptr);
  EXPECT_EQ(period->concept_name, "Time period");
  EXPECT_EQ(period->codelist_id, "");
  EXPECT_EQ(s.FindComponent("OBS_VALUE")->concept_name, "Observation value");
  EXPECT_EQ(s.FindComponent("OBS_STATUS")->codelist_id, "CL_OBS_STATUS");
  EXPECT_EQ(s.FindComponent("NOPE"), nullptr);

  ASSERT_NE(s.CodeName("REF_AREA", "EST"), nullptr);
  EXPECT_EQ(*s.CodeName("REF_AREA", "EST"), "Estonia");  // not Estonie, nor the he/ar names
  EXPECT_EQ(*s.CodeName("REF_AREA", "TUR"), "T\xC3\xBCrkiye");
  EXPECT_EQ(*s.CodeName("AGE", "Y80T84"), "From 80 to 84 years");
  EXPECT_EQ(*s.CodeName("SEX", "_T"), "Total");
  EXPECT_EQ(*s.CodeName("MEASURE", "POP"), "Population");
  EXPECT_EQ(*s.CodeName("OBS_STATUS", "A"), "Normal value");
  EXPECT_EQ(s.CodeName("REF_AREA", "XXX"), nullptr);
  EXPECT_EQ(s.CodeName("TIME_PERIOD", "2010"), nullptr);
  EXPECT_EQ(s.CodeName("NOPE", "EST"), nullptr);

  ASSERT_EQ(s.codelists.count("CL_AREA"), 1u);
  EXPECT_EQ(s.codelists.at("CL_AREA").size(), 3u);  // the excerpt keeps CAN, EST, TUR
}

TEST(StructureTest, CodelistFallsBackToTheConceptAndConceptsMayComeLater) {
  auto parsed = ParseStructure(Message(R"(
    <structure:Codelists>
      <structure:Codelist id="CL_X" agencyID="A" version="1.0">
        <common:Name xml:lang="en">Codelist X</common:Name>
        <structure:Code id="a"><common:Name xml:lang="fr">Le a</common:Name><common:Name>Plain a</common:Name></structure:Code>
        <structure:Code id="b"><common:Name xml:lang="de">B</common:Name></structure:Code>
        <structure:Code id="c"><common:Name xml:lang="fr">C fr</common:Name><common:Name xml:lang="en-GB">C en</common:Name></structure:Code>
      </structure:Codelist>
    </structure:Codelists>
    <structure:DataStructures>
      <structure:DataStructure id="DSD" agencyID="A" version="1.0">
        <structure:DataStructureComponents>
          <structure:DimensionList id="DimensionDescriptor">
            <structure:Dimension id="X" position="1">
              <structure:ConceptIdentity><Ref id="X_CONCEPT" maintainableParentID="CS" class="Concept" /></structure:ConceptIdentity>
            </structure:Dimension>
          </structure:DimensionList>
          <structure:AttributeList id="AttributeDescriptor">
            <structure:Attribute id="ATT" assignmentStatus="Conditional">
              <structure:AttributeRelationship><structure:Dimension><Ref id="X" /></structure:Dimension></structure:AttributeRelationship>
            </structure:Attribute>
          </structure:AttributeList>
        </structure:DataStructureComponents>
      </structure:DataStructure>
    </structure:DataStructures>
    <structure:Concepts>
      <structure:ConceptScheme id="OTHER" agencyID="A" version="1.0">
        <structure:Concept id="X_CONCEPT"><common:Name xml:lang="en">Wrong scheme</common:Name></structure:Concept>
      </structure:ConceptScheme>
      <structure:ConceptScheme id="CS" agencyID="A" version="1.0">
        <structure:Concept id="X_CONCEPT">
          <common:Name xml:lang="fr">Ixe</common:Name>
          <common:Name xml:lang="en">Ex</common:Name>
          <structure:CoreRepresentation><structure:Enumeration><Ref id="CL_X" class="Codelist" /></structure:Enumeration></structure:CoreRepresentation>
        </structure:Concept>
      </structure:ConceptScheme>
    </structure:Concepts>)"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_EQ(parsed->components.size(), 2u);  // the Dimension inside AttributeRelationship is no component
  const auto* x = parsed->FindComponent("X");
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->concept_name, "Ex");
  EXPECT_EQ(x->codelist_id, "CL_X");
  EXPECT_EQ(*parsed->CodeName("X", "a"), "Plain a");  // no English name: the one without language
  EXPECT_EQ(*parsed->CodeName("X", "b"), "B");        // else the first one
  EXPECT_EQ(*parsed->CodeName("X", "c"), "C en");
  const auto* att = parsed->FindComponent("ATT");
  ASSERT_NE(att, nullptr);
  EXPECT_EQ(att->concept_id, "ATT");
  EXPECT_EQ(att->concept_name, "");
}

TEST(StructureTest, MalformedXmlIsAnErrorWithItsLine) {
  auto parsed = ParseStructure("<?xml version=\"1.0\"?>\n<a>\n<b></a>\n");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().kind, ParseError::Kind::kBadStructure);
  EXPECT_EQ(parsed.error().line, 3u);
  EXPECT_NE(parsed.error().message.find("line 3"), std::string::npos) << parsed.error().message;
}

TEST(StructureTest, TruncatedFileIsAnError) {
  const std::string full = ReadTestFile("DF_POP_HIST.structure.excerpt.xml");
  auto parsed = ParseStructure(std::string_view(full).substr(0, full.size() / 2));
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().kind, ParseError::Kind::kBadStructure);
}

TEST(StructureTest, DoctypeIsRefused) {
  auto parsed = ParseStructure(R"(<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<lolz>&lol2;</lolz>)");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().kind, ParseError::Kind::kBadStructure);
  EXPECT_NE(parsed.error().message.find("DOCTYPE"), std::string::npos) << parsed.error().message;
}

TEST(StructureTest, DocumentWithoutComponentsIsAnError) {
  auto parsed = ParseStructure(Message("<structure:Codelists/>"));
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().kind, ParseError::Kind::kBadStructure);
}

TEST(StructureTest, NonXmlInputIsAnError) {
  for (std::string_view input : {"", "REF_AREA,OBS_VALUE\nEST,1\n",
                                 "<html><body>502 Bad Gateway</body></html>", "\x89PNG\r\n\x1a\n"}) {
    auto parsed = ParseStructure(input);
    ASSERT_FALSE(parsed) << input;
    EXPECT_EQ(parsed.error().kind, ParseError::Kind::kBadStructure);
  }
}

TEST(StructureTest, UnreadableFileIsAnIoError) {
  auto parsed = LoadStructureFile(kTestData + "/does-not-exist.xml");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().kind, ParseError::Kind::kIo);
}

}  // namespace
}  // namespace nationpulse::sdmx
