#include "api/store.h"

#include <algorithm>
#include <tuple>

namespace termin::api {

std::string_view OfficeInHoldId(std::string_view hold_id) {
  auto dot = hold_id.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == hold_id.size()) return {};
  return hold_id.substr(0, dot);
}

std::vector<OutboxJob> PlanJobs(const JobPlan& plan, const std::string& reference, Instant start) {
  std::vector<OutboxJob> jobs;
  if (!plan.reachable) return jobs;
  jobs.push_back(OutboxJob{plan.first, reference, plan.first_due});
  for (Minutes offset : plan.reminder_offsets) {
    TimePoint due = ToTimePoint(start - offset);
    if (due > plan.first_due) jobs.push_back(OutboxJob{JobType::kReminder, reference, due});
  }
  return jobs;
}

bool OfficeChange::Fits(const std::string& desk, const std::vector<std::string>& services,
                        Interval claim) const {
  auto d = desks.find(desk);
  if (d == desks.end()) return false;
  for (const std::string& s : services) {
    if (std::find(d->second.services.begin(), d->second.services.end(), s) ==
        d->second.services.end()) {
      return false;
    }
  }
  return d->second.open.Containing(claim).has_value();
}

std::string QueueServiceKey(std::vector<std::string> services) {
  std::sort(services.begin(), services.end());
  std::string key;
  for (const std::string& s : services) {
    if (!key.empty()) key += '+';
    key += s;
  }
  return key;
}

// Ranks: 0 transferred to this desk, 1 appointment due, 2 walk-in, 3
// appointment due later (an idle desk calls an early arrival rather than
// nobody). Within a rank: by due (appointments) or number.
std::optional<std::size_t> NextForDesk(const std::vector<QueueEntry>& entries,
                                       const std::string& desk,
                                       const std::vector<std::string>& can_do, TimePoint now) {
  std::optional<std::size_t> best;
  std::tuple<int, long long, int> best_key{};
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const QueueEntry& e = entries[i];
    if (e.state != QueueState::kWaiting) continue;
    if (!e.for_desk.empty() && e.for_desk != desk) continue;
    bool able = std::all_of(e.services.begin(), e.services.end(), [&](const std::string& s) {
      return std::find(can_do.begin(), can_do.end(), s) != can_do.end();
    });
    if (!able) continue;
    int rank = !e.for_desk.empty()            ? 0
               : e.kind == QueueKind::kWalkIn ? 2
               : e.due <= now                 ? 1
                                              : 3;
    long long order = (rank == 1 || rank == 3) ? e.due.time_since_epoch().count() : 0;
    std::tuple<int, long long, int> key{rank, order, e.number};
    if (!best || key < best_key) {
      best = i;
      best_key = key;
    }
  }
  return best;
}

}  // namespace termin::api
