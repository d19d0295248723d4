// The App in process: real routing, handlers, Booker and MemoryStore, with
// a hand-moved clock. (The black-box tests in tests/ do the same over HTTP.)
#include "api/app.h"

#include <doctest/doctest.h>

#include <functional>

#include <rapidjson/document.h>

#include "api/security/secrets.h"
#include "service/memory/memory_store.h"

namespace termin::service {
namespace {

using namespace std::chrono_literals;
using api::HttpRequest;
using api::HttpResponse;

// Tuesday 2026-12-01, 07:00 local (CET): before opening, same day bookable.
constexpr const char* kNow = "2026-12-01T06:00:00Z";

std::string KeysJson() {
  auto entry = [](const std::string& key, const std::string& role, const std::string& offices) {
    return "{\"sha256\":\"" + api::Sha256Hex(key) + "\",\"role\":\"" + role + "\",\"offices\":[" +
           offices + "],\"name\":\"" + role + "\"}";
  };
  return "[" + entry("admin-key", "admin", "") + "," +
         entry("hotline-mitte", "hotline", "\"test-mitte\"") + "," +
         entry("kiosk-mitte", "kiosk", "\"test-mitte\"") + "," +
         entry("kiosk-nord", "kiosk", "\"test-nord\"") + "]";
}

struct Fixture {
  std::shared_ptr<api::ManualClock> clock =
      std::make_shared<api::ManualClock>(api::ToTimePoint(*ParseInstant(kNow)));
  std::shared_ptr<MemoryStore> store = std::make_shared<MemoryStore>(clock);
  std::unique_ptr<api::App> app;

  explicit Fixture(api::ApiOptions options = {},
                   const std::function<void(api::Catalog&)>& edit = {}) {
    auto catalog = api::LoadCatalogFile("data/test-city.json");
    REQUIRE(catalog.ok());
    if (edit) edit(*catalog);
    auto keys = api::KeyTable::Parse(KeysJson());
    REQUIRE(keys.ok());
    options.access_log = false;
    app = std::make_unique<api::App>(store, clock, std::move(catalog).value(),
                                     std::move(keys).value(), options);
    REQUIRE(app->SeedStore().ok());
  }

  HttpResponse Send(const std::string& method, const std::string& path, const std::string& body = "",
                    std::map<std::string, std::string> headers = {},
                    std::map<std::string, std::string> query = {}) {
    HttpRequest r;
    r.method = method;
    r.path = path;
    r.body = body;
    r.query = std::move(query);
    r.headers = std::move(headers);
    if (!body.empty() && !r.headers.count("content-type")) r.headers["content-type"] = "application/json";
    return app->Handle(r);
  }
};

rapidjson::Document Json(const HttpResponse& r) {
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  REQUIRE_FALSE(d.HasParseError());
  return d;
}

std::string Str(const rapidjson::Value& v, const char* key) { return v[key].GetString(); }

std::string HoldBody(const std::string& start, const std::string& office = "test-mitte",
                     const std::string& service = "kurz") {
  return "{\"office\":\"" + office + "\",\"services\":[\"" + service + "\"],\"start\":\"" + start + "\"}";
}

std::string ConfirmBody(const rapidjson::Document& hold) {
  return "{\"hold_id\":\"" + Str(hold, "id") + "\",\"hold_secret\":\"" + Str(hold, "secret") +
         "\",\"contact\":{\"name\":\"Erika Mustermann\",\"email\":\"erika@example.org\","
         "\"language\":\"de\",\"reminders\":true}}";
}

std::map<std::string, std::string> Bearer(const std::string& key) {
  return {{"authorization", "Bearer " + key}};
}

}  // namespace

TEST_CASE("citizen flow: hold, confirm, read with secret only, cancel once") {
  Fixture f;
  auto hold = f.Send("POST", "/v1/holds", HoldBody("2026-12-02T10:00:00+01:00"));
  REQUIRE(hold.status == 201);
  auto h = Json(hold);
  auto made = f.Send("POST", "/v1/appointments", ConfirmBody(h));
  REQUIRE(made.status == 201);
  auto a = Json(made);
  std::string ref = Str(a, "reference"), secret = Str(a, "manage_secret");
  CHECK(Str(a, "status") == "confirmed");
  CHECK(Str(a, "start") == "2026-12-02T10:00:00+01:00");
  CHECK(Str(a, "end") == "2026-12-02T10:10:00+01:00");
  // Confirmation and two reminders (24 h and 2 h before) are in the outbox.
  CHECK(f.store->PendingJobs()->size() == 3);
  auto read = f.Send("GET", "/v1/appointments/" + ref, "", {{"x-manage-secret", secret}});
  CHECK(read.status == 200);
  CHECK_FALSE(Json(read).HasMember("manage_secret"));
  CHECK_FALSE(Json(read).HasMember("notes"));
  CHECK(f.Send("GET", "/v1/appointments/" + ref, "", {{"x-manage-secret", "wrong"}}).status == 404);
  CHECK(f.Send("GET", "/v1/appointments/" + ref).status == 404);
  auto ics = f.Send("GET", "/v1/appointments/" + ref + "/ics", "", {}, {{"secret", secret}});
  CHECK(ics.status == 200);
  CHECK(ics.body.find("DTSTART:20261202T090000Z\r\n") != std::string::npos);
  CHECK(f.Send("POST", "/v1/appointments/" + ref + "/cancel", "", {{"x-manage-secret", secret}})
            .status == 200);
  auto again = f.Send("POST", "/v1/appointments/" + ref + "/cancel", "", {{"x-manage-secret", secret}});
  CHECK(again.status == 409);
  CHECK(Str(Json(again), "type") == "https://termin.example/problems/conflict");
}

TEST_CASE("a taken start gives 409 slot-taken with free alternatives") {
  Fixture f;
  const std::string start = "2026-12-02T10:00:00+01:00";
  for (int desk = 0; desk < 3; ++desk) REQUIRE(f.Send("POST", "/v1/holds", HoldBody(start)).status == 201);
  auto taken = f.Send("POST", "/v1/holds", HoldBody(start));
  REQUIRE(taken.status == 409);
  auto p = Json(taken);
  CHECK(Str(p, "type") == "https://termin.example/problems/slot-taken");
  REQUIRE(p["alternatives"].Size() > 0);
  for (const auto& alt : p["alternatives"].GetArray()) {
    CHECK(std::string(alt["start"].GetString()) != start);
    CHECK(f.Send("POST", "/v1/holds", HoldBody(alt["start"].GetString())).status == 201);
  }
}

TEST_CASE("starts that are never offered are 422") {
  Fixture f;
  CHECK(f.Send("POST", "/v1/holds", HoldBody("2026-12-02T10:02:00+01:00")).status == 422);  // grid
  CHECK(f.Send("POST", "/v1/holds", HoldBody("2026-11-30T10:00:00+01:00")).status == 422);  // past
  CHECK(f.Send("POST", "/v1/holds", HoldBody("2026-12-01T08:00:00+01:00")).status == 201);  // notice ok
  CHECK(f.Send("POST", "/v1/holds", HoldBody("2026-12-02T21:00:00+01:00")).status == 422);  // closed
  CHECK(f.Send("POST", "/v1/holds", HoldBody("2027-03-01T10:00:00+01:00")).status == 422);  // horizon
  CHECK(f.Send("POST", "/v1/holds", HoldBody("2026-12-02T10:00:00+01:00", "test-nord", "selten"))
            .status == 422);  // not offered there
  CHECK(f.Send("POST", "/v1/holds", HoldBody("2026-12-02T10:00:00", "test-mitte")).status == 400);
}

TEST_CASE("an expired hold cannot be confirmed: 410") {
  api::ApiOptions options;
  options.hold_ttl_override = 30s;
  Fixture f(options);
  auto h = Json(f.Send("POST", "/v1/holds", HoldBody("2026-12-02T10:00:00+01:00")));
  f.clock->Advance(31s);
  auto late = f.Send("POST", "/v1/appointments", ConfirmBody(h));
  CHECK(late.status == 410);
  CHECK(Str(Json(late), "type") == "https://termin.example/problems/hold-expired");
}

TEST_CASE("idempotent retries replay the first answer and book once") {
  Fixture f;
  auto first = f.Send("POST", "/v1/holds", HoldBody("2026-12-02T10:00:00+01:00"), {{"idempotency-key", "k-1"}});
  REQUIRE(first.status == 201);
  auto retry = f.Send("POST", "/v1/holds", HoldBody("2026-12-02T10:00:00+01:00"), {{"idempotency-key", "k-1"}});
  CHECK(retry.status == 201);
  CHECK(retry.body == first.body);
  bool replayed = false;
  for (const auto& [k, v] : retry.headers) replayed |= (k == "Idempotent-Replayed" && v == "true");
  CHECK(replayed);
  CHECK(f.store->ReadClaims("test-mitte", Interval{*ParseInstant("2026-12-02T09:00:00Z"),
                                                   *ParseInstant("2026-12-02T09:10:00Z")})
            ->size() == 1);
  auto other = f.Send("POST", "/v1/holds", HoldBody("2026-12-02T11:00:00+01:00"), {{"idempotency-key", "k-1"}});
  CHECK(other.status == 422);
  CHECK(f.Send("POST", "/v1/holds", HoldBody("2026-12-02T11:00:00+01:00"),
               {{"idempotency-key", std::string(201, 'x')}}).status == 400);
}

TEST_CASE("staff roles per object") {
  Fixture f;
  const std::string book =
      "{\"office\":\"test-nord\",\"services\":[\"kurz\"],\"start\":\"2026-12-02T10:00:00+01:00\","
      "\"contact\":{\"name\":\"Max Muster\",\"phone\":\"+49 711 1234\"}}";
  CHECK(f.Send("POST", "/v1/hotline/appointments", book).status == 401);
  CHECK(f.Send("POST", "/v1/hotline/appointments", book, Bearer("unknown")).status == 401);
  CHECK(f.Send("POST", "/v1/hotline/appointments", book, Bearer("kiosk-mitte")).status == 403);
  CHECK(f.Send("POST", "/v1/hotline/appointments", book, Bearer("hotline-mitte")).status == 403);
  auto made = f.Send("POST", "/v1/hotline/appointments", book, Bearer("admin-key"));
  REQUIRE(made.status == 201);
  std::string ref = Str(Json(made), "reference");
  CHECK(f.Send("GET", "/v1/hotline/appointments/" + ref, "", Bearer("admin-key")).status == 200);
  CHECK(f.Send("GET", "/v1/hotline/appointments/" + ref, "", Bearer("hotline-mitte")).status == 404);
  auto search = f.Send("GET", "/v1/hotline/appointments", "", Bearer("hotline-mitte"), {{"name", "muster"}});
  CHECK(search.status == 200);
  CHECK(Json(search)["appointments"].Size() == 0);
  CHECK(f.Send("POST", "/v1/kiosk/checkins", "{\"reference\":\"" + ref + "\"}", Bearer("kiosk-mitte"))
            .status == 404);
  CHECK(f.Send("GET", "/v1/admin/services", "", Bearer("hotline-mitte")).status == 403);
}

TEST_CASE("kiosk: check-in on the day with a ticket, walk-in now") {
  Fixture f;
  f.clock->Set(api::ToTimePoint(*ParseInstant("2026-12-01T08:00:00Z")));  // 09:00 local
  const std::string book =
      "{\"office\":\"test-mitte\",\"services\":[\"kurz\"],\"start\":\"2026-12-01T11:00:00+01:00\","
      "\"contact\":{\"name\":\"Max Muster\",\"phone\":\"+49 711 1234\"}}";
  auto made = f.Send("POST", "/v1/hotline/appointments", book, Bearer("hotline-mitte"));
  REQUIRE(made.status == 201);
  std::string ref = Str(Json(made), "reference");
  auto checkin = f.Send("POST", "/v1/kiosk/checkins", "{\"qr\":\"TERMIN:" + ref + "\"}", Bearer("kiosk-mitte"));
  REQUIRE(checkin.status == 200);
  CHECK(Str(Json(checkin), "ticket") == "A001");
  CHECK(Str(Json(checkin), "status") == "checked_in");
  auto walkin = f.Send("POST", "/v1/kiosk/walkins", "{\"services\":[\"kurz\"]}", Bearer("kiosk-mitte"));
  REQUIRE(walkin.status == 201);
  CHECK(Str(Json(walkin), "start") == "2026-12-01T09:00:00+01:00");
  CHECK(Str(Json(walkin), "ticket") == "A002");
  // Tomorrow's visit cannot check in today.
  const std::string tomorrow =
      "{\"office\":\"test-mitte\",\"services\":[\"kurz\"],\"start\":\"2026-12-02T11:00:00+01:00\","
      "\"contact\":{\"name\":\"Max Muster\",\"phone\":\"+49 711 1234\"}}";
  std::string ref2 = Str(Json(f.Send("POST", "/v1/hotline/appointments", tomorrow, Bearer("hotline-mitte"))), "reference");
  CHECK(f.Send("POST", "/v1/kiosk/checkins", "{\"reference\":\"" + ref2 + "\"}", Bearer("kiosk-mitte"))
            .status == 422);
}

TEST_CASE("admin office change: 409 lists affected visits, then cancels them on request") {
  Fixture f;
  auto made = f.Send("POST", "/v1/holds", HoldBody("2026-12-02T19:00:00+01:00"));
  auto a = Json(f.Send("POST", "/v1/appointments", ConfirmBody(Json(made))));
  std::string ref = Str(a, "reference");
  auto doc = f.Send("GET", "/v1/admin/offices/test-mitte", "", Bearer("admin-key"));
  REQUIRE(doc.status == 200);
  std::string shorter = doc.body;
  for (std::size_t pos; (pos = shorter.find("\"20:00\"")) != std::string::npos;) {
    shorter.replace(pos, 7, "\"18:00\"");
  }
  auto refused = f.Send("PUT", "/v1/admin/offices/test-mitte", shorter, Bearer("admin-key"));
  REQUIRE(refused.status == 409);
  auto p = Json(refused);
  REQUIRE(p["appointments"].Size() == 1);
  CHECK(Str(p["appointments"][0], "reference") == ref);
  auto done = f.Send("PUT", "/v1/admin/offices/test-mitte", shorter, Bearer("admin-key"),
                     {{"cancel_conflicting", "true"}});
  REQUIRE(done.status == 200);
  CHECK(Str(Json(done)["cancelled"][0], "reference") == ref);
  auto after = f.store->GetAppointment(ref);
  CHECK(after->status == api::AppointmentStatus::kCancelled);
  CHECK(after->cancel_reason == "office_change");
  // The new hours are served at once.
  CHECK(f.Send("POST", "/v1/holds", HoldBody("2026-12-03T19:00:00+01:00")).status == 422);
}

TEST_CASE("the wrapper: 404, 405 with Allow, 413, 415, unknown query parameters") {
  api::ApiOptions options;
  options.max_body = 2048;
  Fixture f(options);
  auto missing = f.Send("GET", "/v1/nothing");
  CHECK(missing.status == 404);
  CHECK(missing.content_type == "application/problem+json");
  auto wrong = f.Send("DELETE", "/v1/offices");
  CHECK(wrong.status == 405);
  auto header = [](const api::HttpResponse& r, const std::string& name) {
    for (const auto& [n, v] : r.headers) {
      if (n == name) return v;
    }
    return std::string("(absent)");
  };
  // HEAD is served wherever GET is (#17), so Allow names it.
  CHECK(header(wrong, "Allow") == "GET, HEAD");
  CHECK(header(wrong, "Cache-Control") == "no-store");
  auto head = f.Send("HEAD", "/v1/offices");
  auto get = f.Send("GET", "/v1/offices");
  CHECK(head.status == 200);
  CHECK(head.body == get.body);  // the server leaves the body out, with its length kept
  CHECK(header(get, "Cache-Control") == "(absent)");  // the public catalogue may be cached
  CHECK(f.Send("HEAD", "/v1/holds").status == 405);
  CHECK(f.Send("POST", "/v1/holds", std::string(3000, ' ')).status == 413);
  CHECK(f.Send("POST", "/v1/holds", "{}", {{"content-type", "text/plain"}}).status == 415);
  CHECK(f.Send("GET", "/v1/availability", "", {}, {{"services", "kurz"}, {"from", "2026-12-01"},
                                                   {"to", "2026-12-02"}, {"bogus", "1"}})
            .status == 400);
  CHECK(f.Send("GET", "/v1/availability", "", {}, {{"services", "kurz"}, {"from", "2026-12-01"},
                                                   {"to", "2027-03-01"}})
            .status == 400);
}

TEST_CASE("availability counts free desks and drops what is claimed") {
  Fixture f;
  std::map<std::string, std::string> q = {
      {"services", "kurz"}, {"office", "test-mitte"}, {"from", "2026-12-02"}, {"to", "2026-12-02"}};
  auto before = Json(f.Send("GET", "/v1/availability", "", {}, q));
  REQUIRE(before["days"].Size() == 1);
  const auto& slot = before["days"][0]["slots"][0];
  CHECK(Str(slot, "start") == "2026-12-02T08:00:00+01:00");
  int free_before = slot["free"].GetInt();
  REQUIRE(f.Send("POST", "/v1/holds", HoldBody("2026-12-02T08:00:00+01:00")).status == 201);
  auto after = Json(f.Send("GET", "/v1/availability", "", {}, q));
  CHECK(after["days"][0]["slots"][0]["free"].GetInt() == free_before - 1);
  auto next = f.Send("GET", "/v1/availability/next", "", {}, {{"services", "kurz"}, {"limit", "3"}});
  REQUIRE(next.status == 200);
  CHECK(Json(next)["slots"].Size() == 3);
}

// Same-day buffer (Einbeck 50/50, released at noon of the day): test-mitte's
// desks are open 08:00-20:00, so 14:00-20:00 of each day is kept.
TEST_CASE("same-day buffer: not offered or held online early; the hotline books it on the day") {
  Fixture f({}, [](api::Catalog& c) {
    for (api::OfficeInfo& o : c.offices) {
      if (o.id != "test-mitte") continue;
      o.schedule.rules.same_day_buffer_percent = 50;
      o.schedule.rules.same_day_release = Minutes{12 * 60};
    }
  });
  // 07:00 local on Tuesday 2026-12-01.
  std::map<std::string, std::string> q = {
      {"services", "kurz"}, {"office", "test-mitte"}, {"from", "2026-12-01"}, {"to", "2026-12-02"}};
  auto offered = Json(f.Send("GET", "/v1/availability", "", {}, q));
  REQUIRE(offered["days"].Size() == 2);
  for (const auto& day : offered["days"].GetArray()) {
    const auto& slots = day["slots"];
    REQUIRE(slots.Size() > 0);
    // kurz must end by 14:00: the last start is before it.
    CHECK(std::string(slots[slots.Size() - 1]["start"].GetString()).substr(11, 5) < "14:00");
  }
  auto next = Json(f.Send("GET", "/v1/availability/next", "", {},
                          {{"services", "kurz"}, {"offices", "test-mitte"}, {"limit", "50"}}));
  for (const auto& s : next["slots"].GetArray()) {
    CHECK(std::string(s["start"].GetString()).substr(11, 5) < "14:00");
  }
  auto early = f.Send("POST", "/v1/holds", HoldBody("2026-12-02T15:00:00+01:00"));
  CHECK(early.status == 422);
  CHECK(Str(Json(early), "detail").find("Puffertermin") != std::string::npos);
  CHECK(f.Send("POST", "/v1/holds", HoldBody("2026-12-01T15:00:00+01:00")).status == 422);
  CHECK(f.Send("POST", "/v1/holds", HoldBody("2026-12-02T10:00:00+01:00")).status == 201);
  // The hotline books the buffer on its day, not on another day.
  auto book = [](const std::string& start) {
    return "{\"office\":\"test-mitte\",\"services\":[\"kurz\"],\"start\":\"" + start +
           "\",\"contact\":{\"name\":\"Max Muster\",\"phone\":\"+49 711 1234\"}}";
  };
  CHECK(f.Send("POST", "/v1/hotline/appointments", book("2026-12-01T15:00:00+01:00"),
               Bearer("hotline-mitte")).status == 201);
  CHECK(f.Send("POST", "/v1/hotline/appointments", book("2026-12-02T15:00:00+01:00"),
               Bearer("hotline-mitte")).status == 422);
  // From noon of the day it is offered online.
  f.clock->Advance(std::chrono::hours(5));  // 12:00 local
  CHECK(f.Send("POST", "/v1/holds", HoldBody("2026-12-01T15:30:00+01:00")).status == 201);
  auto today = Json(f.Send("GET", "/v1/availability", "", {},
                           {{"services", "kurz"}, {"office", "test-mitte"}, {"from", "2026-12-01"},
                            {"to", "2026-12-01"}}));
  const auto& slots = today["days"][0]["slots"];
  CHECK(std::string(slots[slots.Size() - 1]["start"].GetString()).substr(11, 5) > "14:00");
}

TEST_CASE("a fair release: the opening day waits for 08:00, a drawn pre-queue, passes per address") {
  // test-mitte opens day +28 (Tuesday 2026-12-29) at 08:00 local; holds in
  // its first 30 s queue, drawn at 08:00:30, admitted 2 a second.
  Fixture f({}, [](api::Catalog& c) {
    for (auto& o : c.offices) {
      if (o.id != "test-mitte") continue;
      o.schedule.rules.max_days_ahead = 28;
      o.schedule.rules.release_time = std::chrono::minutes(8 * 60);
      o.release_window = 30s;
      o.release_admit_per_second = 2;
    }
  });
  auto send = [&](const std::string& method, const std::string& path, const std::string& peer,
                  const std::string& body = "", std::map<std::string, std::string> headers = {}) {
    HttpRequest r;
    r.method = method;
    r.path = path;
    r.body = body;
    r.peer = peer;
    r.headers = std::move(headers);
    if (!body.empty()) r.headers["content-type"] = "application/json";
    return f.app->Handle(r);
  };
  const std::string opening = "2026-12-29T10:00:00+01:00";
  const std::string other_day = "2026-12-28T10:00:00+01:00";
  const std::string queue = "/v1/offices/test-mitte/release-queue";

  // 07:00: the day is not open, and the queue is not either.
  HttpResponse early = send("POST", "/v1/holds", "192.0.2.1", HoldBody(opening));
  CHECK(early.status == 422);
  CHECK(early.body.find("opens for booking at 08:00") != std::string::npos);
  HttpResponse closed = send("POST", queue, "192.0.2.1");
  CHECK(closed.status == 409);
  CHECK(closed.body.find("no-release") != std::string::npos);
  auto office = Json(f.Send("GET", "/v1/offices/test-mitte"));
  CHECK(Str(office["release"], "time") == "08:00");
  CHECK(office["release"]["window_seconds"].GetInt() == 30);

  // 07:50: the lobby. One ticket per address, however often it asks.
  f.clock->Advance(50min);
  std::map<std::string, std::string> ticket_of;
  for (const std::string peer : {"192.0.2.1", "198.51.100.7", "203.0.113.9"}) {
    HttpResponse joined = send("POST", queue, peer);
    REQUIRE(joined.status == 200);
    auto t = Json(joined);
    CHECK(Str(t, "state") == "waiting-for-draw");
    CHECK_FALSE(t.HasMember("position"));
    CHECK(Str(t, "day") == "2026-12-29");
    ticket_of[peer] = Str(t, "ticket");
  }
  auto again = Json(send("POST", queue, "192.0.2.1"));
  CHECK(Str(again, "ticket") == ticket_of["192.0.2.1"]);
  CHECK(again["queue_length"].GetInt() == 3);

  // 08:00:10: the day is offered, but a hold on it needs a pass.
  f.clock->Advance(10min + 10s);
  auto avail = Json(f.Send("GET", "/v1/availability", "", {},
                           {{"services", "kurz"}, {"office", "test-mitte"}, {"from", "2026-12-29"},
                            {"to", "2026-12-29"}}));
  CHECK(avail["days"].Size() == 1);
  HttpResponse gated = send("POST", "/v1/holds", "192.0.2.1", HoldBody(opening));
  CHECK(gated.status == 429);
  CHECK(gated.body.find("release-queue") != std::string::npos);
  bool link = false;
  for (const auto& [name, value] : gated.headers) {
    if (name == "Link") link = value.find("release-queue") != std::string::npos;
  }
  CHECK(link);
  CHECK(send("POST", "/v1/holds", "192.0.2.1", HoldBody(other_day)).status == 201);  // not gated

  // 08:00:30: the draw. Places 1..3 in some order; place p is admitted at
  // the draw + (p - 1) / 2 s.
  f.clock->Advance(20s);
  std::map<int, std::string> peer_at;
  for (const auto& [peer, ticket] : ticket_of) {
    HttpResponse read = send("GET", queue + "/" + ticket, peer);
    REQUIRE(read.status == 200);
    auto t = Json(read);
    peer_at[t["position"].GetInt()] = peer;
  }
  REQUIRE(peer_at.size() == 3);
  CHECK(peer_at.begin()->first == 1);
  CHECK(send("GET", queue + "/" + ticket_of[peer_at[1]], peer_at[2]).status == 404);  // not yours
  auto first = Json(send("GET", queue + "/" + ticket_of[peer_at[1]], peer_at[1]));
  REQUIRE(Str(first, "state") == "admitted");
  const std::string pass = Str(first, "pass");
  auto second = Json(send("GET", queue + "/" + ticket_of[peer_at[2]], peer_at[2]));
  CHECK(Str(second, "state") == "queued");
  CHECK_FALSE(second.HasMember("pass"));
  // The pass works for its address only.
  CHECK(send("POST", "/v1/holds", peer_at[2], HoldBody(opening), {{"x-release-pass", pass}}).status ==
        429);
  CHECK(send("POST", "/v1/holds", peer_at[1], HoldBody(opening), {{"x-release-pass", pass + "x"}})
            .status == 429);
  CHECK(send("POST", "/v1/holds", peer_at[1], HoldBody(opening), {{"x-release-pass", pass}}).status ==
        201);

  // A late joiner is placed after every drawn ticket.
  auto late = Json(send("POST", queue, "192.0.2.200"));
  CHECK(late["position"].GetInt() == 4);
  CHECK(Str(late, "state") == "queued");

  // 08:00:32: the queue is drained; the day is booked as any other.
  f.clock->Advance(2s);
  CHECK(Str(Json(send("GET", queue + "/" + Str(late, "ticket"), "192.0.2.200")), "state") ==
        "admitted");
  CHECK(send("POST", "/v1/holds", "192.0.2.99", HoldBody("2026-12-29T11:00:00+01:00")).status == 201);
}

}  // namespace termin::service
