#include "api/domain/queue_day.h"

#include <algorithm>
#include <map>
#include <set>

#include "scheduler/calendar.h"
#include "scheduler/zone_rules.h"

namespace termin::api {
namespace {

std::vector<std::string> SplitKey(const std::string& key) {
  std::vector<std::string> out;
  std::size_t from = 0;
  while (from <= key.size()) {
    std::size_t plus = key.find('+', from);
    if (plus == std::string::npos) plus = key.size();
    if (plus > from) out.push_back(key.substr(from, plus - from));
    from = plus + 1;
  }
  return out;
}

int LocalMinute(Instant t, const date::time_zone* zone, LocalDate day) {
  // to_local answers in seconds: back to whole minutes.
  auto local = std::chrono::floor<Minutes>(ToLocal(zone, date::sys_seconds{t}));
  return static_cast<int>((local - date::local_time<Minutes>(day)).count());
}

}  // namespace

int ConfiguredMinutes(const OfficeInfo& office, const std::string& key) {
  int duration = 0;
  int buffer = 0;
  for (const std::string& id : SplitKey(key)) {
    const Service* s = office.schedule.FindService(id);
    if (!s) return 0;
    duration += static_cast<int>(s->duration.count());
    buffer = std::max(buffer, static_cast<int>(s->buffer.count()));
  }
  return duration + buffer;
}

int PictureMinute(const OfficeInfo& office, Instant t, TimePoint now) {
  const date::time_zone* zone = office.schedule.zone;
  return LocalMinute(t, zone, LocalDayOf(ToInstant(now), zone));
}

DayPicture PictureDay(const OfficeInfo& office, const QueueDay& day,
                      const std::vector<AppointmentRecord>& due, const std::vector<Booking>& held,
                      TimePoint now, const std::string& extra_service_key) {
  const date::time_zone* zone = office.schedule.zone;
  const Instant at = ToInstant(now);
  const LocalDate today = LocalDayOf(at, zone);
  DayPicture p;
  p.now = LocalMinute(at, zone, today);

  // The visitors: waiting entries, then appointments still expected.
  std::set<std::string> keys;
  if (!extra_service_key.empty()) keys.insert(extra_service_key);
  std::vector<std::pair<queue::Waiting, std::string>> visitors;
  for (const QueueEntry& e : day.entries) {
    p.next_ticket = std::max(p.next_ticket, e.number + 1);
    if (e.state == QueueState::kCalled || e.state == QueueState::kServing) {
      keys.insert(QueueServiceKey(e.services));  // its desk's expected end
    }
    if (e.state != QueueState::kWaiting) continue;
    queue::Waiting w;
    w.kind = e.kind == QueueKind::kAppointment ? queue::VisitorKind::kAppointment
                                               : queue::VisitorKind::kWalkIn;
    w.service = QueueServiceKey(e.services);
    w.due = LocalMinute(ToInstant(e.due), zone, today);
    w.ticket = e.number;
    w.checked_in = true;
    keys.insert(w.service);
    visitors.emplace_back(w, e.ticket);
  }
  for (const AppointmentRecord& a : due) {
    queue::Waiting w;
    w.kind = queue::VisitorKind::kAppointment;
    w.service = QueueServiceKey(a.booking.services);
    w.due = LocalMinute(a.booking.start, zone, today);
    keys.insert(w.service);
    visitors.emplace_back(w, "");
  }
  // Held claims: a visit only their desk does, from their start (or now) to
  // their end ("#held:<desk>:<minutes>" is no service id: ids are [a-z0-9-]).
  std::map<std::string, std::pair<std::string, int>> held_keys;  // key -> desk, minutes
  for (const Booking& b : held) {
    const Instant from = std::max(b.start, at);
    if (b.claim_end <= from) continue;
    const int minutes = static_cast<int>(std::chrono::duration_cast<Minutes>(b.claim_end - from).count());
    queue::Waiting w;
    w.kind = queue::VisitorKind::kAppointment;
    w.service = "#held:" + b.desk_id + ":" + std::to_string(minutes);
    w.due = LocalMinute(from, zone, today);
    held_keys[w.service] = {b.desk_id, minutes};
    visitors.emplace_back(w, "");
  }
  // QueueOrder's sort is stable; sort the pairs the same way.
  std::stable_sort(visitors.begin(), visitors.end(), [](const auto& x, const auto& y) {
    const queue::Waiting& a = x.first;
    const queue::Waiting& b = y.first;
    if (a.kind != b.kind) return a.kind == queue::VisitorKind::kAppointment;
    if (a.kind == queue::VisitorKind::kAppointment) return a.due < b.due;
    return a.ticket < b.ticket;
  });
  for (auto& [w, ticket] : visitors) {
    p.waiting.push_back(w);
    p.tickets.push_back(ticket);
  }

  // Durations: measured medians (plus the services' buffer, desk time the
  // desk needs after the citizen left), else the configured desk time.
  for (const std::string& key : keys) {
    const int configured = ConfiguredMinutes(office, key);
    p.durations.SetConfigured(key, configured);
    auto measured = day.durations.find(key);
    if (measured == day.durations.end()) continue;
    int buffer = 0;
    for (const std::string& id : SplitKey(key)) {
      if (const Service* s = office.schedule.FindService(id)) {
        buffer = std::max(buffer, static_cast<int>(s->buffer.count()));
      }
    }
    for (int m : measured->second) p.durations.Record(key, m + buffer);
  }
  for (const auto& [key, desk_minutes] : held_keys) p.durations.SetConfigured(key, desk_minutes.second);

  // The desks opened today and not closed: their open time left today.
  const Interval rest_of_day{at, at + Minutes(24 * 60)};
  for (std::size_t i = 0; i < office.schedule.desks.size(); ++i) {
    const Desk& desk = office.schedule.desks[i];
    auto opened = day.desks.find(desk.id);
    if (opened == day.desks.end() || !opened->second.open) continue;
    IntervalSet open = DeskOpenTime(office.schedule, desk, DayRange{today, today})
                           .Intersect(IntervalSet::FromSorted({rest_of_day}));
    if (opened->second.closes_at != TimePoint{}) {
      Instant closes = ToInstant(opened->second.closes_at);
      if (closes <= at) continue;
      open = open.Intersect(IntervalSet::FromSorted({Interval{at, closes}}));
    }
    if (open.empty()) continue;
    queue::DeskToday d;
    d.id = desk.id;
    d.close = LocalMinute(open.intervals().back().end, zone, today);
    // Breaks and gaps before the close shorten the day: the remaining open
    // minutes as one stretch ending at the close.
    d.free_from = d.close - static_cast<int>(open.TotalLength().count());
    // A visit at the desk now ends (as expected) before the desk is free.
    if (!opened->second.current.empty()) {
      for (const QueueEntry& e : day.entries) {
        if (e.ticket != opened->second.current) continue;
        TimePoint from = e.state == QueueState::kServing ? e.started_at : e.called_at;
        int ends = LocalMinute(ToInstant(from), zone, today) +
                   p.durations.Expected(QueueServiceKey(e.services));
        d.free_from = std::max(d.free_from, ends);
      }
    }
    d.free_from = std::max(d.free_from, p.now);
    for (const std::string& key : keys) {
      std::vector<std::string> services = SplitKey(key);
      if (std::all_of(services.begin(), services.end(),
                      [&](const std::string& s) { return desk.CanDo(s); })) {
        d.services.insert(key);
      }
    }
    for (const auto& [key, desk_minutes] : held_keys) {
      if (desk_minutes.first == desk.id) d.services.insert(key);
    }
    p.desks.push_back(std::move(d));
  }
  return p;
}

}  // namespace termin::api
