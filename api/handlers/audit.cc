// The audit log of staff and admin actions: App::Handle hands every answer
// to Audit, which writes one line for each request with a valid API key that
// changes something, and for the hotline's and admin's reads (a hotline
// lookup shows a citizen's contact data). A line names the key (its name in
// the keys file, never the key), the route, the appointment or desk acted
// on and the status; never contact data. AdminAudit reads it.
#include <date/date.h>
#include <rapidjson/document.h>

#include "api/app.h"
#include "api/http/request_parsing.h"

namespace termin::api {
namespace {

constexpr long long kDefaultAuditLimit = 100;
constexpr long long kMaxAuditLimit = 1000;
constexpr std::size_t kMaxBodyRead = 64 * 1024;  // answers larger than this are not read for a reference

const char* RoleWord(Role r) {
  switch (r) {
    case Role::kHotline: return "hotline";
    case Role::kKiosk: return "kiosk";
    case Role::kDesk: return "desk";
    case Role::kAdmin: return "admin";
  }
  return "hotline";
}

std::string FormatUtcMillis(TimePoint t) {
  return date::format("%FT%TZ", date::floor<std::chrono::seconds>(t));
}

bool Audited(const std::string& method, const std::string& route) {
  if (method != "GET" && method != "HEAD") return true;
  return route.rfind("/v1/hotline/", 0) == 0 || route.rfind("/v1/admin/", 0) == 0;
}

std::string ParamOr(const Call& call, const char* name) {
  auto it = call.params.find(name);
  return it == call.params.end() ? std::string() : it->second;
}

}  // namespace

void App::Audit(const Call& call, const HttpResponse& resp) {
  const HttpRequest& req = call.request;
  auto auth = req.Header("authorization");
  if (!auth || !Audited(req.method, call.route)) return;
  auto p = keys_.Authenticate(auth);
  if (!p.ok()) return;  // no key, no action: the access log has the attempt
  AuditEntry e;
  e.at = clock_->Now();
  e.key = p->name;
  e.role = RoleWord(p->role);
  e.action = req.method + " " + call.route;
  e.status = resp.status;
  // A path's reference only once the answer says it is one: what a
  // mistyped path holds is not recorded.
  if (resp.status < 300) e.reference = ParamOr(call, "reference");
  for (const char* name : {"deskId", "serviceId", "letterId", "figure"}) {
    if (e.target.empty()) e.target = ParamOr(call, name);
  }
  std::string office = ParamOr(call, "officeId");
  // Reading the log itself is a city-wide admin action (its answer names an
  // office, which is not the one acted on).
  const bool reads_log = call.route == "/v1/admin/audit";
  if (reads_log) office = "*";
  if (!reads_log && (office.empty() || e.reference.empty()) && resp.status < 300 &&
      resp.content_type == "application/json" && resp.body.size() <= kMaxBodyRead) {
    rapidjson::Document d;
    d.Parse(resp.body.data(), resp.body.size());
    if (!d.HasParseError() && d.IsObject()) {
      auto ref = d.FindMember("reference");
      if (e.reference.empty() && ref != d.MemberEnd() && ref->value.IsString()) {
        e.reference = ref->value.GetString();
      }
      auto o = d.FindMember("office");
      if (office.empty() && o != d.MemberEnd() && o->value.IsString()) office = o->value.GetString();
    }
  }
  if (!reads_log && office.empty() && p->offices.size() == 1) office = p->offices.front();
  if (!reads_log && office.empty() && !e.reference.empty()) {
    if (auto a = store_->GetAppointment(e.reference); a.ok()) office = a->booking.office_id;
  }
  if (office.empty() || !ValidId(office)) office = "*";
  // Best effort: the action is done; a store error loses its line only.
  (void)store_->AppendAudit(office, e, std::chrono::duration_cast<std::chrono::milliseconds>(
                                           options_.audit_retention));
}

HttpResponse App::AdminAudit(const Call& call) {
  auto p = Authenticate(call);
  if (!p.ok()) return Error(call, p.status());
  if (Status s = RequireRole(*p, Role::kAdmin); !s.ok()) return Error(call, s);
  std::vector<FieldError> errors;
  std::string office = "*";
  const TimePoint now = clock_->Now();
  TimePoint from = now - std::chrono::hours(24 * 7);
  TimePoint to = now + std::chrono::minutes(1);
  long long limit = kDefaultAuditLimit;
  for (const auto& [name, value] : call.request.query) {
    if (name == "office") {
      if (value != "*" && !ValidId(value)) errors.push_back({name, "is not an office id (or *)"});
      office = value;
    } else if (name == "from" || name == "to") {
      auto t = ParseInstant(value);
      if (!t) errors.push_back({name, "must be an RFC 3339 time with whole minutes"});
      else (name == "from" ? from : to) = ToTimePoint(*t);
    } else if (name == "limit") {
      auto n = ParseBoundedInt(value, 1, kMaxAuditLimit);
      if (!n) errors.push_back({name, "must be an integer from 1 to " + std::to_string(kMaxAuditLimit)});
      else limit = *n;
    } else {
      errors.push_back({name.substr(0, 50), "is not a known parameter"});
    }
  }
  if (!errors.empty()) return BadRequest(call, std::move(errors), "invalid parameters");
  auto entries = store_->ReadAudit(office, from, to, static_cast<std::size_t>(limit));
  if (!entries.ok()) return Error(call, entries.status());
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("office");
  WriteString(w, office);
  w.Key("entries");
  w.StartArray();
  for (const AuditEntry& e : *entries) {
    w.StartObject();
    w.Key("at");
    WriteString(w, FormatUtcMillis(e.at));
    w.Key("key");
    WriteString(w, e.key);
    w.Key("role");
    WriteString(w, e.role);
    w.Key("action");
    WriteString(w, e.action);
    if (!e.reference.empty()) {
      w.Key("reference");
      WriteString(w, e.reference);
    }
    if (!e.target.empty()) {
      w.Key("target");
      WriteString(w, e.target);
    }
    w.Key("status");
    w.Int(e.status);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return Json(200, JsonString(buf));
}

}  // namespace termin::api
