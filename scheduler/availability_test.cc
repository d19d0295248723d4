#include "scheduler/availability.h"

#include <doctest/doctest.h>

#include <chrono>

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
const date::time_zone* Berlin() { return date::locate_zone("Europe/Berlin"); }

Desk OpenDesk(std::string id, LocalInterval hours) {
  Desk desk;
  desk.id = std::move(id);
  for (auto& day : desk.opening) day = {hours};
  desk.services = {"ausweis"};
  return desk;
}

Office OneDeskOffice(LocalInterval hours) {
  Office office;
  office.id = "mitte";
  office.zone = Berlin();
  office.rules.grid = Minutes{15};
  office.rules.min_notice = Minutes{60};
  office.rules.max_days_ahead = 60;
  office.services = {{"ausweis", Minutes{30}, Minutes{0}}};
  office.desks = {OpenDesk("a", hours)};
  return office;
}

Visit VisitOf(Minutes duration, Minutes buffer = Minutes{0}) {
  return Visit{{"ausweis"}, duration, buffer};
}

std::vector<std::string> LocalStarts(const std::vector<Offer>& offers) {
  std::vector<std::string> out;
  for (const Offer& o : offers) out.push_back(FormatInstantLocal(o.start, Berlin()).substr(11));
  return out;
}

const DayRange kJuly15{Day("2026-07-15"), Day("2026-07-15")};

TEST_CASE("offers every grid start where the visit fits in the opening hours") {
  const Office office = OneDeskOffice(Hm(8, 0, 12, 0));
  const auto offers = Availability(office, VisitOf(Minutes{30}), kJuly15, At("2026-07-14T08:00:00Z"), {});
  REQUIRE(offers.size() == 15);  // 08:00, 08:15, ..., 11:30
  CHECK(offers.front().start == At("2026-07-15T06:00:00Z"));
  CHECK(offers.back().start == At("2026-07-15T09:30:00Z"));
  for (const Offer& o : offers) CHECK(o.free_desks == 1);
}

TEST_CASE("claims, buffers and other desks change what is offered and the desk count") {
  Office office = OneDeskOffice(Hm(8, 0, 12, 0));
  const Instant now = At("2026-07-14T08:00:00Z");
  // A claim 08:40-09:10 local removes the starts whose visit would overlap it.
  OfficeClaims claims{IntervalSet::FromUnsorted({{At("2026-07-15T06:40:00Z"), At("2026-07-15T07:10:00Z")}})};
  auto offers = Availability(office, VisitOf(Minutes{30}), kJuly15, now, claims);
  CHECK(LocalStarts(offers) ==
        std::vector<std::string>{"08:00:00+02:00", "09:15:00+02:00", "09:30:00+02:00",
                                 "09:45:00+02:00", "10:00:00+02:00", "10:15:00+02:00",
                                 "10:30:00+02:00", "10:45:00+02:00", "11:00:00+02:00",
                                 "11:15:00+02:00", "11:30:00+02:00"});
  // The buffer is occupancy too: 20 + 10 minutes must fit before 12:00.
  offers = Availability(office, VisitOf(Minutes{20}, Minutes{10}), kJuly15, now, {});
  CHECK(offers.back().start == At("2026-07-15T09:30:00Z"));
  // A second desk, 10:00-14:00: two desks free where both are open.
  office.desks.push_back(OpenDesk("b", Hm(10, 0, 14, 0)));
  offers = Availability(office, VisitOf(Minutes{30}), kJuly15, now, claims);
  int two = 0;
  for (const Offer& o : offers) {
    const bool both = o.start >= At("2026-07-15T08:00:00Z") && o.start <= At("2026-07-15T09:30:00Z");
    CHECK(o.free_desks == (both ? 2 : 1));
    two += both ? 1 : 0;
  }
  CHECK(two == 7);
  CHECK(offers.back().start == At("2026-07-15T11:30:00Z"));  // 13:30 at desk b
  // A desk that cannot do every service is not counted.
  office.desks[1].services = {"meldung"};
  CHECK(Availability(office, VisitOf(Minutes{30}), kJuly15, now, claims).size() == 11);
}

TEST_CASE("minimum notice and days ahead bound the offers") {
  Office office = OneDeskOffice(Hm(8, 0, 12, 0));
  // now 09:50 local, 60 min notice: earliest 10:50, so 11:00 .. 11:30.
  auto offers = Availability(office, VisitOf(Minutes{30}), kJuly15, At("2026-07-15T07:50:00Z"), {});
  CHECK(LocalStarts(offers) ==
        std::vector<std::string>{"11:00:00+02:00", "11:15:00+02:00", "11:30:00+02:00"});
  // Under other rules (a kiosk walk-in: no notice).
  BookingRules walk_in = office.rules;
  walk_in.min_notice = Minutes{0};
  offers = Availability(office, walk_in, VisitOf(Minutes{30}), kJuly15, At("2026-07-15T07:50:00Z"), {});
  CHECK(offers.front().start == At("2026-07-15T08:00:00Z"));
  // Days ahead: today + 2 is the last day offered, whatever the range asks.
  office.rules.max_days_ahead = 2;
  offers = Availability(office, VisitOf(Minutes{30}), {Day("2026-07-01"), Day("2026-07-31")},
                        At("2026-07-15T20:00:00Z"), {});
  REQUIRE(!offers.empty());
  CHECK(LocalDayOf(offers.front().start, Berlin()) == Day("2026-07-16"));
  CHECK(LocalDayOf(offers.back().start, Berlin()) == Day("2026-07-17"));
  CHECK(offers.size() == 30);
  // The local date decides "today": 23:30 UTC is already tomorrow in Berlin.
  office.rules.max_days_ahead = 0;
  offers = Availability(office, VisitOf(Minutes{30}), {Day("2026-07-01"), Day("2026-07-31")},
                        At("2026-07-15T22:30:00Z"), {});
  REQUIRE(offers.size() == 15);
  CHECK(LocalDayOf(offers.front().start, Berlin()) == Day("2026-07-16"));
}

TEST_CASE("the grid is local: a 45-minute grid counts from local midnight") {
  Office office = OneDeskOffice(Hm(8, 0, 12, 0));
  office.rules.grid = Minutes{45};
  // Local multiples of 45 minutes: 07:30, 08:15, 09:00, ...
  auto offers = Availability(office, VisitOf(Minutes{30}), kJuly15, At("2026-07-14T08:00:00Z"), {});
  CHECK(LocalStarts(offers) ==
        std::vector<std::string>{"08:15:00+02:00", "09:00:00+02:00", "09:45:00+02:00",
                                 "10:30:00+02:00", "11:15:00+02:00"});
  // The same local grid in winter, where the UTC phase differs.
  offers = Availability(office, VisitOf(Minutes{30}), {Day("2026-01-14"), Day("2026-01-14")},
                        At("2026-01-13T08:00:00Z"), {});
  CHECK(LocalStarts(offers) ==
        std::vector<std::string>{"08:15:00+01:00", "09:00:00+01:00", "09:45:00+01:00",
                                 "10:30:00+01:00", "11:15:00+01:00"});
}

// Night hours 00:00-06:00 on the transition Sunday only, grid 30.
Office NightOffice(std::string_view sunday) {
  Office office = OneDeskOffice(Hm(8, 0, 9, 0));
  office.rules.grid = Minutes{30};
  office.desks[0].opening = {};
  office.desks[0].exceptions = {{Day(sunday), false, {Hm(0, 0, 6, 0)}}};
  return office;
}

TEST_CASE("spring forward: no start in the 02:00-03:00 gap (2026-03-29, 2027-03-28)") {
  for (const char* sunday : {"2026-03-29", "2027-03-28"}) {
    CAPTURE(sunday);
    const Office office = NightOffice(sunday);
    const LocalDate day = Day(sunday);
    const Instant now = Instant{(day - date::days{2}).time_since_epoch()};
    const auto offers = Availability(office, VisitOf(Minutes{30}), {day, day}, now, {});
    CHECK(LocalStarts(offers) ==
          std::vector<std::string>{"00:00:00+01:00", "00:30:00+01:00", "01:00:00+01:00",
                                   "01:30:00+01:00", "03:00:00+02:00", "03:30:00+02:00",
                                   "04:00:00+02:00", "04:30:00+02:00", "05:00:00+02:00",
                                   "05:30:00+02:00"});
    // A 60-minute visit at 01:30 CET ends at 03:30 CEST: one real hour, offered.
    const auto long_offers = Availability(office, VisitOf(Minutes{60}), {day, day}, now, {});
    CHECK(LocalStarts(long_offers)[3] == "01:30:00+01:00");
    CHECK(long_offers.size() == 9);  // every start above but 05:30
  }
}

TEST_CASE("fall back: no instant twice; a 60-minute visit at 02:30 CEST ends 02:30 CET") {
  for (const char* sunday : {"2026-10-25", "2027-10-31"}) {
    CAPTURE(sunday);
    const Office office = NightOffice(sunday);
    const LocalDate day = Day(sunday);
    const Instant now = Instant{(day - date::days{2}).time_since_epoch()};
    const auto offers = Availability(office, VisitOf(Minutes{30}), {day, day}, now, {});
    CHECK(LocalStarts(offers) ==
          std::vector<std::string>{"00:00:00+02:00", "00:30:00+02:00", "01:00:00+02:00",
                                   "01:30:00+02:00", "02:00:00+02:00", "02:30:00+02:00",
                                   "02:00:00+01:00", "02:30:00+01:00", "03:00:00+01:00",
                                   "03:30:00+01:00", "04:00:00+01:00", "04:30:00+01:00",
                                   "05:00:00+01:00", "05:30:00+01:00"});
    for (std::size_t i = 1; i < offers.size(); ++i) CHECK(offers[i - 1].start < offers[i].start);

    const auto hour = Availability(office, VisitOf(Minutes{60}), {day, day}, now, {});
    const Instant start_0230_cest = Instant{day.time_since_epoch()} + Minutes{30};  // 00:30Z
    const auto it = std::find_if(hour.begin(), hour.end(),
                                 [&](const Offer& o) { return o.start == start_0230_cest; });
    REQUIRE(it != hour.end());
    CHECK(FormatInstantLocal(it->start, Berlin()).substr(11) == "02:30:00+02:00");
    CHECK(FormatInstantLocal(it->start + Minutes{60}, Berlin()).substr(11) == "02:30:00+01:00");
    // A claim on 02:00-02:30 CET (the second 02:00) blocks the 02:30 CEST visit.
    OfficeClaims claims{IntervalSet::FromUnsorted(
        {{start_0230_cest + Minutes{30}, start_0230_cest + Minutes{60}}})};
    const auto blocked = Availability(office, VisitOf(Minutes{60}), {day, day}, now, claims);
    CHECK(std::none_of(blocked.begin(), blocked.end(),
                       [&](const Offer& o) { return o.start == start_0230_cest; }));
  }
}

TEST_CASE("same-day buffer: the last share of each desk's day is offered only from its release") {
  // One desk 08:00-12:00 (240 min), half kept (Einbeck 50/50): 10:00-12:00.
  Office office = OneDeskOffice(Hm(8, 0, 12, 0));
  office.rules.min_notice = Minutes{0};
  office.rules.same_day_buffer_percent = 50;
  office.rules.same_day_release = Minutes{7 * 60};  // from 07:00 on the day
  const Visit visit = VisitOf(Minutes{30});
  // The day before: only 08:00..09:30 (the visit must end by 10:00).
  auto offers = Availability(office, visit, kJuly15, At("2026-07-14T08:00:00Z"), {});
  CHECK(LocalStarts(offers) ==
        std::vector<std::string>{"08:00:00+02:00", "08:15:00+02:00", "08:30:00+02:00",
                                 "08:45:00+02:00", "09:00:00+02:00", "09:15:00+02:00",
                                 "09:30:00+02:00"});
  // On the day, 06:59 local: still kept.
  offers = Availability(office, visit, kJuly15, At("2026-07-15T04:59:00Z"), {});
  CHECK(offers.size() == 7);
  // From 07:00 local: all 15 starts.
  offers = Availability(office, visit, kJuly15, At("2026-07-15T05:00:00Z"), {});
  CHECK(offers.size() == 15);
  // Release 00:00 = "not before that day"; the day before it is kept.
  office.rules.same_day_release = Minutes{0};
  CHECK(Availability(office, visit, kJuly15, At("2026-07-14T21:59:00Z"), {}).size() == 7);
  CHECK(Availability(office, visit, kJuly15, At("2026-07-14T22:00:00Z"), {}).size() == 15);
  // Rounded down to the grid, taken from the end across a break: desk
  // 08:00-10:00 and 11:00-12:20 (200 min), 33% = 66 -> 60 min: 11:20-12:20.
  Office split = OneDeskOffice(Hm(8, 0, 10, 0));
  for (auto& day : split.desks[0].opening) day = {Hm(8, 0, 10, 0), Hm(11, 0, 12, 20)};
  split.rules.same_day_buffer_percent = 33;
  const OfficeCalendar calendar(split, kJuly15);
  const IntervalSet open = calendar.OpenTime(split.desks[0]);
  const IntervalSet kept = SameDayBuffer(split, split.rules, open, At("2026-07-14T08:00:00Z"));
  CHECK(kept == IntervalSet::FromUnsorted({{At("2026-07-15T09:20:00Z"), At("2026-07-15T10:20:00Z")}}));
  // 0 percent keeps nothing.
  split.rules.same_day_buffer_percent = 0;
  CHECK(SameDayBuffer(split, split.rules, open, At("2026-07-14T08:00:00Z")).empty());
}

TEST_CASE("hotline quota: the first share of each desk's day is the hotline's until its release") {
  // One desk 08:00-12:00 (240 min), a quarter for the hotline: 08:00-09:00,
  // released to the web at local midnight two days before (13 July 00:00,
  // 12 July 22:00Z).
  Office office = OneDeskOffice(Hm(8, 0, 12, 0));
  office.rules.min_notice = Minutes{0};
  office.rules.hotline_share_percent = 25;
  office.rules.hotline_release_days = 2;
  const Visit visit = VisitOf(Minutes{30});
  auto offers = Availability(office, visit, kJuly15, At("2026-07-12T21:59:00Z"), {});
  REQUIRE(offers.size() == 11);  // 09:00 .. 11:30
  CHECK(LocalStarts(offers).front() == "09:00:00+02:00");
  // Staff rules see it all.
  BookingRules staff = office.rules;
  staff.hotline_share_percent = 0;
  CHECK(Availability(office, staff, visit, kJuly15, At("2026-07-12T21:59:00Z"), {}).size() == 15);
  // Released: the web gets what the hotline left.
  CHECK(Availability(office, visit, kJuly15, At("2026-07-12T22:00:00Z"), {}).size() == 15);
  // Rounded down to the grid, from the start across a break: 08:00-10:00 and
  // 11:00-12:20 (200 min), 33% = 66 -> 60 min: 08:00-09:00.
  Office split = OneDeskOffice(Hm(8, 0, 10, 0));
  for (auto& day : split.desks[0].opening) day = {Hm(8, 0, 10, 0), Hm(11, 0, 12, 20)};
  split.rules.hotline_share_percent = 33;
  const OfficeCalendar calendar(split, kJuly15);
  const IntervalSet open = calendar.OpenTime(split.desks[0]);
  CHECK(HotlineShare(split, split.rules, open, At("2026-07-11T08:00:00Z")) ==
        IntervalSet::FromUnsorted({{At("2026-07-15T06:00:00Z"), At("2026-07-15T07:00:00Z")}}));
  // 100 % of 200 minutes, rounded down to the 15-minute grid: 195, across the break.
  split.rules.hotline_share_percent = 100;
  CHECK(HotlineShare(split, split.rules, open, At("2026-07-11T08:00:00Z")) ==
        IntervalSet::FromUnsorted({{At("2026-07-15T06:00:00Z"), At("2026-07-15T08:00:00Z")},
                                   {At("2026-07-15T09:00:00Z"), At("2026-07-15T10:15:00Z")}}));
  split.rules.hotline_share_percent = 0;
  CHECK(HotlineShare(split, split.rules, open, At("2026-07-11T08:00:00Z")).empty());
}

TEST_CASE("NextFree merges offices by start, ties by office id, and stops at n") {
  Office a = OneDeskOffice(Hm(10, 0, 11, 0));
  a.id = "a";
  a.rules.grid = Minutes{30};
  Office b = OneDeskOffice(Hm(9, 30, 10, 30));
  b.id = "b";
  b.rules.grid = Minutes{30};
  const Visit visit = VisitOf(Minutes{30});
  const OfficeClaims none;
  const Instant now = At("2026-07-15T00:00:00Z");  // 02:00 local
  // Office b listed first: the order of the answer must not depend on it.
  const std::vector<OfficeQuery> queries{{&b, visit, &none}, {&a, visit, &none}};
  auto next = NextFree(queries, now, 3);
  REQUIRE(next.size() == 3);
  CHECK(next[0].office_id == "b");
  CHECK(next[0].start == At("2026-07-15T07:30:00Z"));
  CHECK(next[1].office_id == "a");
  CHECK(next[1].start == At("2026-07-15T08:00:00Z"));
  CHECK(next[2].office_id == "b");
  CHECK(next[2].start == At("2026-07-15T08:00:00Z"));
  // The horizon bounds the search: 3 days x 2 starts x 2 offices.
  a.rules.max_days_ahead = 2;
  b.rules.max_days_ahead = 2;
  CHECK(NextFree(queries, now, 100).size() == 12);
  CHECK(NextFree(queries, now, 0).empty());
  // Far ahead (beyond the first week) is still found.
  Office far = OneDeskOffice(Hm(10, 0, 11, 0));
  far.desks[0].opening = {};
  far.desks[0].exceptions = {{Day("2026-08-20"), false, {Hm(10, 0, 10, 30)}}};
  next = NextFree({{&far, visit, nullptr}}, now, 5);
  REQUIRE(next.size() == 1);
  CHECK(next[0].start == At("2026-08-20T08:00:00Z"));
}

// A rough timing of the benchmark shape (the real benchmarks live in bench/):
// 8 desks, 60 days, about 30 % of open time claimed.
TEST_CASE("timing: one 60-day, 8-desk availability query") {
  Office office = OneDeskOffice(Hm(8, 0, 18, 0));
  office.rules.grid = Minutes{5};
  office.rules.min_notice = Minutes{0};
  office.holiday_region = "DE-BW";
  office.desks.clear();
  for (int i = 0; i < 8; ++i) {
    Desk d = OpenDesk("d" + std::to_string(i), Hm(8, 0, 18, 0));
    for (int wd = 0; wd < 5; ++wd) d.breaks[wd] = {Hm(12, 0, 12, 30)};
    d.opening[5].clear();
    d.opening[6].clear();
    office.desks.push_back(d);
  }
  const Instant now = At("2026-03-02T06:00:00Z");
  const DayRange days{Day("2026-03-02"), Day("2026-05-01")};
  OfficeClaims claims(8);
  for (int i = 0; i < 8; ++i) {
    std::vector<Interval> busy;
    for (Instant t = now; t < now + date::days{61}; t += Minutes{100}) {
      busy.push_back({t + Minutes{i * 5}, t + Minutes{i * 5 + 30}});  // 30 % of all time
    }
    claims[static_cast<std::size_t>(i)] = IntervalSet::FromUnsorted(busy);
  }
  const Visit visit = VisitOf(Minutes{15}, Minutes{5});
  // At most 200 runs or about 0.3 s, whichever comes first (sanitizer
  // builds are slow; this is a rough figure, not a gate).
  std::size_t total = 0;
  int runs = 0;
  const auto t0 = std::chrono::steady_clock::now();
  auto t1 = t0;
  while (runs < 200 && t1 - t0 < std::chrono::milliseconds(300)) {
    total += Availability(office, visit, days, now, claims).size();
    ++runs;
    t1 = std::chrono::steady_clock::now();
  }
  CHECK(total > 0);
  MESSAGE("availability 8 desks x 60 days: "
          << std::chrono::duration_cast<std::chrono::microseconds>(t1 - t0).count() / runs
          << " us per query (" << runs << " runs), " << total / runs << " offers");
}

}  // namespace
}  // namespace termin
