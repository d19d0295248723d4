// From wall-clock opening hours to UTC intervals.
//
// Definition (the one every test and the oracle share): a desk is open at
// instant t iff the local wall-clock time of t, on the local date of t, falls
// inside one of that date's opening intervals and outside its breaks, the
// date is not a holiday of the office's region, and no closure or exception
// closes it. Consequences on daylight-saving nights:
//  - spring forward (02:00 -> 03:00): local times in the gap belong to no
//    instant, so they are never open and never offered;
//  - fall back (03:00 -> 02:00): an instant is one point in UTC, so it is
//    offered at most once; an interval spanning the night lasts its real
//    length (one hour more than the wall clock says).
// The mapping is exact: the zone's offset periods over the queried range are
// looked up once and each local interval is intersected with each of them.
//
// What a day's hours are, in order: a holiday or a closed office closure
// closes the day; else a desk exception replaces (or closes) the weekly
// hours; an office closure with hours then narrows every desk to those hours
// (it never opens a desk that would be closed); weekly breaks are subtracted
// last. A null zone means UTC.
//
// Thread safety: pure functions.
#ifndef TERMIN_SCHEDULER_CALENDAR_H_
#define TERMIN_SCHEDULER_CALENDAR_H_

#include <vector>

#include "scheduler/interval_set.h"
#include "scheduler/office.h"
#include "scheduler/time.h"

namespace termin {

// Local days [first, last], both inclusive.
struct DayRange {
  LocalDate first;
  LocalDate last;
};

// The UTC interval covering local days [first, last] in `zone`, generously
// widened so that every instant of those local days lies inside.
Interval UtcEnvelope(DayRange days, const date::time_zone* zone);

// A stretch of UTC time over which the zone's offset is constant.
struct OffsetPeriod {
  Instant begin;   // inclusive
  Instant end;     // exclusive
  Minutes offset;  // local wall clock = UTC + offset
};

// The zone's offset periods covering `range`, in order, clipped to it (one
// zone->get_info per period, not per day).
std::vector<OffsetPeriod> OffsetPeriodsIn(const date::time_zone* zone, Interval range);

// What every desk of an office shares over a range of days: the zone's
// offset periods and the holidays. Build it once per query and ask it for
// each desk. Holds a pointer to `office`, which must outlive it.
// Thread safety: const methods may be called from many threads at once.
class OfficeCalendar {
 public:
  OfficeCalendar(const Office& office, DayRange days);

  DayRange days() const { return days_; }
  const std::vector<OffsetPeriod>& periods() const { return periods_; }
  bool IsHoliday(LocalDate day) const;

  // The desk's local opening intervals on `day` after holidays, closures,
  // exceptions and breaks (see the order above); replaces *out.
  void LocalHours(const Desk& desk, LocalDate day, std::vector<LocalInterval>* out) const;
  // The instants at which `desk` is open during days().
  IntervalSet OpenTime(const Desk& desk) const;

 private:
  const Office* office_;
  DayRange days_;
  std::vector<OffsetPeriod> periods_;
  std::vector<LocalDate> holidays_;  // sorted
};

// The instants at which `desk` of `office` is open during `days`.
IntervalSet DeskOpenTime(const Office& office, const Desk& desk, DayRange days);

// The desk's open time minus its claims (appointments and holds, each already
// including its buffer).
IntervalSet DeskFreeTime(const Office& office, const Desk& desk, DayRange days,
                         const IntervalSet& claims);

}  // namespace termin

#endif  // TERMIN_SCHEDULER_CALENDAR_H_
