#include "queue/day.h"

#include <algorithm>
#include <limits>

namespace termin::queue {

int DurationBook::Expected(const std::string& service) const {
  auto m = measured_.find(service);
  if (m != measured_.end() && !m->second.empty()) {
    auto it = m->second.begin();
    std::advance(it, (m->second.size() - 1) / 2);
    return *it;
  }
  auto c = configured_.find(service);
  return c == configured_.end() ? 0 : c->second;
}

std::vector<Waiting> QueueOrder(std::vector<Waiting> queue) {
  std::stable_sort(queue.begin(), queue.end(), [](const Waiting& a, const Waiting& b) {
    if (a.kind != b.kind) return a.kind == VisitorKind::kAppointment;
    if (a.kind == VisitorKind::kAppointment) return a.due < b.due;
    return a.ticket < b.ticket;
  });
  return queue;
}

// Event-driven replay of the call policy. The desk free earliest (ties: desk
// order) calls the first visitor in queue order that it can serve, whose
// appointment (if any) is due, and that it can finish before its close. If it
// can call nobody now but an appointment it could serve is due later, it
// waits for that start; otherwise it is done for the day. The minute replay in
// day_test.cc is the oracle for this.
Plan PlanDay(const std::vector<DeskToday>& desks, const std::vector<Waiting>& q,
             const DurationBook& durations, int now) {
  Plan plan;
  std::vector<int> free(desks.size());
  std::vector<bool> active(desks.size(), true);
  for (size_t d = 0; d < desks.size(); ++d) free[d] = std::max(desks[d].free_from, now);
  std::vector<bool> taken(q.size(), false);
  size_t left = q.size();
  while (left > 0) {
    size_t best = desks.size();
    for (size_t d = 0; d < desks.size(); ++d)
      if (active[d] && (best == desks.size() || free[d] < free[best])) best = d;
    if (best == desks.size()) break;
    const DeskToday& desk = desks[best];
    const int t = free[best];
    bool called = false;
    int wait_until = std::numeric_limits<int>::max();
    for (size_t i = 0; i < q.size(); ++i) {
      if (taken[i] || !desk.services.count(q[i].service)) continue;
      const int length = durations.Expected(q[i].service);
      if (q[i].kind == VisitorKind::kAppointment && q[i].due > t) {
        if (q[i].due + length <= desk.close) wait_until = std::min(wait_until, q[i].due);
        continue;
      }
      if (t + length > desk.close) continue;
      taken[i] = true;
      --left;
      plan.calls.push_back({i, desk.id, t, t + length});
      free[best] = t + length;
      called = true;
      break;
    }
    if (called) continue;
    if (wait_until != std::numeric_limits<int>::max())
      free[best] = wait_until;
    else
      active[best] = false;
  }
  for (size_t i = 0; i < q.size(); ++i)
    if (!taken[i]) plan.unserved.push_back(i);
  return plan;
}

std::vector<int> ExpectedWaits(const std::vector<DeskToday>& desks, const std::vector<Waiting>& q,
                               const DurationBook& durations, int now) {
  std::vector<int> waits(q.size(), -1);
  Plan plan = PlanDay(desks, q, durations, now);
  for (const PlannedCall& c : plan.calls) waits[c.visitor] = c.start - now;
  return waits;
}

WalkInAnswer DecideWalkIn(const std::vector<DeskToday>& desks, const std::vector<Waiting>& queue,
                          const DurationBook& durations, const std::string& service, int now,
                          int next_ticket) {
  WalkInAnswer answer;
  std::vector<Waiting> q = QueueOrder(queue);
  Plan before = PlanDay(desks, q, durations, now);
  q.push_back({VisitorKind::kWalkIn, service, now, next_ticket, false});
  Plan after = PlanDay(desks, q, durations, now);
  // Issue only if the newcomer is served and nobody served before is pushed out.
  if (after.unserved.size() == before.unserved.size()) {
    for (const PlannedCall& c : after.calls)
      if (c.visitor == q.size() - 1) {
        answer.issued = true;
        answer.expected_wait = c.start - now;
      }
  }
  if (!answer.issued) {
    bool any_desk = std::any_of(desks.begin(), desks.end(),
                                [&](const DeskToday& d) { return d.services.count(service) > 0; });
    answer.refusal = any_desk ? "Heute keine Wartenummer mehr für " + service +
                                    ": die Schalterzeit bis Dienstschluss ist vergeben."
                              : "Heute kein Schalter für " + service + " geöffnet.";
  }
  return answer;
}

namespace {

std::set<int> ServedWalkIns(const std::vector<Waiting>& ordered, const Plan& plan) {
  std::set<int> tickets;
  for (const PlannedCall& c : plan.calls)
    if (ordered[c.visitor].kind == VisitorKind::kWalkIn) tickets.insert(ordered[c.visitor].ticket);
  return tickets;
}

}  // namespace

bool KeepsWalkIns(const std::vector<DeskToday>& desks, const std::vector<Waiting>& queue,
                  const DurationBook& durations, const std::string& service, int due, int now) {
  if (std::none_of(queue.begin(), queue.end(),
                   [](const Waiting& w) { return w.kind == VisitorKind::kWalkIn; })) {
    return true;
  }
  std::vector<Waiting> q = QueueOrder(queue);
  const std::set<int> before = ServedWalkIns(q, PlanDay(desks, q, durations, now));
  q.push_back({VisitorKind::kAppointment, service, due, 0, false});
  q = QueueOrder(std::move(q));
  const std::set<int> after = ServedWalkIns(q, PlanDay(desks, q, durations, now));
  return std::includes(after.begin(), after.end(), before.begin(), before.end());
}

int SameDayBufferMinutes(int open_minutes, int share_percent, int grid_minutes) {
  share_percent = std::clamp(share_percent, 0, 100);
  int raw = open_minutes * share_percent / 100;
  return grid_minutes > 0 ? raw / grid_minutes * grid_minutes : raw;
}

std::vector<size_t> ReleaseNoShows(std::vector<Waiting>& queue, int now, int grace_minutes) {
  std::vector<size_t> gone;
  std::vector<Waiting> kept;
  for (size_t i = 0; i < queue.size(); ++i) {
    const Waiting& w = queue[i];
    if (w.kind == VisitorKind::kAppointment && !w.checked_in && now >= w.due + grace_minutes)
      gone.push_back(i);
    else
      kept.push_back(w);
  }
  queue = std::move(kept);
  return gone;
}

}  // namespace termin::queue
