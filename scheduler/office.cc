// The office model: service lookup, combining services into a visit, and
// the structural checks an office must pass before the core plans with it.
#include "scheduler/office.h"

#include <algorithm>
#include <set>

#include "scheduler/holidays.h"

namespace termin {
namespace {

constexpr Minutes kDay{24 * 60};

// Intervals of one local day: well-formed, sorted and disjoint.
Status CheckDayIntervals(const std::vector<LocalInterval>& day, const std::string& what) {
  for (std::size_t i = 0; i < day.size(); ++i) {
    const LocalInterval& iv = day[i];
    if (iv.from < Minutes{0} || iv.to > kDay || iv.from >= iv.to) {
      return Status::InvalidArgument(what + ": interval " + FormatTimeOfDay(iv.from) + "-" +
                                     FormatTimeOfDay(iv.to) + " is not within one day");
    }
    if (i > 0 && day[i - 1].to > iv.from) {
      return Status::InvalidArgument(what + ": intervals overlap or are not sorted");
    }
  }
  return Status::Ok();
}

Status CheckWeekly(const WeeklyHours& week, const std::string& what) {
  for (int d = 0; d < 7; ++d) {
    Status s = CheckDayIntervals(week[d], what + " weekday " + std::to_string(d));
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Status CheckExceptions(const std::vector<DateException>& exceptions, const std::string& what) {
  std::set<LocalDate> days;
  for (const DateException& e : exceptions) {
    const std::string where = what + " " + FormatDate(e.day);
    if (!days.insert(e.day).second) {
      return Status::InvalidArgument(where + ": more than one exception for the day");
    }
    if (e.closed && !e.hours.empty()) {
      return Status::InvalidArgument(where + ": a closed day has no hours");
    }
    Status s = CheckDayIntervals(e.hours, where);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace

bool Desk::CanDo(const std::string& service_id) const {
  // Linear: a desk knows a handful of services, and this stays right even
  // for a list that was not sorted.
  return std::find(services.begin(), services.end(), service_id) != services.end();
}

const Service* Office::FindService(const std::string& id) const {
  for (const Service& s : services) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

Result<Visit> MakeVisit(const Office& office, const std::vector<std::string>& service_ids) {
  if (service_ids.empty()) return Status::InvalidArgument("a visit needs at least one service");
  Visit visit;
  for (std::size_t i = 0; i < service_ids.size(); ++i) {
    const std::string& id = service_ids[i];
    if (std::find(service_ids.begin(), service_ids.begin() + i, id) != service_ids.begin() + i) {
      return Status::InvalidArgument("service '" + id + "' is named twice");
    }
    const Service* service = office.FindService(id);
    if (service == nullptr) {
      return Status::Unprocessable("service '" + id + "' is not offered at this office");
    }
    visit.duration += service->duration;
    visit.buffer = std::max(visit.buffer, service->buffer);
  }
  const bool some_desk_can = std::any_of(office.desks.begin(), office.desks.end(), [&](const Desk& d) {
    return std::all_of(service_ids.begin(), service_ids.end(),
                       [&](const std::string& id) { return d.CanDo(id); });
  });
  if (!some_desk_can) {
    return Status::Unprocessable("no desk of this office does all these services together");
  }
  visit.service_ids = service_ids;
  return visit;
}

Status ValidateOffice(const Office& office) {
  if (office.id.empty()) return Status::InvalidArgument("office id is empty");
  if (office.zone == nullptr) return Status::InvalidArgument("office has no time zone");
  if (!office.holiday_region.empty()) {
    const std::vector<std::string> known = KnownHolidayRegions();
    if (std::find(known.begin(), known.end(), office.holiday_region) == known.end()) {
      return Status::InvalidArgument("unknown holiday region '" + office.holiday_region + "'");
    }
  }
  const BookingRules& r = office.rules;
  if (r.grid <= Minutes{0} || kDay % r.grid != Minutes{0}) {
    return Status::InvalidArgument("slot grid must be a positive divisor of 24 hours");
  }
  if (r.min_notice < Minutes{0}) return Status::InvalidArgument("minimum notice is negative");
  if (r.max_days_ahead < 0 || r.max_days_ahead > 3660) {
    return Status::InvalidArgument("days ahead must be within 0..3660");
  }
  if (r.hold_ttl <= Minutes{0}) return Status::InvalidArgument("hold TTL must be positive");

  std::set<std::string> service_ids;
  for (const Service& s : office.services) {
    if (s.id.empty()) return Status::InvalidArgument("a service has an empty id");
    if (!service_ids.insert(s.id).second) {
      return Status::InvalidArgument("service id '" + s.id + "' is not unique");
    }
    if (s.duration <= Minutes{0} || s.duration > kDay) {
      return Status::InvalidArgument("service '" + s.id + "' needs a duration within one day");
    }
    if (s.buffer < Minutes{0} || s.buffer > kDay) {
      return Status::InvalidArgument("service '" + s.id + "' has a buffer outside 0..24h");
    }
  }

  std::set<std::string> desk_ids;
  for (const Desk& d : office.desks) {
    if (d.id.empty()) return Status::InvalidArgument("a desk has an empty id");
    if (!desk_ids.insert(d.id).second) {
      return Status::InvalidArgument("desk id '" + d.id + "' is not unique");
    }
    const std::string what = "desk '" + d.id + "'";
    Status s = CheckWeekly(d.opening, what + " opening");
    if (s.ok()) s = CheckWeekly(d.breaks, what + " breaks");
    if (s.ok()) s = CheckExceptions(d.exceptions, what + " exception");
    if (!s.ok()) return s;
    if (!std::is_sorted(d.services.begin(), d.services.end()) ||
        std::adjacent_find(d.services.begin(), d.services.end()) != d.services.end()) {
      return Status::InvalidArgument(what + ": services must be sorted and unique");
    }
    for (const std::string& id : d.services) {
      if (service_ids.count(id) == 0) {
        return Status::InvalidArgument(what + " names service '" + id +
                                       "' that the office does not offer");
      }
    }
  }
  return CheckExceptions(office.closures, "office closure");
}

}  // namespace termin
