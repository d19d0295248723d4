// Evaluation tallies: the anonymous counters an office's figures are made of.
//
// Each counter is an integer in a per-office, per-local-day table ("field"
// -> count). A booking or queue step adds to it in the SAME atomic step as
// the change it counts (the memory store under the office's shard lock; the
// Redis store with HINCRBY on {o:<office>}:ev:<day> inside the step's Lua
// script, which repeats the rules below), so the figures can never drift
// from the bookings. A counter names only office-level facts (channel,
// service key, desk id, a bucket); never a name, phone, e-mail, reference,
// ticket or secret, so the tables are kept after contact data is erased and
// nothing in them is personal.
//
// Fields (":" separates parts; <svc> is QueueServiceKey, services sorted
// and joined with '+'; <ch> web | hotline | kiosk). The day is the visit's
// local day (Booking::day), for the queue's steps the queue's day:
//   bk:<ch>:<svc>          bookings confirmed (web confirm, hotline, kiosk walk-in)
//   bm:<desk>              booked visit minutes, net: + booked or moved in,
//                          - cancelled or moved out (no-shows stay booked)
//   lead:<svc>:<days>      booking-to-visit wait, whole days (0..kLeadDaysMax)
//   mv:<ch>:<svc>          moves away from this day
//   mi:<ch>:<svc>          moves onto this day (bk - cx - mv + mi: visits due)
//   cx:<ch>:<svc>:<late>   cancellations, by notice: h0 (< 2 h or after the
//                          start), h2 (< 24 h), h24 (< 72 h), h72 (>= 72 h)
//   ns:<svc>               no-shows (released overdue or at the desk)
//   ci:<svc>               check-ins of booked visitors
//   wi:<svc>               walk-in tickets issued
//   wt:<a|w>:<min>         wait at first call, whole minutes (0..kMinutesMax):
//                          a = booked visitor (from its start; 0 if called
//                          early), w = walk-in (from the ticket's issue)
//   sv:<desk>:<svc>        visits served (done at the desk)
//   sm:<desk>              served minutes, measured start -> done
//   dur:<svc>:<min>        measured duration histogram (1..kMinutesMax)
//   oi:<ch>:<svc>          double opt-in: preconfirmed bookings written (not
//                          yet bookings: bk and the rest come with oc)
//   oc:<ch>:<svc>          of them confirmed in time (ConfirmOptIn; + bk ...)
//   ox:<ch>:<svc>          of them cancelled before confirming; the rest
//                          (oi - oc - ox) lapsed (not_confirmed) once their
//                          confirm-by passed
//   wl:<outcome>           the waitlist, on the day the wish was made (by
//                          the wish's own step): made, offered, accepted,
//                          declined, withdrawn, lapsed, expired (TallyWish)
// and, from outside a booking step (Store::AddTallies, one HINCRBY each):
//   wr:<svc>               walk-ins refused (past the computed cut-off)
//   nf:<svc>               availability searches that found nothing
//   cf:<route>             409 answers (hold, confirm, hotline, move, walkin)
//   rm:<sent|bounced|dead> reminders sent, bounced, dead-lettered (the worker)
//   nx:<service>:<days|none> the hourly sample: days until the next free
//                          start of one service a citizen is offered (after
//                          the same-day filter; App::SampleLeadTimes)
//   cs, cp:<desk>, co:<desk> the day's capacity snapshot, once, by the
//                          day's first sample: taken, planned and offered-
//                          ahead desk minutes (CapacitySnapshot)
// Histograms instead of values: a median or p90 is read from the counts.
//
// Thread safety: pure functions.
#ifndef TERMIN_API_TALLY_H_
#define TERMIN_API_TALLY_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "api/clock.h"
#include "api/store.h"

namespace termin::api {

inline constexpr int kLeadDaysMax = 180;  // lead times beyond count as 180
inline constexpr int kMinutesMax = 240;   // waits and durations beyond count as 240

// One day's counters, and many days' by local day "YYYY-MM-DD".
using TallyDay = std::map<std::string, std::int64_t>;
using Tallies = std::map<std::string, TallyDay>;

struct TallyAdd {
  std::string day;
  std::string field;
  std::int64_t by = 0;
};

enum class TallyEvent {
  kBooked,     // confirmed (ConfirmHold, CreateAppointment)
  kCancelled,  // CancelAppointment
  kNoShow,     // MarkNoShow, or a desk's no-show of a checked-in visitor
  kCheckedIn,  // CheckIn
  // Double opt-in: a preconfirmed booking is no booking until confirmed.
  kOptInAsked,      // ConfirmHold of a preconfirmed appointment: oi only
  kOptInConfirmed,  // ConfirmOptIn: oc, and the booking's counters (kBooked)
  kOptInCancelled,  // cancelled while its confirmation was open: ox only
};

// The ends of a waitlist wish (Wish), counted on the day it was made as
// wl:<outcome>: made, offered (an offer-hold written), and how it ended:
// accepted (booked), declined, withdrawn, lapsed (the offer ran out), expired
// (no offer before its last suiting start).
std::vector<TallyAdd> TallyWish(const std::string& day, const char* outcome);

// The counters `event` on appointment `a` adds at `now`. Nothing for an
// appointment without a day (written before tallies existed).
std::vector<TallyAdd> TallyAppointment(const AppointmentRecord& a, TallyEvent event, TimePoint now);
// A move of `a` (as it was, at its old office) to `to` (at its office).
std::vector<TallyAdd> TallyMoveOut(const AppointmentRecord& a);
std::vector<TallyAdd> TallyMoveIn(const AppointmentRecord& a, const Booking& to);
// Queue steps on the day `day`: the first call of `e` at `now`; a visit
// done at `desk` after `minutes`; a walk-in ticket issued.
std::vector<TallyAdd> TallyFirstCall(const std::string& day, const QueueEntry& e, TimePoint now);
std::vector<TallyAdd> TallyServed(const std::string& day, const QueueEntry& e, const std::string& desk,
                                  int minutes);
std::vector<TallyAdd> TallyTicket(const std::string& day, const QueueEntry& e);

// The notice bucket of a cancellation `notice` before the start.
const char* NoticeBucket(std::chrono::milliseconds notice);

// Adds `adds` to `into`.
void ApplyTallies(const std::vector<TallyAdd>& adds, Tallies* into);

}  // namespace termin::api

#endif  // TERMIN_API_TALLY_H_
