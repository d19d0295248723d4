// Handlers of the admin API and the operations endpoints.
#include "api/app.h"

#include <algorithm>

#include "api/json/json_input.h"
#include "api/json/render.h"
#include "api/http/request_parsing.h"
#include "api/domain/booking.h"
#include "scheduler/calendar.h"

namespace termin::api {

HttpResponse App::AdminGetOffice(const Call& call) {
  auto p = Authenticate(call);
  if (!p.ok()) return Error(call, p.status());
  if (Status s = RequireRole(*p, Role::kAdmin); !s.ok()) return Error(call, s);
  auto catalog = catalog_.Get();
  const OfficeInfo* office = catalog->FindOffice(call.Param("officeId"));
  if (!office) return Problem(call, MakeProblem("not-found", "no such office"));
  return Json(200, OfficeToJson(*office));
}

HttpResponse App::AdminPutOffice(const Call& call) {
  auto p = Authenticate(call);
  if (!p.ok()) return Error(call, p.status());
  if (Status s = RequireRole(*p, Role::kAdmin); !s.ok()) return Error(call, s);
  std::vector<FieldError> errors;
  bool cancel_conflicting = false;
  for (const auto& [name, value] : call.request.query) {
    if (name != "cancel_conflicting") {
      errors.push_back({name.substr(0, 50), "is not a known parameter"});
    } else if (value == "true") {
      cancel_conflicting = true;
    } else if (value != "false") {
      errors.push_back({name, "must be true or false"});
    }
  }
  const std::string& office_id = call.Param("officeId");
  if (!ValidId(office_id)) errors.push_back({"officeId", "is not an office id"});
  if (!errors.empty()) return BadRequest(call, std::move(errors), "invalid parameters");
  rapidjson::Document doc;
  if (auto bad = ReadJson(call, doc)) return *bad;

  std::lock_guard<std::mutex> lock(admin_mutex_);
  auto catalog = catalog_.Get();
  auto parsed = ParseOffice(doc, catalog->services, &errors);
  if (!parsed.ok()) {
    if (errors.empty()) errors.push_back({"", parsed.status().message()});
    return BadRequest(call, std::move(errors), "invalid office document");
  }
  if (parsed->id != office_id) {
    return BadRequest(call, {FieldError{"id", "must equal the office id in the path"}},
                      "invalid office document");
  }
  auto current = store_->GetOfficeConfig(office_id);
  if (!current.ok()) return Error(call, current.status());
  // The store judges every hold and appointment of the office against the
  // new desks in the same step that saves them (Store::PutOfficeConfig), so
  // nothing booked meanwhile escapes the answer. The judged range covers
  // every claim a booking horizon, old or new, allows; a claim beyond it
  // (a horizon shortened since) widens it.
  OfficeChange change;
  change.document = OfficeToJson(*parsed);
  change.expected_version = current->version;
  change.cancel_conflicting = cancel_conflicting;
  int horizon = parsed->schedule.rules.max_days_ahead;
  if (const OfficeInfo* old = catalog->FindOffice(office_id)) {
    horizon = std::max(horizon, old->schedule.rules.max_days_ahead);
  }
  const Instant now = booker_.Now();
  Instant until = now + date::days(horizon + 2);
  Result<OfficeChangeOutcome> outcome = Status::Internal("not judged");
  for (int round = 0; round < 3; ++round) {
    change.judged = Interval{now, until};
    change.desks = DeskFits(*parsed, change.judged);
    outcome = store_->PutOfficeConfig(office_id, change);
    if (!outcome.ok() || !outcome->beyond) break;
    until = *outcome->beyond + date::days(1);
  }
  if (!outcome.ok()) {
    if (outcome.status().code() == StatusCode::kConflict) {
      return Problem(call, MakeProblem("conflict",
                                       "the office changed meanwhile; read it again and retry"));
    }
    return Error(call, outcome.status());
  }
  if (outcome->beyond) return Error(call, Status::Unavailable("appointments kept moving"));
  std::vector<AffectedAppointment> affected;
  for (const AffectedVisit& v : outcome->appointments) {
    affected.push_back({v.reference, FormatInstant(v.start, *parsed)});
  }
  if (outcome->version == 0) {
    struct Problem prob = MakeProblem(
        "conflict", std::to_string(affected.size()) +
                        " booked appointment(s) would fall outside the new hours; change the "
                        "document or repeat with cancel_conflicting=true");
    prob.appointments = std::move(affected);
    prob.has_appointments = true;
    return Problem(call, prob);
  }
  const std::uint64_t version = outcome->version;
  for (std::size_t i = 0; i < affected.size(); ++i) metrics_.CountCancellation();
  booker_.ForgetClaims(office_id);  // desks, hours or cancellations changed
  parsed->config_version = version;
  Catalog next = *catalog;
  UpsertOffice(next, *parsed);
  catalog_.Set(std::move(next));

  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("office");
  WriteOffice(*parsed, w);
  w.Key("version");
  w.Uint64(version);
  w.Key("cancelled");
  w.StartArray();
  for (const auto& a : affected) {
    w.StartObject();
    w.Key("reference");
    WriteString(w, a.reference);
    w.Key("start");
    WriteString(w, a.start);
    w.EndObject();
  }
  w.EndArray();
  w.Key("voided_holds");
  w.Uint64(outcome->voided_holds);
  w.EndObject();
  return Json(current->version == 0 ? 201 : 200, JsonString(buf));
}

HttpResponse App::AdminListServices(const Call& call) {
  auto p = Authenticate(call);
  if (!p.ok()) return Error(call, p.status());
  if (Status s = RequireRole(*p, Role::kAdmin); !s.ok()) return Error(call, s);
  auto catalog = catalog_.Get();
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("services");
  w.StartArray();
  for (const ServiceInfo& s : catalog->services) WriteService(s, w);
  w.EndArray();
  w.EndObject();
  return Json(200, JsonString(buf));
}

HttpResponse App::AdminPutService(const Call& call) {
  auto p = Authenticate(call);
  if (!p.ok()) return Error(call, p.status());
  if (Status s = RequireRole(*p, Role::kAdmin); !s.ok()) return Error(call, s);
  const std::string& service_id = call.Param("serviceId");
  if (!ValidId(service_id)) {
    return BadRequest(call, {FieldError{"serviceId", "is not a service id"}}, "invalid parameters");
  }
  rapidjson::Document doc;
  if (auto bad = ReadJson(call, doc)) return *bad;
  std::vector<FieldError> errors;
  auto parsed = ParseService(doc, &errors);
  if (!parsed.ok()) {
    if (errors.empty()) errors.push_back({"", parsed.status().message()});
    return BadRequest(call, std::move(errors), "invalid service document");
  }
  if (parsed->id != service_id) {
    return BadRequest(call, {FieldError{"id", "must equal the service id in the path"}},
                      "invalid service document");
  }
  std::lock_guard<std::mutex> lock(admin_mutex_);
  auto catalog = catalog_.Get();
  const bool existed = catalog->FindService(service_id) != nullptr;
  auto version = store_->PutServiceConfig(service_id, ServiceToJson(*parsed));
  if (!version.ok()) return Error(call, version.status());
  Catalog next = *catalog;
  UpsertService(next, *parsed);
  // A service's duration and buffer decide what a booking claims. Every
  // office offering the service gets a new config version (its document
  // unchanged), so a replica that has not polled this change yet meets the
  // office config fence on its next booking there and decides again on the
  // new service (docs/redis.md, "Configuration across replicas"). Done for
  // every save, changed or not, so that repeating a save whose touches
  // failed half-way completes them.
  Status touched = Status::Ok();
  for (OfficeInfo& office : next.offices) {
    const auto& offered = office.schedule.services;
    if (office.config_version == 0 ||
        std::none_of(offered.begin(), offered.end(),
                     [&](const Service& s) { return s.id == service_id; })) {
      continue;
    }
    auto v = store_->TouchOfficeConfig(office.id);
    if (v.ok()) {
      office.config_version = *v;
    } else if (v.status().code() != StatusCode::kNotFound) {
      touched = v.status();
      break;
    }
  }
  catalog_.Set(std::move(next));
  // The service is saved either way; the caller sees the store's error
  // (e.g. 503) and repeats the save to fence the remaining offices.
  if (!touched.ok()) return Error(call, touched);
  return Json(existed ? 200 : 201, ServiceToJson(*parsed));
}

HttpResponse App::Healthz(const Call&) { return Json(200, "{\"status\":\"ok\"}"); }

HttpResponse App::Readyz(const Call& call) {
  if (!ready_.load()) {
    return Problem(call, MakeProblem("unavailable", "the server is shutting down"));
  }
  Status s = store_->Ping();
  if (!s.ok()) return Problem(call, MakeProblem("unavailable", "the store is not reachable"));
  return Json(200, "{\"status\":\"ready\"}");
}

HttpResponse App::Metrics(const Call&) {
  HttpResponse r;
  r.status = 200;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = metrics_.Serialize() + SerializeStoreCounters(store_->Counters());
  return r;
}

}  // namespace termin::api
