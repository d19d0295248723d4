// Least-fragments desk choice: a variant of best fit, kept in the benchmark
// to compare against the core's policies (scheduler/assignment.h).
//
// The core's best fit takes the desk whose free gap around the visit is the
// tightest. That keeps long gaps whole, but it does not look at what the
// visit leaves behind: placing a visit in a gap can split off a piece before
// or after it that is shorter than any service the desk does, and such a
// piece is lost for good. This variant takes the desk where the visit leaves
// the fewest such lost minutes; ties go to the tightest gap, then to office
// order (so with no lost minutes anywhere it is the core's best fit).
//
// Thread safety: pure function.
#ifndef TERMIN_BENCH_FRAGMENT_FIT_H_
#define TERMIN_BENCH_FRAGMENT_FIT_H_

#include <cstddef>
#include <optional>

#include "scheduler/availability.h"
#include "scheduler/office.h"

namespace termin::bench {

// The index into office.desks, or nullopt if no suitable desk is free for
// [start, start + occupancy).
std::optional<std::size_t> LeastFragmentsDesk(const Office& office, const Visit& visit,
                                              Instant start, const OfficeClaims& claims);

}  // namespace termin::bench

#endif  // TERMIN_BENCH_FRAGMENT_FIT_H_
