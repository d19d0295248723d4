// Desk assignment at a chosen start.
//
// A desk can take the visit iff it can do every service and its free time
// (open minus claims) has one gap that contains [start, start + occupancy).
// Best fit compares those gaps by length. A gap is measured within the local
// days the visit touches (the days from the start's local date to the local
// date of its last minute): that is the range whose calendar we build, and
// the same window for every desk keeps the comparison fair. The gap is the
// desk's free stretch around the visit, so a desk whose visit would leave
// the shortest remainder wins and long free stretches stay whole for long
// visits. Ties keep office order, so the choice is deterministic.
#include "scheduler/assignment.h"

#include <algorithm>
#include <cstdint>
#include <tuple>

namespace termin {
namespace {

// The shortest occupancy of any service the desk can do: a free piece
// shorter than this is lost for good. Minutes::max() if it does none.
Minutes ShortestOccupancy(const Office& office, const Desk& desk) {
  Minutes shortest = Minutes::max();
  for (const Service& s : office.services) {
    if (desk.CanDo(s.id)) shortest = std::min(shortest, s.duration + s.buffer);
  }
  return shortest;
}

// What taking `desk` for `visit` costs the rest of the day: its skills
// beyond the visit's, each weighted by its scarcity (1 / desks that have it),
// in millis so that the key stays integral.
std::int64_t SpareSkillCost(const Office& office, const Desk& desk, const Visit& visit) {
  std::int64_t cost = 0;
  for (const Service& s : office.services) {
    if (!desk.CanDo(s.id)) continue;
    if (std::find(visit.service_ids.begin(), visit.service_ids.end(), s.id) != visit.service_ids.end()) {
      continue;
    }
    const auto holders = std::count_if(office.desks.begin(), office.desks.end(),
                                       [&](const Desk& d) { return d.CanDo(s.id); });
    cost += 1000 / std::max<std::int64_t>(1, holders);
  }
  return cost;
}

}  // namespace

std::optional<AssignmentPolicy> ParseAssignmentPolicy(std::string_view name) {
  if (name == "first_fit" || name == "first-fit") return AssignmentPolicy::kFirstFit;
  if (name == "best_fit" || name == "best-fit") return AssignmentPolicy::kBestFit;
  if (name == "least_waste" || name == "least-waste") return AssignmentPolicy::kLeastWaste;
  if (name == "skill_aware" || name == "skill-aware") return AssignmentPolicy::kSkillAware;
  return std::nullopt;
}

std::optional<std::size_t> AssignDesk(const Office& office, const Visit& visit, Instant start,
                                      const OfficeClaims& claims, AssignmentPolicy policy) {
  const Minutes occupancy = visit.occupancy();
  if (occupancy <= Minutes{0}) return std::nullopt;
  const Interval wanted{start, start + occupancy};
  const DayRange days{LocalDayOf(wanted.begin, office.zone),
                      LocalDayOf(wanted.end - Minutes{1}, office.zone)};
  const OfficeCalendar calendar(office, days);
  const IntervalSet no_claims;

  std::optional<std::size_t> chosen;
  // Best fit ranks by (0, gap length), least waste by (lost minutes, gap
  // length); smaller is better, and a strict comparison keeps office order.
  // Skill aware puts the spare-skill cost first.
  std::tuple<std::int64_t, Minutes, Minutes> chosen_key{0, Minutes::max(), Minutes::max()};
  for (std::size_t i = 0; i < office.desks.size(); ++i) {
    const Desk& desk = office.desks[i];
    const bool can_do_all =
        std::all_of(visit.service_ids.begin(), visit.service_ids.end(),
                    [&](const std::string& id) { return desk.CanDo(id); });
    if (!can_do_all) continue;
    const IntervalSet& desk_claims = i < claims.size() ? claims[i] : no_claims;
    // Cheap rejection before building the desk's calendar.
    if (desk_claims.Overlaps(wanted)) continue;
    const std::optional<Interval> gap =
        calendar.OpenTime(desk).Subtract(desk_claims).Containing(wanted);
    if (!gap) continue;
    if (policy == AssignmentPolicy::kFirstFit) return i;
    Minutes lost{0};
    if (policy == AssignmentPolicy::kLeastWaste || policy == AssignmentPolicy::kSkillAware) {
      const Minutes shortest = ShortestOccupancy(office, desk);
      for (const Minutes piece : {wanted.begin - gap->begin, gap->end - wanted.end}) {
        if (piece > Minutes{0} && piece < shortest) lost += piece;
      }
    }
    const std::int64_t spare =
        policy == AssignmentPolicy::kSkillAware ? SpareSkillCost(office, desk, visit) : 0;
    const std::tuple<std::int64_t, Minutes, Minutes> key{spare, lost, gap->length()};
    if (!chosen || key < chosen_key) {
      chosen = i;
      chosen_key = key;
    }
  }
  return chosen;
}

}  // namespace termin
