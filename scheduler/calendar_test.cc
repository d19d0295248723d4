#include "scheduler/calendar.h"

#include <doctest/doctest.h>

namespace termin {
namespace {

Instant At(std::string_view rfc3339) {
  const auto t = ParseInstant(rfc3339);
  REQUIRE_MESSAGE(t.has_value(), rfc3339);
  return *t;
}
LocalDate Day(std::string_view text) { return *ParseDate(text); }
LocalInterval Hm(int from_h, int from_m, int to_h, int to_m) {
  return {Minutes{from_h * 60 + from_m}, Minutes{to_h * 60 + to_m}};
}
Interval Utc(std::string_view b, std::string_view e) { return {At(b), At(e)}; }

Office BerlinOffice() {
  Office office;
  office.id = "mitte";
  office.zone = date::locate_zone("Europe/Berlin");
  office.holiday_region = "DE-BW";
  Desk desk;
  desk.id = "a";
  for (int d = 0; d < 5; ++d) desk.opening[d] = {Hm(8, 0, 12, 0), Hm(13, 0, 16, 0)};
  office.desks = {desk};
  return office;
}

Office BerlinOfficeIn(const std::string& region) {
  Office office = BerlinOffice();
  office.holiday_region = region;
  return office;
}

std::vector<Interval> Open(const Office& office, std::string_view first, std::string_view last) {
  return DeskOpenTime(office, office.desks[0], {Day(first), Day(last)}).intervals();
}

TEST_CASE("weekly hours become UTC intervals in winter and in summer") {
  const Office office = BerlinOffice();
  // Friday 2026-01-16 (CET) and the weekend after it.
  CHECK(Open(office, "2026-01-16", "2026-01-18") ==
        std::vector<Interval>{Utc("2026-01-16T07:00:00Z", "2026-01-16T11:00:00Z"),
                              Utc("2026-01-16T12:00:00Z", "2026-01-16T15:00:00Z")});
  // Wednesday 2026-07-15 (CEST).
  CHECK(Open(office, "2026-07-15", "2026-07-15") ==
        std::vector<Interval>{Utc("2026-07-15T06:00:00Z", "2026-07-15T10:00:00Z"),
                              Utc("2026-07-15T11:00:00Z", "2026-07-15T14:00:00Z")});
  CHECK(Open(office, "2026-07-16", "2026-07-15").empty());  // empty range
}

TEST_CASE("breaks, desk exceptions and office closures") {
  Office office = BerlinOffice();
  Desk& desk = office.desks[0];
  desk.breaks[2] = {Hm(9, 30, 10, 0), Hm(11, 45, 13, 15)};  // Wednesdays
  CHECK(Open(office, "2026-07-15", "2026-07-15") ==
        std::vector<Interval>{Utc("2026-07-15T06:00:00Z", "2026-07-15T07:30:00Z"),
                              Utc("2026-07-15T08:00:00Z", "2026-07-15T09:45:00Z"),
                              Utc("2026-07-15T11:15:00Z", "2026-07-15T14:00:00Z")});
  // Special hours replace the weekly ones; the break still applies.
  desk.exceptions = {{Day("2026-07-15"), false, {Hm(9, 0, 10, 30)}}, {Day("2026-07-16"), true, {}}};
  CHECK(Open(office, "2026-07-15", "2026-07-16") ==
        std::vector<Interval>{Utc("2026-07-15T07:00:00Z", "2026-07-15T07:30:00Z"),
                              Utc("2026-07-15T08:00:00Z", "2026-07-15T08:30:00Z")});
  // An office closure with hours narrows, a closed one closes.
  desk.exceptions.clear();
  office.closures = {{Day("2026-07-16"), false, {Hm(7, 0, 9, 0), Hm(15, 0, 20, 0)}},
                     {Day("2026-07-17"), true, {}}};
  CHECK(Open(office, "2026-07-16", "2026-07-17") ==
        std::vector<Interval>{Utc("2026-07-16T06:00:00Z", "2026-07-16T07:00:00Z"),
                              Utc("2026-07-16T13:00:00Z", "2026-07-16T14:00:00Z")});
  // A narrowing closure never opens a desk that is closed that day (Sunday).
  office.closures = {{Day("2026-07-19"), false, {Hm(8, 0, 12, 0)}}};
  CHECK(Open(office, "2026-07-19", "2026-07-19").empty());
}

TEST_CASE("holidays of the office's region close the day") {
  Office office = BerlinOffice();
  // Friday 2026-05-01 (Tag der Arbeit) and Thursday 2026-05-14 (Christi Himmelfahrt).
  CHECK(Open(office, "2026-05-01", "2026-05-01").empty());
  CHECK(Open(office, "2026-05-14", "2026-05-14").empty());
  CHECK(Open(office, "2026-05-13", "2026-05-13").size() == 2);
  office.holiday_region.clear();
  CHECK(Open(office, "2026-05-01", "2026-05-01").size() == 2);
  // 2026-01-06 is a holiday in DE-BW (Heilige Drei Könige), not in DE-BE.
  office.holiday_region = "DE-BE";
  CHECK(Open(office, "2026-01-06", "2026-01-06").size() == 2);
  office.holiday_region = "DE-BW";
  CHECK(Open(office, "2026-01-06", "2026-01-06").empty());
}

TEST_CASE("an office's own holidays: a municipality's every year, a one-off once") {
  Office office = BerlinOffice();
  office.holiday_region = "DE-BY";
  // Augsburg: Hohes Friedensfest, 8 August, every year (Monday 2033-08-08, Tuesday 2028-08-08).
  office.holidays = {{8, 8, 0, "Augsburger Hohes Friedensfest"}, {6, 16, 2028, "Einmaliger Schließtag"}};
  CHECK(Open(office, "2028-08-08", "2028-08-08").empty());
  CHECK(Open(office, "2033-08-08", "2033-08-08").empty());
  CHECK(Open(office, "2028-08-07", "2028-08-07").size() == 2);
  CHECK(Open(office, "2028-06-16", "2028-06-16").empty());  // Friday, once
  CHECK(Open(office, "2029-06-15", "2029-06-15").size() == 2);  // a Friday, no longer
  // Over a range spanning years, each year's day.
  CHECK(Open(office, "2028-08-01", "2029-08-31").size() ==
        Open(BerlinOfficeIn("DE-BY"), "2028-08-01", "2029-08-31").size() - 2 * 2);
  // 29 February: leap years only.
  office.holidays = {{2, 29, 0, "Schalttag"}};
  CHECK(Open(office, "2028-02-29", "2028-02-29").empty());
  CHECK(Open(office, "2027-03-01", "2027-03-01").size() == 2);
}

// Night hours 00:00-06:00 on the transition Sunday, and nothing else.
Office NightOffice(std::string_view sunday) {
  Office office = BerlinOffice();
  office.holiday_region.clear();
  office.desks[0].opening = {};
  office.desks[0].exceptions = {{Day(sunday), false, {Hm(0, 0, 6, 0)}}};
  return office;
}

TEST_CASE("spring forward: the 02:00-03:00 gap is never open (2026 and 2027)") {
  for (auto [day, begin, end] :
       {std::tuple{"2026-03-29", "2026-03-28T23:00:00Z", "2026-03-29T04:00:00Z"},
        std::tuple{"2027-03-28", "2027-03-27T23:00:00Z", "2027-03-28T04:00:00Z"}}) {
    CAPTURE(day);
    const Office office = NightOffice(day);
    const auto open = Open(office, day, day);
    // 00:00 CET .. 06:00 CEST is one stretch of five real hours.
    CHECK(open == std::vector<Interval>{Utc(begin, end)});
    CHECK(open[0].length() == Minutes{5 * 60});
  }
  // A break spanning the gap: 01:30-02:30 local ends at 03:00 CEST.
  Office office = NightOffice("2026-03-29");
  office.desks[0].breaks[6] = {Hm(1, 30, 2, 30)};
  CHECK(Open(office, "2026-03-29", "2026-03-29") ==
        std::vector<Interval>{Utc("2026-03-28T23:00:00Z", "2026-03-29T00:30:00Z"),
                              Utc("2026-03-29T01:00:00Z", "2026-03-29T04:00:00Z")});
  // Hours wholly inside the gap are no time at all.
  office.desks[0].breaks[6].clear();
  office.desks[0].exceptions[0].hours = {Hm(2, 0, 3, 0)};
  CHECK(Open(office, "2026-03-29", "2026-03-29").empty());
}

TEST_CASE("fall back: the repeated hour is open once per offset (2026 and 2027)") {
  for (auto [day, begin, end] :
       {std::tuple{"2026-10-25", "2026-10-24T22:00:00Z", "2026-10-25T05:00:00Z"},
        std::tuple{"2027-10-31", "2027-10-30T22:00:00Z", "2027-10-31T05:00:00Z"}}) {
    CAPTURE(day);
    const Office office = NightOffice(day);
    const auto open = Open(office, day, day);
    CHECK(open == std::vector<Interval>{Utc(begin, end)});
    CHECK(open[0].length() == Minutes{7 * 60});
  }
  // 02:15-02:45 local happens twice: two UTC pieces, one per offset.
  Office office = NightOffice("2026-10-25");
  office.desks[0].exceptions[0].hours = {Hm(2, 15, 2, 45)};
  CHECK(Open(office, "2026-10-25", "2026-10-25") ==
        std::vector<Interval>{Utc("2026-10-25T00:15:00Z", "2026-10-25T00:45:00Z"),
                              Utc("2026-10-25T01:15:00Z", "2026-10-25T01:45:00Z")});
}

TEST_CASE("OffsetPeriodsIn splits at transitions and clips to the range") {
  const auto* berlin = date::locate_zone("Europe/Berlin");
  const auto periods = OffsetPeriodsIn(berlin, Utc("2026-03-01T00:00:00Z", "2026-11-01T00:00:00Z"));
  REQUIRE(periods.size() == 3);
  CHECK(periods[0].begin == At("2026-03-01T00:00:00Z"));
  CHECK(periods[0].end == At("2026-03-29T01:00:00Z"));
  CHECK(periods[0].offset == Minutes{60});
  CHECK(periods[1].offset == Minutes{120});
  CHECK(periods[1].end == At("2026-10-25T01:00:00Z"));
  CHECK(periods[2].end == At("2026-11-01T00:00:00Z"));
  CHECK(OffsetPeriodsIn(nullptr, Utc("2026-03-01T00:00:00Z", "2026-11-01T00:00:00Z")).size() == 1);
}

TEST_CASE("a zone without transitions (UTC) and one far from Berlin (Asia/Kolkata, +05:30)") {
  Office office = BerlinOffice();
  office.holiday_region.clear();
  office.zone = date::locate_zone("Etc/UTC");
  CHECK(Open(office, "2026-07-15", "2026-07-15") ==
        std::vector<Interval>{Utc("2026-07-15T08:00:00Z", "2026-07-15T12:00:00Z"),
                              Utc("2026-07-15T13:00:00Z", "2026-07-15T16:00:00Z")});
  office.zone = date::locate_zone("Asia/Kolkata");
  CHECK(Open(office, "2026-07-15", "2026-07-15") ==
        std::vector<Interval>{Utc("2026-07-15T02:30:00Z", "2026-07-15T06:30:00Z"),
                              Utc("2026-07-15T07:30:00Z", "2026-07-15T10:30:00Z")});
}

TEST_CASE("DeskFreeTime subtracts claims; UtcEnvelope covers the days") {
  const Office office = BerlinOffice();
  const DayRange days{Day("2026-07-15"), Day("2026-07-15")};
  const IntervalSet claims = IntervalSet::FromUnsorted(
      {Utc("2026-07-15T06:30:00Z", "2026-07-15T07:00:00Z"),
       Utc("2026-07-15T09:50:00Z", "2026-07-15T11:20:00Z")});
  CHECK(DeskFreeTime(office, office.desks[0], days, claims).intervals() ==
        std::vector<Interval>{Utc("2026-07-15T06:00:00Z", "2026-07-15T06:30:00Z"),
                              Utc("2026-07-15T07:00:00Z", "2026-07-15T09:50:00Z"),
                              Utc("2026-07-15T11:20:00Z", "2026-07-15T14:00:00Z")});
  const Interval env = UtcEnvelope(days, office.zone);
  CHECK(env.Contains(Utc("2026-07-14T22:00:00Z", "2026-07-15T22:00:00Z")));
}

}  // namespace
}  // namespace termin
