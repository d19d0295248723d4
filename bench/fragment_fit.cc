#include "bench/fragment_fit.h"

#include <algorithm>
#include <limits>
#include <tuple>

#include "scheduler/calendar.h"

namespace termin::bench {

std::optional<std::size_t> LeastFragmentsDesk(const Office& office, const Visit& visit,
                                              Instant start, const OfficeClaims& claims) {
  const Interval want{start, start + visit.occupancy()};
  const LocalDate day = LocalDayOf(start, office.zone);
  // The day before and after too, for gaps that run over midnight.
  const DayRange days{day - date::days(1), day + date::days(1)};
  const IntervalSet no_claims;

  std::optional<std::size_t> best;
  std::tuple<Minutes, Minutes> best_key{Minutes::max(), Minutes::max()};
  for (std::size_t i = 0; i < office.desks.size(); ++i) {
    const Desk& desk = office.desks[i];
    bool can_do = std::all_of(visit.service_ids.begin(), visit.service_ids.end(),
                              [&desk](const std::string& id) { return desk.CanDo(id); });
    if (!can_do) continue;
    const IntervalSet& desk_claims = i < claims.size() ? claims[i] : no_claims;
    std::optional<Interval> gap = DeskFreeTime(office, desk, days, desk_claims).Containing(want);
    if (!gap) continue;

    // A piece shorter than the shortest occupancy this desk serves is lost.
    Minutes shortest = Minutes::max();
    for (const Service& s : office.services) {
      if (desk.CanDo(s.id)) shortest = std::min(shortest, s.duration + s.buffer);
    }
    auto lost = [shortest](Minutes piece) {
      return piece > Minutes(0) && piece < shortest ? piece : Minutes(0);
    };
    const Minutes wasted = lost(want.begin - gap->begin) + lost(gap->end - want.end);
    const std::tuple<Minutes, Minutes> key{wasted, gap->length()};
    if (key < best_key) {  // strict: ties keep the earlier desk
      best_key = key;
      best = i;
    }
  }
  return best;
}

}  // namespace termin::bench
