#include "scheduler/zone_rules.h"

#include <doctest/doctest.h>

#include "scheduler/time.h"

namespace termin {
namespace {

using namespace std::chrono_literals;

date::sys_seconds Utc(int y, unsigned m, unsigned d, int h, int min = 0) {
  return date::sys_seconds{date::sys_days{date::year{y} / m / d}} + std::chrono::hours{h} +
         std::chrono::minutes{min};
}

// The footer rule agrees with the tz file's own transitions, hour by hour,
// over whole years that the file still lists.
void CheckRuleMatchesFile(const char* zone_name, const char* footer, int year) {
  INFO(zone_name << " " << year);
  const date::time_zone* zone = date::locate_zone(zone_name);
  auto rule = ParsePosixZoneRule(footer);
  REQUIRE(rule);
  int mismatches = 0;
  for (auto t = Utc(year, 1, 1, 0); t < Utc(year + 1, 1, 1, 0); t += 1h) {
    if (RuleInfoAt(*rule, t).offset != zone->get_info(t).offset) ++mismatches;
  }
  CHECK(mismatches == 0);
}

}  // namespace

TEST_CASE("a POSIX TZ footer is parsed") {
  auto berlin = ParsePosixZoneRule("CET-1CEST,M3.5.0,M10.5.0/3");
  REQUIRE(berlin);
  CHECK(berlin->std_offset == 1h);
  CHECK(berlin->has_dst);
  CHECK(berlin->dst_offset == 2h);
  CHECK(berlin->start.month == 3);
  CHECK(berlin->start.week == 5);
  CHECK(berlin->start.time == 2h);
  CHECK(berlin->end.time == 3h);
  auto plain = ParsePosixZoneRule("<+0530>-5:30");
  REQUIRE(plain);
  CHECK_FALSE(plain->has_dst);
  CHECK(plain->std_offset == 5h + 30min);
  CHECK(ParsePosixZoneRule("EST5EDT,M3.2.0,M11.1.0"));
  CHECK(ParsePosixZoneRule("<-03>3<-02>,M3.5.0/-2,M10.5.0/-1"));  // America/Nuuk style
  CHECK_FALSE(ParsePosixZoneRule(""));
  CHECK_FALSE(ParsePosixZoneRule("CET"));
  CHECK_FALSE(ParsePosixZoneRule("CET-1CEST,M13.5.0,M10.5.0"));
  CHECK_FALSE(ParsePosixZoneRule("CET-1CEST,M3.5.0"));
  CHECK_FALSE(ParsePosixZoneRule("CET-1CEST,M3.5.0,M10.5.0/3junk"));
}

TEST_CASE("the footer rule gives the tz file's offsets in the years the file lists") {
  CheckRuleMatchesFile("Europe/Berlin", "CET-1CEST,M3.5.0,M10.5.0/3", 2026);
  CheckRuleMatchesFile("Europe/Berlin", "CET-1CEST,M3.5.0,M10.5.0/3", 2036);
  CheckRuleMatchesFile("America/New_York", "EST5EDT,M3.2.0,M11.1.0", 2030);
  CheckRuleMatchesFile("Australia/Sydney", "AEST-10AEDT,M10.1.0,M4.1.0/3", 2031);  // south
}

TEST_CASE("Berlin's offsets after 2037 follow the rule: the spring-forward day 2040-03-25 (#17)") {
  const date::time_zone* berlin = date::locate_zone("Europe/Berlin");
  // 02:00 CET = 01:00 UTC on the last Sunday of March 2040 (the 25th).
  CHECK(ZoneInfoAt(berlin, Utc(2040, 3, 25, 0, 59)).offset == 1h);
  CHECK(ZoneInfoAt(berlin, Utc(2040, 3, 25, 1, 0)).offset == 2h);
  CHECK(ZoneInfoAt(berlin, Utc(2040, 7, 1, 12)).offset == 2h);
  // 03:00 CEST = 01:00 UTC on the last Sunday of October 2040 (the 28th).
  CHECK(ZoneInfoAt(berlin, Utc(2040, 10, 28, 0, 59)).offset == 2h);
  CHECK(ZoneInfoAt(berlin, Utc(2040, 10, 28, 1, 0)).offset == 1h);
  CHECK(ZoneInfoAt(berlin, Utc(2040, 12, 24, 12)).offset == 1h);
  // The period around a summer instant ends at the autumn change.
  ZoneInfo summer = ZoneInfoAt(berlin, Utc(2040, 7, 1, 12));
  CHECK(summer.begin == Utc(2040, 3, 25, 1));
  CHECK(summer.end == Utc(2040, 10, 28, 1));
  // Before 2037 the file's own answer stands.
  CHECK(ZoneInfoAt(berlin, Utc(2027, 7, 1, 12)).offset == 2h);
  // What the API writes: a visit at 09:00 local on 2040-03-26 is 07:00Z.
  CHECK(FormatInstantLocal(Instant{std::chrono::floor<Minutes>(Utc(2040, 3, 26, 7).time_since_epoch())},
                           berlin) == "2040-03-26T09:00:00+02:00");
  // A zone without daylight time keeps its offset.
  CHECK(ZoneInfoAt(date::locate_zone("Asia/Kolkata"), Utc(2045, 6, 1, 0)).offset == 5h + 30min);
  CHECK(ZoneInfoAt(nullptr, Utc(2045, 6, 1, 0)).offset == 0s);
}

}  // namespace termin
