#include "scheduler/assignment.h"

#include <algorithm>

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
IntervalSet Claims(std::initializer_list<std::pair<const char*, const char*>> list) {
  std::vector<Interval> ivs;
  for (const auto& [b, e] : list) ivs.push_back({At(b), At(e)});
  return IntervalSet::FromUnsorted(ivs);
}

Office ThreeDesks() {
  Office office;
  office.id = "mitte";
  office.zone = date::locate_zone("Europe/Berlin");
  office.services = {{"ausweis", Minutes{30}, Minutes{0}}, {"pass", Minutes{30}, Minutes{0}}};
  for (const char* id : {"a", "b", "c"}) {
    Desk d;
    d.id = id;
    for (auto& day : d.opening) day = {Hm(8, 0, 16, 0)};
    d.services = {"ausweis", "pass"};
    office.desks.push_back(d);
  }
  return office;
}

const Visit kVisit{{"ausweis"}, Minutes{30}, Minutes{0}};

TEST_CASE("ParseAssignmentPolicy") {
  CHECK(ParseAssignmentPolicy("first_fit") == AssignmentPolicy::kFirstFit);
  CHECK(ParseAssignmentPolicy("best_fit") == AssignmentPolicy::kBestFit);
  CHECK(ParseAssignmentPolicy("best-fit") == AssignmentPolicy::kBestFit);
  CHECK(ParseAssignmentPolicy("least_waste") == AssignmentPolicy::kLeastWaste);
  CHECK(ParseAssignmentPolicy("skill-aware") == AssignmentPolicy::kSkillAware);
  CHECK_FALSE(ParseAssignmentPolicy("random").has_value());
  CHECK_FALSE(ParseAssignmentPolicy("").has_value());
}

TEST_CASE("first fit takes the first free desk in office order") {
  Office office = ThreeDesks();
  const Instant start = At("2026-07-15T08:00:00Z");  // 10:00 local
  CHECK(AssignDesk(office, kVisit, start, {}, AssignmentPolicy::kFirstFit) == 0u);
  OfficeClaims claims{Claims({{"2026-07-15T08:20:00Z", "2026-07-15T08:40:00Z"}})};
  CHECK(AssignDesk(office, kVisit, start, claims, AssignmentPolicy::kFirstFit) == 1u);
  // A desk that cannot do the service is skipped.
  office.desks[1].services = {"pass"};
  CHECK(AssignDesk(office, kVisit, start, claims, AssignmentPolicy::kFirstFit) == 2u);
  // All busy or closed: none.
  claims = {claims[0], claims[0], claims[0]};
  CHECK_FALSE(AssignDesk(office, kVisit, start, claims, AssignmentPolicy::kFirstFit).has_value());
  CHECK_FALSE(AssignDesk(ThreeDesks(), kVisit, At("2026-07-15T14:00:00Z"), {},
                         AssignmentPolicy::kBestFit)
                  .has_value());  // 16:00 local: closed
  // Ending exactly at closing time fits; one minute later does not.
  CHECK(AssignDesk(ThreeDesks(), kVisit, At("2026-07-15T13:30:00Z"), {},
                   AssignmentPolicy::kFirstFit) == 0u);
  CHECK_FALSE(AssignDesk(ThreeDesks(), kVisit, At("2026-07-15T13:31:00Z"), {},
                         AssignmentPolicy::kFirstFit)
                  .has_value());
}

TEST_CASE("best fit takes the tightest enclosing gap, ties in office order") {
  const Office office = ThreeDesks();
  const Instant start = At("2026-07-15T08:00:00Z");
  // Desk a: free all day (8 h). Desk b: gap 09:30-11:00 local (90 min).
  // Desk c: gap 09:45-10:45 local (60 min).
  OfficeClaims claims{
      IntervalSet{},
      Claims({{"2026-07-15T06:00:00Z", "2026-07-15T07:30:00Z"},
              {"2026-07-15T09:00:00Z", "2026-07-15T14:00:00Z"}}),
      Claims({{"2026-07-15T06:00:00Z", "2026-07-15T07:45:00Z"},
              {"2026-07-15T08:45:00Z", "2026-07-15T14:00:00Z"}}),
  };
  CHECK(AssignDesk(office, kVisit, start, claims, AssignmentPolicy::kBestFit) == 2u);
  CHECK(AssignDesk(office, kVisit, start, claims, AssignmentPolicy::kFirstFit) == 0u);
  // Equal gaps: the earlier desk wins.
  claims[2] = claims[1];
  CHECK(AssignDesk(office, kVisit, start, claims, AssignmentPolicy::kBestFit) == 1u);
}

TEST_CASE("fall back 2026-10-25: a 60-minute visit at 02:30 CEST lasts 60 real minutes") {
  Office office = ThreeDesks();
  for (Desk& d : office.desks) {
    d.opening = {};
    d.exceptions = {{Day("2026-10-25"), false, {Hm(0, 0, 6, 0)}}};
  }
  const Visit hour{{"ausweis"}, Minutes{60}, Minutes{0}};
  const Instant start = At("2026-10-25T02:30:00+02:00");
  REQUIRE(start == At("2026-10-25T00:30:00Z"));
  CHECK(FormatInstantLocal(start + hour.occupancy(), office.zone) == "2026-10-25T02:30:00+01:00");
  CHECK(AssignDesk(office, hour, start, {}, AssignmentPolicy::kFirstFit) == 0u);
  // Desk a holds 02:00-02:30 CET (the second 02:00): the visit overlaps it.
  OfficeClaims claims{Claims({{"2026-10-25T02:00:00+01:00", "2026-10-25T02:30:00+01:00"}})};
  CHECK(AssignDesk(office, hour, start, claims, AssignmentPolicy::kFirstFit) == 1u);
  // Best fit measures the gap in real minutes: desk b's gap is 00:00 CEST ..
  // 03:00 CET (4 h), tighter than desk c's 7 h.
  claims.push_back(Claims({{"2026-10-25T03:00:00+01:00", "2026-10-25T06:00:00+01:00"}}));
  CHECK(AssignDesk(office, hour, start, claims, AssignmentPolicy::kBestFit) == 1u);
}

TEST_CASE("spring forward 2027-03-28: a start in the gap does not exist, so times around it") {
  Office office = ThreeDesks();
  for (Desk& d : office.desks) {
    d.opening = {};
    d.exceptions = {{Day("2027-03-28"), false, {Hm(0, 0, 6, 0)}}};
  }
  const Visit hour{{"ausweis"}, Minutes{60}, Minutes{0}};
  // 01:30 CET + 60 real minutes = 03:30 CEST, inside the night hours.
  CHECK(AssignDesk(office, hour, At("2027-03-28T01:30:00+01:00"), {},
                   AssignmentPolicy::kFirstFit) == 0u);
  // 05:30 CEST + 60 minutes ends after 06:00: rejected.
  CHECK_FALSE(AssignDesk(office, hour, At("2027-03-28T05:30:00+02:00"), {},
                         AssignmentPolicy::kFirstFit)
                  .has_value());
}

TEST_CASE("least waste avoids leaving pieces shorter than any service") {
  // Services of 30 min: a leftover under 30 min can never be booked.
  const Office office = ThreeDesks();
  const Instant start = At("2026-07-15T08:00:00Z");  // 10:00 local, visit to 10:30
  // Desk a: gap 09:50-10:50 local (60 min): leaves 10 + 20 lost minutes.
  // Desk b: gap 10:00-11:30 local (90 min): leaves 0 + 60, nothing lost.
  // Desk c: busy.
  OfficeClaims claims{
      Claims({{"2026-07-15T06:00:00Z", "2026-07-15T07:50:00Z"},
              {"2026-07-15T08:50:00Z", "2026-07-15T14:00:00Z"}}),
      Claims({{"2026-07-15T06:00:00Z", "2026-07-15T08:00:00Z"},
              {"2026-07-15T09:30:00Z", "2026-07-15T14:00:00Z"}}),
      Claims({{"2026-07-15T06:00:00Z", "2026-07-15T14:00:00Z"}})};
  // Best fit takes the tighter gap of desk a and wastes 30 minutes ...
  CHECK(AssignDesk(office, kVisit, start, claims, AssignmentPolicy::kBestFit) == 0u);
  // ... least waste takes desk b, whose leftover hour stays bookable.
  CHECK(AssignDesk(office, kVisit, start, claims, AssignmentPolicy::kLeastWaste) == 1u);
  // With no waste anywhere it is best fit: desk c freed to a 60-min gap that
  // the visit splits into 0 + 30 (bookable) beats desk b's 90.
  claims[2] = Claims({{"2026-07-15T06:00:00Z", "2026-07-15T08:00:00Z"},
                      {"2026-07-15T09:00:00Z", "2026-07-15T14:00:00Z"}});
  CHECK(AssignDesk(office, kVisit, start, claims, AssignmentPolicy::kLeastWaste) == 2u);
}

TEST_CASE("skill aware keeps the scarce skill free, in any desk order") {
  // Desk "all" is the only one that does passports; "id1", "id2" only ID cards.
  for (bool reversed : {false, true}) {
    CAPTURE(reversed);
    Office office = ThreeDesks();
    office.desks[0].id = "all";
    office.desks[1].id = "id1";
    office.desks[1].services = {"ausweis"};
    office.desks[2].id = "id2";
    office.desks[2].services = {"ausweis"};
    if (reversed) std::reverse(office.desks.begin(), office.desks.end());
    const std::size_t all = reversed ? 2 : 0;
    const Instant start = At("2026-07-15T08:00:00Z");
    // An ID card goes to a desk without the passport skill, whatever the order.
    auto chosen = AssignDesk(office, kVisit, start, {}, AssignmentPolicy::kSkillAware);
    REQUIRE(chosen.has_value());
    CHECK(*chosen != all);
    // Least waste (and first fit in office order) may take the all-round desk.
    if (!reversed) CHECK(AssignDesk(office, kVisit, start, {}, AssignmentPolicy::kLeastWaste) == all);
    // A passport can only go there.
    const Visit passport{{"pass"}, Minutes{30}, Minutes{0}};
    CHECK(AssignDesk(office, passport, start, {}, AssignmentPolicy::kSkillAware) == all);
    // With both specialists busy the ID card still gets the all-round desk.
    OfficeClaims claims(3);
    for (std::size_t i = 0; i < 3; ++i) {
      if (i != all) claims[i] = Claims({{"2026-07-15T08:00:00Z", "2026-07-15T09:00:00Z"}});
    }
    CHECK(AssignDesk(office, kVisit, start, claims, AssignmentPolicy::kSkillAware) == all);
  }
  // Equal skills: the same as least waste.
  Office same = ThreeDesks();
  OfficeClaims claims{Claims({{"2026-07-15T08:40:00Z", "2026-07-15T09:00:00Z"}}), {}, {}};
  const Instant start = At("2026-07-15T08:00:00Z");
  CHECK(AssignDesk(same, kVisit, start, claims, AssignmentPolicy::kSkillAware) ==
        AssignDesk(same, kVisit, start, claims, AssignmentPolicy::kLeastWaste));
}

}  // namespace
}  // namespace termin
