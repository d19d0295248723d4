#include "bench/assignment_sim.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <random>

#include "scheduler/assignment.h"
#include "scheduler/availability.h"
#include "scheduler/calendar.h"
#include "scheduler/interval_set.h"

namespace termin::bench {
namespace {

Instant LocalToUtc(const Office& office, LocalDate day, Minutes time_of_day) {
  const date::local_time<Minutes> local = date::local_time<Minutes>(day) + time_of_day;
  return date::floor<Minutes>(office.zone->to_sys(local, date::choose::earliest));
}

// What one office offers to the simulated citizens.
struct OfficeModel {
  std::vector<const Service*> short_services;
  std::vector<const Service*> long_services;
  std::vector<LocalDate> open_days;             // days with some desk open
  std::vector<std::vector<Interval>> day_open;  // union of desks, per open day
  Minutes open{0};                              // desk minutes, all desks
};

OfficeModel ModelOf(const Office& office, const SimConfig& config) {
  OfficeModel model;
  for (const Service& s : office.services) {
    if (!MakeVisit(office, {s.id}).ok()) continue;  // no desk can do it
    (s.duration + s.buffer >= config.long_from ? model.long_services : model.short_services)
        .push_back(&s);
  }
  const DayRange month{config.first_day, config.last_day};
  for (const Desk& desk : office.desks) {
    model.open += DeskOpenTime(office, desk, month).TotalLength();
  }
  for (LocalDate d = config.first_day; d <= config.last_day; d += date::days(1)) {
    IntervalSet any;
    for (const Desk& desk : office.desks) any = any.Union(DeskOpenTime(office, desk, {d, d}));
    if (any.empty()) continue;
    model.open_days.push_back(d);
    model.day_open.push_back(any.intervals());
  }
  return model;
}

Minutes MeanOccupancy(const std::vector<const Service*>& services) {
  if (services.empty()) return Minutes(0);
  Minutes sum{0};
  for (const Service* s : services) sum += s->duration + s->buffer;
  return sum / static_cast<Minutes::rep>(services.size());
}

// A uniformly random minute of `parts` (non-empty total length).
Instant UniformMinute(const std::vector<Interval>& parts, std::mt19937_64& rng) {
  Minutes total{0};
  for (const Interval& iv : parts) total += iv.length();
  auto r = std::uniform_int_distribution<Minutes::rep>(0, total.count() - 1)(rng);
  for (const Interval& iv : parts) {
    if (r < iv.length().count()) return iv.begin + Minutes(r);
    r -= iv.length().count();
  }
  return parts.back().end - Minutes(1);  // not reached
}

}  // namespace

std::vector<Request> MakeDemand(const std::vector<const Office*>& offices, const SimConfig& config) {
  std::vector<Request> requests;
  for (std::size_t o = 0; o < offices.size(); ++o) {
    const Office& office = *offices[o];
    const OfficeModel model = ModelOf(office, config);
    const bool has_short = !model.short_services.empty();
    const bool has_long = !model.long_services.empty();
    if ((!has_short && !has_long) || model.open_days.empty()) continue;
    const double short_share = has_short && has_long ? config.short_share : (has_short ? 1 : 0);
    const double mean_occupancy =
        short_share * static_cast<double>(MeanOccupancy(model.short_services).count()) +
        (1 - short_share) * static_cast<double>(MeanOccupancy(model.long_services).count());
    const double expected =
        config.demand * static_cast<double>(model.open.count()) / mean_occupancy;

    // The booking period ends where the month begins and starts no earlier
    // than the office's horizon allows for the month's last day.
    const int month_days = (config.last_day - config.first_day).count();
    const int lead = std::max(1, std::min(config.lead_days, office.rules.max_days_ahead - month_days));
    const Instant period_begin = LocalToUtc(office, config.first_day - date::days(lead), Minutes(0));
    const Instant period_end = LocalToUtc(office, config.first_day, Minutes(0));
    const double period = static_cast<double>((period_end - period_begin).count());

    // One generator per office, so adding an office does not change the others.
    std::mt19937_64 rng(config.seed * 0x9E3779B97F4A7C15ULL + o);
    std::exponential_distribution<double> gap(expected / period);
    std::bernoulli_distribution is_short(short_share);
    std::bernoulli_distribution morning(config.morning_share);
    std::uniform_int_distribution<std::size_t> pick_day(0, model.open_days.size() - 1);
    for (double t = gap(rng); t < period; t += gap(rng)) {
      Request r;
      r.arrival = period_begin + Minutes(static_cast<Minutes::rep>(std::floor(t)));
      r.office = o;
      r.is_long = !is_short(rng);
      const auto& pool = r.is_long ? model.long_services : model.short_services;
      r.service_id = pool[std::uniform_int_distribution<std::size_t>(0, pool.size() - 1)(rng)]->id;

      const std::size_t d = pick_day(rng);
      const Instant noon = LocalToUtc(office, model.open_days[d], Minutes(12 * 60));
      std::vector<Interval> before, after;
      for (const Interval& iv : model.day_open[d]) {
        if (iv.begin < noon) before.push_back({iv.begin, std::min(iv.end, noon)});
        if (iv.end > noon) after.push_back({std::max(iv.begin, noon), iv.end});
      }
      const bool want_morning = morning(rng);
      const auto& parts = (want_morning && !before.empty()) || after.empty() ? before : after;
      r.preferred = UniformMinute(parts, rng);
      requests.push_back(std::move(r));
    }
  }
  std::stable_sort(requests.begin(), requests.end(),
                   [](const Request& a, const Request& b) { return a.arrival < b.arrival; });
  return requests;
}

std::string_view PolicyName(DeskPolicy policy) {
  switch (policy) {
    case DeskPolicy::kFirstFit: return "first fit";
    case DeskPolicy::kBestFit: return "best fit";
    case DeskPolicy::kLeastWaste: return "least waste";
    case DeskPolicy::kSkillAware: return "skill aware";
  }
  return "?";
}

SimOutcome Simulate(const std::vector<const Office*>& offices, const std::vector<Request>& requests,
                    const SimConfig& config, DeskPolicy policy) {
  SimOutcome out;
  const DayRange month{config.first_day, config.last_day};
  std::vector<OfficeClaims> claims(offices.size());
  std::vector<std::map<std::string, Visit>> visits(offices.size());
  for (std::size_t o = 0; o < offices.size(); ++o) {
    const Office& office = *offices[o];
    claims[o].assign(office.desks.size(), IntervalSet());
    for (const Desk& desk : office.desks) out.open += DeskOpenTime(office, desk, month).TotalLength();
  }

  for (const Request& r : requests) {
    const Office& office = *offices[r.office];
    auto it = visits[r.office].find(r.service_id);
    if (it == visits[r.office].end()) {
      Result<Visit> made = MakeVisit(office, {r.service_id});
      if (!made.ok()) continue;  // MakeDemand only asks for doable services
      it = visits[r.office].emplace(r.service_id, *made).first;
    }
    const Visit& visit = it->second;
    ++out.requests;
    out.long_requests += r.is_long ? 1 : 0;
    out.requested += visit.occupancy();

    const LocalDate wish_day = LocalDayOf(r.preferred, office.zone);
    const DayRange days{wish_day, std::min(wish_day + date::days(config.later_days), config.last_day)};
    OfficeClaims& office_claims = claims[r.office];
    const std::vector<Offer> offers = Availability(office, visit, days, r.arrival, office_claims);
    auto offer = std::find_if(offers.begin(), offers.end(),
                              [&r](const Offer& o) { return o.start >= r.preferred; });
    if (offer == offers.end()) {
      ++out.refused;
      out.refused_long += r.is_long ? 1 : 0;
      continue;
    }

    std::optional<std::size_t> desk;
    switch (policy) {
      case DeskPolicy::kFirstFit:
        desk = AssignDesk(office, visit, offer->start, office_claims, AssignmentPolicy::kFirstFit);
        break;
      case DeskPolicy::kBestFit:
        desk = AssignDesk(office, visit, offer->start, office_claims, AssignmentPolicy::kBestFit);
        break;
      case DeskPolicy::kLeastWaste:
        desk = AssignDesk(office, visit, offer->start, office_claims, AssignmentPolicy::kLeastWaste);
        break;
      case DeskPolicy::kSkillAware:
        desk = AssignDesk(office, visit, offer->start, office_claims, AssignmentPolicy::kSkillAware);
        break;
    }
    const Interval claim{offer->start, offer->start + visit.occupancy()};
    if (!desk || *desk >= office_claims.size() || office_claims[*desk].Overlaps(claim)) {
      ++out.violations;
      continue;
    }
    office_claims[*desk] = office_claims[*desk].Union(IntervalSet::FromSorted({claim}));
    ++out.booked;
    out.booked_minutes += visit.occupancy();
  }

  // Every claim inside open time, and none on top of another (a union of
  // overlapping claims would be shorter than their sum).
  Minutes claimed{0};
  for (std::size_t o = 0; o < offices.size(); ++o) {
    const Office& office = *offices[o];
    for (std::size_t d = 0; d < office.desks.size(); ++d) {
      claimed += claims[o][d].TotalLength();
      if (!claims[o][d].Subtract(DeskOpenTime(office, office.desks[d], month)).empty()) {
        ++out.violations;
      }
    }
  }
  if (claimed != out.booked_minutes) ++out.violations;
  return out;
}

}  // namespace termin::bench
