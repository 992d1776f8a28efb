#include "nationpulse/sdmx/csv_reader.hpp"

#include <stdexcept>
#include <utility>

namespace nationpulse::sdmx {

namespace {

constexpr std::string_view kBom{"\xEF\xBB\xBF"};
// Bytes that end a run of plain field content; NUL is listed so binary input is caught.
constexpr std::string_view kUnquotedStops{",\"\r\n\0", 5};
constexpr std::string_view kQuotedStops{"\"\r\n\0", 4};

}  // namespace

CsvReader::CsvReader(CsvOptions options) : options_(options) {}

Expected<void, ParseError> CsvReader::Fail(ParseError::Kind kind, std::size_t line, std::string message) {
  failed_ = true;
  error_.kind = kind;
  error_.line = line;
  error_.message = "line " + std::to_string(line) + ": " + std::move(message);
  return Unexpected{error_};
}

void CsvReader::CountLines(char c) noexcept {
  // CR, LF and CRLF each count as one line break, inside quotes too.
  if (c == '\r' || (c == '\n' && !prev_cr_)) ++line_;
  prev_cr_ = c == '\r';
}

Expected<void, ParseError> CsvReader::CountBytes(std::size_t n) {
  record_bytes_ += n;
  if (record_bytes_ > options_.max_record_bytes) {
    return Fail(ParseError::Kind::kRecordTooLarge, record_line_,
                "record longer than " + std::to_string(options_.max_record_bytes) + " bytes");
  }
  return {};
}

Expected<void, ParseError> CsvReader::EndField() {
  if (fields_.size() >= options_.max_fields) {
    return Fail(ParseError::Kind::kRecordTooLarge, record_line_,
                "record has more than " + std::to_string(options_.max_fields) + " fields");
  }
  fields_.push_back(std::move(field_));
  field_.clear();
  return {};
}

Expected<void, ParseError> CsvReader::EndRecord() {
  if (auto ok = EndField(); !ok) return ok;
  if (expected_fields_ == 0) {
    expected_fields_ = fields_.size();
  } else if (fields_.size() != expected_fields_) {
    return Fail(ParseError::Kind::kFieldCount, record_line_,
                "record has " + std::to_string(fields_.size()) + " fields, the header has " +
                    std::to_string(expected_fields_));
  }
  ready_.push_back(CsvRecord{record_line_, std::move(fields_)});
  fields_.clear();
  record_bytes_ = 0;
  state_ = State::kRecordStart;
  return {};
}

Expected<void, ParseError> CsvReader::Feed(std::string_view chunk) {
  if (finished_) throw std::logic_error("CsvReader::Feed called after Finish");
  if (failed_) return Unexpected{error_};
  while (!bom_done_ && !chunk.empty()) {
    if (chunk.front() == kBom[bom_matched_]) {
      chunk.remove_prefix(1);
      if (++bom_matched_ == kBom.size()) bom_done_ = true;
      continue;
    }
    // Not a BOM after all: the bytes held back are ordinary content.
    bom_done_ = true;
    if (auto ok = Consume(kBom.substr(0, bom_matched_)); !ok) return ok;
  }
  return Consume(chunk);
}

Expected<void, ParseError> CsvReader::Consume(std::string_view bytes) {
  std::size_t i = 0;
  while (i < bytes.size()) {
    const char c = bytes[i];
    if (c == '\0') return Fail(ParseError::Kind::kBinary, line_, "NUL byte: the input is not text");
    switch (state_) {
      case State::kRecordStart:
        if (c == '\r' || c == '\n') {  // empty line, or the LF of a CRLF
          CountLines(c);
          ++i;
          continue;
        }
        record_line_ = line_;
        state_ = State::kFieldStart;
        continue;  // the same byte starts the first field
      case State::kFieldStart:
      case State::kUnquoted: {
        if (c == '"') {
          if (state_ == State::kUnquoted) {
            return Fail(ParseError::Kind::kStrayQuote, line_, "quote inside an unquoted field");
          }
          if (auto ok = CountBytes(1); !ok) return ok;
          state_ = State::kQuoted;
          ++i;
          continue;
        }
        if (c == ',') {
          if (auto ok = CountBytes(1); !ok) return ok;
          if (auto ok = EndField(); !ok) return ok;
          state_ = State::kFieldStart;
          ++i;
          continue;
        }
        if (c == '\r' || c == '\n') {
          CountLines(c);
          ++i;
          if (auto ok = EndRecord(); !ok) return ok;
          continue;
        }
        std::size_t end = bytes.find_first_of(kUnquotedStops, i);
        if (end == std::string_view::npos) end = bytes.size();
        if (auto ok = CountBytes(end - i); !ok) return ok;
        field_.append(bytes.data() + i, end - i);
        prev_cr_ = false;
        state_ = State::kUnquoted;
        i = end;
        continue;
      }
      case State::kQuoted: {
        if (c == '"') {
          if (auto ok = CountBytes(1); !ok) return ok;
          state_ = State::kQuoteInQuoted;
          ++i;
          continue;
        }
        if (c == '\r' || c == '\n') {
          if (auto ok = CountBytes(1); !ok) return ok;
          CountLines(c);
          field_.push_back(c);
          ++i;
          continue;
        }
        std::size_t end = bytes.find_first_of(kQuotedStops, i);
        if (end == std::string_view::npos) end = bytes.size();
        if (auto ok = CountBytes(end - i); !ok) return ok;
        field_.append(bytes.data() + i, end - i);
        prev_cr_ = false;
        i = end;
        continue;
      }
      case State::kQuoteInQuoted:
        if (c == '"') {  // "" is an escaped quote
          if (auto ok = CountBytes(1); !ok) return ok;
          field_.push_back('"');
          state_ = State::kQuoted;
          ++i;
          continue;
        }
        if (c == ',') {
          if (auto ok = CountBytes(1); !ok) return ok;
          if (auto ok = EndField(); !ok) return ok;
          state_ = State::kFieldStart;
          ++i;
          continue;
        }
        if (c == '\r' || c == '\n') {
          CountLines(c);
          ++i;
          if (auto ok = EndRecord(); !ok) return ok;
          continue;
        }
        return Fail(ParseError::Kind::kStrayQuote, line_, "text after the closing quote of a field");
    }
  }
  return {};
}

Expected<void, ParseError> CsvReader::Finish() {
  if (failed_) return Unexpected{error_};
  if (finished_) return {};
  if (!bom_done_) {
    bom_done_ = true;
    if (auto ok = Consume(kBom.substr(0, bom_matched_)); !ok) return ok;
  }
  finished_ = true;
  switch (state_) {
    case State::kRecordStart:
      return {};
    case State::kQuoted:
      return Fail(ParseError::Kind::kUnterminatedQuote, record_line_,
                  "input ends inside a quoted field (record starting on this line)");
    case State::kFieldStart:
    case State::kUnquoted:
    case State::kQuoteInQuoted:
      return EndRecord();
  }
  return {};
}

bool CsvReader::Next(CsvRecord& out) {
  if (ready_.empty()) return false;
  out = std::move(ready_.front());
  ready_.pop_front();
  return true;
}

}  // namespace nationpulse::sdmx
