#include "scheduler/time.h"

#include <doctest/doctest.h>

namespace termin {
namespace {

const date::time_zone* Berlin() { return date::locate_zone("Europe/Berlin"); }

Instant At(std::string_view rfc3339) {
  const auto t = ParseInstant(rfc3339);
  REQUIRE_MESSAGE(t.has_value(), rfc3339);
  return *t;
}

TEST_CASE("ParseDate accepts strict ISO dates and round-trips through FormatDate") {
  for (const char* text : {"2026-03-29", "1970-01-01", "2200-12-31", "2024-02-29", "2026-10-25"}) {
    const auto d = ParseDate(text);
    REQUIRE_MESSAGE(d.has_value(), text);
    CHECK(FormatDate(*d) == text);
  }
  CHECK(*ParseDate("2026-03-29") == LocalDate{date::year{2026} / 3 / 29});
}

TEST_CASE("ParseDate rejects impossible, malformed and out-of-range dates") {
  for (const char* text :
       {"2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "2026-01-00",
        "1969-12-31", "2201-01-01", "99999-01-01", "2026-3-29", "2026/03/29", " 2026-03-29",
        "2026-03-29 ", "2026-03-2x", "+026-03-29", "", "2026-03-29T00:00", "abcd-ef-gh"}) {
    CHECK_MESSAGE(!ParseDate(text).has_value(), text);
  }
}

TEST_CASE("ParseTimeOfDay accepts 00:00..24:00 and nothing else") {
  CHECK(*ParseTimeOfDay("00:00") == Minutes{0});
  CHECK(*ParseTimeOfDay("09:30") == Minutes{570});
  CHECK(*ParseTimeOfDay("23:59") == Minutes{1439});
  CHECK(*ParseTimeOfDay("24:00") == Minutes{1440});
  for (const char* text : {"25:00", "24:01", "12:60", "9:30", "09:3", "0930", "09:30:00", "-1:00",
                           "", "ab:cd", "09 30", "+9:30"}) {
    CHECK_MESSAGE(!ParseTimeOfDay(text).has_value(), text);
  }
}

TEST_CASE("FormatTimeOfDay writes HH:MM, with 24:00 for the end of day") {
  CHECK(FormatTimeOfDay(Minutes{0}) == "00:00");
  CHECK(FormatTimeOfDay(Minutes{570}) == "09:30");
  CHECK(FormatTimeOfDay(Minutes{1440}) == "24:00");
  for (int m = 0; m <= 1440; m += 7) {
    CHECK(*ParseTimeOfDay(FormatTimeOfDay(Minutes{m})) == Minutes{m});
  }
}

TEST_CASE("ParseInstant reads RFC 3339 with Z or an offset") {
  const Instant utc = At("2026-03-29T07:30:00Z");
  CHECK(At("2026-03-29T09:30:00+02:00") == utc);
  CHECK(At("2026-03-29T02:30:00-05:00") == utc);
  CHECK(At("2026-03-29t07:30:00z") == utc);
  CHECK(At("2026-03-29T07:30:00.000Z") == utc);
  CHECK(At("2026-03-29T07:30:00+00:00") == utc);
  CHECK(utc.time_since_epoch() ==
        date::sys_days{date::year{2026} / 3 / 29}.time_since_epoch() + Minutes{7 * 60 + 30});
  // The local date may move across midnight through the offset.
  CHECK(At("2026-01-01T00:30:00+01:00") == At("2025-12-31T23:30:00Z"));
}

TEST_CASE("ParseInstant rejects seconds, garbage and impossible values") {
  for (const char* text :
       {"2026-03-29T07:30:01Z", "2026-03-29T07:30:00.5Z", "2026-03-29T07:30:00.Z",
        "2026-03-29T24:00:00Z", "2026-03-29T07:60:00Z", "2026-03-29T07:30:60Z",
        "2026-02-30T07:30:00Z", "2026-03-29T07:30:00", "2026-03-29T07:30Z",
        "2026-03-29 07:30:00Z", "2026-03-29T07:30:00+2:00", "2026-03-29T07:30:00+02",
        "2026-03-29T07:30:00+24:00", "2026-03-29T07:30:00+02:60", "2026-03-29T07:30:00Zjunk",
        "99999-03-29T07:30:00Z", "1969-12-31T23:00:00Z", "2201-01-01T00:00:00Z", "", "now",
        "2026-03-29T07:30:00+02:00 "}) {
    CHECK_MESSAGE(!ParseInstant(text).has_value(), text);
  }
}

TEST_CASE("FormatInstantUtc and FormatInstantLocal round-trip across DST") {
  const auto* berlin = Berlin();
  const Instant winter = At("2026-01-15T08:05:00Z");
  CHECK(FormatInstantUtc(winter) == "2026-01-15T08:05:00Z");
  CHECK(FormatInstantLocal(winter, berlin) == "2026-01-15T09:05:00+01:00");
  const Instant summer = At("2026-07-15T08:05:00Z");
  CHECK(FormatInstantLocal(summer, berlin) == "2026-07-15T10:05:00+02:00");
  CHECK(FormatInstantLocal(summer, nullptr) == "2026-07-15T08:05:00+00:00");
  // Fall-back 2026-10-25: 02:30 happens twice, once per offset.
  CHECK(FormatInstantLocal(At("2026-10-25T00:30:00Z"), berlin) == "2026-10-25T02:30:00+02:00");
  CHECK(FormatInstantLocal(At("2026-10-25T01:30:00Z"), berlin) == "2026-10-25T02:30:00+01:00");
  // Spring-forward 2027-03-28: 01:59 CET is followed by 03:00 CEST.
  CHECK(FormatInstantLocal(At("2027-03-28T00:59:00Z"), berlin) == "2027-03-28T01:59:00+01:00");
  CHECK(FormatInstantLocal(At("2027-03-28T01:00:00Z"), berlin) == "2027-03-28T03:00:00+02:00");
  // Every formatted instant parses back to itself.
  for (Instant t = At("2026-10-24T22:00:00Z"); t < At("2026-10-25T04:00:00Z"); t += Minutes{13}) {
    CHECK(ParseInstant(FormatInstantLocal(t, berlin)) == t);
    CHECK(ParseInstant(FormatInstantUtc(t)) == t);
  }
}

TEST_CASE("LocalDayOf uses the zone's offset at that instant") {
  const auto* berlin = Berlin();
  CHECK(LocalDayOf(At("2026-03-28T22:59:00Z"), berlin) == *ParseDate("2026-03-28"));
  CHECK(LocalDayOf(At("2026-03-28T23:00:00Z"), berlin) == *ParseDate("2026-03-29"));  // 00:00 CET
  CHECK(LocalDayOf(At("2026-07-01T21:59:00Z"), berlin) == *ParseDate("2026-07-01"));
  CHECK(LocalDayOf(At("2026-07-01T22:00:00Z"), berlin) == *ParseDate("2026-07-02"));  // 00:00 CEST
  CHECK(LocalDayOf(At("2026-07-01T22:00:00Z"), nullptr) == *ParseDate("2026-07-01"));
}

TEST_CASE("WeekdayIndex counts from Monday = 0") {
  CHECK(WeekdayIndex(*ParseDate("2026-03-23")) == 0);  // Monday
  CHECK(WeekdayIndex(*ParseDate("2026-03-28")) == 5);  // Saturday
  CHECK(WeekdayIndex(*ParseDate("2026-03-29")) == 6);  // Sunday
  CHECK(WeekdayIndex(*ParseDate("1970-01-01")) == 3);  // Thursday
}

}  // namespace
}  // namespace termin
