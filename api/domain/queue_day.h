// The office's day as the queue model (queue/day.h) sees it, built from what
// the store holds: the desks opened today with their remaining open time, the
// visitors waiting, the appointments still due, the measured durations.
//
// Why a picture: the model is pure and speaks minutes of the local day; the
// store speaks UTC instants and records. This is the one place that converts,
// so the walk-in cut-off, the expected waits and the desk's queue view all
// judge the same day.
//
// What it leaves out (said where it matters, in queue/README.md): a desk's
// breaks count as a shorter day (its remaining open minutes are taken as one
// stretch ending at its closing time); a transfer to one desk is planned as
// if any able desk could take it.
//
// Thread safety: plain values and pure functions.
#ifndef TERMIN_API_DOMAIN_QUEUE_DAY_H_
#define TERMIN_API_DOMAIN_QUEUE_DAY_H_

#include <string>
#include <vector>

#include "api/domain/catalog.h"
#include "api/clock.h"
#include "api/store.h"
#include "queue/day.h"

namespace termin::api {

struct DayPicture {
  int now = 0;  // minutes since local midnight
  std::vector<queue::DeskToday> desks;  // open now, with time left today
  std::vector<queue::Waiting> waiting;  // in queue order (queue::QueueOrder)
  // Per waiting visitor: the queue entry's ticket, "" for an appointment that
  // has not checked in yet (it is planned for, but not callable).
  std::vector<std::string> tickets;
  queue::DurationBook durations;
  int next_ticket = 1;
};

// `due` are the office's confirmed (not checked-in) appointments of the day
// that are still expected (start + grace after now); `held` the claims of
// today that belong to no appointment (live holds: a citizen in the widget,
// a move), each planned as a visit pinned to its desk and start, so no ticket
// is judged on time a hold is about to take; `now` is the caller's.
// `extra_service_key` (a walk-in or an appointment being judged) is made
// known to the desks.
DayPicture PictureDay(const OfficeInfo& office, const QueueDay& day,
                      const std::vector<AppointmentRecord>& due, const std::vector<Booking>& held,
                      TimePoint now, const std::string& extra_service_key = "");

// The local minute of `t` on the day `now` falls on (the picture's clock).
int PictureMinute(const OfficeInfo& office, Instant t, TimePoint now);

// The services of `key` (QueueServiceKey) that `office` configures, their
// desk time (duration + the largest buffer); 0 if one is unknown.
int ConfiguredMinutes(const OfficeInfo& office, const std::string& key);

}  // namespace termin::api

#endif  // TERMIN_API_DOMAIN_QUEUE_DAY_H_
