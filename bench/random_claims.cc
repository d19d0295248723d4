#include "bench/random_claims.h"

#include <random>
#include <vector>

namespace termin::bench {

ClaimFill RandomClaims(const Office& office, DayRange days, double share, std::uint64_t seed) {
  ClaimFill fill;
  const std::size_t n = office.desks.size();
  fill.claims.assign(n, IntervalSet());

  // Every open interval of every desk, with its desk, as one weighted list.
  struct Slot {
    std::size_t desk;
    Interval open;
  };
  std::vector<Slot> slots;
  std::vector<double> weights;
  std::vector<std::vector<Minutes>> occupancies(n);
  for (std::size_t d = 0; d < n; ++d) {
    const Desk& desk = office.desks[d];
    const IntervalSet open = DeskOpenTime(office, desk, days);  // outlives the loop
    for (const Interval& iv : open.intervals()) {
      slots.push_back({d, iv});
      weights.push_back(static_cast<double>(iv.length().count()));
      fill.open += iv.length();
    }
    for (const Service& s : office.services) {
      if (desk.CanDo(s.id)) occupancies[d].push_back(s.duration + s.buffer);
    }
  }
  if (slots.empty() || share <= 0) return fill;

  std::mt19937_64 rng(seed);
  std::discrete_distribution<std::size_t> pick_slot(weights.begin(), weights.end());
  const Minutes target{static_cast<Minutes::rep>(share * static_cast<double>(fill.open.count()))};
  const long grid = office.rules.grid.count() > 0 ? office.rules.grid.count() : 1;
  // Enough attempts to reach 90 % on a fragmented office, and a bound.
  const long max_attempts = 200 * (fill.open.count() / grid + 1);

  for (long attempt = 0; attempt < max_attempts && fill.booked < target; ++attempt) {
    const Slot& slot = slots[pick_slot(rng)];
    const auto& occ = occupancies[slot.desk];
    if (occ.empty()) continue;
    const Minutes length = occ[std::uniform_int_distribution<std::size_t>(0, occ.size() - 1)(rng)];
    const long room = (slot.open.length() - length).count();
    if (room < 0) continue;
    const long step = std::uniform_int_distribution<long>(0, room / grid)(rng);
    const Interval claim{slot.open.begin + Minutes(step * grid), slot.open.begin + Minutes(step * grid) + length};
    IntervalSet& desk_claims = fill.claims[slot.desk];
    if (desk_claims.Overlaps(claim)) continue;
    desk_claims = desk_claims.Union(IntervalSet::FromSorted({claim}));
    fill.booked += length;
  }
  return fill;
}

}  // namespace termin::bench
