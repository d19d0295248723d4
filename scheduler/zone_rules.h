// A zone's UTC offset at any instant, also after the last transition that
// the tz file lists.
//
// Debian's tz files (TZif, "slim" since 2020) list transitions only up to
// 2037 and give the rule for later years in their footer, a POSIX TZ
// string ("CET-1CEST,M3.5.0,M10.5.0/3"). date/tz 3.0.1 reading the OS
// database ignores that footer: past the last transition it keeps the last
// offset for ever, so every summer after 2037 was an hour off in Berlin
// (#17). ZoneInfoAt asks get_info and, past the file's last transition,
// applies the footer's rule instead.
//
// Thread safety: safe; each zone's footer is read once (under a mutex).
#ifndef TERMIN_SCHEDULER_ZONE_RULES_H_
#define TERMIN_SCHEDULER_ZONE_RULES_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <date/tz.h>

namespace termin {

struct ZoneInfo {
  std::chrono::seconds offset{0};  // local = UTC + offset
  date::sys_seconds begin;         // the offset holds on [begin, end)
  date::sys_seconds end;
};

// A POSIX TZ rule (the TZif footer): a standard offset and, optionally, a
// daylight offset with the local times at which it starts and ends.
struct PosixZoneRule {
  struct When {
    enum class Kind { kMonthWeekDay, kJulianNoLeap, kDayOfYear } kind = Kind::kMonthWeekDay;
    int month = 0, week = 0, weekday = 0;  // Mm.w.d (week 5 = the last)
    int day = 0;                           // Jn (1-365, no Feb 29) or n (0-365)
    std::chrono::seconds time{7200};       // local time of day (may exceed 24 h or be negative)
  };
  std::chrono::seconds std_offset{0};  // east of UTC positive (POSIX writes the opposite sign)
  bool has_dst = false;
  std::chrono::seconds dst_offset{0};
  When start, end;  // start and end of daylight time, in the local time in force before each
};

// Parses "CET-1CEST,M3.5.0,M10.5.0/3" and the like; nullopt if malformed.
std::optional<PosixZoneRule> ParsePosixZoneRule(std::string_view tz);
// The offset the rule gives at `t`, with the period it holds for (within
// the year: begin/end are the rule's transitions around `t`).
ZoneInfo RuleInfoAt(const PosixZoneRule& rule, date::sys_seconds t);

// The zone's offset at `t` (a null zone is UTC): get_info, or past the tz
// file's last transition, the file footer's rule.
ZoneInfo ZoneInfoAt(const date::time_zone* zone, date::sys_seconds t);

// Local wall-clock time of `t` in `zone` (null = UTC).
date::local_seconds ToLocal(const date::time_zone* zone, date::sys_seconds t);

}  // namespace termin

#endif  // TERMIN_SCHEDULER_ZONE_RULES_H_
