// Handlers of the public API (the booking widget): parse, call, render.
#include <algorithm>
#include <map>

#include "api/app.h"
#include "api/json/json_input.h"
#include "api/security/pow.h"
#include "api/json/render.h"
#include "api/http/request_parsing.h"
#include "api/security/secrets.h"
#include "scheduler/calendar.h"

namespace termin::api {
namespace {

// Next-free asks the core for this many more starts while walk-ins wait
// today, for the ones the queue keeps (App::SameDayFilter) to drop.
constexpr std::size_t kSameDayOverAsk = 64;

// The detail of the 422 for a move into another office (see MoveCommon).
constexpr const char* kMoveWithinOffice =
    "an appointment moves within its office; to change office, book there and cancel this one";

}  // namespace

void App::ParseContact(const rapidjson::Value& v, const std::string& path,
                       std::vector<FieldError>& errors, Contact& out) {
  ObjectReader r(v, path, &errors);
  if (!r.is_object()) return;
  auto name = r.String("name", true, kMaxTextLength);
  auto email = r.String("email", false, 254);
  auto phone = r.String("phone", false, 30);
  auto language = r.String("language", false, 5);
  auto reminders = r.Bool("reminders", false);
  r.Finish();
  if (name) {
    if (name->empty()) r.AddError(r.FieldPath("name"), "must not be empty");
    out.name = *name;
  }
  if (email) {
    if (!PlausibleEmail(*email)) r.AddError(r.FieldPath("email"), "is not an e-mail address");
    out.email = *email;
  }
  if (phone) {
    if (!PlausiblePhone(*phone)) r.AddError(r.FieldPath("phone"), "is not a phone number");
    out.phone = *phone;
  }
  if (language) {
    if (*language != "de" && *language != "en") {
      r.AddError(r.FieldPath("language"), "must be \"de\" or \"en\"");
    }
    out.language = *language;
  }
  out.reminders = reminders.value_or(false);
  if (!email && !phone && r.is_object()) {
    r.AddError(r.FieldPath("email"), "an e-mail address or a phone number is required");
  }
}

bool App::StaffView(const Call& call) const {
  if (!call.request.Header("authorization")) return false;
  auto p = Authenticate(call);
  return p.ok() && (p->role == Role::kHotline || p->role == Role::kAdmin);
}

HttpResponse App::ListOffices(const Call&) {
  auto catalog = catalog_.Get();
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("offices");
  w.StartArray();
  for (const OfficeInfo& o : catalog->offices) WriteOfficePublic(w, o);
  w.EndArray();
  w.EndObject();
  return Json(200, JsonString(buf));
}

HttpResponse App::GetOffice(const Call& call) {
  auto catalog = catalog_.Get();
  const OfficeInfo* office = catalog->FindOffice(call.Param("officeId"));
  if (!office) return Problem(call, MakeProblem("not-found", "no such office"));
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  WriteOfficePublic(w, *office);
  return Json(200, JsonString(buf));
}

HttpResponse App::ListServices(const Call& call) {
  auto catalog = catalog_.Get();
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("services");
  w.StartArray();
  for (const ServiceInfo& s : catalog->services) WriteServicePublic(w, s, call.lang);
  w.EndArray();
  w.EndObject();
  return Json(200, JsonString(buf));
}

HttpResponse App::GetAvailability(const Call& call) {
  // Places released less than the office's re-release delay ago are
  // offered to staff only (api/store.h, "Released places").
  const bool public_view = !StaffView(call);
  const HttpRequest& req = call.request;
  std::vector<FieldError> errors;
  for (const auto& [name, value] : req.query) {
    if (name != "services" && name != "office" && name != "from" && name != "to") {
      errors.push_back({name.substr(0, 50), "is not a known parameter"});
    }
  }
  std::optional<std::vector<std::string>> services;
  if (auto s = req.Query("services")) {
    services = ParseIdList(*s, "services", kMaxServicesPerVisit, errors);
  } else {
    errors.push_back({"services", "is required"});
  }
  std::optional<LocalDate> from, to;
  for (auto [field, out] : {std::pair{"from", &from}, std::pair{"to", &to}}) {
    auto text = req.Query(field);
    if (!text) {
      errors.push_back({field, "is required"});
    } else if (!(*out = ParseDate(*text))) {
      errors.push_back({field, "must be a date YYYY-MM-DD"});
    }
  }
  auto office_id = req.Query("office");
  if (office_id && !ValidId(*office_id)) errors.push_back({"office", "is not an office id"});
  if (from && to) {
    if (*to < *from) {
      errors.push_back({"to", "must not be before from"});
    } else if ((*to - *from).count() + 1 > options_.max_range_days) {
      errors.push_back({"to", "the range spans more than " +
                                  std::to_string(options_.max_range_days) + " days"});
    }
  }
  if (!errors.empty()) return BadRequest(call, std::move(errors), "invalid query parameters");

  auto catalog = catalog_.Get();
  for (const auto& id : *services) {
    if (!catalog->FindService(id)) {
      return Problem(call, MakeProblem("unprocessable", "unknown service " + id));
    }
  }
  std::vector<const OfficeInfo*> offices;
  if (office_id) {
    const OfficeInfo* o = catalog->FindOffice(*office_id);
    if (!o) return Problem(call, MakeProblem("not-found", "no such office"));
    offices.push_back(o);
  } else {
    for (const OfficeInfo& o : catalog->offices) offices.push_back(&o);
  }
  struct Day {
    LocalDate date;
    std::size_t office_index;
    const OfficeInfo* office;
    std::vector<Offer> offers;
  };
  std::vector<Day> days;
  Instant now = booker_.Now();
  DayRange range{*from, *to};
  for (std::size_t i = 0; i < offices.size(); ++i) {
    const OfficeInfo& office = *offices[i];
    auto visit = booker_.VisitAt(office, *services);
    if (!visit.ok()) {
      if (office_id) return Error(call, visit.status());
      continue;  // this office does not offer the combination
    }
    auto claims = booker_.ReadOfficeClaims(office, UtcEnvelope(range, office.schedule.zone), nullptr,
                                           public_view);
    if (!claims.ok()) return Error(call, claims.status());
    auto offers = Availability(office.schedule,
                               public_view ? office.schedule.rules : Booker::StaffRules(office.schedule.rules),
                               *visit, range, now, *claims);
    // Today's starts are also the walk-in queue's time.
    if (range.first <= LocalDayOf(now, office.schedule.zone)) {
      auto same_day = SameDayFilterFor(office, QueueServiceKey(*services), ToTimePoint(now));
      if (!same_day.ok()) return Error(call, same_day.status());
      if (*same_day) {
        std::erase_if(offers, [&](const Offer& o) { return !(*same_day)->Keeps(o.start); });
      }
    }
    for (const Offer& offer : offers) {
      LocalDate d = LocalDayOf(offer.start, office.schedule.zone);
      if (days.empty() || days.back().office != &office || days.back().date != d) {
        days.push_back(Day{d, i, &office, {}});
      }
      days.back().offers.push_back(offer);
    }
  }
  std::stable_sort(days.begin(), days.end(), [](const Day& a, const Day& b) {
    return a.date != b.date ? a.date < b.date : a.office_index < b.office_index;
  });
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("services");
  w.StartArray();
  for (const auto& s : *services) WriteString(w, s);
  w.EndArray();
  w.Key("days");
  w.StartArray();
  for (const Day& d : days) {
    w.StartObject();
    w.Key("date");
    WriteString(w, FormatDate(d.date));
    w.Key("office");
    WriteString(w, d.office->id);
    w.Key("slots");
    w.StartArray();
    for (const Offer& o : d.offers) {
      w.StartObject();
      w.Key("start");
      WriteString(w, FormatInstant(o.start, *d.office));
      w.Key("free");
      w.Int(o.free_desks);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return Json(200, JsonString(buf));
}

HttpResponse App::GetNextAvailability(const Call& call) {
  // Places released less than the office's re-release delay ago are
  // offered to staff only (api/store.h, "Released places").
  const bool public_view = !StaffView(call);
  const HttpRequest& req = call.request;
  std::vector<FieldError> errors;
  for (const auto& [name, value] : req.query) {
    if (name != "services" && name != "offices" && name != "limit") {
      errors.push_back({name.substr(0, 50), "is not a known parameter"});
    }
  }
  std::optional<std::vector<std::string>> services, office_ids;
  if (auto s = req.Query("services")) {
    services = ParseIdList(*s, "services", kMaxServicesPerVisit, errors);
  } else {
    errors.push_back({"services", "is required"});
  }
  if (auto o = req.Query("offices")) office_ids = ParseIdList(*o, "offices", kMaxOfficesPerQuery, errors);
  long long limit = 10;
  if (auto l = req.Query("limit")) {
    auto parsed = ParseBoundedInt(*l, 1, 50);
    if (!parsed) {
      errors.push_back({"limit", "must be an integer from 1 to 50"});
    } else {
      limit = *parsed;
    }
  }
  if (!errors.empty()) return BadRequest(call, std::move(errors), "invalid query parameters");

  auto catalog = catalog_.Get();
  for (const auto& id : *services) {
    if (!catalog->FindService(id)) {
      return Problem(call, MakeProblem("unprocessable", "unknown service " + id));
    }
  }
  std::vector<const OfficeInfo*> offices;
  if (office_ids) {
    for (const auto& id : *office_ids) {
      const OfficeInfo* o = catalog->FindOffice(id);
      if (!o) return Problem(call, MakeProblem("not-found", "no such office: " + id));
      offices.push_back(o);
    }
  } else {
    for (const OfficeInfo& o : catalog->offices) offices.push_back(&o);
  }
  Instant now = booker_.Now();
  std::vector<OfficeClaims> claims;
  claims.reserve(offices.size());
  std::vector<OfficeQuery> queries;
  std::vector<const OfficeInfo*> queried;
  // Staff (the hotline) also see the hotline's quota: their own copy of
  // each office's schedule under staff rules (reserved: queries point in).
  std::vector<Office> staff_schedules;
  staff_schedules.reserve(public_view ? 0 : offices.size());
  for (const OfficeInfo* office : offices) {
    auto visit = booker_.VisitAt(*office, *services);
    if (!visit.ok()) {
      if (office_ids && offices.size() == 1) return Error(call, visit.status());
      continue;
    }
    LocalDate today = LocalDayOf(now, office->schedule.zone);
    DayRange range{today, today + date::days(office->schedule.rules.max_days_ahead)};
    auto read = booker_.ReadOfficeClaims(*office, UtcEnvelope(range, office->schedule.zone), nullptr,
                                         public_view);
    if (!read.ok()) return Error(call, read.status());
    claims.push_back(std::move(read).value());
    const Office* schedule = &office->schedule;
    if (!public_view && office->schedule.rules.hotline_share_percent > 0) {
      staff_schedules.push_back(office->schedule);
      staff_schedules.back().rules = Booker::StaffRules(office->schedule.rules);
      schedule = &staff_schedules.back();
    }
    queries.push_back(OfficeQuery{schedule, std::move(visit).value(), nullptr});
    queried.push_back(office);
  }
  for (std::size_t i = 0; i < queries.size(); ++i) queries[i].claims = &claims[i];
  // Today's starts are also the walk-in queue's time: where walk-ins wait,
  // ask for more and drop the starts that would push a number out.
  std::map<std::string, App::SameDayFilter> same_day;
  for (const OfficeInfo* office : queried) {
    auto f = SameDayFilterFor(*office, QueueServiceKey(*services), ToTimePoint(now));
    if (!f.ok()) return Error(call, f.status());
    if (*f) same_day.emplace(office->id, std::move(**f));
  }
  const std::size_t wanted = static_cast<std::size_t>(limit);
  auto found = NextFree(queries, now, same_day.empty() ? wanted : wanted + kSameDayOverAsk);
  if (!same_day.empty()) {
    std::erase_if(found, [&](const OfficeOffer& o) {
      auto f = same_day.find(o.office_id);
      return f != same_day.end() && !f->second.Keeps(o.start);
    });
    if (found.size() > wanted) found.resize(wanted);
  }
  if (found.empty()) {
    for (const OfficeInfo* office : queried) CountUnmet(*office, "nf:" + QueueServiceKey(*services));
  }
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("slots");
  w.StartArray();
  for (const OfficeOffer& o : found) {
    const OfficeInfo* office = catalog->FindOffice(o.office_id);
    if (!office) continue;
    w.StartObject();
    w.Key("office");
    WriteString(w, o.office_id);
    w.Key("start");
    WriteString(w, FormatInstant(o.start, *office));
    w.Key("free");
    w.Int(o.free_desks);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return Json(200, JsonString(buf));
}

HttpResponse App::SlotTaken(const Call& call, std::vector<Alternative> alternatives,
                            const std::string& detail) {
  struct Problem p = MakeProblem("slot-taken", detail);
  p.alternatives = std::move(alternatives);
  p.has_alternatives = true;
  return Problem(call, p);
}

HttpResponse App::GetChallenge(const Call& /*call*/) {
  const PowChallenge c =
      MakePowChallenge(pow_key_, options_.pow_maxnumber, clock_->Now() + options_.pow_ttl);
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("algorithm");
  w.String(c.algorithm.c_str());
  w.Key("challenge");
  w.String(c.challenge.c_str());
  w.Key("maxnumber");
  w.Int64(c.maxnumber);
  w.Key("salt");
  w.String(c.salt.c_str());
  w.Key("signature");
  w.String(c.signature.c_str());
  w.EndObject();
  return Json(200, std::string(buf.GetString(), buf.GetSize()));
}

std::optional<HttpResponse> App::CheckProofOfWork(const Call& call, const OfficeInfo& office) {
  const int above = office.pow_above_holds_per_minute;
  if (above < 0) return std::nullopt;
  if (above > 0) {
    // The office's hold rate, all replicas together: work is asked for
    // only while it is over the rule's rate.
    auto rate = store_->TakeToken("pow-rate:" + office.id, above, std::chrono::minutes(1));
    if (rate.ok() && rate->allowed) return std::nullopt;
  }
  auto header = call.request.Header("x-proof-of-work");
  auto refuse = [&](const std::string& detail) {
    metrics_.CountLimited("proof_of_work");
    HttpResponse resp = Problem(call, MakeProblem("proof-of-work-required", detail));
    resp.headers.emplace_back("Link", "</v1/challenge>; rel=\"challenge\"");
    return resp;
  };
  if (!header) {
    return refuse("solve GET /v1/challenge and send the solution in X-Proof-Of-Work");
  }
  std::string why;
  const TimePoint now = clock_->Now();
  auto solved = VerifyPowSolution(pow_key_, *header, now, &why);
  if (!solved) return refuse(why);
  // Each solution buys one hold: the first use is remembered until the
  // challenge expires (shared by all replicas).
  auto once = store_->AdmitOpenHold("pow:" + solved->challenge, NewId(), 1,
                                    std::chrono::duration_cast<std::chrono::milliseconds>(
                                        solved->expires - now));
  if (!once.ok()) return Error(call, once.status());
  if (!once->allowed) return refuse("this solution was used already; fetch a new challenge");
  return std::nullopt;
}

HttpResponse App::CreateHold(const Call& call) {
  rapidjson::Document doc;
  if (auto bad = ReadJson(call, doc)) return *bad;
  std::vector<FieldError> errors;
  ObjectReader r(doc, "", &errors);
  auto office_id = r.String("office", true, kMaxIdLength);
  auto services = r.StringArray("services", true, kMaxServicesPerVisit, kMaxIdLength);
  auto start_text = r.String("start", true, 40);
  r.Finish();
  std::optional<Instant> start;
  if (start_text && !(start = ParseInstant(*start_text))) {
    errors.push_back({"start", "must be an RFC 3339 time with offset, whole minutes"});
  }
  if (services && services->empty()) errors.push_back({"services", "must not be empty"});
  if (!errors.empty()) return BadRequest(call, std::move(errors), "invalid hold request");

  auto catalog = catalog_.Get();
  const OfficeInfo* office = catalog->FindOffice(*office_id);
  if (!office) return Problem(call, MakeProblem("unprocessable", "no such office"));
  auto visit = booker_.VisitAt(*office, *services);
  if (!visit.ok()) return Error(call, visit.status());
  if (auto refused = CheckReleaseQueue(call, *office, *start)) return *refused;
  if (auto refused = CheckProofOfWork(call, *office)) return *refused;
  const std::string hold_id = Booker::NewHoldId(*office);
  if (auto refused = fair_use_.AdmitHold(call.request, hold_id, booker_.HoldTtl(*office))) {
    metrics_.CountLimited("open_holds");
    return TooManyRequests(call, *refused);
  }
  std::vector<Alternative> alternatives;
  // A start today shares the desks' time with the walk-in queue: judged
  // against it, and placed only on the queue version it was judged on
  // (Aborted: a ticket or hold came between; judge again).
  Result<std::pair<HoldRecord, std::string>> hold = Status::Aborted("not tried");
  if (auto refused = SameDayStep(call, *office, QueueServiceKey(*services), *start, "",
                                 [&](const QueueFence& fence) {
                                   hold = booker_.PlaceHold(*office, *visit, *start, &alternatives,
                                                            hold_id, fence);
                                   return hold.status();
                                 })) {
    fair_use_.ForgetHold(call.request, hold_id);
    return *refused;
  }
  if (!hold.ok()) {
    fair_use_.ForgetHold(call.request, hold_id);
    if (hold.status().code() == StatusCode::kConflict) {
      CountUnmet(*office, "cf:hold");
      return SlotTaken(call, std::move(alternatives), "this start is no longer free");
    }
    return Error(call, hold.status());
  }
  HttpResponse resp = Json(201, RenderHold(hold->first, hold->second, *office,
                                           booker_.max_hold_extensions()));
  resp.headers.emplace_back("Location", "/v1/holds/" + hold->first.id);
  return resp;
}

HttpResponse App::DeleteHold(const Call& call) {
  auto secret = call.request.Header("x-hold-secret");
  if (!secret || secret->empty() || secret->size() > 200) {
    return Problem(call, MakeProblem("not-found", "no such hold"));
  }
  const std::string& hold_id = call.Param("holdId");
  Status s = store_->ReleaseHold(hold_id, Sha256Hex(*secret));
  if (!s.ok()) return Error(call, s);
  fair_use_.ForgetHold(call.request, hold_id);
  booker_.ForgetClaims(std::string(OfficeInHoldId(hold_id)));
  HttpResponse resp;
  resp.status = 204;
  resp.content_type.clear();
  return resp;
}

namespace {

// The problem for a hold step that found the hold Gone (confirm, extend).
struct Problem HoldGoneProblem(ConfirmRefusal refusal) {
  struct Problem p =
      refusal.voided
          ? MakeProblem("hold-void",
                        "the office changed its opening hours or desks, and the held start "
                        "is no longer offered; nothing was booked; choose another start")
          : MakeProblem("hold-expired", "the hold expired; choose a start again");
  p.alternatives = std::move(refusal.alternatives);
  p.has_alternatives = true;
  return p;
}

}  // namespace

HttpResponse App::ExtendHold(const Call& call) {
  // No body is needed; one that is sent must be JSON (as for cancel).
  if (!call.request.body.empty()) {
    rapidjson::Document doc;
    if (auto bad = ReadJson(call, doc)) return *bad;
  }
  auto secret = call.request.Header("x-hold-secret");
  if (!secret || secret->empty() || secret->size() > 200) {
    return Problem(call, MakeProblem("not-found", "no such hold"));
  }
  const std::string& hold_id = call.Param("holdId");
  auto catalog = catalog_.Get();
  ConfirmRefusal refusal;
  auto extended = booker_.Extend(*catalog, hold_id, *secret, &refusal);
  if (!extended.ok()) {
    switch (extended.status().code()) {
      case StatusCode::kNotFound:
        return Problem(call, MakeProblem("not-found", "no such hold"));
      case StatusCode::kGone:
        return Problem(call, HoldGoneProblem(std::move(refusal)));
      case StatusCode::kResourceExhausted:
        return Problem(call, MakeProblem("hold-extension-limit",
                                         "this hold was extended " +
                                             std::to_string(booker_.max_hold_extensions()) +
                                             " times, as often as allowed; confirm it or "
                                             "choose a start again"));
      default:
        return Error(call, extended.status());
    }
  }
  const OfficeInfo* office = catalog->FindOffice(extended->booking.office_id);
  if (!office) return Error(call, Status::Internal("office vanished"));
  // Fair use: the hold stays counted as open for as long as it now lasts.
  // Its admission was decided when it was placed; an extension places
  // nothing new, so a refusal here (a client that moved to another address
  // whose holds are full) does not undo it.
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(extended->expires_at -
                                                                    clock_->Now());
  if (left.count() > 0) (void)fair_use_.AdmitHold(call.request, hold_id, left);
  return Json(200, RenderHold(*extended, "", *office,
                              booker_.max_hold_extensions() - extended->extensions));
}

HttpResponse App::CreateAppointment(const Call& call) {
  rapidjson::Document doc;
  if (auto bad = ReadJson(call, doc)) return *bad;
  std::vector<FieldError> errors;
  ObjectReader r(doc, "", &errors);
  auto hold_id = r.String("hold_id", true, 64);
  auto hold_secret = r.String("hold_secret", true, 200);
  auto version = r.Int("hold_version", false, 1, (1LL << 53));
  const rapidjson::Value* contact_value = r.Object("contact", true);
  r.Finish();
  Contact contact;
  if (contact_value) ParseContact(*contact_value, "contact", errors, contact);
  if (!errors.empty()) return BadRequest(call, std::move(errors), "invalid appointment request");
  auto catalog = catalog_.Get();
  std::optional<std::uint64_t> v;
  if (version) v = static_cast<std::uint64_t>(*version);
  ConfirmRefusal refusal;
  auto made = booker_.Confirm(*catalog, *hold_id, *hold_secret, v, contact, &refusal);
  if (!made.ok()) {
    if (made.status().code() == StatusCode::kNotFound) {
      return Problem(call, MakeProblem("not-found", "no such hold"));
    }
    if (made.status().code() == StatusCode::kGone) {
      // Nothing was booked; the nearest free starts are offered instead.
      return Problem(call, HoldGoneProblem(std::move(refusal)));
    }
    return Error(call, made.status());
  }
  fair_use_.ForgetHold(call.request, *hold_id);
  const OfficeInfo* office = catalog->FindOffice(made->record.booking.office_id);
  if (!office) return Error(call, Status::Internal("office vanished"));
  AppointmentView view;
  view.manage_secret = made->manage_secret;
  HttpResponse resp = Json(201, RenderAppointment(made->record, *office, view));
  resp.headers.emplace_back("Location", "/v1/appointments/" + made->record.reference);
  return resp;
}

Result<AppointmentRecord> App::AppointmentWithSecret(const Call& call,
                                                     const std::optional<std::string>& secret) {
  auto reference = NormalizeReference(call.Param("reference"));
  if (!reference || !secret || secret->empty() || secret->size() > 200) {
    return Status::NotFound("no such appointment");
  }
  // Wrong secret and unknown reference look the same to the caller, in
  // what they answer and in how long they take: the secret is hashed and
  // compared in both cases (an unknown reference against a digest no
  // secret has), before the store's answer decides anything.
  const std::string digest = Sha256Hex(*secret);
  auto a = store_->GetAppointment(*reference);
  if (!a.ok() && a.status().code() != StatusCode::kNotFound) return a.status();
  // The credential is the manage secret, or the token of the manage link in
  // a notification (derived from the secret's hash, so it is good as long
  // as the secret).
  static const std::string kNoDigest(64, '-');
  const std::string& stored_hash = a.ok() ? a->secret_hash : kNoDigest;
  const std::string& ref = a.ok() ? a->reference : *reference;
  const bool link_token = !options_.link_key.empty() && secret->starts_with(kLinkTokenPrefix);
  const bool good =
      link_token ? ConstantTimeEquals(ManageLinkToken(options_.link_key, ref, stored_hash), *secret)
                 : ConstantTimeEquals(digest, stored_hash);
  if (!a.ok() || !good) return Status::NotFound("no such appointment");
  return a;
}

HttpResponse App::GetAppointment(const Call& call) {
  auto a = AppointmentWithSecret(call, call.request.Header("x-manage-secret"));
  if (!a.ok()) return Error(call, a.status());
  return AppointmentResponse(call, *a, AppointmentView{});
}

HttpResponse App::ConfirmOptIn(const Call& call) {
  if (!call.request.body.empty()) {
    rapidjson::Document doc;
    if (auto bad = ReadJson(call, doc)) return *bad;
  }
  auto a = AppointmentWithSecret(call, call.request.Header("x-manage-secret"));
  if (!a.ok()) return Error(call, a.status());
  if (a->status == AppointmentStatus::kCancelled && a->cancel_reason == "not_confirmed") {
    return Problem(call, MakeProblem("hold-expired", "the time to confirm ran out; the place went back"));
  }
  auto catalog = catalog_.Get();
  const OfficeInfo* office = catalog->FindOffice(a->booking.office_id);
  if (!office) return Error(call, Status::Internal("office vanished"));
  auto confirmed = booker_.ConfirmOptIn(*a, *office);
  if (!confirmed.ok()) {
    if (confirmed.status().code() == StatusCode::kGone) {
      return Problem(call, MakeProblem("hold-expired", "the time to confirm ran out; the place went back"));
    }
    if (confirmed.status().code() == StatusCode::kFailedPrecondition) {
      return Problem(call, MakeProblem("conflict", "the appointment is " + StatusName(a->status)));
    }
    return Error(call, confirmed.status());
  }
  return AppointmentResponse(call, *confirmed, AppointmentView{});
}

HttpResponse App::CancelAppointment(const Call& call) {
  if (!call.request.body.empty()) {
    rapidjson::Document doc;
    if (auto bad = ReadJson(call, doc)) return *bad;
  }
  auto a = AppointmentWithSecret(call, call.request.Header("x-manage-secret"));
  if (!a.ok()) return Error(call, a.status());
  // The retry of this very cancel, whose answer was lost: answer it again.
  if (a->status == AppointmentStatus::kCancelled &&
      booker_.DoneByThisRequest(a->booking.office_id, a->reference)) {
    return AppointmentResponse(call, *a, AppointmentView{});
  }
  // Once checked in, the visitor is at the office: only staff may cancel.
  if (a->status != AppointmentStatus::kConfirmed && a->status != AppointmentStatus::kPreconfirmed) {
    return Problem(call, MakeProblem("conflict", "only a confirmed appointment can be cancelled "
                                                 "online; it is " + StatusName(a->status)));
  }
  auto cancelled = booker_.Cancel(*a, "citizen");
  if (!cancelled.ok()) return Error(call, cancelled.status());
  return AppointmentResponse(call, *cancelled, AppointmentView{});
}

HttpResponse App::MoveCommon(const Call& call, const AppointmentRecord& current, bool staff) {
  rapidjson::Document doc;
  if (auto bad = ReadJson(call, doc)) return *bad;
  std::vector<FieldError> errors;
  ObjectReader r(doc, "", &errors);
  auto start_text = r.String("start", true, 40);
  auto office_id = r.String("office", false, kMaxIdLength);
  r.Finish();
  std::optional<Instant> start;
  if (start_text && !(start = ParseInstant(*start_text))) {
    errors.push_back({"start", "must be an RFC 3339 time with offset, whole minutes"});
  }
  if (!errors.empty()) return BadRequest(call, std::move(errors), "invalid move request");
  // A move stays within its office, on both stores: RedisStore keeps each
  // office's keys in one hash slot, so claiming in one office and releasing in
  // another cannot be one atomic step (docs/redis.md). Decided here, in the
  // handler, so the embedded store answers the same. `office` is still
  // accepted when it names the appointment's own office.
  if (office_id && *office_id != current.booking.office_id) {
    return Problem(call, MakeProblem("unprocessable", kMoveWithinOffice));
  }
  auto catalog = catalog_.Get();
  const OfficeInfo* office = catalog->FindOffice(current.booking.office_id);
  if (!office) return Error(call, Status::Internal("office vanished"));
  auto visit = booker_.VisitAt(*office, current.booking.services);
  if (!visit.ok()) return Error(call, visit.status());
  // A move into today shares the desks' time with the walk-in queue.
  std::vector<Alternative> alternatives;
  Result<AppointmentRecord> moved = Status::Aborted("not tried");
  if (auto refused = SameDayStep(call, *office, QueueServiceKey(current.booking.services), *start,
                                 current.reference, [&](const QueueFence& fence) {
                                   moved = booker_.Move(current, *office, *visit, *start, &alternatives,
                                                        fence, staff);
                                   return moved.status();
                                 })) {
    return *refused;
  }
  if (!moved.ok()) {
    if (moved.status().code() == StatusCode::kConflict) {
      CountUnmet(*office, "cf:move");
      return SlotTaken(call, std::move(alternatives), "this start is no longer free");
    }
    return Error(call, moved.status());
  }
  AppointmentView view;
  view.staff = staff;
  return Json(200, RenderAppointment(*moved, *office, view));
}

HttpResponse App::MoveAppointment(const Call& call) {
  auto a = AppointmentWithSecret(call, call.request.Header("x-manage-secret"));
  if (!a.ok()) return Error(call, a.status());
  return MoveCommon(call, *a, false);
}

HttpResponse App::GetAppointmentIcs(const Call& call) {
  auto secret = call.request.Query("secret");
  if (!secret) secret = call.request.Header("x-manage-secret");
  auto a = AppointmentWithSecret(call, secret);
  if (!a.ok()) return Error(call, a.status());
  auto catalog = catalog_.Get();
  const OfficeInfo* office = catalog->FindOffice(a->booking.office_id);
  if (!office) return Error(call, Status::Internal("office vanished"));
  std::vector<std::string> names;
  for (const auto& id : a->booking.services) {
    const ServiceInfo* s = catalog->FindService(id);
    names.push_back(!s ? id : (call.lang == Language::kEn && !s->name.en.empty() ? s->name.en : s->name.de));
  }
  HttpResponse resp;
  resp.status = 200;
  resp.content_type = "text/calendar; charset=utf-8";
  resp.body = RenderIcs(*a, *office, names, clock_->Now());
  resp.headers.emplace_back("Content-Disposition",
                            "attachment; filename=\"termin-" + a->reference + ".ics\"");
  return resp;
}

}  // namespace termin::api
