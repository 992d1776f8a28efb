#include "nationpulse/sdmx/feed_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace nationpulse::sdmx {

std::optional<FeedSpec> FeedSpecFor(std::string_view feed_key) {
  auto spec = [](std::vector<std::string> columns) { return FeedSpec{std::move(columns)}; };
  if (feed_key == "Population") {
    return spec({"REF_AREA", "Reference area", "MEASURE", "Measure", "SEX", "Sex", "Age", "TIME_PERIOD",
                 "OBS_VALUE"});
  }
  if (feed_key == "Health") {
    return spec({"REF_AREA", "Reference area", "MEASURE", "Measure", "SEX", "Sex", "Cause of death",
                 "Unit of measure", "TIME_PERIOD", "OBS_VALUE"});
  }
  if (feed_key == "EconomyGDP") {
    return spec({"REF_AREA", "Reference area", "TRANSACTION", "Transaction", "TIME_PERIOD", "OBS_VALUE"});
  }
  if (feed_key == "EconomyGov" || feed_key == "GrowthGDP" || feed_key == "GrowthPopulation") {
    return spec({"REF_AREA", "Reference area", "MEASURE", "Measure", "TIME_PERIOD", "OBS_VALUE"});
  }
  return std::nullopt;
}

namespace {

constexpr std::string_view kCodeLabelSeparator = ": ";

// A cell quoted in an error message: short, and printable whatever the input held.
std::string Quoted(std::string_view text) {
  constexpr std::size_t kMax = 40;
  std::string out = "'";
  for (char c : text.substr(0, kMax)) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || u == 0x7f ? '?' : c);
  }
  if (text.size() > kMax) out += "...";
  return out + "'";
}

ParseError MakeError(ParseError::Kind kind, std::size_t line, std::string column, const std::string& what) {
  std::string message = "line " + std::to_string(line) + ": " + what;
  return ParseError{kind, line, std::move(column), std::move(message)};
}

std::size_t PositionOf(const std::vector<std::string>& columns, const std::string& name, const char* role) {
  auto it = std::find(columns.begin(), columns.end(), name);
  if (it == columns.end()) {
    throw std::invalid_argument(std::string("FeedSpec: the ") + role + " column '" + name +
                                "' is not among its columns");
  }
  return static_cast<std::size_t>(it - columns.begin());
}

}  // namespace

struct FeedReader::Impl {
  // Where a requested column's value comes from, for one header.
  enum class Source { kPlain, kCodePart, kLabelPart, kCodelistLabel, kEmpty };
  struct Column {
    Source source = Source::kPlain;
    std::size_t index = 0;
    const Structure::Codelist* codelist = nullptr;
  };

  Impl(FeedSpec s, std::shared_ptr<const Structure> st, CsvOptions options)
      : spec(std::move(s)), structure(std::move(st)), csv(options) {
    if (spec.columns.empty()) throw std::invalid_argument("FeedSpec: no columns");
    period_pos = PositionOf(spec.columns, spec.period_column, "period");
    value_pos = PositionOf(spec.columns, spec.value_column, "value");
  }

  Expected<void, ParseError> Fail(ParseError e) {
    failed = true;
    error = std::move(e);
    return Unexpected{error};
  }

  // Moves the records the CSV layer has completed through header resolution or row mapping.
  Expected<void, ParseError> Drain() {
    for (CsvRecord record; csv.Next(record);) {
      auto ok = have_header ? MapRow(record) : ResolveHeader(record);
      if (!ok) return ok;
    }
    return {};
  }

  // Runs one step of the CSV layer, then drains. Records completed before a CSV error come first,
  // so an error in them wins: the error reported is the first one in the input, however chunked.
  Expected<void, ParseError> Step(const Expected<void, ParseError>& parsed) {
    if (auto drained = Drain(); !drained) return Fail(drained.error());
    if (!parsed) return Fail(parsed.error());
    return {};
  }

  Expected<void, ParseError> ResolveHeader(CsvRecord& record) {
    header = std::move(record.fields);
    have_header = true;
    std::map<std::string, Column, std::less<>> available;
    for (std::size_t i = 0; i < header.size(); ++i) {
      const std::string& cell = header[i];
      if (auto sep = cell.find(kCodeLabelSeparator); sep != std::string::npos) {
        available.emplace(cell.substr(0, sep), Column{Source::kCodePart, i});
        available.emplace(cell.substr(sep + kCodeLabelSeparator.size()), Column{Source::kLabelPart, i});
      } else {
        available.emplace(cell, Column{Source::kPlain, i});
      }
    }
    if (structure) {
      for (std::size_t i = 0; i < header.size(); ++i) {
        const Structure::Component* component = structure->FindComponent(header[i]);
        if (component == nullptr || component->concept_name.empty()) continue;
        Column derived{Source::kEmpty, i};
        if (!component->codelist_id.empty()) {
          derived.source = Source::kCodelistLabel;
          auto list = structure->codelists.find(component->codelist_id);
          if (list != structure->codelists.end()) derived.codelist = &list->second;
        }
        available.emplace(component->concept_name, derived);  // a physical column wins
      }
    }
    std::string missing;
    std::string first_missing;
    for (const std::string& name : spec.columns) {
      auto it = available.find(name);
      if (it == available.end()) {
        if (first_missing.empty()) first_missing = name;
        missing += (missing.empty() ? "'" : ", '") + name + "'";
        continue;
      }
      columns.push_back(it->second);
    }
    if (!first_missing.empty()) {
      return Fail(MakeError(ParseError::Kind::kMissingColumn, record.line, first_missing,
                            "header lacks required column(s) " + missing));
    }
    return {};
  }

  std::string Cell(const Column& column, const std::vector<std::string>& fields) {
    const std::string& field = fields[column.index];
    switch (column.source) {
      case Source::kPlain:
        return field;
      case Source::kCodePart: {
        auto sep = field.find(kCodeLabelSeparator);
        return sep == std::string::npos ? field : field.substr(0, sep);
      }
      case Source::kLabelPart: {
        auto sep = field.find(kCodeLabelSeparator);
        return sep == std::string::npos ? std::string() : field.substr(sep + kCodeLabelSeparator.size());
      }
      case Source::kCodelistLabel: {
        if (field.empty()) return {};
        if (column.codelist != nullptr) {
          if (auto it = column.codelist->find(field); it != column.codelist->end()) return it->second;
        }
        ++unknown_codes;
        return field;
      }
      case Source::kEmpty:
        return {};
    }
    return {};
  }

  Expected<void, ParseError> MapRow(CsvRecord& record) {
    FeedRow row;
    row.line = record.line;
    row.cells.reserve(columns.size());
    for (const Column& column : columns) row.cells.push_back(Cell(column, record.fields));

    if (row.cells[period_pos].empty()) {
      return Fail(MakeError(ParseError::Kind::kMissingPeriod, record.line, spec.period_column,
                            "empty " + spec.period_column));
    }
    const std::string& text = row.cells[value_pos];
    if (!text.empty() && text != "NaN") {  // SDMX writes a missing observation as empty or NaN
      double value = 0;
      const char* end = text.data() + text.size();
      auto [ptr, ec] = std::from_chars(text.data(), end, value);
      if (ec != std::errc() || ptr != end || !std::isfinite(value)) {
        return Fail(MakeError(ParseError::Kind::kBadValue, record.line, spec.value_column,
                              spec.value_column + " is not a number: " + Quoted(text)));
      }
      row.value = value;
    }
    ready.push_back(std::move(row));
    ++rows;
    return {};
  }

  FeedSpec spec;
  std::shared_ptr<const Structure> structure;
  CsvReader csv;
  std::size_t period_pos = 0;
  std::size_t value_pos = 0;
  std::vector<std::string> header;
  bool have_header = false;
  std::vector<Column> columns;  // one per spec.columns
  std::deque<FeedRow> ready;
  std::size_t rows = 0;
  std::size_t unknown_codes = 0;
  bool finished = false;
  bool failed = false;
  ParseError error;
};

FeedReader::FeedReader(FeedSpec spec, std::shared_ptr<const Structure> structure, CsvOptions options)
    : impl_(std::make_unique<Impl>(std::move(spec), std::move(structure), options)) {}
FeedReader::~FeedReader() = default;
FeedReader::FeedReader(FeedReader&&) noexcept = default;
FeedReader& FeedReader::operator=(FeedReader&&) noexcept = default;

Expected<void, ParseError> FeedReader::Feed(std::string_view chunk) {
  if (impl_->finished) throw std::logic_error("FeedReader::Feed called after Finish");
  if (impl_->failed) return Unexpected{impl_->error};
  return impl_->Step(impl_->csv.Feed(chunk));
}

Expected<void, ParseError> FeedReader::Finish() {
  if (impl_->failed) return Unexpected{impl_->error};
  if (impl_->finished) return {};
  impl_->finished = true;
  if (auto ok = impl_->Step(impl_->csv.Finish()); !ok) return ok;
  if (!impl_->have_header) {
    return impl_->Fail(ParseError{ParseError::Kind::kNoHeader, 0, {}, "empty input: no header record"});
  }
  return {};
}

bool FeedReader::Next(FeedRow& out) {
  if (impl_->ready.empty()) return false;
  out = std::move(impl_->ready.front());
  impl_->ready.pop_front();
  return true;
}

std::size_t FeedReader::rows() const noexcept { return impl_->rows; }
std::size_t FeedReader::unknown_codes() const noexcept { return impl_->unknown_codes; }
const std::vector<std::string>& FeedReader::header() const noexcept { return impl_->header; }

}  // namespace nationpulse::sdmx
