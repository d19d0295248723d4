// The office's day as a pure model: desks' remaining open time, appointments
// due, walk-ins waiting, visits in progress; the computed walk-in cut-off, the
// expected wait per waiting visitor, the same-day buffer and no-show release.
//
// No clock and no I/O: "now" and every event come in as arguments. Times are
// minutes of the office's local day (0 = local midnight); the API converts.
//
// The plan follows the call policy of the desks: whenever a desk is free, it
// calls the first visitor in queue order it can serve (appointments due first,
// by start, then walk-ins by ticket). A walk-in number is issued only if, with
// the new visitor appended, that policy serves every queued visitor before the
// desk's close, using each service's expected duration (running median of
// measured start->done durations, else the configured duration).
//
// Thread safety: plain values; no shared state.
#ifndef TERMIN_QUEUE_DAY_H_
#define TERMIN_QUEUE_DAY_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace termin::queue {

struct DeskToday {
  std::string id;
  std::set<std::string> services;  // what this desk can do
  int free_from = 0;               // open from, or end of its visit in progress
  int close = 0;                   // closes (may be moved earlier: closed early)
};

enum class VisitorKind { kAppointment, kWalkIn };

struct Waiting {
  VisitorKind kind = VisitorKind::kWalkIn;
  std::string service;
  int due = 0;        // appointment start; walk-in: ticket order key
  int ticket = 0;     // ticket number (order among walk-ins)
  bool checked_in = false;  // appointments only
};

// Running median of measured durations per service, configured fallback.
class DurationBook {
 public:
  void SetConfigured(const std::string& service, int minutes) { configured_[service] = minutes; }
  void Record(const std::string& service, int minutes) { measured_[service].insert(minutes); }
  // Median of the measured durations (lower middle), else the configured one.
  int Expected(const std::string& service) const;

 private:
  std::map<std::string, int> configured_;
  std::map<std::string, std::multiset<int>> measured_;
};

struct PlannedCall {
  size_t visitor = 0;  // index into the queue
  std::string desk;
  int start = 0;
  int end = 0;
};

// The policy's plan for the queue (ordered: appointments by due, then walk-ins
// by ticket). A visitor no desk can serve before its close is left out and
// reported in `unserved`.
struct Plan {
  std::vector<PlannedCall> calls;
  std::vector<size_t> unserved;
};

// Queue order as the desks call it.
std::vector<Waiting> QueueOrder(std::vector<Waiting> queue);

Plan PlanDay(const std::vector<DeskToday>& desks, const std::vector<Waiting>& ordered_queue,
             const DurationBook& durations, int now);

struct WalkInAnswer {
  bool issued = false;
  int expected_wait = 0;  // minutes from now to the planned call
  std::string refusal;    // why not, in German, when not issued
};

// The computed cut-off: issue a number for `service` iff the plan with the new
// walk-in appended serves everyone before closing. `buffer_share` in [0,1] is
// not used here: see SameDayBufferMinutes.
WalkInAnswer DecideWalkIn(const std::vector<DeskToday>& desks, const std::vector<Waiting>& queue,
                          const DurationBook& durations, const std::string& service, int now,
                          int next_ticket);

// Tickets and the online offer share the desks' time: an appointment for
// today (a hold, a hotline booking, a move into today) of `service` due at
// `due` may be taken only if every walk-in the plan serves without it is
// still served with it. So a number, once issued, is not sold again online.
bool KeepsWalkIns(const std::vector<DeskToday>& desks, const std::vector<Waiting>& queue,
                  const DurationBook& durations, const std::string& service, int due, int now);

// Expected wait (minutes from now) of each visitor of the ordered queue; -1 if
// the plan does not reach them today.
std::vector<int> ExpectedWaits(const std::vector<DeskToday>& desks, const std::vector<Waiting>& ordered_queue,
                               const DurationBook& durations, int now);

// Same-day buffer: the desk minutes of a day kept off the online offer
// (share in percent of the desk's open minutes, rounded down to the grid).
int SameDayBufferMinutes(int open_minutes, int share_percent, int grid_minutes);

// No-show: appointments not checked in by start + grace leave the queue; the
// returned indices (into `queue`) are the ones that became no_show.
std::vector<size_t> ReleaseNoShows(std::vector<Waiting>& queue, int now, int grace_minutes);

}  // namespace termin::queue

#endif  // TERMIN_QUEUE_DAY_H_
