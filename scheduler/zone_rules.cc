#include "scheduler/zone_rules.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace termin {
namespace {

using std::chrono::seconds;

// Past this, get_info's period is "for ever": the tz file has no later
// transition and date/tz did not apply the footer.
constexpr date::sys_days kForever = date::sys_days{date::year{2200} / 1 / 1};

bool ParseName(std::string_view& s) {
  if (!s.empty() && s.front() == '<') {
    auto close = s.find('>');
    if (close == std::string_view::npos || close < 4) return false;
    s.remove_prefix(close + 1);
    return true;
  }
  std::size_t n = 0;
  while (n < s.size() && std::isalpha(static_cast<unsigned char>(s[n]))) ++n;
  if (n < 3) return false;
  s.remove_prefix(n);
  return true;
}

std::optional<int> ParseNumber(std::string_view& s, int max) {
  int v = 0;
  std::size_t n = 0;
  while (n < s.size() && n < 3 && std::isdigit(static_cast<unsigned char>(s[n]))) {
    v = v * 10 + (s[n] - '0');
    ++n;
  }
  if (n == 0 || v > max) return std::nullopt;
  s.remove_prefix(n);
  return v;
}

// [+-]hh[:mm[:ss]], hours up to `max_hours`.
std::optional<seconds> ParseClock(std::string_view& s, int max_hours) {
  int sign = 1;
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    if (s.front() == '-') sign = -1;
    s.remove_prefix(1);
  }
  auto h = ParseNumber(s, max_hours);
  if (!h) return std::nullopt;
  int m = 0, sec = 0;
  if (!s.empty() && s.front() == ':') {
    s.remove_prefix(1);
    auto mm = ParseNumber(s, 59);
    if (!mm) return std::nullopt;
    m = *mm;
    if (!s.empty() && s.front() == ':') {
      s.remove_prefix(1);
      auto ss = ParseNumber(s, 59);
      if (!ss) return std::nullopt;
      sec = *ss;
    }
  }
  return seconds{sign * (*h * 3600 + m * 60 + sec)};
}

std::optional<PosixZoneRule::When> ParseWhen(std::string_view& s) {
  PosixZoneRule::When w;
  using Kind = PosixZoneRule::When::Kind;
  if (!s.empty() && s.front() == 'M') {
    s.remove_prefix(1);
    auto m = ParseNumber(s, 12);
    if (!m || *m < 1 || s.empty() || s.front() != '.') return std::nullopt;
    s.remove_prefix(1);
    auto wk = ParseNumber(s, 5);
    if (!wk || *wk < 1 || s.empty() || s.front() != '.') return std::nullopt;
    s.remove_prefix(1);
    auto d = ParseNumber(s, 6);
    if (!d) return std::nullopt;
    w.kind = Kind::kMonthWeekDay;
    w.month = *m;
    w.week = *wk;
    w.weekday = *d;
  } else if (!s.empty() && s.front() == 'J') {
    s.remove_prefix(1);
    auto n = ParseNumber(s, 365);
    if (!n || *n < 1) return std::nullopt;
    w.kind = Kind::kJulianNoLeap;
    w.day = *n;
  } else {
    auto n = ParseNumber(s, 365);
    if (!n) return std::nullopt;
    w.kind = Kind::kDayOfYear;
    w.day = *n;
  }
  if (!s.empty() && s.front() == '/') {
    s.remove_prefix(1);
    auto t = ParseClock(s, 167);
    if (!t) return std::nullopt;
    w.time = *t;
  }
  return w;
}

// The local midnight of the rule's day in `year`.
date::local_days DayOf(const PosixZoneRule::When& w, int year) {
  using Kind = PosixZoneRule::When::Kind;
  const date::year y{year};
  switch (w.kind) {
    case Kind::kMonthWeekDay: {
      const date::weekday wd{static_cast<unsigned>(w.weekday)};
      const date::month m{static_cast<unsigned>(w.month)};
      if (w.week == 5) return date::local_days{y / m / date::weekday_last{wd}};
      return date::local_days{y / m / wd[static_cast<unsigned>(w.week)]};
    }
    case Kind::kJulianNoLeap: {
      int n = w.day - 1;
      if (y.is_leap() && w.day >= 60) ++n;
      return date::local_days{y / 1 / 1} + date::days{n};
    }
    case Kind::kDayOfYear:
      return date::local_days{y / 1 / 1} + date::days{w.day};
  }
  return date::local_days{y / 1 / 1};
}

std::optional<PosixZoneRule> ReadFooter(const std::string& name) {
  const char* dir = std::getenv("TZDIR");
  const std::string path = std::string(dir && *dir ? dir : "/usr/share/zoneinfo") + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (data.size() < 6 || data.compare(0, 4, "TZif") != 0 || data[4] < '2') return std::nullopt;
  if (data.back() != '\n') return std::nullopt;
  const std::size_t start = data.rfind('\n', data.size() - 2);
  if (start == std::string::npos) return std::nullopt;
  return ParsePosixZoneRule(std::string_view(data).substr(start + 1, data.size() - start - 2));
}

}  // namespace

std::optional<PosixZoneRule> ParsePosixZoneRule(std::string_view s) {
  PosixZoneRule rule;
  if (!ParseName(s)) return std::nullopt;
  auto std_off = ParseClock(s, 24);
  if (!std_off) return std::nullopt;
  rule.std_offset = -*std_off;
  if (s.empty()) return rule;
  if (!ParseName(s)) return std::nullopt;
  rule.has_dst = true;
  rule.dst_offset = rule.std_offset + std::chrono::hours{1};
  if (!s.empty() && s.front() != ',') {
    auto dst_off = ParseClock(s, 24);
    if (!dst_off) return std::nullopt;
    rule.dst_offset = -*dst_off;
  }
  if (s.empty() || s.front() != ',') return std::nullopt;  // no rule: unknown dates
  s.remove_prefix(1);
  auto start = ParseWhen(s);
  if (!start || s.empty() || s.front() != ',') return std::nullopt;
  s.remove_prefix(1);
  auto end = ParseWhen(s);
  if (!end || !s.empty()) return std::nullopt;
  rule.start = *start;
  rule.end = *end;
  return rule;
}

ZoneInfo RuleInfoAt(const PosixZoneRule& rule, date::sys_seconds t) {
  if (!rule.has_dst) return {rule.std_offset, date::sys_seconds::min(), date::sys_seconds::max()};
  const int year = static_cast<int>(date::year_month_day{std::chrono::floor<date::days>(t)}.year());
  struct Change {
    date::sys_seconds at;
    seconds offset;  // in force from `at`
  };
  std::vector<Change> changes;
  for (int y = year - 1; y <= year + 1; ++y) {
    // Each change happens at a local time read on the clock in force before it.
    const auto start_local = date::local_seconds{DayOf(rule.start, y)} + rule.start.time;
    const auto end_local = date::local_seconds{DayOf(rule.end, y)} + rule.end.time;
    changes.push_back({date::sys_seconds{start_local.time_since_epoch() - rule.std_offset},
                       rule.dst_offset});
    changes.push_back({date::sys_seconds{end_local.time_since_epoch() - rule.dst_offset},
                       rule.std_offset});
  }
  std::sort(changes.begin(), changes.end(), [](const Change& a, const Change& b) { return a.at < b.at; });
  ZoneInfo info{changes.front().offset, changes.front().at, changes.front().at};
  for (std::size_t i = 0; i < changes.size(); ++i) {
    if (changes[i].at <= t) {
      info.offset = changes[i].offset;
      info.begin = changes[i].at;
      info.end = i + 1 < changes.size() ? changes[i + 1].at : date::sys_seconds::max();
    }
  }
  return info;
}

ZoneInfo ZoneInfoAt(const date::time_zone* zone, date::sys_seconds t) {
  if (zone == nullptr) return {seconds{0}, date::sys_seconds::min(), date::sys_seconds::max()};
  const date::sys_info info = zone->get_info(t);
  if (info.end < kForever) return {info.offset, info.begin, info.end};
  static std::mutex mu;
  static std::unordered_map<const date::time_zone*, std::optional<PosixZoneRule>> footers;
  std::optional<PosixZoneRule> rule;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = footers.find(zone);
    if (it == footers.end()) it = footers.emplace(zone, ReadFooter(zone->name())).first;
    rule = it->second;
  }
  if (!rule || !rule->has_dst) return {info.offset, info.begin, info.end};
  ZoneInfo out = RuleInfoAt(*rule, t);
  out.begin = std::max(out.begin, info.begin);
  return out;
}

date::local_seconds ToLocal(const date::time_zone* zone, date::sys_seconds t) {
  return date::local_seconds{t.time_since_epoch() + ZoneInfoAt(zone, t).offset};
}

}  // namespace termin
