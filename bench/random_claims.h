// Random bookings for benchmarks: fills a given share of an office's open
// desk time with claims, seeded, so every run measures the same state.
//
// How: repeatedly pick a desk and an open interval of it (weighted by open
// length), a start on the office grid inside it, and the occupancy of a
// service that desk can do; keep the claim if it overlaps no earlier one.
// Stop when the booked minutes reach the target share of the open minutes
// (or after a bounded number of attempts: scattered claims leave pieces
// shorter than any service, so above about 85 % the target may not be
// reached; Share() tells what was).
// Claims land scattered, as appointments booked by many citizens do, which
// leaves the small gaps that make availability work hard.
//
// Thread safety: pure function.
#ifndef TERMIN_BENCH_RANDOM_CLAIMS_H_
#define TERMIN_BENCH_RANDOM_CLAIMS_H_

#include <cstdint>

#include "scheduler/availability.h"
#include "scheduler/calendar.h"
#include "scheduler/office.h"

namespace termin::bench {

struct ClaimFill {
  OfficeClaims claims;  // claims[i] belongs to office.desks[i]
  Minutes open{0};      // open desk minutes over the days, all desks
  Minutes booked{0};    // claimed minutes (all inside open time)

  double Share() const {
    return open.count() == 0 ? 0.0 : static_cast<double>(booked.count()) / open.count();
  }
};

ClaimFill RandomClaims(const Office& office, DayRange days, double share, std::uint64_t seed);

}  // namespace termin::bench

#endif  // TERMIN_BENCH_RANDOM_CLAIMS_H_
