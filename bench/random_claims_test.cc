#include "bench/random_claims.h"

#include <doctest/doctest.h>

#include "bench/synthetic_office.h"

namespace termin::bench {
namespace {

DayRange Days(const char* first, int count) {
  const LocalDate day = *ParseDate(first);
  return {day, day + date::days(count - 1)};
}

}  // namespace

TEST_CASE("the synthetic office has the weekly hours its header promises") {
  Result<Office> office = SyntheticOffice(8);
  REQUIRE(office.ok());
  REQUIRE(ValidateOffice(*office).ok());
  // Mon 8 h + Tue 8 h + Wed 5 h + Thu 9.25 h + Fri 5 h = 2115 min per desk,
  // in a week of May 2026 without holidays.
  const ClaimFill none = RandomClaims(*office, Days("2026-05-04", 7), 0.0, 1);
  CHECK(none.open == Minutes(8 * 2115));
  CHECK(none.booked == Minutes(0));
  for (const IntervalSet& c : none.claims) CHECK(c.empty());
  // Christi Himmelfahrt (2026-05-14, a Thursday) is closed in DE-BW.
  const ClaimFill holiday_week = RandomClaims(*office, Days("2026-05-11", 7), 0.0, 1);
  CHECK(holiday_week.open == Minutes(8 * (2115 - 555)));
}

TEST_CASE("RandomClaims books the share asked for, inside open time, without overlap") {
  Result<Office> office = SyntheticOffice(8);
  REQUIRE(office.ok());
  const DayRange days = Days("2026-05-04", 21);
  for (double share : {0.3, 0.6, 0.9}) {
    CAPTURE(share);
    const ClaimFill fill = RandomClaims(*office, days, share, 42);
    REQUIRE(fill.claims.size() == 8);
    if (share < 0.7) {
      CHECK(fill.Share() >= share);
      CHECK(fill.Share() < share + 0.01);
    } else {
      // Scattered claims leave pieces shorter than any service; the layout
      // saturates somewhat below 90 %, and Share() says where.
      CHECK(fill.Share() > 0.8);
      CHECK(fill.Share() < share + 0.01);
    }
    Minutes claimed{0};
    for (std::size_t d = 0; d < fill.claims.size(); ++d) {
      claimed += fill.claims[d].TotalLength();
      const IntervalSet open = DeskOpenTime(*office, office->desks[d], days);
      CHECK(fill.claims[d].Subtract(open).empty());
    }
    // Overlapping claims would merge into less than their sum.
    CHECK(claimed == fill.booked);
  }
}

TEST_CASE("RandomClaims is a function of its seed") {
  Result<Office> office = SyntheticOffice(4);
  REQUIRE(office.ok());
  const DayRange days = Days("2026-05-04", 14);
  const ClaimFill a = RandomClaims(*office, days, 0.3, 7);
  const ClaimFill b = RandomClaims(*office, days, 0.3, 7);
  const ClaimFill c = RandomClaims(*office, days, 0.3, 8);
  CHECK(a.claims == b.claims);
  CHECK(a.claims != c.claims);
}

}  // namespace termin::bench
