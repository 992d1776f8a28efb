#include "nationpulse/sdmx/structure.hpp"

#include <expat.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <memory>
#include <utility>

namespace nationpulse::sdmx {

const Structure::Component* Structure::FindComponent(std::string_view id) const {
  auto it =
      std::find_if(components.begin(), components.end(), [&](const Component& c) { return c.id == id; });
  return it == components.end() ? nullptr : &*it;
}

const std::string* Structure::CodeName(std::string_view component_id, std::string_view code) const {
  const Component* component = FindComponent(component_id);
  if (component == nullptr || component->codelist_id.empty()) return nullptr;
  auto list = codelists.find(component->codelist_id);
  if (list == codelists.end()) return nullptr;
  auto entry = list->second.find(code);
  return entry == list->second.end() ? nullptr : &entry->second;
}

namespace {

// Element names arrive as "namespace-URI|local-name"; SDMX prefixes vary between servers, so only
// local names are compared.
constexpr char kNsSeparator = '|';

std::string_view LocalName(const XML_Char* name) {
  std::string_view full(name);
  auto bar = full.rfind(kNsSeparator);
  return bar == std::string_view::npos ? full : full.substr(bar + 1);
}

const XML_Char* Attribute(const XML_Char** attrs, std::string_view local) {
  for (; attrs != nullptr && *attrs != nullptr; attrs += 2) {
    if (LocalName(attrs[0]) == local) return attrs[1];
  }
  return nullptr;
}

// English first, then a name without language, then any other (first seen wins on a tie).
int NameRank(const XML_Char* lang) {
  if (lang == nullptr || *lang == '\0') return 2;
  std::string_view l(lang);
  return l == "en" || l.starts_with("en-") ? 3 : 1;
}

bool IsComponentElement(std::string_view n) {
  return n == "Dimension" || n == "TimeDimension" || n == "MeasureDimension" || n == "Attribute" ||
         n == "PrimaryMeasure";
}

bool IsComponentList(std::string_view n) {
  return n == "DimensionList" || n == "AttributeList" || n == "MeasureList";
}

struct ConceptInfo {
  std::string name;
  int name_rank = 0;
  std::string codelist_id;
};

class StructureParser {
 public:
  StructureParser() : parser_(XML_ParserCreateNS(nullptr, kNsSeparator), &XML_ParserFree) {
    if (!parser_) throw std::bad_alloc();
    XML_SetUserData(parser_.get(), this);
    XML_SetElementHandler(parser_.get(), &OnStart, &OnEnd);
    XML_SetCharacterDataHandler(parser_.get(), &OnText);
    XML_SetStartDoctypeDeclHandler(parser_.get(), &OnDoctype);
  }

  Expected<Structure, ParseError> Parse(std::string_view xml) {
    constexpr std::size_t kSlice = std::size_t{1} << 20;  // XML_Parse takes an int length
    do {
      const std::size_t n = std::min(xml.size(), kSlice);
      const bool last = n == xml.size();
      if (XML_Parse(parser_.get(), xml.data(), static_cast<int>(n), last ? XML_TRUE : XML_FALSE) !=
          XML_STATUS_OK) {
        return Error(doctype_ ? "DOCTYPE declarations are not accepted"
                              : XML_ErrorString(XML_GetErrorCode(parser_.get())));
      }
      xml.remove_prefix(n);
    } while (!xml.empty());
    Resolve();
    if (structure_.components.empty()) {
      ParseError error{ParseError::Kind::kBadStructure, 0, {}, "structure: no data structure components"};
      return Unexpected{std::move(error)};
    }
    return std::move(structure_);
  }

 private:
  Unexpected<ParseError> Error(const std::string& what) {
    const auto line = static_cast<std::size_t>(XML_GetCurrentLineNumber(parser_.get()));
    return Unexpected{ParseError{
        ParseError::Kind::kBadStructure, line, {}, "structure line " + std::to_string(line) + ": " + what}};
  }

  [[nodiscard]] bool ParentIs(std::string_view name, std::size_t up = 1) const {
    return stack_.size() > up && stack_[stack_.size() - 1 - up] == name;
  }

  static void OnStart(void* self, const XML_Char* name, const XML_Char** attrs) {
    static_cast<StructureParser*>(self)->Start(LocalName(name), attrs);
  }
  static void OnEnd(void* self, const XML_Char* name) {
    static_cast<StructureParser*>(self)->End(LocalName(name));
  }
  static void OnText(void* self, const XML_Char* text, int len) {
    auto* p = static_cast<StructureParser*>(self);
    if (p->capturing_) p->text_.append(text, static_cast<std::size_t>(len));
  }
  static void OnDoctype(void* self, const XML_Char*, const XML_Char*, const XML_Char*, int) {
    auto* p = static_cast<StructureParser*>(self);
    p->doctype_ = true;
    XML_StopParser(p->parser_.get(), XML_FALSE);
  }

  void Start(std::string_view name, const XML_Char** attrs) {
    stack_.emplace_back(name);
    const XML_Char* id = Attribute(attrs, "id");
    if (name == "Codelist" && ParentIs("Codelists") && id != nullptr) {
      codelist_ = &structure_.codelists[id];
    } else if (name == "Code" && ParentIs("Codelist") && codelist_ != nullptr && id != nullptr) {
      in_code_ = true;
      code_id_ = id;
      best_rank_ = 0;
      best_name_.clear();
    } else if (name == "ConceptScheme" && id != nullptr) {
      scheme_ = id;
    } else if (name == "Concept" && ParentIs("ConceptScheme") && id != nullptr) {
      concept_ = &concepts_[{scheme_, id}];
    } else if (IsComponentElement(name) && stack_.size() >= 2 && IsComponentList(stack_[stack_.size() - 2]) &&
               id != nullptr) {
      in_component_ = true;
      component_depth_ = stack_.size();
      component_ = Structure::Component{id, {}, {}, {}};
      component_scheme_.clear();
    } else if (name == "Name" && (in_code_ ? ParentIs("Code") : concept_ != nullptr && ParentIs("Concept"))) {
      capturing_ = true;
      text_.clear();
      name_rank_ = NameRank(Attribute(attrs, "lang"));
    } else if (name == "Ref" && id != nullptr) {
      StartRef(id, attrs);
    }
  }

  void StartRef(const XML_Char* id, const XML_Char** attrs) {
    const bool enumeration = ParentIs("Enumeration");
    if (in_component_ && stack_.size() == component_depth_ + 2 && ParentIs("ConceptIdentity")) {
      component_.concept_id = id;
      const XML_Char* scheme = Attribute(attrs, "maintainableParentID");
      component_scheme_ = scheme != nullptr ? scheme : "";
    } else if (in_component_ && enumeration && ParentIs("LocalRepresentation", 2)) {
      component_.codelist_id = id;
    } else if (concept_ != nullptr && enumeration && ParentIs("CoreRepresentation", 2)) {
      concept_->codelist_id = id;
    }
  }

  void End(std::string_view name) {
    if (name == "Name" && capturing_) {
      capturing_ = false;
      if (in_code_ && name_rank_ > best_rank_) {
        best_rank_ = name_rank_;
        best_name_ = std::move(text_);
      } else if (!in_code_ && concept_ != nullptr && name_rank_ > concept_->name_rank) {
        concept_->name_rank = name_rank_;
        concept_->name = std::move(text_);
      }
    } else if (name == "Code" && in_code_ && ParentIs("Codelist")) {
      in_code_ = false;
      codelist_->emplace(std::move(code_id_), std::move(best_name_));
    } else if (name == "Codelist" && ParentIs("Codelists")) {
      codelist_ = nullptr;
    } else if (name == "Concept" && ParentIs("ConceptScheme")) {
      concept_ = nullptr;
    } else if (in_component_ && stack_.size() == component_depth_) {
      in_component_ = false;
      if (component_.concept_id.empty()) component_.concept_id = component_.id;
      component_schemes_.push_back(std::move(component_scheme_));
      structure_.components.push_back(std::move(component_));
    }
    stack_.pop_back();
  }

  // Concepts may be defined after the data structure that references them: resolved at the end.
  void Resolve() {
    for (std::size_t i = 0; i < structure_.components.size(); ++i) {
      Structure::Component& c = structure_.components[i];
      auto it = concepts_.find({component_schemes_[i], c.concept_id});
      if (it == concepts_.end()) {
        it = std::find_if(concepts_.begin(), concepts_.end(),
                          [&](const auto& entry) { return entry.first.second == c.concept_id; });
      }
      if (it == concepts_.end()) continue;
      c.concept_name = it->second.name;
      if (c.codelist_id.empty()) c.codelist_id = it->second.codelist_id;
    }
  }

  std::unique_ptr<XML_ParserStruct, decltype(&XML_ParserFree)> parser_;
  Structure structure_;
  std::vector<std::string> stack_;
  bool doctype_ = false;
  bool capturing_ = false;
  std::string text_;
  int name_rank_ = 0;

  Structure::Codelist* codelist_ = nullptr;
  bool in_code_ = false;
  std::string code_id_;
  std::string best_name_;
  int best_rank_ = 0;

  std::string scheme_;
  std::map<std::pair<std::string, std::string>, ConceptInfo> concepts_;
  ConceptInfo* concept_ = nullptr;

  bool in_component_ = false;
  std::size_t component_depth_ = 0;
  Structure::Component component_;
  std::string component_scheme_;
  std::vector<std::string> component_schemes_;
};

}  // namespace

Expected<Structure, ParseError> ParseStructure(std::string_view xml) { return StructureParser().Parse(xml); }

Expected<Structure, ParseError> LoadStructureFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string content;
  if (in) content.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (!in.is_open() || in.bad()) {
    return Unexpected{ParseError{ParseError::Kind::kIo, 0, {}, "cannot read structure file " + path}};
  }
  return ParseStructure(content);
}

}  // namespace nationpulse::sdmx
