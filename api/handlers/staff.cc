// Handlers of the hotline console and the kiosk (staff API keys).
#include "api/app.h"
#include "api/json/json_input.h"
#include "api/json/render.h"
#include "api/http/request_parsing.h"
#include "api/security/secrets.h"

namespace termin::api {
namespace {

// Hotline operations are open to hotline keys and to admins.
Status RequireHotline(const Principal& p) {
  if (p.role == Role::kHotline || p.role == Role::kAdmin) return Status::Ok();
  return Status::PermissionDenied("this API key may not use the hotline operations");
}

constexpr std::size_t kMaxNoteLength = 2000;

}  // namespace

Result<AppointmentRecord> App::AppointmentForStaff(const Call& call, const Principal& p) {
  auto reference = NormalizeReference(call.Param("reference"));
  if (!reference) return Status::NotFound("no such appointment");
  auto a = store_->GetAppointment(*reference);
  if (!a.ok()) return a.status();
  // Another office's appointment is not visible at all (OWASP API1): 404,
  // so a key cannot even probe which references exist elsewhere.
  if (!p.Covers(a->booking.office_id)) return Status::NotFound("no such appointment");
  return a;
}

HttpResponse App::HotlineBook(const Call& call) {
  auto p = Authenticate(call);
  if (!p.ok()) return Error(call, p.status());
  if (Status s = RequireHotline(*p); !s.ok()) return Error(call, s);
  rapidjson::Document doc;
  if (auto bad = ReadJson(call, doc)) return *bad;
  std::vector<FieldError> errors;
  ObjectReader r(doc, "", &errors);
  auto office_id = r.String("office", true, kMaxIdLength);
  auto services = r.StringArray("services", true, kMaxServicesPerVisit, kMaxIdLength);
  auto start_text = r.String("start", true, 40);
  const rapidjson::Value* contact_value = r.Object("contact", true);
  r.Finish();
  std::optional<Instant> start;
  if (start_text && !(start = ParseInstant(*start_text))) {
    errors.push_back({"start", "must be an RFC 3339 time with offset, whole minutes"});
  }
  if (services && services->empty()) errors.push_back({"services", "must not be empty"});
  Contact contact;
  if (contact_value) ParseContact(*contact_value, "contact", errors, contact);
  if (!errors.empty()) return BadRequest(call, std::move(errors), "invalid booking request");
  if (!p->Covers(*office_id)) {
    return Problem(call, MakeProblem("forbidden", "this API key does not cover that office"));
  }
  auto catalog = catalog_.Get();
  const OfficeInfo* office = catalog->FindOffice(*office_id);
  if (!office) return Problem(call, MakeProblem("unprocessable", "no such office"));
  auto visit = booker_.VisitAt(*office, *services);
  if (!visit.ok()) return Error(call, visit.status());
  // A booking for today shares the desks' time with the walk-in queue.
  std::vector<Alternative> alternatives;
  Result<NewAppointment> made = Status::Aborted("not tried");
  if (auto refused = SameDayStep(call, *office, QueueServiceKey(*services), *start, "",
                                 [&](const QueueFence& fence) {
                                   made = booker_.BookDirect(*office, *visit, *start, contact,
                                                             Channel::kHotline, &alternatives, fence);
                                   return made.status();
                                 })) {
    return *refused;
  }
  if (!made.ok()) {
    if (made.status().code() == StatusCode::kConflict) {
      CountUnmet(*office, "cf:hotline");
      return SlotTaken(call, std::move(alternatives), "this start is no longer free");
    }
    return Error(call, made.status());
  }
  AppointmentView view;
  view.staff = true;
  view.manage_secret = made->manage_secret;  // read to the caller, for the web link
  HttpResponse resp = Json(201, RenderAppointment(made->record, *office, view));
  resp.headers.emplace_back("Location", "/v1/hotline/appointments/" + made->record.reference);
  return resp;
}

HttpResponse App::HotlineSearch(const Call& call) {
  auto p = Authenticate(call);
  if (!p.ok()) return Error(call, p.status());
  if (Status s = RequireHotline(*p); !s.ok()) return Error(call, s);
  const HttpRequest& req = call.request;
  std::vector<FieldError> errors;
  for (const auto& [name, value] : req.query) {
    if (name != "reference" && name != "phone" && name != "name") {
      errors.push_back({name.substr(0, 50), "is not a known parameter"});
    }
  }
  AppointmentQuery q;
  int given = 0;
  if (auto v = req.Query("reference")) {
    ++given;
    auto ref = NormalizeReference(*v);
    if (!ref) {
      errors.push_back({"reference", "is not a reference (XXXX-XXXX)"});
    } else {
      q.reference = *ref;
    }
  }
  if (auto v = req.Query("phone")) {
    ++given;
    q.phone = PhoneDigits(*v);
    if (q.phone.size() < 3 || v->size() > 30) errors.push_back({"phone", "needs at least 3 digits"});
  }
  if (auto v = req.Query("name")) {
    ++given;
    if (v->size() < 2 || v->size() > kMaxTextLength) {
      errors.push_back({"name", "must have 2 to 200 characters"});
    }
    q.name = *v;
  }
  if (given != 1 && errors.empty()) {
    errors.push_back({"reference", "give exactly one of reference, phone or name"});
  }
  if (!errors.empty()) return BadRequest(call, std::move(errors), "invalid search");
  q.offices = p->offices;
  auto found = store_->FindAppointments(q);
  if (!found.ok()) return Error(call, found.status());
  auto catalog = catalog_.Get();
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("appointments");
  w.StartArray();
  AppointmentView view;
  view.staff = true;
  for (const AppointmentRecord& a : *found) {
    const OfficeInfo* office = catalog->FindOffice(a.booking.office_id);
    if (!office || !p->Covers(a.booking.office_id)) continue;
    WriteAppointment(w, a, *office, view);
  }
  w.EndArray();
  w.EndObject();
  return Json(200, JsonString(buf));
}

HttpResponse App::HotlineGet(const Call& call) {
  auto p = Authenticate(call);
  if (!p.ok()) return Error(call, p.status());
  if (Status s = RequireHotline(*p); !s.ok()) return Error(call, s);
  auto a = AppointmentForStaff(call, *p);
  if (!a.ok()) return Error(call, a.status());
  AppointmentView view;
  view.staff = true;
  return AppointmentResponse(call, *a, view);
}

HttpResponse App::HotlineCancel(const Call& call) {
  auto p = Authenticate(call);
  if (!p.ok()) return Error(call, p.status());
  if (Status s = RequireHotline(*p); !s.ok()) return Error(call, s);
  if (!call.request.body.empty()) {
    rapidjson::Document doc;
    if (auto bad = ReadJson(call, doc)) return *bad;
  }
  auto a = AppointmentForStaff(call, *p);
  if (!a.ok()) return Error(call, a.status());
  auto cancelled = booker_.Cancel(*a, "hotline");
  if (!cancelled.ok()) return Error(call, cancelled.status());
  AppointmentView view;
  view.staff = true;
  return AppointmentResponse(call, *cancelled, view);
}

HttpResponse App::HotlineMove(const Call& call) {
  auto p = Authenticate(call);
  if (!p.ok()) return Error(call, p.status());
  if (Status s = RequireHotline(*p); !s.ok()) return Error(call, s);
  auto a = AppointmentForStaff(call, *p);
  if (!a.ok()) return Error(call, a.status());
  // AppointmentForStaff checked that the key covers the appointment's office;
  // a move never leaves that office (MoveCommon answers 422 otherwise).
  return MoveCommon(call, *a, true);
}

HttpResponse App::HotlineNote(const Call& call) {
  auto p = Authenticate(call);
  if (!p.ok()) return Error(call, p.status());
  if (Status s = RequireHotline(*p); !s.ok()) return Error(call, s);
  rapidjson::Document doc;
  if (auto bad = ReadJson(call, doc)) return *bad;
  std::vector<FieldError> errors;
  ObjectReader r(doc, "", &errors);
  auto text = r.String("text", true, kMaxNoteLength);
  r.Finish();
  if (text && text->empty()) errors.push_back({"text", "must not be empty"});
  if (!errors.empty()) return BadRequest(call, std::move(errors), "invalid note");
  auto a = AppointmentForStaff(call, *p);
  if (!a.ok()) return Error(call, a.status());
  auto noted = store_->AddNote(a->reference, Note{clock_->Now(), p->name, *text});
  if (!noted.ok()) return Error(call, noted.status());
  AppointmentView view;
  view.staff = true;
  return AppointmentResponse(call, *noted, view);
}

HttpResponse App::KioskCheckIn(const Call& call) {
  auto p = Authenticate(call);
  if (!p.ok()) return Error(call, p.status());
  if (Status s = RequireRole(*p, Role::kKiosk); !s.ok()) return Error(call, s);
  rapidjson::Document doc;
  if (auto bad = ReadJson(call, doc)) return *bad;
  std::vector<FieldError> errors;
  ObjectReader r(doc, "", &errors);
  auto reference_text = r.String("reference", false, 40);
  auto qr = r.String("qr", false, 60);
  r.Finish();
  std::optional<std::string> reference;
  if (reference_text && qr) {
    errors.push_back({"qr", "give either reference or qr, not both"});
  } else if (reference_text) {
    if (!(reference = NormalizeReference(*reference_text))) {
      errors.push_back({"reference", "is not a reference (XXXX-XXXX)"});
    }
  } else if (qr) {
    constexpr std::string_view kPrefix = "TERMIN:";
    if (qr->compare(0, kPrefix.size(), kPrefix) != 0 ||
        !(reference = NormalizeReference(qr->substr(kPrefix.size())))) {
      errors.push_back({"qr", "is not a Termin QR code (TERMIN:<reference>)"});
    }
  } else if (errors.empty()) {
    errors.push_back({"reference", "is required (or qr)"});
  }
  if (!errors.empty()) return BadRequest(call, std::move(errors), "invalid check-in");
  auto a = store_->GetAppointment(*reference);
  // Another office's reference answers exactly as an unknown one: a kiosk
  // key must not tell which references exist elsewhere (#17).
  if ((a.ok() && !p->Covers(a->booking.office_id)) ||
      (!a.ok() && a.status().code() == StatusCode::kNotFound)) {
    return Problem(call, MakeProblem("not-found", "no such appointment"));
  }
  if (!a.ok()) return Error(call, a.status());
  auto catalog = catalog_.Get();
  const OfficeInfo* office = catalog->FindOffice(a->booking.office_id);
  if (!office) return Error(call, Status::Internal("office vanished"));
  LocalDate today = LocalDayOf(booker_.Now(), office->schedule.zone);
  if (LocalDayOf(a->booking.start, office->schedule.zone) != today) {
    return Problem(call, MakeProblem("unprocessable",
                                     "check-in is only possible on the day of the appointment"));
  }
  auto checked = booker_.CheckIn(*a, *office);
  if (!checked.ok()) return Error(call, checked.status());
  return Json(200, RenderKioskVisit(*checked, *office));
}

std::optional<HttpResponse> App::ReadKioskVisit(const Call& call, KioskVisit& out) {
  auto p = Authenticate(call);
  if (!p.ok()) return Error(call, p.status());
  if (Status s = RequireRole(*p, Role::kKiosk); !s.ok()) return Error(call, s);
  rapidjson::Document doc;
  if (auto bad = ReadJson(call, doc)) return *bad;
  std::vector<FieldError> errors;
  ObjectReader r(doc, "", &errors);
  auto services = r.StringArray("services", true, kMaxServicesPerVisit, kMaxIdLength);
  r.Finish();
  if (services && services->empty()) errors.push_back({"services", "must not be empty"});
  if (!errors.empty()) return BadRequest(call, std::move(errors), "invalid walk-in");
  out.catalog = catalog_.Get();
  out.office = out.catalog->FindOffice(p->offices.front());
  if (!out.office) return Problem(call, MakeProblem("forbidden", "this kiosk's office does not exist"));
  auto visit = booker_.VisitAt(*out.office, *services);
  if (!visit.ok()) return Error(call, visit.status());
  out.services = std::move(*services);
  out.visit = std::move(visit).value();
  return std::nullopt;
}

HttpResponse App::KioskWalkIn(const Call& call) {
  KioskVisit kv;
  if (auto refused = ReadKioskVisit(call, kv)) return *refused;
  const OfficeInfo* office = kv.office;
  // The walk-in's start shares today's desk time with the numbers waiting:
  // only a start that keeps them all (SameDayFilter), written on the queue
  // version it was judged on (judged again if a ticket or hold came between).
  const std::string visit_key = QueueServiceKey(kv.services);
  Result<AppointmentRecord> made = Status::Aborted("not tried");
  for (int attempt = 0; attempt < options_.max_attempts + 2; ++attempt) {
    const TimePoint now = clock_->Now();
    const std::string today = FormatDate(LocalDayOf(ToInstant(now), office->schedule.zone));
    auto queue = store_->ReadQueue(office->id, today);  // the version first: see the fence
    if (!queue.ok()) return Error(call, queue.status());
    auto filter = SameDayFilterFor(*office, visit_key, now);
    if (!filter.ok()) return Error(call, filter.status());
    std::function<bool(Instant)> keeps;
    if (*filter) keeps = [&f = **filter](Instant start) { return f.Keeps(start); };
    made = booker_.WalkIn(*office, kv.visit, true, keeps, QueueFence{today, queue->version});
    if (made.ok() || made.status().code() != StatusCode::kAborted) break;
  }
  if (!made.ok()) {
    if (made.status().code() == StatusCode::kConflict) {
      return Problem(call, MakeProblem("conflict", "no free start is left today for this visit"));
    }
    return Error(call, made.status());
  }
  // The walk-in may have been decided on a reloaded catalog (Booker::WalkIn):
  // show it with the office as it is now.
  auto current = catalog_.Get();
  const OfficeInfo* shown = current->FindOffice(made->booking.office_id);
  return Json(201, RenderKioskVisit(*made, shown ? *shown : *office));
}

}  // namespace termin::api
