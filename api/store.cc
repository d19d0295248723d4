#include "api/store.h"

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

}  // namespace termin::api
