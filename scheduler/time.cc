// Strict parsing and formatting of dates, times of day and instants.
//
// Parsers read fixed-width fields digit by digit instead of going through
// date::parse or streams: those accept more than we want (signs, spaces,
// short fields, out-of-range days rolled over) and may throw. Every parser
// here returns nullopt on anything it does not fully understand. Years are
// limited to 1970..2200 so that no arithmetic below can overflow and no
// client can ask for the year 99999.
#include "scheduler/time.h"

#include "scheduler/zone_rules.h"

#include <cstdio>

namespace termin {
namespace {

constexpr int kMinYear = 1970;
constexpr int kMaxYear = 2200;

// Reads exactly `width` ASCII digits at text[pos...]; nullopt otherwise.
std::optional<int> Digits(std::string_view text, std::size_t pos, std::size_t width) {
  if (pos + width > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

// "YYYY-MM-DD" at the start of `text` (exactly 10 characters are read).
std::optional<LocalDate> ParseDatePrefix(std::string_view text) {
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const auto y = Digits(text, 0, 4);
  const auto m = Digits(text, 5, 2);
  const auto d = Digits(text, 8, 2);
  if (!y || !m || !d) return std::nullopt;
  if (*y < kMinYear || *y > kMaxYear) return std::nullopt;
  const Date ymd{date::year{*y}, date::month{static_cast<unsigned>(*m)},
                 date::day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;  // 2026-02-30, month 13, day 0, ...
  return LocalDate{ymd};
}

// The zone's offset at `t`; a null zone means UTC.
Minutes OffsetAt(Instant t, const date::time_zone* zone) {
  if (zone == nullptr) return Minutes{0};
  return std::chrono::floor<Minutes>(ZoneInfoAt(zone, date::sys_seconds{t}).offset);
}

// "YYYY-MM-DDTHH:MM:00" for a local or UTC wall-clock value in minutes.
std::string FormatWallClock(Minutes since_epoch) {
  const auto day = std::chrono::floor<date::days>(since_epoch);
  const Date ymd{date::sys_days{day}};
  const auto minute_of_day = (since_epoch - day).count();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:00", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(minute_of_day / 60), static_cast<int>(minute_of_day % 60));
  return buf;
}

}  // namespace

std::optional<LocalDate> ParseDate(std::string_view text) {
  if (text.size() != 10) return std::nullopt;
  return ParseDatePrefix(text);
}

std::string FormatDate(LocalDate day) {
  const Date ymd{day};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::optional<TimeOfDay> ParseTimeOfDay(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  const auto h = Digits(text, 0, 2);
  const auto m = Digits(text, 3, 2);
  if (!h || !m || *m > 59) return std::nullopt;
  if (*h > 24 || (*h == 24 && *m != 0)) return std::nullopt;  // only "24:00"
  return TimeOfDay{*h * 60 + *m};
}

std::string FormatTimeOfDay(TimeOfDay t) {
  const auto total = t.count();
  const char* sign = total < 0 ? "-" : "";
  const auto abs = total < 0 ? -total : total;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%02lld:%02lld", sign, static_cast<long long>(abs / 60),
                static_cast<long long>(abs % 60));
  return buf;
}

std::optional<Instant> ParseInstant(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.000...](Z|+HH:MM|-HH:MM)
  if (text.size() < 20) return std::nullopt;
  const auto day = ParseDatePrefix(text);
  if (!day) return std::nullopt;
  if (text[10] != 'T' && text[10] != 't') return std::nullopt;
  if (text[13] != ':' || text[16] != ':') return std::nullopt;
  const auto h = Digits(text, 11, 2);
  const auto m = Digits(text, 14, 2);
  const auto s = Digits(text, 17, 2);
  if (!h || !m || !s || *h > 23 || *m > 59) return std::nullopt;
  if (*s != 0) return std::nullopt;  // minute resolution: seconds must be zero
  std::size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {  // a fraction is allowed if it is zero
    ++pos;
    const std::size_t digits_begin = pos;
    while (pos < text.size() && text[pos] == '0') ++pos;
    if (pos == digits_begin) return std::nullopt;
    if (pos < text.size() && text[pos] >= '1' && text[pos] <= '9') return std::nullopt;
  }
  if (pos >= text.size()) return std::nullopt;
  Minutes offset{0};
  const char zone_char = text[pos];
  if (zone_char == 'Z' || zone_char == 'z') {
    if (pos + 1 != text.size()) return std::nullopt;
  } else if (zone_char == '+' || zone_char == '-') {
    if (pos + 6 != text.size() || text[pos + 3] != ':') return std::nullopt;
    const auto oh = Digits(text, pos + 1, 2);
    const auto om = Digits(text, pos + 4, 2);
    if (!oh || !om || *oh > 23 || *om > 59) return std::nullopt;
    offset = Minutes{*oh * 60 + *om};
    if (zone_char == '-') offset = -offset;
  } else {
    return std::nullopt;
  }
  const Minutes local_minutes = day->time_since_epoch() + Minutes{*h * 60 + *m};
  return Instant{local_minutes - offset};
}

std::string FormatInstantUtc(Instant t) { return FormatWallClock(t.time_since_epoch()) + "Z"; }

std::string FormatInstantLocal(Instant t, const date::time_zone* zone) {
  const Minutes offset = OffsetAt(t, zone);
  std::string out = FormatWallClock(t.time_since_epoch() + offset);
  const auto abs = offset.count() < 0 ? -offset.count() : offset.count();
  char buf[48];
  std::snprintf(buf, sizeof buf, "%c%02lld:%02lld", offset.count() < 0 ? '-' : '+',
                static_cast<long long>(abs / 60), static_cast<long long>(abs % 60));
  return out + buf;
}

LocalDate LocalDayOf(Instant t, const date::time_zone* zone) {
  const Minutes local = t.time_since_epoch() + OffsetAt(t, zone);
  return LocalDate{std::chrono::floor<date::days>(local)};
}

int WeekdayIndex(LocalDate day) {
  return static_cast<int>(date::weekday{day}.iso_encoding()) - 1;
}

}  // namespace termin
