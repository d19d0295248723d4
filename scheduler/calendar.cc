// From local opening hours to UTC intervals, exactly, across DST changes.
//
// Why periods and not "local time -> UTC per day": a local wall-clock time
// has zero instants (in the spring-forward gap) or two (in the repeated hour
// of fall-back), so converting interval ends one by one with a single offset
// gets both nights wrong. Instead we go the other way round. The zone's
// offset is constant on each period [p.begin, p.end) that get_info returns,
// and inside one period local = utc + off is a bijection. So the instants of
// a local interval [day+from, day+to) are the union over periods p of
//     [day+from-off_p, day+to-off_p)  ∩  [p.begin, p.end).
// On spring-forward night the gap's local times fall outside both periods
// and vanish; on fall-back night the repeated hour is found once in each
// period, so 00:00-06:00 lasts seven real hours and no instant repeats.
//
// Iterating periods in the outer loop and days in the inner loop yields the
// pieces already sorted by UTC begin (inside one period UTC order is local
// order), so the set is built in one linear pass.
#include "scheduler/calendar.h"

#include <algorithm>

#include "scheduler/holidays.h"

namespace termin {
namespace {

constexpr Minutes kDay{24 * 60};
constexpr int kMaxPeriods = 100000;  // bounds the lookup loop on a broken zone

const DateException* FindException(const std::vector<DateException>& list, LocalDate day) {
  for (const DateException& e : list) {
    if (e.day == day) return &e;
  }
  return nullptr;
}

// a ∩ b for two sorted disjoint lists of local intervals.
void IntersectLocal(const std::vector<LocalInterval>& a, const std::vector<LocalInterval>& b,
                    std::vector<LocalInterval>* out) {
  out->clear();
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const TimeOfDay lo = std::max(a[i].from, b[j].from);
    const TimeOfDay hi = std::min(a[i].to, b[j].to);
    if (lo < hi) out->push_back({lo, hi});
    if (a[i].to < b[j].to) {
      ++i;
    } else {
      ++j;
    }
  }
}

// *hours -= breaks, both sorted and disjoint; the breaks need not be.
void SubtractLocal(const std::vector<LocalInterval>& breaks, std::vector<LocalInterval>* hours) {
  if (breaks.empty()) return;
  std::vector<LocalInterval> out;
  out.reserve(hours->size() + breaks.size());
  for (const LocalInterval& h : *hours) {
    TimeOfDay cursor = h.from;
    for (const LocalInterval& b : breaks) {
      if (b.to <= cursor || b.from >= h.to) continue;
      if (b.from > cursor) out.push_back({cursor, b.from});
      cursor = std::max(cursor, b.to);
      if (cursor >= h.to) break;
    }
    if (cursor < h.to) out.push_back({cursor, h.to});
  }
  *hours = std::move(out);
}

}  // namespace

Interval UtcEnvelope(DayRange days, const date::time_zone* /*zone*/) {
  // Offsets of real zones stay within about ±15 hours; one day each side is
  // generous and needs no zone lookup.
  const Instant first{days.first.time_since_epoch()};
  const Instant after_last{(days.last + date::days{1}).time_since_epoch()};
  return {first - kDay, after_last + kDay};
}

std::vector<OffsetPeriod> OffsetPeriodsIn(const date::time_zone* zone, Interval range) {
  std::vector<OffsetPeriod> periods;
  if (range.empty()) return periods;
  if (zone == nullptr) {
    periods.push_back({range.begin, range.end, Minutes{0}});
    return periods;
  }
  Instant t = range.begin;
  for (int i = 0; i < kMaxPeriods && t < range.end; ++i) {
    const date::sys_info info = zone->get_info(date::sys_seconds{t});
    // Transitions lie on whole minutes in every zone since 1970; ceil keeps
    // the loop moving forward even if one did not.
    Instant end = std::chrono::ceil<Minutes>(info.end);
    if (end <= t) end = t + Minutes{1};
    end = std::min(end, range.end);
    periods.push_back({t, end, std::chrono::floor<Minutes>(info.offset)});
    t = end;
  }
  return periods;
}

OfficeCalendar::OfficeCalendar(const Office& office, DayRange days)
    : office_(&office), days_(days) {
  if (days.last < days.first) return;
  periods_ = OffsetPeriodsIn(office.zone, UtcEnvelope(days, office.zone));
  const int first_year = static_cast<int>(Date{days.first}.year());
  const int last_year = static_cast<int>(Date{days.last}.year());
  for (int year = first_year; year <= last_year; ++year) {
    if (!office.holiday_region.empty()) {
      Result<std::vector<Holiday>> list = HolidaysIn(office.holiday_region, year);
      // An unknown region: ValidateOffice reports it.
      if (list.ok()) {
        for (const Holiday& h : *list) holidays_.push_back(h.day);
      }
    }
    for (const LocalHoliday& h : office.holidays) {
      if (h.year != 0 && h.year != year) continue;
      const Date d{date::year{year}, date::month{h.month}, date::day{h.day}};
      if (d.ok()) holidays_.push_back(LocalDate{d});  // 29 February: leap years only
    }
  }
  std::sort(holidays_.begin(), holidays_.end());
}

bool OfficeCalendar::IsHoliday(LocalDate day) const {
  return std::binary_search(holidays_.begin(), holidays_.end(), day);
}

void OfficeCalendar::LocalHours(const Desk& desk, LocalDate day,
                                std::vector<LocalInterval>* out) const {
  out->clear();
  if (IsHoliday(day)) return;
  const DateException* closure = FindException(office_->closures, day);
  if (closure != nullptr && closure->closed) return;
  const int weekday = WeekdayIndex(day);
  const DateException* own = FindException(desk.exceptions, day);
  if (own != nullptr) {
    if (own->closed) return;
    *out = own->hours;
  } else {
    *out = desk.opening[weekday];
  }
  if (closure != nullptr) {
    std::vector<LocalInterval> narrowed;
    IntersectLocal(*out, closure->hours, &narrowed);
    *out = std::move(narrowed);
  }
  SubtractLocal(desk.breaks[weekday], out);
}

IntervalSet OfficeCalendar::OpenTime(const Desk& desk) const {
  std::vector<Interval> pieces;
  std::vector<LocalInterval> hours;
  for (const OffsetPeriod& p : periods_) {
    // The local days this period touches, within days_.
    const Minutes local_begin = p.begin.time_since_epoch() + p.offset;
    const Minutes local_last = p.end.time_since_epoch() + p.offset - Minutes{1};
    const LocalDate lo = std::max(days_.first, LocalDate{std::chrono::floor<date::days>(local_begin)});
    const LocalDate hi = std::min(days_.last, LocalDate{std::chrono::floor<date::days>(local_last)});
    for (LocalDate day = lo; day <= hi; day += date::days{1}) {
      LocalHours(desk, day, &hours);
      const Minutes midnight = day.time_since_epoch();
      for (const LocalInterval& h : hours) {
        const Instant b = std::max(Instant{midnight + h.from - p.offset}, p.begin);
        const Instant e = std::min(Instant{midnight + h.to - p.offset}, p.end);
        if (b < e) pieces.push_back({b, e});
      }
    }
  }
  return IntervalSet::FromSorted(pieces);
}

IntervalSet DeskOpenTime(const Office& office, const Desk& desk, DayRange days) {
  return OfficeCalendar(office, days).OpenTime(desk);
}

IntervalSet DeskFreeTime(const Office& office, const Desk& desk, DayRange days,
                         const IntervalSet& claims) {
  return DeskOpenTime(office, desk, days).Subtract(claims);
}

}  // namespace termin
