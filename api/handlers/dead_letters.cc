// Admin handlers for the notification queue's dead letters
// (docs/notifications.md): list them, put one back into the queue.
#include <date/date.h>

#include "api/app.h"
#include "api/json/json_input.h"
#include "api/json/render.h"
#include "api/http/request_parsing.h"

namespace termin::api {
namespace {

constexpr long long kDefaultDeadLetterLimit = 100;
constexpr long long kMaxDeadLetterLimit = 1000;
// Queue job ids are "<office>:<seq>" (Redis) or "m<n>" (memory); openapi.yaml
// says the same pattern.
constexpr std::size_t kMaxDeadLetterIdLength = 64;

// "2026-12-01T08:30:00Z": a dead letter may have no office to take a zone from.
std::string FormatUtc(TimePoint t) {
  return date::format("%FT%TZ", date::floor<std::chrono::seconds>(t));
}

bool ValidDeadLetterId(const std::string& id) {
  if (id.empty() || id.size() > kMaxDeadLetterIdLength) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == ':';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

HttpResponse App::AdminListDeadLetters(const Call& call) {
  auto p = Authenticate(call);
  if (!p.ok()) return Error(call, p.status());
  if (Status s = RequireRole(*p, Role::kAdmin); !s.ok()) return Error(call, s);
  std::vector<FieldError> errors;
  long long limit = kDefaultDeadLetterLimit;
  for (const auto& [name, value] : call.request.query) {
    if (name != "limit") {
      errors.push_back({name.substr(0, 50), "is not a known parameter"});
      continue;
    }
    auto parsed = ParseBoundedInt(value, 1, kMaxDeadLetterLimit);
    if (!parsed) {
      errors.push_back({"limit", "must be an integer from 1 to " + std::to_string(kMaxDeadLetterLimit)});
    } else {
      limit = *parsed;
    }
  }
  if (!errors.empty()) return BadRequest(call, std::move(errors), "invalid query parameters");
  if (!dead_letters_) return Error(call, Status::Unavailable("no notification queue"));
  auto letters = dead_letters_->List(static_cast<std::size_t>(limit));
  if (!letters.ok()) return Error(call, letters.status());

  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("items");
  w.StartArray();
  for (const DeadLetterView& d : *letters) {
    w.StartObject();
    w.Key("id");
    WriteString(w, d.id);
    w.Key("kind");
    WriteString(w, JobTypeName(d.job.type));
    w.Key("reference");
    WriteString(w, d.job.reference);
    w.Key("due");
    WriteString(w, FormatUtc(d.job.due));
    w.Key("attempts");
    w.Int(d.attempts);
    w.Key("dead_at");
    WriteString(w, FormatUtc(d.dead_at));
    w.Key("error");
    WriteString(w, d.error);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return Json(200, JsonString(buf));
}

HttpResponse App::AdminRequeueDeadLetter(const Call& call) {
  auto p = Authenticate(call);
  if (!p.ok()) return Error(call, p.status());
  if (Status s = RequireRole(*p, Role::kAdmin); !s.ok()) return Error(call, s);
  if (!call.request.body.empty()) {
    rapidjson::Document doc;
    if (auto bad = ReadJson(call, doc)) return *bad;
  }
  const std::string& id = call.Param("letterId");
  // An id that cannot be a queue id names no dead letter.
  if (!ValidDeadLetterId(id)) return Problem(call, MakeProblem("not-found", "no such dead letter"));
  if (!dead_letters_) return Error(call, Status::Unavailable("no notification queue"));
  Status s = dead_letters_->Requeue(id, clock_->Now());
  if (s.code() == StatusCode::kNotFound) {
    return Problem(call, MakeProblem("not-found", "no such dead letter"));
  }
  if (!s.ok()) return Error(call, s);
  HttpResponse resp;
  resp.status = 204;
  resp.content_type.clear();
  return resp;
}

}  // namespace termin::api
