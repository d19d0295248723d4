#include "api/store.h"

#include <algorithm>

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

}  // namespace termin::api
