// The scheduling model of an office: desks, their calendars, services and
// booking rules. Only what the core needs to decide availability and
// assignment; names, addresses and texts live in the API's catalogue.
//
// Thread safety: plain values; a const Office may be shared between threads.
#ifndef TERMIN_SCHEDULER_OFFICE_H_
#define TERMIN_SCHEDULER_OFFICE_H_

#include <array>
#include <string>
#include <vector>

#include "scheduler/status.h"
#include "scheduler/time.h"

namespace termin {

// A wall-clock interval of one local day: [from, to), 0 <= from < to <= 24:00.
struct LocalInterval {
  TimeOfDay from;
  TimeOfDay to;
  friend bool operator==(const LocalInterval&, const LocalInterval&) = default;
};

// Per ISO weekday (0 = Monday ... 6 = Sunday), sorted disjoint intervals.
using WeeklyHours = std::array<std::vector<LocalInterval>, 7>;

// A dated exception to the weekly pattern of a desk or a whole office.
struct DateException {
  LocalDate day;
  bool closed = true;                // closed all day (Schließtag) ...
  std::vector<LocalInterval> hours;  // ... or, if !closed, these hours instead
                                     // of the weekly ones (breaks still apply)
};

// A holiday an office carries itself, beyond its Land's (holiday_region): a
// municipality's (Augsburg's Friedensfest on 8 August, Mariä Himmelfahrt in
// Bavaria's Catholic municipalities) every year, or a one-off.
struct LocalHoliday {
  unsigned month = 1;
  unsigned day = 1;
  int year = 0;  // 0: every year; else that year only
  std::string name;
};

struct Desk {
  std::string id;                     // unique within the office
  WeeklyHours opening;                // Öffnungszeiten
  WeeklyHours breaks;                 // Pausen, subtracted from opening
  std::vector<DateException> exceptions;
  std::vector<std::string> services;  // service ids this desk can do (sorted)

  bool CanDo(const std::string& service_id) const;
};

struct Service {
  std::string id;
  Minutes duration{0};  // time with the citizen
  Minutes buffer{0};    // desk time after the visit (files, cleanup)
};

// A visit: one or more services done in one sitting at one desk.
struct Visit {
  std::vector<std::string> service_ids;
  Minutes duration{0};  // sum of the services' durations
  Minutes buffer{0};    // the largest buffer of the services (one cleanup)

  // How long the desk is occupied: duration + buffer. This is what must be
  // free and open.
  Minutes occupancy() const { return duration + buffer; }
};

struct BookingRules {
  Minutes grid{5};             // starts are offered on this local grid
  Minutes min_notice{60};      // earliest start = now + min_notice
  int max_days_ahead = 60;     // latest local day = today + max_days_ahead
  // Release time: the latest day (today + max_days_ahead) opens only at
  // this local time of today (e.g. 8:00); before it the latest day is one
  // earlier. Negative = at midnight (the day opens with the date). See
  // LastBookableDay.
  Minutes release_time{-1};
  Minutes hold_ttl{10};        // how long a hold keeps its place
  // Same-day buffer (Puffertermine): this share of each desk's open minutes
  // of a day (rounded down to the grid, taken from the end of the desk's day)
  // is not offered before `same_day_release` on that day (local time since
  // midnight; 0 = from the start of the day). Walk-ins and same-day bookings
  // use it; see Availability.
  int same_day_buffer_percent = 0;  // 0..100; 0 = no buffer
  Minutes same_day_release{0};      // local time of the day the buffer opens
  // Channel quota for the hotline: this share of each desk's open minutes
  // of a day (rounded down to the grid, taken from the start of the desk's
  // day) is not offered online before local midnight `hotline_release_days`
  // days before that day; staff see and book it throughout. What the
  // hotline did not book goes to the web then, so nothing is wasted.
  int hotline_share_percent = 0;  // 0..100; 0 = no quota
  int hotline_release_days = 2;   // 0 = released on the day itself
};

struct Office {
  std::string id;
  const date::time_zone* zone = nullptr;  // e.g. Europe/Berlin
  std::string holiday_region;             // e.g. "DE-BW"; empty = none
  BookingRules rules;
  std::vector<Desk> desks;
  std::vector<DateException> closures;    // for every desk
  std::vector<LocalHoliday> holidays;     // the office's own, beyond holiday_region
  std::vector<Service> services;          // services offered here

  const Service* FindService(const std::string& id) const;
};

// Combines the services of a visit. InvalidArgument for an empty list or a
// repeated id; Unprocessable if the office does not offer one of them or no
// desk can do all of them together.
Result<Visit> MakeVisit(const Office& office, const std::vector<std::string>& service_ids);

// Structural checks (zone set, intervals well-formed and sorted, unique ids,
// desks only name offered services, grid divides 24 h, ...).
Status ValidateOffice(const Office& office);

}  // namespace termin

#endif  // TERMIN_SCHEDULER_OFFICE_H_
