#include "api/tally.h"

#include <algorithm>

namespace termin::api {
namespace {

const char* ChannelName(Channel c) {
  switch (c) {
    case Channel::kWeb: return "web";
    case Channel::kHotline: return "hotline";
    case Channel::kKiosk: return "kiosk";
  }
  return "web";
}

long long VisitMinutes(const Booking& b) { return (b.end - b.start).count(); }

// Whole units of `d` (floor), clamped to [lo, hi].
long long Clamp(long long v, long long lo, long long hi) { return std::clamp(v, lo, hi); }

}  // namespace

const char* NoticeBucket(std::chrono::milliseconds notice) {
  using std::chrono::hours;
  if (notice < hours(2)) return "h0";
  if (notice < hours(24)) return "h2";
  if (notice < hours(72)) return "h24";
  return "h72";
}

std::vector<TallyAdd> TallyAppointment(const AppointmentRecord& a, TallyEvent event, TimePoint now) {
  const Booking& b = a.booking;
  std::vector<TallyAdd> out;
  if (b.day.empty()) return out;
  const std::string svc = QueueServiceKey(b.services);
  const std::string ch = ChannelName(a.channel);
  switch (event) {
    case TallyEvent::kBooked: {
      auto ahead = std::chrono::duration_cast<std::chrono::milliseconds>(ToTimePoint(b.start) - now);
      long long days = Clamp(ahead.count() / 86400000, 0, kLeadDaysMax);
      if (ahead.count() < 0) days = 0;
      out.push_back({b.day, "bk:" + ch + ":" + svc, 1});
      out.push_back({b.day, "bm:" + b.desk_id, VisitMinutes(b)});
      out.push_back({b.day, "lead:" + svc + ":" + std::to_string(days), 1});
      break;
    }
    case TallyEvent::kCancelled: {
      auto notice = std::chrono::duration_cast<std::chrono::milliseconds>(ToTimePoint(b.start) - now);
      out.push_back({b.day, "cx:" + ch + ":" + svc + ":" + NoticeBucket(notice), 1});
      out.push_back({b.day, "bm:" + b.desk_id, -VisitMinutes(b)});
      break;
    }
    case TallyEvent::kNoShow:
      out.push_back({b.day, "ns:" + svc, 1});
      break;
    case TallyEvent::kCheckedIn:
      out.push_back({b.day, "ci:" + svc, 1});
      break;
    case TallyEvent::kOptInAsked:
      out.push_back({b.day, "oi:" + ch + ":" + svc, 1});
      break;
    case TallyEvent::kOptInConfirmed:
      out = TallyAppointment(a, TallyEvent::kBooked, a.created_at);
      out.push_back({b.day, "oc:" + ch + ":" + svc, 1});
      break;
    case TallyEvent::kOptInCancelled:
      out.push_back({b.day, "ox:" + ch + ":" + svc, 1});
      break;
  }
  return out;
}

std::vector<TallyAdd> TallyWish(const std::string& day, const char* outcome) {
  if (day.empty()) return {};
  return {{day, std::string("wl:") + outcome, 1}};
}

std::vector<TallyAdd> TallyMoveOut(const AppointmentRecord& a) {
  const Booking& b = a.booking;
  if (b.day.empty()) return {};
  return {{b.day, "mv:" + std::string(ChannelName(a.channel)) + ":" + QueueServiceKey(b.services), 1},
          {b.day, "bm:" + b.desk_id, -VisitMinutes(b)}};
}

std::vector<TallyAdd> TallyMoveIn(const AppointmentRecord& a, const Booking& to) {
  if (to.day.empty()) return {};
  return {{to.day, "mi:" + std::string(ChannelName(a.channel)) + ":" + QueueServiceKey(to.services), 1},
          {to.day, "bm:" + to.desk_id, VisitMinutes(to)}};
}

std::vector<TallyAdd> TallyFirstCall(const std::string& day, const QueueEntry& e, TimePoint now) {
  long long waited = std::chrono::duration_cast<std::chrono::milliseconds>(now - e.due).count();
  long long minutes = Clamp(waited < 0 ? 0 : waited / 60000, 0, kMinutesMax);
  const char* kind = e.kind == QueueKind::kAppointment ? "a" : "w";
  return {{day, std::string("wt:") + kind + ":" + std::to_string(minutes), 1}};
}

std::vector<TallyAdd> TallyServed(const std::string& day, const QueueEntry& e, const std::string& desk,
                                  int minutes) {
  const std::string svc = QueueServiceKey(e.services);
  return {{day, "sv:" + desk + ":" + svc, 1},
          {day, "sm:" + desk, minutes},
          {day, "dur:" + svc + ":" + std::to_string(Clamp(minutes, 1, kMinutesMax)), 1}};
}

std::vector<TallyAdd> TallyTicket(const std::string& day, const QueueEntry& e) {
  return {{day, "wi:" + QueueServiceKey(e.services), 1}};
}

void ApplyTallies(const std::vector<TallyAdd>& adds, Tallies* into) {
  for (const TallyAdd& t : adds) (*into)[t.day][t.field] += t.by;
}

}  // namespace termin::api
