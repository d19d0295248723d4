// Handlers of a fair release (api/domain/release_queue.h): the pre-queue's
// tickets, and the gate in front of public holds on the opening day.
#include "api/app.h"
#include "api/domain/release_queue.h"
#include "api/json/render.h"
#include "api/security/secrets.h"

namespace termin::api {
namespace {

// A random place below kReleaseOrderLimit (40 bits of a fresh secret).
std::uint64_t RandomOrder() {
  const std::string hex = Sha256Hex(NewSecret());
  return std::stoull(hex.substr(0, 10), nullptr, 16) % kReleaseOrderLimit;
}

std::string SecondsUntil(TimePoint from, TimePoint to) {
  auto ms = (to - from).count();
  return std::to_string(std::max<std::int64_t>(1, (ms + 999) / 1000));
}

}  // namespace

std::string App::ReleaseClient(const Call& call) const {
  return Sha256Hex("release:" + AddressBucket(fair_use_.ClientAddress(call.request)));
}

namespace {

// The ticket as the widget shows it. Before the draw its place is unknown
// (it is drawn at plan.draw); once drawn, its place, when it is admitted and,
// from then on, a pass.
std::string RenderTicket(const OfficeInfo& office, const ReleasePlan& plan, const ReleaseTicket& t,
                         TimePoint now, std::string_view pass_key) {
  const date::time_zone* zone = office.schedule.zone;
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("ticket");
  WriteString(w, t.id);
  w.Key("office");
  WriteString(w, office.id);
  w.Key("day");
  WriteString(w, plan.day);
  w.Key("release_at");
  WriteString(w, FormatTimeLocal(plan.at, zone));
  w.Key("draw_at");
  WriteString(w, FormatTimeLocal(plan.draw, zone));
  w.Key("queue_length");
  w.Int64(t.size);
  const TimePoint admit = AdmitAt(plan, t.rank);
  if (now < plan.draw) {
    w.Key("state");
    WriteString(w, "waiting-for-draw");
  } else {
    w.Key("position");
    w.Int64(t.rank + 1);
    w.Key("admit_at");
    WriteString(w, FormatTimeLocal(admit, zone));
    if (now < admit) {
      w.Key("state");
      WriteString(w, "queued");
    } else {
      const TimePoint until = now + kReleasePassTtl;
      w.Key("state");
      WriteString(w, "admitted");
      w.Key("pass");
      WriteString(w, MakeReleasePass(pass_key, office.id, plan, t.id, t.client, admit, until));
      w.Key("pass_expires_at");
      WriteString(w, FormatTimeLocal(until, zone));
    }
  }
  w.EndObject();
  return JsonString(buf);
}

}  // namespace

HttpResponse App::JoinReleaseQueue(const Call& call) {
  if (!call.request.body.empty()) {
    rapidjson::Document doc;
    if (auto bad = ReadJson(call, doc)) return *bad;
  }
  auto catalog = catalog_.Get();
  const OfficeInfo* office = catalog->FindOffice(call.Param("officeId"));
  if (!office) return Problem(call, MakeProblem("not-found", "no such office"));
  const TimePoint now = clock_->Now();
  auto plan = TodaysReleasePlan(*office, now);
  if (!plan) {
    return Problem(call, MakeProblem("no-release", "this office has no release queue"));
  }
  if (now < plan->lobby) {
    HttpResponse resp = Problem(
        call, MakeProblem("no-release", "the queue for today's release opens at " +
                                            FormatTimeLocal(plan->lobby, office->schedule.zone)));
    resp.headers.emplace_back("Retry-After", SecondsUntil(now, plan->lobby));
    return resp;
  }
  std::optional<std::uint64_t> order;
  if (now < plan->draw) order = RandomOrder();
  const TimePoint kept = plan->draw + kReleaseQueueKept;
  auto ticket = store_->JoinReleaseQueue(office->id, plan->day, ReleaseClient(call), NewId(), order,
                                         std::chrono::duration_cast<std::chrono::milliseconds>(
                                             kept - now));
  if (!ticket.ok()) return Error(call, ticket.status());
  HttpResponse resp = Json(200, RenderTicket(*office, *plan, *ticket, now, pow_key_));
  resp.headers.emplace_back("Location",
                            "/v1/offices/" + office->id + "/release-queue/" + ticket->id);
  resp.headers.emplace_back("Cache-Control", "no-store");
  return resp;
}

HttpResponse App::GetReleaseTicket(const Call& call) {
  auto catalog = catalog_.Get();
  const OfficeInfo* office = catalog->FindOffice(call.Param("officeId"));
  if (!office) return Problem(call, MakeProblem("not-found", "no such office"));
  const TimePoint now = clock_->Now();
  auto plan = TodaysReleasePlan(*office, now);
  if (!plan || now < plan->lobby) return Problem(call, MakeProblem("not-found", "no such ticket"));
  auto ticket = store_->GetReleaseTicket(office->id, plan->day, call.Param("ticket"));
  if (!ticket.ok()) return Error(call, ticket.status());
  // A ticket is its client's: read from another address it is unknown.
  if (!ConstantTimeEquals(ticket->client, ReleaseClient(call))) {
    return Problem(call, MakeProblem("not-found", "no such ticket"));
  }
  HttpResponse resp = Json(200, RenderTicket(*office, *plan, *ticket, now, pow_key_));
  resp.headers.emplace_back("Cache-Control", "no-store");
  return resp;
}

std::optional<HttpResponse> App::CheckReleaseQueue(const Call& call, const OfficeInfo& office,
                                                   Instant start) {
  const TimePoint now = clock_->Now();
  auto plan = TodaysReleasePlan(office, now);
  if (!plan || now < plan->at) return std::nullopt;
  if (FormatDate(LocalDayOf(start, office.schedule.zone)) != plan->day) return std::nullopt;
  std::int64_t queued = 0;
  if (now >= plan->draw) {
    auto size = store_->ReleaseQueueSize(office.id, plan->day);
    if (!size.ok()) return Error(call, size.status());
    queued = *size;
  }
  if (!ReleaseGated(*plan, queued, now)) return std::nullopt;
  std::string why = "the places of " + plan->day +
                    " are being released: join the queue and hold with its pass";
  if (auto pass = call.request.Header("x-release-pass")) {
    if (pass->size() <= 200 &&
        CheckReleasePass(pow_key_, office.id, *plan, ReleaseClient(call), *pass, now, &why)) {
      return std::nullopt;
    }
  }
  metrics_.CountLimited("release_queue");
  HttpResponse resp = Problem(call, MakeProblem("release-queue", why));
  resp.headers.emplace_back(
      "Retry-After", SecondsUntil(now, now < plan->draw ? plan->draw : now + std::chrono::seconds(1)));
  resp.headers.emplace_back("Link",
                            "</v1/offices/" + office.id + "/release-queue>; rel=\"release-queue\"");
  return resp;
}

}  // namespace termin::api
