#include "nationpulse/cron/schedule.hpp"

#include <array>
#include <cctype>
#include <cstdint>
#include <limits>
#include <vector>

namespace nationpulse::cron {
namespace {

using std::chrono::system_clock;

struct FieldSpec {
  const char* name;
  int min;
  int max;                                             // 7 for day-of-week (7 = Sunday)
  const std::array<const char*, 12>* names = nullptr;  // index i names value names_base + i
  int names_base = 0;
  int name_count = 0;
};

constexpr std::array<const char*, 12> kMonthNames = {"jan", "feb", "mar", "apr", "may", "jun",
                                                     "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<const char*, 12> kDayNames = {"sun", "mon", "tue", "wed", "thu", "fri",
                                                   "sat", "",    "",    "",    "",    ""};

const FieldSpec kMinute{"minute", 0, 59};
const FieldSpec kHour{"hour", 0, 23};
const FieldSpec kDayOfMonth{"day-of-month", 1, 31};
const FieldSpec kMonth{"month", 1, 12, &kMonthNames, 1, 12};
const FieldSpec kDayOfWeek{"day-of-week", 0, 7, &kDayNames, 0, 7};

Unexpected<ParseError> Fail(std::string_view spec, std::string_view what) {
  return Unexpected{ParseError{"invalid cron schedule \"" + std::string(spec) + "\": " + std::string(what)}};
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      parts.push_back(s.substr(start));
      return parts;
    }
    parts.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

std::vector<std::string_view> Fields(std::string_view s) {
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    const std::size_t start = i;
    while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (i > start) fields.push_back(s.substr(start, i - start));
  }
  return fields;
}

// A plain decimal number (at most 9 digits), or nullopt.
std::optional<int> Number(std::string_view s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  int value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

// A number or (for month/day-of-week) a three-letter name; the error text on failure.
Expected<int, std::string> Value(std::string_view s, const FieldSpec& field) {
  std::optional<int> value = Number(s);
  if (!value && field.names != nullptr) {
    const std::string lower = Lower(s);
    for (int i = 0; i < field.name_count; ++i) {
      if (lower == (*field.names)[static_cast<std::size_t>(i)]) value = field.names_base + i;
    }
  }
  if (!value) return Unexpected{"\"" + std::string(s) + "\" is not a number or name"};
  if (*value < field.min || *value > field.max) {
    return Unexpected{"value " + std::to_string(*value) + " out of range " + std::to_string(field.min) + "-" +
                      std::to_string(field.max)};
  }
  return *value;
}

// Parses one field into bits [0, field.max]; sets *star when the field is `*`, `?` or `*/1`.
template <std::size_t N>
std::optional<std::string> ParseField(std::string_view text, const FieldSpec& field, std::bitset<N>& bits,
                                      bool* star) {
  static_assert(N >= 8);
  std::bitset<N> result;
  bool all_star = true;
  for (std::string_view item : Split(text, ',')) {
    if (item.empty()) return "empty list item";
    const std::vector<std::string_view> range_step = Split(item, '/');
    if (range_step.size() > 2) return "\"" + std::string(item) + "\" has more than one '/'";
    const std::string_view range = range_step[0];
    int low = 0;
    int high = 0;
    bool item_star = false;
    bool single = false;
    if (range == "*" || range == "?") {
      low = field.min;
      high = field.max == 7 ? 6 : field.max;
      item_star = true;
    } else {
      const std::vector<std::string_view> bounds = Split(range, '-');
      if (bounds.size() > 2) return "\"" + std::string(item) + "\" has more than one '-'";
      auto lo = Value(bounds[0], field);
      if (!lo) return lo.error();
      low = *lo;
      high = low;
      if (bounds.size() == 2) {
        auto hi = Value(bounds[1], field);
        if (!hi) return hi.error();
        high = *hi;
        if (high < low) return "range \"" + std::string(item) + "\" is reversed";
      } else {
        single = true;
      }
    }
    int step = 1;
    if (range_step.size() == 2) {
      const std::optional<int> parsed = Number(range_step[1]);
      if (!parsed) return "step \"" + std::string(range_step[1]) + "\" is not a number";
      if (*parsed == 0) return "step 0 in \"" + std::string(item) + "\"";
      step = *parsed;
      if (single) high = field.max == 7 ? 6 : field.max;  // robfig: "a/n" means "a-max/n"
      if (high < low) return "range \"" + std::string(item) + "\" is reversed";
      if (step > 1) item_star = false;
    }
    all_star = all_star && item_star;
    for (int v = low; v <= high; v += step)
      result.set(static_cast<std::size_t>(v == 7 && field.max == 7 ? 0 : v));
  }
  bits = result;
  if (star != nullptr) *star = all_star;
  return std::nullopt;
}

// A Go duration (plus the unit d), in nanoseconds; the error text on failure.
Expected<std::int64_t, std::string> GoDuration(std::string_view s) {
  if (s.empty()) return Unexpected{std::string("empty duration")};
  if (s[0] == '-' || s[0] == '+') return Unexpected{std::string("signed durations are not allowed")};
  struct Unit {
    std::string_view name;
    std::int64_t ns;
  };
  static constexpr std::array<Unit, 8> kUnits = {{{"ns", 1},
                                                  {"us", 1'000},
                                                  {"\xC2\xB5s", 1'000},
                                                  {"\xCE\xBCs", 1'000},
                                                  {"ms", 1'000'000},
                                                  {"s", 1'000'000'000},
                                                  {"m", 60'000'000'000},
                                                  {"h", 3'600'000'000'000}}};
  constexpr std::int64_t kDay = 86'400'000'000'000;
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  std::int64_t total = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    // number: digits [. digits], at least one digit overall
    std::int64_t whole = 0;
    bool overflow = false;
    const std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (whole > (kMax - 9) / 10) overflow = true;
      if (!overflow) whole = whole * 10 + (s[i] - '0');
      ++i;
    }
    bool has_digits = i > start;
    double fraction = 0;
    if (i < s.size() && s[i] == '.') {
      ++i;
      double scale = 0.1;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        fraction += (s[i] - '0') * scale;
        scale /= 10;
        has_digits = true;
        ++i;
      }
    }
    if (!has_digits) return Unexpected{"expected a number at \"" + std::string(s.substr(start)) + "\""};
    // unit: the longest run of non-number characters
    const std::size_t unit_start = i;
    while (i < s.size() && !(s[i] >= '0' && s[i] <= '9') && s[i] != '.') ++i;
    const std::string_view unit_name = s.substr(unit_start, i - unit_start);
    if (unit_name.empty()) return Unexpected{"missing unit in \"" + std::string(s) + "\""};
    std::int64_t unit = 0;
    if (unit_name == "d") unit = kDay;
    for (const Unit& u : kUnits) {
      if (u.name == unit_name) unit = u.ns;
    }
    if (unit == 0) return Unexpected{"unknown unit \"" + std::string(unit_name) + "\""};
    if (overflow || whole > kMax / unit) return Unexpected{std::string("duration out of range")};
    const std::int64_t whole_ns = whole * unit;
    const auto fraction_ns = static_cast<std::int64_t>(fraction * static_cast<double>(unit));
    // "106751.99999d": the whole days fit, the fraction pushed the sum past int64 (signed overflow).
    if (fraction_ns > kMax - whole_ns) return Unexpected{std::string("duration out of range")};
    const std::int64_t part = whole_ns + fraction_ns;
    if (part < 0 || total > kMax - part) return Unexpected{std::string("duration out of range")};
    total += part;
  }
  return total;
}

}  // namespace

Expected<Schedule, ParseError> Schedule::Parse(std::string_view spec) {
  const std::vector<std::string_view> fields = Fields(spec);
  if (fields.empty()) return Fail(spec, "empty spec");
  Schedule schedule;
  if (fields[0].front() == '@') {
    const std::string descriptor = Lower(fields[0]);
    if (descriptor == "@every") {
      if (fields.size() != 2) return Fail(spec, "@every takes exactly one duration");
      auto ns = GoDuration(fields[1]);
      if (!ns) return Fail(spec, "@every duration: " + ns.error());
      if (*ns < 1'000'000'000) return Fail(spec, "@every duration must be at least 1s");
      schedule.interval_ = std::chrono::seconds(*ns / 1'000'000'000);
      return schedule;
    }
    if (fields.size() != 1) return Fail(spec, "descriptor " + std::string(fields[0]) + " takes no arguments");
    std::string_view equivalent;
    if (descriptor == "@yearly" || descriptor == "@annually") {
      equivalent = "0 0 1 1 *";
    } else if (descriptor == "@monthly") {
      equivalent = "0 0 1 * *";
    } else if (descriptor == "@weekly") {
      equivalent = "0 0 * * 0";
    } else if (descriptor == "@daily" || descriptor == "@midnight") {
      equivalent = "0 0 * * *";
    } else if (descriptor == "@hourly") {
      equivalent = "0 * * * *";
    } else {
      return Fail(spec, "unknown descriptor " + std::string(fields[0]));
    }
    return Parse(equivalent);
  }
  if (fields.size() != 5) {
    return Fail(spec, "expected 5 fields (minute hour day-of-month month day-of-week), got " +
                          std::to_string(fields.size()));
  }
  auto check = [&](std::optional<std::string> error, const FieldSpec& field,
                   std::string_view text) -> std::optional<ParseError> {
    if (!error) return std::nullopt;
    return Fail(spec, std::string(field.name) + " field \"" + std::string(text) + "\": " + *error).error;
  };
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> doms;
  std::bitset<13> months;
  std::bitset<8> dows;
  if (auto e = check(ParseField(fields[0], kMinute, minutes, nullptr), kMinute, fields[0]))
    return Unexpected{*e};
  if (auto e = check(ParseField(fields[1], kHour, hours, nullptr), kHour, fields[1])) return Unexpected{*e};
  if (auto e = check(ParseField(fields[2], kDayOfMonth, doms, &schedule.dom_star_), kDayOfMonth, fields[2])) {
    return Unexpected{*e};
  }
  if (auto e = check(ParseField(fields[3], kMonth, months, nullptr), kMonth, fields[3]))
    return Unexpected{*e};
  if (auto e = check(ParseField(fields[4], kDayOfWeek, dows, &schedule.dow_star_), kDayOfWeek, fields[4])) {
    return Unexpected{*e};
  }
  schedule.minutes_ = minutes;
  schedule.hours_ = hours;
  schedule.days_of_month_ = doms;
  schedule.months_ = months;
  for (std::size_t d = 0; d < 7; ++d) schedule.days_of_week_[d] = dows[d];
  return schedule;
}

system_clock::time_point Schedule::Next(system_clock::time_point after) const {
  return Next(after, TimeZone());
}

system_clock::time_point Schedule::Next(system_clock::time_point after, const TimeZone& zone) const {
  using namespace std::chrono;
  constexpr auto kNever = system_clock::time_point::max();
  // system_clock counts nanoseconds in 64 bits (until 2262): leave room for the search window.
  constexpr auto kLatest = kNever - years(6);
  if (after >= kLatest) return kNever;
  // An interval may be up to ~292 years: past the end of system_clock the answer is "never", not a
  // signed overflow (found by cron_schedule_fuzz).
  if (interval_) return after > kNever - *interval_ ? kNever : after + *interval_;

  // The search walks wall-clock time in `zone`, kept in a sys_seconds because calendar arithmetic is
  // the same; each match is then mapped back to an instant. floor<minutes> then +1min: the first whole
  // minute strictly after `after` (an earlier local time never maps to a later instant).
  const local_seconds local_after = zone.ToLocal(floor<seconds>(after));
  sys_seconds t{floor<minutes>(local_after).time_since_epoch() + minutes(1)};
  const auto limit = t + years(5);
  while (t < limit) {
    const sys_days day = floor<days>(t);
    const year_month_day ymd{day};
    if (!months_[static_cast<unsigned>(ymd.month())]) {
      t = sys_days{year_month_day{ymd.year() / ymd.month() / 1} + months(1)};
      continue;
    }
    const bool dom_match = days_of_month_[static_cast<unsigned>(ymd.day())];
    const bool dow_match = days_of_week_[weekday{day}.c_encoding()];
    const bool day_match = (dom_star_ || dow_star_) ? (dom_match && dow_match) : (dom_match || dow_match);
    if (!day_match) {
      t = day + days(1);
      continue;
    }
    const auto since_midnight = t - day;
    const auto hour = duration_cast<hours>(since_midnight);
    if (!hours_[static_cast<std::size_t>(hour.count())]) {
      t = day + hour + hours(1);
      continue;
    }
    const auto minute = duration_cast<minutes>(since_midnight - hour);
    if (!minutes_[static_cast<std::size_t>(minute.count())]) {
      t += minutes(1);
      continue;
    }
    // Not after `after` only in the second pass of a repeated hour, whose times fired (or would have
    // fired) in the first pass.
    const sys_seconds instant = zone.FirstInstant(local_seconds{t.time_since_epoch()});
    if (instant > after) return time_point_cast<system_clock::duration>(instant);
    t += minutes(1);
  }
  return kNever;
}

std::optional<std::chrono::seconds> Schedule::Interval() const { return interval_; }

}  // namespace nationpulse::cron
