// Handlers of the office's day: the desk console (desk keys), the kiosk's
// walk-in ticket and the waiting room's call display (no key).
//
// The store's steps decide (two desks never call one visitor: api/store.h,
// CallNext); the queue model (queue/day.h, fed by api/domain/queue_day.h) judges
// the walk-in cut-off and the expected waits. A walk-in ticket is drawn on
// the queue version its cut-off was judged on (IssueTicket), so two kiosks
// cannot both hand out the last number that still fits.
//
// Nothing personal leaves these handlers: desk answers carry ticket,
// services, the appointment's reference and the staff's notes on it (staff
// text, never the contact's name, phone or e-mail); the display only ticket
// and desk name.
#include <algorithm>
#include <cstdio>
#include <map>

#include "api/app.h"
#include "api/json/json_input.h"
#include "api/domain/queue_day.h"
#include "api/json/render.h"
#include "api/http/request_parsing.h"
#include "scheduler/availability.h"
#include "scheduler/calendar.h"
#include "scheduler/zone_rules.h"

namespace termin::api {
namespace {

// "Dienstag, 8. Dezember 2026, 08:00 Uhr" / "Tuesday, 8 December 2026,
// 08:00": a start as a person reads it on the kiosk's refusal.
std::string ReadableStart(Instant t, const date::time_zone* zone, Language lang) {
  static const char* kDaysDe[] = {"Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"};
  static const char* kDaysEn[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
  static const char* kMonthsDe[] = {"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli",
                                    "August", "September", "Oktober", "November", "Dezember"};
  static const char* kMonthsEn[] = {"January", "February", "March", "April", "May", "June", "July",
                                    "August", "September", "October", "November", "December"};
  const auto local = std::chrono::floor<Minutes>(ToLocal(zone, date::sys_seconds{t}));
  const auto day = std::chrono::floor<date::days>(local);
  const date::year_month_day ymd{day};
  const unsigned wd = date::weekday{day}.c_encoding();
  const unsigned m = static_cast<unsigned>(ymd.month()) - 1;
  const long minutes = (local - day).count();
  char hhmm[8];
  std::snprintf(hhmm, sizeof hhmm, "%02ld:%02ld", minutes / 60 % 24, minutes % 60);
  const std::string d = std::to_string(static_cast<unsigned>(ymd.day()));
  const std::string y = std::to_string(static_cast<int>(ymd.year()));
  if (lang == Language::kEn) return std::string(kDaysEn[wd]) + ", " + d + " " + kMonthsEn[m] + " " + y + ", " + hhmm;
  return std::string(kDaysDe[wd]) + ", " + d + ". " + kMonthsDe[m] + " " + y + ", " + hhmm + " Uhr";
}

const char* StateName(QueueState s) {
  switch (s) {
    case QueueState::kWaiting: return "waiting";
    case QueueState::kCalled: return "called";
    case QueueState::kServing: return "serving";
    case QueueState::kDone: return "done";
    case QueueState::kNoShow: return "no_show";
  }
  return "waiting";
}

std::string DeskName(const OfficeInfo& office, const std::string& desk_id) {
  for (std::size_t i = 0; i < office.schedule.desks.size(); ++i) {
    if (office.schedule.desks[i].id == desk_id && i < office.desk_names.size()) {
      return office.desk_names[i];
    }
  }
  return desk_id;
}

std::string FormatTime(TimePoint t, const OfficeInfo& office) {
  return FormatInstant(ToInstant(t), office);
}

void WriteNotes(JsonWriter& w, const std::vector<Note>& notes, const OfficeInfo& office) {
  w.Key("notes");
  w.StartArray();
  for (const Note& n : notes) {
    w.StartObject();
    w.Key("at");
    WriteString(w, FormatTimeLocal(n.at, office.schedule.zone));
    w.Key("author");
    WriteString(w, n.author);
    w.Key("text");
    WriteString(w, n.text);
    w.EndObject();
  }
  w.EndArray();
}

// `notes`: the appointment's notes for the desk console (null: left out,
// as in the close answer's unserved list).
void WriteEntry(JsonWriter& w, const QueueEntry& e, const OfficeInfo& office,
                const std::vector<Note>* notes = nullptr) {
  w.StartObject();
  w.Key("ticket");
  WriteString(w, e.ticket);
  w.Key("kind");
  WriteString(w, e.kind == QueueKind::kAppointment ? "appointment" : "walk_in");
  if (!e.reference.empty()) {
    w.Key("reference");
    WriteString(w, e.reference);
  }
  w.Key("services");
  w.StartArray();
  for (const std::string& s : e.services) WriteString(w, s);
  w.EndArray();
  w.Key("state");
  WriteString(w, StateName(e.state));
  if (!e.desk.empty()) {
    w.Key("desk");
    WriteString(w, e.desk);
  }
  if (!e.for_desk.empty()) {
    w.Key("for_desk");
    WriteString(w, e.for_desk);
  }
  w.Key("calls");
  w.Int(e.calls);
  w.Key("due");
  WriteString(w, FormatTime(e.due, office));
  if (notes && !e.reference.empty()) WriteNotes(w, *notes, office);
  w.EndObject();
}

// The notes of the appointment behind a queue entry; none for a walk-in, or
// when the appointment cannot be read (the desk step has happened already:
// its answer is not refused for the notes).
std::vector<Note> NotesOf(Store& store, const QueueEntry& e) {
  if (e.reference.empty()) return {};
  auto a = store.GetAppointment(e.reference);
  return a.ok() ? a->notes : std::vector<Note>{};
}

// Service names of a visit, joined: "Personalausweis + Reisepass".
std::string VisitName(const Catalog& catalog, const std::vector<std::string>& services,
                      Language lang) {
  std::string out;
  for (const std::string& id : services) {
    if (!out.empty()) out += " + ";
    const ServiceInfo* s = catalog.FindService(id);
    out += !s ? id : lang == Language::kEn ? s->name.en : s->name.de;
  }
  return out;
}

}  // namespace

Result<App::DeskContext> App::DeskFor(const Call& call) {
  auto p = Authenticate(call);
  if (!p.ok()) return p.status();
  if (Status s = RequireRole(*p, Role::kDesk); !s.ok()) return s;
  DeskContext c;
  c.catalog = catalog_.Get();
  c.office = c.catalog->FindOffice(p->offices.front());
  if (!c.office) return Status::PermissionDenied("this desk key's office does not exist");
  const std::string& desk = call.Param("deskId");
  const auto& desks = c.office->schedule.desks;
  auto it = std::find_if(desks.begin(), desks.end(), [&](const Desk& d) { return d.id == desk; });
  if (it == desks.end()) return Status::NotFound("no such desk at this office");
  if (!p->ActsFor(desk)) return Status::PermissionDenied("this desk key is bound to another desk");
  c.desk = &*it;
  c.now = clock_->Now();
  c.day = FormatDate(LocalDayOf(ToInstant(c.now), c.office->schedule.zone));
  return c;
}

Result<App::DayState> App::LoadDay(const OfficeInfo& office, TimePoint now) {
  const date::time_zone* zone = office.schedule.zone;
  const Instant at = ToInstant(now);
  const LocalDate today = LocalDayOf(at, zone);
  DayState d;
  d.day = FormatDate(today);
  // Appointments of today not checked in: overdue ones become no-shows now
  // (their desk time goes back to the day), the others are still expected.
  auto active = store_->ListActiveAppointments(office.id, UtcEnvelope({today, today}, zone).begin);
  if (!active.ok()) return active.status();
  for (const AppointmentRecord& a : *active) {
    if (LocalDayOf(a.booking.start, zone) != today) continue;
    if (a.status == AppointmentStatus::kCheckedIn) d.checked_in.push_back(a);
    if (a.status != AppointmentStatus::kConfirmed) continue;
    if (a.booking.start + office.no_show_grace <= at) {
      auto gone = store_->MarkNoShow(a.reference, at - office.no_show_grace);
      // Checked in (or moved) meanwhile: no longer ours to release.
      if (!gone.ok() && gone.status().code() != StatusCode::kFailedPrecondition &&
          gone.status().code() != StatusCode::kNotFound) {
        return gone.status();
      }
      if (gone.ok()) ++d.released;
      continue;
    }
    d.due.push_back(a);
  }
  auto q = store_->ReadQueue(office.id, d.day);
  if (!q.ok()) return q.status();
  d.queue = std::move(q).value();
  // Today's claims from now on that no appointment explains: live holds.
  // (Claims of visits already done early stay in until their end: they
  // count as held, which errs on the side of the numbers issued.)
  const Interval rest{at, UtcEnvelope({today, today}, zone).end};
  if (rest.begin < rest.end) {
    auto claims = store_->ReadClaims(office.id, rest);
    if (!claims.ok()) return claims.status();
    std::map<std::string, std::vector<Interval>> booked;
    for (const AppointmentRecord& a : *active) booked[a.booking.desk_id].push_back(a.booking.claim());
    for (const auto& [desk, claimed] : *claims) {
      IntervalSet rest_claimed = claimed.Intersect(IntervalSet::FromSorted({rest}));
      IntervalSet unexplained = rest_claimed.Subtract(IntervalSet::FromUnsorted(booked[desk]));
      for (const Interval& iv : unexplained.intervals()) {
        Booking b;
        b.office_id = office.id;
        b.desk_id = desk;
        b.start = iv.begin;
        b.end = iv.end;
        b.claim_end = iv.end;
        d.held.push_back(std::move(b));
      }
    }
  }
  return d;
}

std::optional<HttpResponse> App::SameDayStep(const Call& call, const OfficeInfo& office,
                                             const std::string& visit_key, Instant start,
                                             const std::string& moving,
                                             const std::function<Status(const QueueFence&)>& step) {
  for (int attempt = 0; attempt < options_.max_attempts + 2; ++attempt) {
    auto judged = JudgeSameDay(office, visit_key, start, clock_->Now(), moving);
    if (!judged.ok()) return Error(call, judged.status());
    if (*judged && !(*judged)->keeps_walk_ins) return SlotTaken(call, {}, kNeededForWalkIns);
    const QueueFence fence = *judged ? QueueFence{(*judged)->day, (*judged)->version} : QueueFence{};
    Status s = step(fence);
    if (fence.empty() || s.code() != StatusCode::kAborted) return std::nullopt;
  }
  return std::nullopt;  // the step's last Aborted is the caller's to answer
}

bool App::SameDayFilter::Keeps(Instant start) const {
  if (LocalDayOf(start, office->schedule.zone) != today) return true;
  return queue::KeepsWalkIns(picture.desks, picture.waiting, picture.durations, key,
                             PictureMinute(*office, start, now), picture.now);
}

Result<std::optional<App::SameDayFilter>> App::SameDayFilterFor(const OfficeInfo& office,
                                                                const std::string& visit_key,
                                                                TimePoint now) {
  const LocalDate today = LocalDayOf(ToInstant(now), office.schedule.zone);
  auto q = store_->ReadQueue(office.id, FormatDate(today));
  if (!q.ok()) return q.status();
  if (std::none_of(q->entries.begin(), q->entries.end(), [](const QueueEntry& e) {
        return e.kind == QueueKind::kWalkIn && e.state == QueueState::kWaiting;
      })) {
    return std::optional<SameDayFilter>();
  }
  auto day = LoadDay(office, now);
  if (!day.ok()) return day.status();
  SameDayFilter f;
  f.office = &office;
  f.today = today;
  f.key = visit_key;
  f.now = now;
  f.picture = PictureDay(office, day->queue, day->due, day->held, now, visit_key);
  return std::optional<SameDayFilter>(std::move(f));
}

Result<std::optional<App::SameDayJudgement>> App::JudgeSameDay(const OfficeInfo& office,
                                                               const std::string& visit_key,
                                                               Instant start, TimePoint now,
                                                               const std::string& moving) {
  const date::time_zone* zone = office.schedule.zone;
  const LocalDate today = LocalDayOf(ToInstant(now), zone);
  if (LocalDayOf(start, zone) != today) return std::optional<SameDayJudgement>();
  auto day = LoadDay(office, now);
  if (!day.ok()) return day.status();
  if (!moving.empty()) {
    std::erase_if(day->due, [&](const AppointmentRecord& a) { return a.reference == moving; });
  }
  SameDayJudgement j;
  j.day = day->day;
  j.version = day->queue.version;
  DayPicture picture = PictureDay(office, day->queue, day->due, day->held, now, visit_key);
  j.keeps_walk_ins = queue::KeepsWalkIns(picture.desks, picture.waiting, picture.durations, visit_key,
                                         PictureMinute(office, start, now), picture.now);
  return std::optional<SameDayJudgement>(j);
}

Result<std::size_t> App::ReleaseNoShows() {
  std::shared_ptr<const Catalog> catalog = catalog_.Get();
  const TimePoint now = clock_->Now();
  std::size_t released = 0;
  Status first_error;
  for (const OfficeInfo& office : catalog->offices) {
    auto day = LoadDay(office, now);
    if (day.ok()) {
      released += day->released;
    } else if (first_error.ok()) {
      first_error = day.status();  // the other offices still get their turn
    }
  }
  if (!first_error.ok()) return first_error;
  return released;
}

HttpResponse App::KioskTicket(const Call& call) {
  KioskVisit kv;
  if (auto refused = ReadKioskVisit(call, kv)) return *refused;
  const OfficeInfo* office = kv.office;
  const std::string key = QueueServiceKey(kv.services);
  for (int attempt = 0; attempt < options_.max_attempts + 2; ++attempt) {
    const TimePoint now = clock_->Now();
    auto day = LoadDay(*office, now);
    if (!day.ok()) return Error(call, day.status());
    DayPicture picture = PictureDay(*office, day->queue, day->due, day->held, now, key);
    // The cut-off keeps the office's margin before each close (the wait
    // told is that plan's; the desk's queue view plans with the real close).
    std::vector<queue::DeskToday> judged_desks = picture.desks;
    for (queue::DeskToday& d : judged_desks) d.close -= static_cast<int>(office->walk_in_margin.count());
    queue::WalkInAnswer answer = queue::DecideWalkIn(judged_desks, picture.waiting,
                                                     picture.durations, key, picture.now,
                                                     picture.next_ticket);
    if (!answer.issued) {
      CountUnmet(*office, "wr:" + key);
      // The refusal, with the next free appointment for the visit as the
      // alternative (today's or a later day's).
      const bool any_desk = std::any_of(picture.desks.begin(), picture.desks.end(),
                                        [&](const queue::DeskToday& d) { return d.services.count(key) > 0; });
      const std::string name = call.lang == Language::kEn
                                   ? "\u201c" + VisitName(*kv.catalog, kv.services, call.lang) + "\u201d"
                                   : "\u201e" + VisitName(*kv.catalog, kv.services, call.lang) + "\u201c";
      std::string detail =
          call.lang == Language::kEn
              ? (any_desk ? "No more tickets today for " + name +
                                ": the desk time until closing is taken."
                          : "No desk for " + name + " is open today any more.")
              : (any_desk ? "Heute keine Wartenummer mehr für " + name +
                                ": die Schalterzeit bis Dienstschluss ist vergeben."
                          : "Heute ist kein Schalter für " + name + " mehr geöffnet.");
      struct Problem problem = MakeProblem("no-ticket", "");
      problem.has_alternatives = true;
      const Instant at = ToInstant(now);
      LocalDate today = LocalDayOf(at, office->schedule.zone);
      DayRange range{today, today + date::days(office->schedule.rules.max_days_ahead)};
      auto claims = booker_.ReadOfficeClaims(*office, UtcEnvelope(range, office->schedule.zone), nullptr);
      if (claims.ok()) {
        // From tomorrow: today's desk time is what the queue just judged
        // full (tickets claim no slots, so the online offer would not know).
        const Instant tomorrow = std::chrono::floor<Minutes>(office->schedule.zone->to_sys(
            date::local_time<Minutes>(today + date::days(1)), date::choose::earliest));
        OfficeQuery q{&office->schedule, kv.visit, &*claims};
        for (const OfficeOffer& o : NextFree({q}, std::max(at, tomorrow), 1)) {
          std::string start = FormatInstant(o.start, *office);
          problem.alternatives.push_back(Alternative{o.office_id, start});
          const std::string readable = ReadableStart(o.start, office->schedule.zone, call.lang);
          detail += call.lang == Language::kEn ? " Next free appointment: " + readable + "."
                                               : " Nächster freier Termin: " + readable + ".";
        }
      }
      problem.detail = detail;
      return Problem(call, problem);
    }
    QueueEntry ticket;
    ticket.kind = QueueKind::kWalkIn;
    ticket.services = kv.services;
    ticket.due = now;
    auto issued = store_->IssueTicket(office->id, day->day, ticket, day->queue.version);
    if (!issued.ok() && issued.status().code() == StatusCode::kAborted) continue;  // judged again
    if (!issued.ok()) return Error(call, issued.status());
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    w.Key("ticket");
    WriteString(w, issued->ticket);
    w.Key("office");
    WriteString(w, office->id);
    w.Key("services");
    w.StartArray();
    for (const std::string& s : issued->services) WriteString(w, s);
    w.EndArray();
    w.Key("issued_at");
    WriteString(w, FormatTime(now, *office));
    w.Key("expected_wait_minutes");
    w.Int(answer.expected_wait);
    w.EndObject();
    return Json(201, JsonString(buf));
  }
  return Problem(call, MakeProblem("conflict", "the queue kept moving; try again"));
}

HttpResponse App::DeskOpen(const Call& call) { return DeskSetOpen(call, true); }
HttpResponse App::DeskClose(const Call& call) { return DeskSetOpen(call, false); }

// Open: {"closes": "HH:MM"} optional, an earlier closing time than the
// desk's hours. Close: {"at": "HH:MM"} optional, closing later today (the
// desk calls nobody from then on); without it the desk closes now.
HttpResponse App::DeskSetOpen(const Call& call, bool open) {
  auto c = DeskFor(call);
  if (!c.ok()) return Error(call, c.status());
  std::optional<std::string> time_text;
  const char* field = open ? "closes" : "at";
  std::vector<FieldError> errors;
  if (!call.request.body.empty()) {
    rapidjson::Document doc;
    if (auto bad = ReadJson(call, doc)) return *bad;
    ObjectReader r(doc, "", &errors);
    time_text = r.String(field, false, 5);
    r.Finish();
  }
  QueueDesk desk;
  desk.id = c->desk->id;
  desk.open = open;
  if (time_text) {
    auto t = ParseTimeOfDay(*time_text);
    if (!t) {
      errors.push_back({field, "must be a local time HH:MM"});
    } else {
      const date::time_zone* zone = c->office->schedule.zone;
      LocalDate today = LocalDayOf(ToInstant(c->now), zone);
      Instant at = std::chrono::floor<Minutes>(
          zone->to_sys(date::local_time<Minutes>(today) + *t, date::choose::earliest));
      if (at <= ToInstant(c->now)) {
        errors.push_back({field, "must lie later today"});
      } else {
        desk.open = true;  // closing later: open until then
        desk.closes_at = ToTimePoint(at);
      }
    }
  } else if (!open) {
    desk.closes_at = c->now;
  }
  if (!errors.empty()) return BadRequest(call, std::move(errors), "invalid desk change");
  auto set = store_->SetQueueDesk(c->office->id, c->day, desk);
  if (!set.ok()) return Error(call, set.status());
  // Closing (now or later today) with people waiting: who can no longer be
  // served before the desks still open close, in the model's plan of the day
  // as it is after this change, so staff can act (send them to another
  // office, give an appointment). Appointments not yet checked in have no
  // ticket and are not listed.
  std::vector<QueueEntry> unserved;
  const bool closing = !open || desk.closes_at != TimePoint{};
  if (closing) {
    auto day = LoadDay(*c->office, c->now);
    if (!day.ok()) return Error(call, day.status());
    DayPicture picture = PictureDay(*c->office, day->queue, day->due, day->held, c->now);
    queue::Plan plan =
        queue::PlanDay(picture.desks, picture.waiting, picture.durations, picture.now);
    for (std::size_t i : plan.unserved) {
      if (i >= picture.tickets.size() || picture.tickets[i].empty()) continue;
      for (const QueueEntry& e : day->queue.entries) {
        if (e.ticket == picture.tickets[i]) unserved.push_back(e);
      }
    }
  }
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("desk");
  WriteString(w, set->id);
  w.Key("name");
  WriteString(w, DeskName(*c->office, set->id));
  w.Key("open");
  w.Bool(set->open && (set->closes_at == TimePoint{} || set->closes_at > c->now));
  if (set->closes_at != TimePoint{}) {
    w.Key("closes_at");
    WriteString(w, FormatTime(set->closes_at, *c->office));
  }
  if (!set->current.empty()) {
    w.Key("current");
    WriteString(w, set->current);
  }
  if (closing) {
    w.Key("unserved");
    w.StartArray();
    for (const QueueEntry& e : unserved) WriteEntry(w, e, *c->office);
    w.EndArray();
  }
  w.EndObject();
  return Json(200, JsonString(buf));
}

HttpResponse App::DeskCallNext(const Call& call) {
  auto c = DeskFor(call);
  if (!c.ok()) return Error(call, c.status());
  if (!call.request.body.empty()) {
    rapidjson::Document doc;
    if (auto bad = ReadJson(call, doc)) return *bad;
  }
  auto called = store_->CallNext(c->office->id, c->day, c->desk->id, c->desk->services, c->now);
  if (!called.ok()) {
    if (called.status().code() == StatusCode::kNotFound) {
      return Problem(call, MakeProblem("queue-empty", call.lang == Language::kEn
                                                          ? "Nobody waits whom this desk can serve."
                                                          : "Niemand wartet, den dieser Schalter bedienen kann."));
    }
    return Error(call, called.status());
  }
  const std::vector<Note> notes = NotesOf(*store_, *called);
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  WriteEntry(w, *called, *c->office, &notes);
  return Json(200, JsonString(buf));
}

HttpResponse App::DeskStepCommon(const Call& call, DeskAction action) {
  auto c = DeskFor(call);
  if (!c.ok()) return Error(call, c.status());
  std::string to;
  if (action == DeskAction::kTransfer || !call.request.body.empty()) {
    rapidjson::Document doc;
    if (auto bad = ReadJson(call, doc)) return *bad;
    std::vector<FieldError> errors;
    ObjectReader r(doc, "", &errors);
    std::optional<std::string> to_desk;
    if (action == DeskAction::kTransfer) to_desk = r.String("to", true, kMaxIdLength);
    r.Finish();
    if (to_desk) {
      const auto& desks = c->office->schedule.desks;
      if (std::none_of(desks.begin(), desks.end(), [&](const Desk& d) { return d.id == *to_desk; })) {
        errors.push_back({"to", "is not a desk of this office"});
      } else if (*to_desk == c->desk->id) {
        errors.push_back({"to", "must be another desk"});
      } else {
        to = *to_desk;
      }
    }
    if (!errors.empty()) return BadRequest(call, std::move(errors), "invalid desk step");
  }
  auto e = store_->DeskStep(c->office->id, c->day, c->desk->id, action, c->now, to);
  if (!e.ok()) return Error(call, e.status());
  const std::vector<Note> notes = NotesOf(*store_, *e);
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  WriteEntry(w, *e, *c->office, &notes);
  return Json(200, JsonString(buf));
}

HttpResponse App::DeskRecall(const Call& call) { return DeskStepCommon(call, DeskAction::kRecall); }
HttpResponse App::DeskStart(const Call& call) { return DeskStepCommon(call, DeskAction::kStart); }
HttpResponse App::DeskDone(const Call& call) { return DeskStepCommon(call, DeskAction::kDone); }
HttpResponse App::DeskNoShow(const Call& call) { return DeskStepCommon(call, DeskAction::kNoShow); }
HttpResponse App::DeskRequeue(const Call& call) { return DeskStepCommon(call, DeskAction::kRequeue); }
HttpResponse App::DeskTransfer(const Call& call) { return DeskStepCommon(call, DeskAction::kTransfer); }

// Who waits (in the order the desks call), with expected waits from the
// model; the desk's own state; the ones this desk can serve marked.
HttpResponse App::DeskQueue(const Call& call) {
  auto c = DeskFor(call);
  if (!c.ok()) return Error(call, c.status());
  auto day = LoadDay(*c->office, c->now);
  if (!day.ok()) return Error(call, day.status());
  DayPicture picture = PictureDay(*c->office, day->queue, day->due, day->held, c->now);
  std::vector<int> waits =
      queue::ExpectedWaits(picture.desks, picture.waiting, picture.durations, picture.now);
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("office");
  WriteString(w, c->office->id);
  w.Key("desk");
  w.StartObject();
  w.Key("id");
  WriteString(w, c->desk->id);
  w.Key("name");
  WriteString(w, DeskName(*c->office, c->desk->id));
  auto mine = day->queue.desks.find(c->desk->id);
  const bool open = mine != day->queue.desks.end() && mine->second.open &&
                    (mine->second.closes_at == TimePoint{} || mine->second.closes_at > c->now);
  w.Key("open");
  w.Bool(open);
  if (mine != day->queue.desks.end() && mine->second.closes_at != TimePoint{}) {
    w.Key("closes_at");
    WriteString(w, FormatTime(mine->second.closes_at, *c->office));
  }
  const QueueEntry* current = nullptr;
  if (mine != day->queue.desks.end() && !mine->second.current.empty()) {
    for (const QueueEntry& e : day->queue.entries) {
      if (e.ticket == mine->second.current) current = &e;
    }
  }
  if (current) {
    // Checked in: its record (and notes) came with the day; a walk-in has none.
    std::vector<Note> notes;
    if (!current->reference.empty()) {
      auto a = std::find_if(day->checked_in.begin(), day->checked_in.end(),
                            [&](const AppointmentRecord& r) { return r.reference == current->reference; });
      notes = a != day->checked_in.end() ? a->notes : NotesOf(*store_, *current);
    }
    w.Key("current");
    WriteEntry(w, *current, *c->office, &notes);
  }
  w.EndObject();
  // The office's other desks, for a transfer (the console offers them by name).
  w.Key("desks");
  w.StartArray();
  for (const Desk& d : c->office->schedule.desks) {
    if (d.id == c->desk->id) continue;
    auto st = day->queue.desks.find(d.id);
    w.StartObject();
    w.Key("id");
    WriteString(w, d.id);
    w.Key("name");
    WriteString(w, DeskName(*c->office, d.id));
    w.Key("open");
    w.Bool(st != day->queue.desks.end() && st->second.open &&
           (st->second.closes_at == TimePoint{} || st->second.closes_at > c->now));
    w.EndObject();
  }
  w.EndArray();
  w.Key("waiting");
  w.StartArray();
  for (std::size_t i = 0; i < picture.waiting.size(); ++i) {
    if (picture.tickets[i].empty()) continue;  // booked, not here yet
    const QueueEntry* e = nullptr;
    for (const QueueEntry& x : day->queue.entries) {
      if (x.ticket == picture.tickets[i]) e = &x;
    }
    if (!e) continue;
    w.StartObject();
    w.Key("ticket");
    WriteString(w, e->ticket);
    w.Key("kind");
    WriteString(w, e->kind == QueueKind::kAppointment ? "appointment" : "walk_in");
    w.Key("services");
    w.StartArray();
    for (const std::string& s : e->services) WriteString(w, s);
    w.EndArray();
    w.Key("due");
    WriteString(w, FormatTime(e->due, *c->office));
    w.Key("this_desk");
    w.Bool(std::all_of(e->services.begin(), e->services.end(),
                       [&](const std::string& s) { return c->desk->CanDo(s); }) &&
           (e->for_desk.empty() || e->for_desk == c->desk->id));
    w.Key("expected_wait_minutes");
    if (waits[i] < 0) {
      w.Null();
    } else {
      w.Int(waits[i]);
    }
    w.EndObject();
  }
  w.EndArray();
  w.Key("expected_appointments");
  w.Uint64(day->due.size());
  // Today's appointments ahead, by start: the ones not checked in yet, and
  // the checked-in ones still waiting (not called, served or gone).
  std::vector<const AppointmentRecord*> ahead;
  for (const AppointmentRecord& a : day->due) ahead.push_back(&a);
  for (const AppointmentRecord& a : day->checked_in) {
    const bool waiting = std::any_of(day->queue.entries.begin(), day->queue.entries.end(), [&](const QueueEntry& e) {
      return e.reference == a.reference && e.state == QueueState::kWaiting;
    });
    if (waiting) ahead.push_back(&a);
  }
  std::stable_sort(ahead.begin(), ahead.end(), [](const AppointmentRecord* x, const AppointmentRecord* y) {
    return x->booking.start < y->booking.start;
  });
  w.Key("appointments");
  w.StartArray();
  for (const AppointmentRecord* a : ahead) {
    w.StartObject();
    w.Key("reference");
    WriteString(w, a->reference);
    w.Key("start");
    WriteString(w, FormatInstant(a->booking.start, *c->office));
    w.Key("services");
    w.StartArray();
    for (const std::string& s : a->booking.services) WriteString(w, s);
    w.EndArray();
    w.Key("checked_in");
    w.Bool(a->status == AppointmentStatus::kCheckedIn);
    if (!a->ticket.empty()) {
      w.Key("ticket");
      WriteString(w, a->ticket);
    }
    w.Key("this_desk");
    w.Bool(std::all_of(a->booking.services.begin(), a->booking.services.end(),
                       [&](const std::string& s) { return c->desk->CanDo(s); }));
    WriteNotes(w, a->notes, *c->office);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return Json(200, JsonString(buf));
}

// The waiting-room display: no key, nothing personal, cheap to poll. The
// ETag names the day and the number of calls so far, so an unchanged
// display costs one small store read and a 304.
HttpResponse App::OfficeCalls(const Call& call) {
  auto catalog = catalog_.Get();
  const OfficeInfo* office = catalog->FindOffice(call.Param("officeId"));
  if (!office) return Problem(call, MakeProblem("not-found", "no such office"));
  const TimePoint now = clock_->Now();
  const std::string day = FormatDate(LocalDayOf(ToInstant(now), office->schedule.zone));
  auto calls = store_->ReadQueueCalls(office->id, day);
  if (!calls.ok()) return Error(call, calls.status());
  const std::string etag = "\"" + day + "-" + std::to_string(calls->seq) + "\"";
  HttpResponse resp;
  if (auto match = call.request.Header("if-none-match"); match && *match == etag) {
    resp.status = 304;
    resp.content_type.clear();
  } else {
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    w.Key("office");
    WriteString(w, office->id);
    w.Key("day");
    WriteString(w, day);
    w.Key("calls");
    w.StartArray();
    for (const QueueCall& c : calls->calls) {
      w.StartObject();
      w.Key("ticket");
      WriteString(w, c.ticket);
      w.Key("desk");
      WriteString(w, DeskName(*office, c.desk));
      w.Key("at");
      WriteString(w, FormatTime(c.at, *office));
      w.Key("seq");
      w.Uint64(c.seq);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    resp = Json(200, JsonString(buf));
  }
  resp.headers.emplace_back("ETag", etag);
  resp.headers.emplace_back("Cache-Control", "no-cache");
  return resp;
}

}  // namespace termin::api
