// Desk assignment: which desk takes a visit at a chosen start.
//
// First fit takes the first desk (in office order) that is free for the
// visit's occupancy. Best fit takes the desk whose free gap around the visit
// is the tightest, so long free gaps stay whole for long visits. Least waste
// looks at what the visit leaves behind: a piece of the gap before or after
// the visit that is shorter than every service the desk does can never be
// booked, so it takes the desk where such lost minutes are fewest, then the
// tightest gap (with no lost minutes anywhere it is best fit). Skill aware
// keeps scarce skills free: it takes the desk whose skills beyond the visit's
// are least scarce (each skill weighs 1 / the number of the office's desks
// that have it, so a desk holding the only passport skill costs most), then
// least waste; among desks of equal skills it is least waste, so it does not
// depend on the order in which the office lists its desks. Ties go to
// office order, which keeps every choice deterministic. The simulation in
// bench/ compares the four; the API uses skill aware.
//
// Thread safety: pure functions.
#ifndef TERMIN_SCHEDULER_ASSIGNMENT_H_
#define TERMIN_SCHEDULER_ASSIGNMENT_H_

#include <optional>
#include <string_view>

#include "scheduler/availability.h"

namespace termin {

enum class AssignmentPolicy {
  kFirstFit,  // first suitable desk in office order
  kBestFit,   // suitable desk with the smallest enclosing free gap
  kLeastWaste,  // fewest unbookable leftover minutes, then best fit
  kSkillAware,  // the desk whose other skills are least scarce, then least waste
};

std::optional<AssignmentPolicy> ParseAssignmentPolicy(std::string_view name);

// The index into office.desks of the desk that should take `visit` at
// `start`, or nullopt if no desk that can do all services is free (open and
// unclaimed) for [start, start + occupancy). Booking rules (grid, notice,
// horizon) are the caller's to check, through Availability.
std::optional<std::size_t> AssignDesk(const Office& office, const Visit& visit, Instant start,
                                      const OfficeClaims& claims, AssignmentPolicy policy);

}  // namespace termin

#endif  // TERMIN_SCHEDULER_ASSIGNMENT_H_
