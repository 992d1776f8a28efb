#include "nationpulse/sdmx/error.hpp"

namespace nationpulse::sdmx {

const char* KindName(ParseError::Kind kind) {
  switch (kind) {
    case ParseError::Kind::kUnterminatedQuote:
      return "unterminated_quote";
    case ParseError::Kind::kStrayQuote:
      return "stray_quote";
    case ParseError::Kind::kFieldCount:
      return "field_count";
    case ParseError::Kind::kRecordTooLarge:
      return "record_too_large";
    case ParseError::Kind::kBinary:
      return "binary";
    case ParseError::Kind::kNoHeader:
      return "no_header";
    case ParseError::Kind::kMissingColumn:
      return "missing_column";
    case ParseError::Kind::kBadValue:
      return "bad_value";
    case ParseError::Kind::kMissingPeriod:
      return "missing_period";
    case ParseError::Kind::kBadStructure:
      return "bad_structure";
    case ParseError::Kind::kIo:
      return "io";
  }
  return "unknown";
}

}  // namespace nationpulse::sdmx
