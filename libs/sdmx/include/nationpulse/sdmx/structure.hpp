#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "nationpulse/base/expected.hpp"
#include "nationpulse/sdmx/error.hpp"

namespace nationpulse::sdmx {

/// What the ingestion needs from an SDMX-ML 2.1 structure message (`*.structure.xml`, the answer
/// of `/public/rest/dataflow/...?references=all`): the English names of codes and concepts, to
/// label a code-only CSV (`format=csv`) like the `csvfilewithlabels` layout does.
struct Structure {
  using Codelist = std::map<std::string, std::string, std::less<>>;  ///< code id → English name

  /// One column of the data structure (dimension, time dimension, attribute or primary measure).
  struct Component {
    std::string id;            ///< the CSV code column, e.g. "REF_AREA"
    std::string concept_id;    ///< e.g. "REF_AREA"
    std::string concept_name;  ///< English name, the label column header, e.g. "Reference area"
    std::string codelist_id;   ///< e.g. "CL_AREA"; empty for uncoded ones (TIME_PERIOD, OBS_VALUE)
  };

  std::map<std::string, Codelist, std::less<>> codelists;  ///< codelist id → codes
  std::vector<Component> components;                       ///< in document order

  /// The component with this id, or nullptr.
  [[nodiscard]] const Component* FindComponent(std::string_view id) const;

  /// English name of `code` in the codelist of component `component_id` ("Estonia" for REF_AREA,
  /// EST), or nullptr when the component, its codelist or the code is unknown.
  [[nodiscard]] const std::string* CodeName(std::string_view component_id, std::string_view code) const;
};

/// Parses an SDMX-ML 2.1 structure message. English (`xml:lang="en"`) names are taken, else a
/// name without language, else the first one. A component's codelist is its local representation,
/// else its concept's core representation. Documents with a DOCTYPE are refused (no entities).
/// Errors: kBadStructure (with the XML line) for malformed XML or when no component is defined.
///
///   auto structure = ParseStructure(xml);
///   if (structure) label = structure->CodeName("REF_AREA", "EST");  // "Estonia"
Expected<Structure, ParseError> ParseStructure(std::string_view xml);

/// Reads and parses a structure file. Errors: kIo when it cannot be read, else as ParseStructure.
Expected<Structure, ParseError> LoadStructureFile(const std::string& path);

}  // namespace nationpulse::sdmx
