// Availability: offered starts and their free-desk counts.
//
// The obvious way (per desk: list its grid starts, then merge the lists and
// count) costs a sorted merge of up to desks x starts entries. Instead we
// number every candidate start of the query window once ("grid positions")
// and count with a difference array:
//   1. The candidate starts are the local grid points of the window, clipped
//      to [now + notice, ...). The grid is local, so its phase in UTC minutes
//      is (-offset) mod grid and changes with the offset; per offset period
//      the candidates form one arithmetic progression (a "run"). For Berlin
//      (whole-hour offsets) and any grid dividing 60 the phase is 0.
//   2. Per suitable desk, each free gap [b, e) long enough for the occupancy
//      admits exactly the candidates in [b, e - occupancy]: an index range
//      [lo, hi) found by arithmetic on the runs. diff[lo]++, diff[hi]--.
//   3. A prefix sum over diff gives each candidate's count of free desks.
// Cost: O(desks x gaps + candidates); the zone's periods and the holidays
// are looked up once per query (OfficeCalendar), not per desk or day.
#include "scheduler/availability.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <tuple>

namespace termin {
namespace {

// Non-negative a mod m for m > 0.
std::int64_t Mod(std::int64_t a, std::int64_t m) {
  const std::int64_t r = a % m;
  return r < 0 ? r + m : r;
}

// One arithmetic progression of candidate starts: first, first + step, ...
struct Run {
  std::int64_t first;  // minutes since the epoch (UTC)
  std::int64_t count;
  std::int64_t base;   // grid position of `first`
};

class GridPositions {
 public:
  GridPositions(std::int64_t step) : step_(step) {}

  // Adds the starts s ≡ phase (mod step) in [lo, hi); runs must come in order.
  void AddRun(std::int64_t lo, std::int64_t hi, std::int64_t phase) {
    if (lo >= hi) return;
    const std::int64_t first = lo + Mod(phase - lo, step_);
    if (first >= hi) return;
    const std::int64_t count = (hi - 1 - first) / step_ + 1;
    runs_.push_back({first, count, total_});
    total_ += count;
  }

  std::int64_t total() const { return total_; }

  // The position of the first start >= x (total() if none).
  std::int64_t LowerIndex(std::int64_t x) const {
    for (const Run& r : runs_) {
      if (x <= r.first) return r.base;
      const std::int64_t last = r.first + (r.count - 1) * step_;
      if (x <= last) return r.base + (x - r.first + step_ - 1) / step_;
    }
    return total_;
  }

  std::int64_t StartAt(std::int64_t position) const {
    // Runs are few (one per offset period); positions come in order in the
    // caller, so a linear scan from the start would also do. Binary search
    // keeps it independent of the caller.
    auto it = std::upper_bound(runs_.begin(), runs_.end(), position,
                               [](std::int64_t p, const Run& r) { return p < r.base; });
    --it;
    return it->first + (position - it->base) * step_;
  }

 private:
  std::int64_t step_;
  std::int64_t total_ = 0;
  std::vector<Run> runs_;
};

bool CanDoAll(const Desk& desk, const Visit& visit) {
  return std::all_of(visit.service_ids.begin(), visit.service_ids.end(),
                     [&](const std::string& id) { return desk.CanDo(id); });
}

// The instant of local wall-clock `since_midnight` on `day` (the earlier one
// in a repeated hour, the end of a skipped hour's gap otherwise).
Instant LocalInstant(const date::time_zone* zone, LocalDate day, Minutes since_midnight) {
  const Minutes wall = day.time_since_epoch() + since_midnight;
  const Interval around{Instant{wall} - Minutes{24 * 60}, Instant{wall} + Minutes{24 * 60}};
  std::optional<Instant> found;
  for (const OffsetPeriod& p : OffsetPeriodsIn(zone, around)) {
    const Instant t{wall - p.offset};
    if (p.begin <= t && t < p.end) return t;
    if (!found && t < p.begin) found = p.begin;
  }
  return found.value_or(Instant{wall});
}

// Calls take(day, first, last, total) for each local day of `open` (its
// intervals grouped by the local day they start on): [first, last) index
// its intervals, `total` their open minutes.
template <class Take>
void ForEachLocalDay(const Office& office, const std::vector<Interval>& open, Take take) {
  std::size_t i = 0;
  while (i < open.size()) {
    const LocalDate day = LocalDayOf(open[i].begin, office.zone);
    std::size_t j = i;
    std::int64_t total = 0;
    while (j < open.size() && LocalDayOf(open[j].begin, office.zone) == day) {
      total += open[j].length().count();
      ++j;
    }
    take(day, i, j, total);
    i = j;
  }
}

// `percent` of a day's open minutes, rounded down to the grid.
std::int64_t ShareOf(std::int64_t total, int percent, const BookingRules& rules) {
  const std::int64_t grid = std::max<std::int64_t>(rules.grid.count(), 1);
  return total * std::clamp(percent, 0, 100) / 100 / grid * grid;
}

}  // namespace

std::optional<Instant> TodaysRelease(const date::time_zone* zone, const BookingRules& rules,
                                     Instant now) {
  if (rules.release_time < Minutes{0}) return std::nullopt;
  return LocalInstant(zone, LocalDayOf(now, zone), rules.release_time);
}

LocalDate LastBookableDay(const date::time_zone* zone, const BookingRules& rules, Instant now) {
  LocalDate last = LocalDayOf(now, zone) + date::days{rules.max_days_ahead};
  if (auto release = TodaysRelease(zone, rules, now); release && now < *release) {
    last -= date::days{1};
  }
  return last;
}

IntervalSet SameDayBuffer(const Office& office, const BookingRules& rules,
                          const IntervalSet& open_time, Instant now) {
  if (rules.same_day_buffer_percent <= 0 || open_time.empty()) return {};
  std::vector<Interval> kept;
  const auto& open = open_time.intervals();
  ForEachLocalDay(office, open, [&](LocalDate day, std::size_t i, std::size_t j, std::int64_t total) {
    if (now >= LocalInstant(office.zone, day, rules.same_day_release)) return;
    // From the end of the desk's day.
    std::int64_t left = ShareOf(total, rules.same_day_buffer_percent, rules);
    for (std::size_t k = j; k-- > i && left > 0;) {
      const std::int64_t take = std::min<std::int64_t>(left, open[k].length().count());
      kept.push_back(Interval{open[k].end - Minutes{take}, open[k].end});
      left -= take;
    }
  });
  return IntervalSet::FromUnsorted(std::move(kept));
}

IntervalSet HotlineShare(const Office& office, const BookingRules& rules,
                         const IntervalSet& open_time, Instant now) {
  if (rules.hotline_share_percent <= 0 || open_time.empty()) return {};
  std::vector<Interval> kept;
  const auto& open = open_time.intervals();
  ForEachLocalDay(office, open, [&](LocalDate day, std::size_t i, std::size_t j, std::int64_t total) {
    const LocalDate release = day - date::days{std::max(rules.hotline_release_days, 0)};
    if (now >= LocalInstant(office.zone, release, Minutes{0})) return;
    // From the start of the desk's day.
    std::int64_t left = ShareOf(total, rules.hotline_share_percent, rules);
    for (std::size_t k = i; k < j && left > 0; ++k) {
      const std::int64_t take = std::min<std::int64_t>(left, open[k].length().count());
      kept.push_back(Interval{open[k].begin, open[k].begin + Minutes{take}});
      left -= take;
    }
  });
  return IntervalSet::FromUnsorted(std::move(kept));
}

std::vector<Offer> Availability(const Office& office, const Visit& visit, DayRange days,
                                Instant now, const OfficeClaims& claims) {
  return Availability(office, office.rules, visit, days, now, claims);
}

std::vector<Offer> Availability(const Office& office, const BookingRules& rules,
                                const Visit& visit, DayRange days, Instant now,
                                const OfficeClaims& claims) {
  std::vector<Offer> offers;
  const Minutes occupancy = visit.occupancy();
  const std::int64_t step = rules.grid.count();
  if (occupancy <= Minutes{0} || step <= 0 || rules.max_days_ahead < 0) return offers;

  // Local days whose starts may be offered.
  const LocalDate today = LocalDayOf(now, office.zone);
  const LocalDate first = std::max(days.first, today);
  const LocalDate last = std::min(days.last, LastBookableDay(office.zone, rules, now));
  if (last < first) return offers;
  const Instant earliest = now + rules.min_notice;

  // Open time must reach past the last start's day by the occupancy (plus a
  // day for a DST hour and for rounding).
  const date::days extra{occupancy.count() / (24 * 60) + 1};
  const OfficeCalendar calendar(office, DayRange{first, last + extra});

  // 1. Candidate starts, one run per offset period.
  GridPositions grid(step);
  const std::int64_t window_first = Minutes{first.time_since_epoch()}.count();
  const std::int64_t window_end = Minutes{(last + date::days{1}).time_since_epoch()}.count();
  for (const OffsetPeriod& p : calendar.periods()) {
    const std::int64_t off = p.offset.count();
    const std::int64_t lo = std::max({p.begin.time_since_epoch().count(), window_first - off,
                                      earliest.time_since_epoch().count()});
    const std::int64_t hi = std::min(p.end.time_since_epoch().count(), window_end - off);
    grid.AddRun(lo, hi, Mod(-off, step));
  }
  if (grid.total() == 0) return offers;

  // 2. Count free desks per candidate with a difference array.
  std::vector<std::int32_t> diff(static_cast<std::size_t>(grid.total()) + 1, 0);
  const IntervalSet no_claims;
  for (std::size_t i = 0; i < office.desks.size(); ++i) {
    const Desk& desk = office.desks[i];
    if (!CanDoAll(desk, visit)) continue;
    const IntervalSet& desk_claims = i < claims.size() ? claims[i] : no_claims;
    IntervalSet open = calendar.OpenTime(desk);
    if (rules.same_day_buffer_percent > 0) open = open.Subtract(SameDayBuffer(office, rules, open, now));
    if (rules.hotline_share_percent > 0) open = open.Subtract(HotlineShare(office, rules, open, now));
    const IntervalSet free = open.Subtract(desk_claims);
    for (const Interval& gap : free.intervals()) {
      if (gap.length() < occupancy) continue;
      const std::int64_t lo = grid.LowerIndex(gap.begin.time_since_epoch().count());
      const std::int64_t hi =
          grid.LowerIndex((gap.end - occupancy).time_since_epoch().count() + 1);
      if (lo < hi) {
        ++diff[static_cast<std::size_t>(lo)];
        --diff[static_cast<std::size_t>(hi)];
      }
    }
  }

  // 3. Prefix sums.
  std::int32_t running = 0;
  for (std::int64_t pos = 0; pos < grid.total(); ++pos) {
    running += diff[static_cast<std::size_t>(pos)];
    if (running > 0) offers.push_back({Instant{Minutes{grid.StartAt(pos)}}, running});
  }
  return offers;
}

std::vector<OfficeOffer> NextFree(const std::vector<OfficeQuery>& offices, Instant now,
                                  std::size_t n) {
  // Each office contributes at most its own first n offers, searched a week
  // at a time so a busy office does not compute 60 days for one slot; the
  // global first n are among those.
  std::vector<OfficeOffer> all;
  if (n == 0) return all;
  const OfficeClaims no_claims;
  for (const OfficeQuery& q : offices) {
    if (q.office == nullptr) continue;
    const Office& office = *q.office;
    const OfficeClaims& claims = q.claims != nullptr ? *q.claims : no_claims;
    const LocalDate today = LocalDayOf(now, office.zone);
    const LocalDate horizon = LastBookableDay(office.zone, office.rules, now);
    std::size_t found = 0;
    for (LocalDate from = today; from <= horizon && found < n; from += date::days{7}) {
      const LocalDate to = std::min(horizon, from + date::days{6});
      for (const Offer& o : Availability(office, q.visit, DayRange{from, to}, now, claims)) {
        if (found == n) break;
        all.push_back({office.id, o.start, o.free_desks});
        ++found;
      }
    }
  }
  std::stable_sort(all.begin(), all.end(), [](const OfficeOffer& a, const OfficeOffer& b) {
    return std::tie(a.start, a.office_id) < std::tie(b.start, b.office_id);
  });
  if (all.size() > n) all.resize(n);
  return all;
}

}  // namespace termin
