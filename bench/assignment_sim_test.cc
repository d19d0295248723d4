#include "bench/assignment_sim.h"

#include <algorithm>

#include <doctest/doctest.h>

#include "bench/synthetic_office.h"
#include "scheduler/calendar.h"

namespace termin::bench {
namespace {

SimConfig WeekOfMay(std::uint64_t seed) {
  SimConfig config;
  config.seed = seed;
  config.first_day = *ParseDate("2026-05-04");  // Monday, no holiday that week
  config.last_day = *ParseDate("2026-05-08");
  return config;
}

}  // namespace

TEST_CASE("the demand stream follows the model and its seed") {
  Result<Office> office = SyntheticOffice(3);
  REQUIRE(office.ok());
  const std::vector<const Office*> offices = {&*office};
  const SimConfig config = WeekOfMay(1);
  const std::vector<Request> requests = MakeDemand(offices, config);
  REQUIRE(requests.size() > 100);

  CHECK(std::is_sorted(requests.begin(), requests.end(),
                       [](const Request& a, const Request& b) { return a.arrival < b.arrival; }));
  const DayRange month{config.first_day, config.last_day};
  IntervalSet open;
  for (const Desk& desk : office->desks) open = open.Union(DeskOpenTime(*office, desk, month));
  std::size_t long_count = 0, morning = 0;
  Minutes requested{0};
  for (const Request& r : requests) {
    CHECK(r.arrival < r.preferred);
    CHECK(open.Containing({r.preferred, r.preferred + Minutes(1)}).has_value());
    const Service* s = office->FindService(r.service_id);
    REQUIRE(s != nullptr);
    // "kurz" (15 min) is short; "mittel" (25) and "lang" (40) are long.
    CHECK(r.is_long == (r.service_id != kShortService));
    requested += s->duration + s->buffer;
    long_count += r.is_long ? 1 : 0;
    const auto local = date::make_zoned(office->zone, r.preferred).get_local_time();
    morning += local - date::floor<date::days>(local) < std::chrono::hours(12) ? 1 : 0;
  }
  const double n = static_cast<double>(requests.size());
  CHECK(long_count / n == doctest::Approx(0.4).epsilon(0.25));
  CHECK(morning / n > 0.55);
  Minutes capacity{0};
  for (const Desk& desk : office->desks) capacity += DeskOpenTime(*office, desk, month).TotalLength();
  const double demand = static_cast<double>(requested.count()) / capacity.count();
  CHECK(demand == doctest::Approx(1.2).epsilon(0.15));

  // Same seed, same citizens; another seed, others.
  const std::vector<Request> again = MakeDemand(offices, config);
  REQUIRE(again.size() == requests.size());
  for (std::size_t i = 0; i < again.size(); ++i) {
    CHECK(again[i].preferred == requests[i].preferred);
    CHECK(again[i].service_id == requests[i].service_id);
  }
  const std::vector<Request> other = MakeDemand(offices, WeekOfMay(2));
  CHECK((other.size() != requests.size() || other.front().preferred != requests.front().preferred));
}

TEST_CASE("every policy books inside capacity without broken promises") {
  Result<Office> office = SyntheticOffice(3);
  REQUIRE(office.ok());
  const std::vector<const Office*> offices = {&*office};
  const SimConfig config = WeekOfMay(3);
  const std::vector<Request> requests = MakeDemand(offices, config);
  for (DeskPolicy policy :
       {DeskPolicy::kFirstFit, DeskPolicy::kBestFit, DeskPolicy::kLeastWaste}) {
    CAPTURE(PolicyName(policy));
    const SimOutcome out = Simulate(offices, requests, config, policy);
    CHECK(out.violations == 0);
    CHECK(out.requests == requests.size());
    CHECK(out.booked + out.refused == out.requests);
    CHECK(out.refused_long <= out.refused);
    CHECK(out.booked_minutes <= out.open);
    CHECK(out.open == Minutes(3 * 2115));
    // Demand exceeds capacity: most of the week fills, and someone is refused.
    CHECK(out.FillRate() > 0.6);
    CHECK(out.refused > 0);
  }
}

}  // namespace termin::bench
