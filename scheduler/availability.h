// Availability: which start times can be offered for a visit.
//
// A start s is offered at an office iff at least one desk that can do every
// service of the visit is free (open and unclaimed) for the whole occupancy
// [s, s + duration + buffer), s lies on the office's local slot grid,
// s >= now + min_notice, and the local date of s is within [today,
// LastBookableDay] and within the requested days. Each offer carries how many
// such desks there are; desks themselves are never revealed.
//
// Thread safety: pure functions; claims are passed in, the clock is `now`.
#ifndef TERMIN_SCHEDULER_AVAILABILITY_H_
#define TERMIN_SCHEDULER_AVAILABILITY_H_

#include <optional>
#include <string>
#include <vector>

#include "scheduler/calendar.h"
#include "scheduler/interval_set.h"
#include "scheduler/office.h"

namespace termin {

// Claims of an office: claims[i] belongs to office.desks[i].
using OfficeClaims = std::vector<IntervalSet>;

struct Offer {
  Instant start;
  int free_desks = 0;
  friend bool operator==(const Offer&, const Offer&) = default;
};

// The latest local day that may be booked at `now`: today + max_days_ahead,
// or the day before it while today's rules.release_time (local) has not come.
LocalDate LastBookableDay(const date::time_zone* zone, const BookingRules& rules, Instant now);

// The instant today's release (rules.release_time) happens, in the office's
// zone; nullopt when the rules have no release time.
std::optional<Instant> TodaysRelease(const date::time_zone* zone, const BookingRules& rules,
                                     Instant now);

// Same-day buffer (rules.same_day_buffer_percent, Puffertermine): of each
// local day of `open_time` (a desk's open instants, grouped by the local day
// their interval starts on) whose buffer is not yet released at `now` (the
// day's local midnight + rules.same_day_release), the last share of its open
// minutes, rounded down to the grid. Availability treats it as claimed; a
// walk-in (rules with percent 0) or a staff booking on the day (release 0)
// may use it. Empty when the percent is 0.
IntervalSet SameDayBuffer(const Office& office, const BookingRules& rules,
                          const IntervalSet& open_time, Instant now);

// Hotline quota (rules.hotline_share_percent): of each local day of
// `open_time` not yet released at `now` (local midnight
// rules.hotline_release_days days before it), the first share of its open
// minutes, rounded down to the grid. Availability treats it as claimed;
// staff rules (percent 0) see it. Empty when the percent is 0.
IntervalSet HotlineShare(const Office& office, const BookingRules& rules,
                         const IntervalSet& open_time, Instant now);

// Offers for one office, sorted by start. `claims` may be shorter than
// office.desks (missing = no claims).
std::vector<Offer> Availability(const Office& office, const Visit& visit, DayRange days,
                                Instant now, const OfficeClaims& claims);
// The same under other rules than office.rules (e.g. a kiosk walk-in, which
// needs no notice).
std::vector<Offer> Availability(const Office& office, const BookingRules& rules,
                                const Visit& visit, DayRange days, Instant now,
                                const OfficeClaims& claims);

struct OfficeOffer {
  std::string office_id;
  Instant start;
  int free_desks = 0;
};

// One office, its visit (services resolved for it) and its claims.
struct OfficeQuery {
  const Office* office;
  Visit visit;
  const OfficeClaims* claims;
};

// The next `n` offered starts from `now` across the given offices, sorted by
// start (ties by office id), searching day by day up to each office's
// horizon. For the hotline: "what is the earliest anywhere?".
std::vector<OfficeOffer> NextFree(const std::vector<OfficeQuery>& offices, Instant now,
                                  std::size_t n);

}  // namespace termin

#endif  // TERMIN_SCHEDULER_AVAILABILITY_H_
