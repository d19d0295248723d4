#include "bench/fragment_fit.h"

#include <doctest/doctest.h>

#include "bench/synthetic_office.h"
#include "scheduler/assignment.h"

namespace termin::bench {
namespace {

// Tuesday 2026-05-05, Berlin summer time: local = UTC + 2 h.
Instant At(const char* local_hhmm) {
  return *ParseInstant(std::string("2026-05-05T") + local_hhmm + ":00+02:00");
}

IntervalSet Busy(std::vector<std::pair<const char*, const char*>> spans) {
  std::vector<Interval> ivs;
  for (auto [from, to] : spans) ivs.push_back({At(from), At(to)});
  return IntervalSet::FromUnsorted(ivs);
}

}  // namespace

TEST_CASE("least fragments avoids a leftover shorter than every service") {
  Result<Office> office = SyntheticOffice(2);
  REQUIRE(office.ok());
  Result<Visit> visit = MakeVisit(*office, {kShortService});  // 15 min
  REQUIRE(visit.ok());
  // Desk 1: free 08:00-08:25; a 15-min visit at 08:00 leaves 10 min, lost.
  // Desk 2: free 08:00-08:30; it leaves 15 min, still a short visit.
  const OfficeClaims claims = {Busy({{"07:30", "08:00"}, {"08:25", "11:30"}}),
                               Busy({{"07:30", "08:00"}, {"08:30", "12:00"}})};
  const Instant start = At("08:00");
  CHECK(AssignDesk(*office, *visit, start, claims, AssignmentPolicy::kBestFit) == 0u);
  CHECK(LeastFragmentsDesk(*office, *visit, start, claims) == 1u);
}

TEST_CASE("least fragments falls back to the tightest gap, then office order") {
  Result<Office> office = SyntheticOffice(3);
  REQUIRE(office.ok());
  Result<Visit> visit = MakeVisit(*office, {kShortService});
  REQUIRE(visit.ok());
  const Instant start = At("08:00");
  // No lost minutes anywhere: gaps of 30, 15 (exact) and 15 (exact) minutes.
  const OfficeClaims claims = {Busy({{"07:30", "08:00"}, {"08:30", "11:30"}}),
                               Busy({{"07:30", "08:00"}, {"08:15", "12:00"}}),
                               Busy({{"07:30", "08:00"}, {"08:15", "12:30"}})};
  CHECK(LeastFragmentsDesk(*office, *visit, start, claims) == 1u);
  CHECK(AssignDesk(*office, *visit, start, claims, AssignmentPolicy::kBestFit) == 1u);
  // Claims may be shorter than the desks: the third desk is then all free.
  const OfficeClaims two = {claims[0], Busy({{"08:00", "08:15"}})};
  CHECK(LeastFragmentsDesk(*office, *visit, start, two) == 0u);
}

TEST_CASE("least fragments finds no desk when none is free") {
  Result<Office> office = SyntheticOffice(2);
  REQUIRE(office.ok());
  Result<Visit> visit = MakeVisit(*office, {kLongService});
  REQUIRE(visit.ok());
  const OfficeClaims claims = {Busy({{"08:10", "08:20"}}), Busy({{"08:30", "08:35"}})};
  CHECK_FALSE(LeastFragmentsDesk(*office, *visit, At("08:00"), claims).has_value());
  // A break closes the desk too: desk 1 breaks 11:30-12:00.
  CHECK(LeastFragmentsDesk(*office, *visit, At("11:00"), {}) == 1u);
  // Before opening nobody is free.
  CHECK_FALSE(LeastFragmentsDesk(*office, *visit, At("07:00"), {}).has_value());
}

}  // namespace termin::bench
