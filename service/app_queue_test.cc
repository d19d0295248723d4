// The office's day in process: real routing, handlers, Booker, MemoryStore
// and the queue model, with a hand-moved clock, so a whole afternoon can be
// replayed minute by minute (the black-box tests in tests/blackbox do the
// same over HTTP on both stores, in real time).
#include <doctest/doctest.h>

#include <rapidjson/document.h>

#include <functional>
#include <map>
#include <set>

#include "api/app.h"
#include "api/security/secrets.h"
#include "api/tally.h"
#include "service/memory/memory_store.h"

namespace termin::service {
namespace {

using namespace std::chrono_literals;
using api::HttpRequest;
using api::HttpResponse;

// Tuesday 2026-12-01, 17:00 local (CET); test-mitte is open 08:00-20:00.
constexpr const char* kAfternoon = "2026-12-01T16:00:00Z";

std::string KeysJson() {
  auto entry = [](const std::string& key, const std::string& role, const std::string& offices,
                  const std::string& extra = "") {
    return "{\"sha256\":\"" + api::Sha256Hex(key) + "\",\"role\":\"" + role + "\",\"offices\":[" +
           offices + "],\"name\":\"" + role + "\"" + extra + "}";
  };
  return "[" + entry("hotline-mitte", "hotline", "\"test-mitte\"") + "," +
         entry("kiosk-mitte", "kiosk", "\"test-mitte\"") + "," +
         entry("desk-mitte", "desk", "\"test-mitte\"") + "," +
         entry("desk-mitte-a", "desk", "\"test-mitte\"", ",\"desk\":\"a\"") + "," +
         entry("desk-nord", "desk", "\"test-nord\"") + "," +
         entry("kiosk-nord", "kiosk", "\"test-nord\"") + "," +
         entry("hotline-nord", "hotline", "\"test-nord\"") + "]";
}

std::map<std::string, std::string> Bearer(const std::string& key) {
  return {{"authorization", "Bearer " + key}};
}

struct Fixture {
  std::shared_ptr<api::ManualClock> clock =
      std::make_shared<api::ManualClock>(api::ToTimePoint(*ParseInstant(kAfternoon)));
  std::shared_ptr<MemoryStore> store = std::make_shared<MemoryStore>(clock);
  std::unique_ptr<api::App> app;

  explicit Fixture(const std::function<void(api::Catalog&)>& edit = {}) {
    auto catalog = api::LoadCatalogFile("data/test-city.json");
    REQUIRE(catalog.ok());
    if (edit) edit(*catalog);
    auto keys = api::KeyTable::Parse(KeysJson());
    REQUIRE_MESSAGE(keys.ok(), keys.status().message());
    api::ApiOptions options;
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
    r.query = std::move(query);
    r.body = body;
    r.headers = std::move(headers);
    if (!body.empty() && !r.headers.count("content-type")) r.headers["content-type"] = "application/json";
    return app->Handle(r);
  }
  HttpResponse Desk(const std::string& desk, const std::string& step, const std::string& body = "") {
    return Send("POST", "/v1/desk/" + desk + "/" + step, body, Bearer("desk-mitte"));
  }
};

rapidjson::Document Json(const HttpResponse& r) {
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  return d;
}
std::string Str(const HttpResponse& r, const char* key) {
  auto d = Json(r);
  return d.IsObject() && d.HasMember(key) && d[key].IsString() ? d[key].GetString() : "";
}

std::string Book(Fixture& f, const std::string& service, const std::string& local_start) {
  const std::string body = "{\"office\":\"test-mitte\",\"services\":[\"" + service +
                           "\"],\"start\":\"2026-12-01T" + local_start +
                           ":00+01:00\",\"contact\":{\"name\":\"Max Muster\",\"phone\":\"+49 711 1234\"}}";
  auto made = f.Send("POST", "/v1/hotline/appointments", body, Bearer("hotline-mitte"));
  REQUIRE_MESSAGE(made.status == 201, made.body);
  return Str(made, "reference");
}

TEST_CASE("queue: desk keys are bound to their office and desk; bad input is a 4xx problem") {
  Fixture f;
  CHECK(f.Send("POST", "/v1/desk/a/open", "", Bearer("kiosk-mitte")).status == 403);
  CHECK(f.Send("POST", "/v1/desk/a/open").status == 401);
  CHECK(f.Send("POST", "/v1/desk/b/open", "", Bearer("desk-mitte-a")).status == 403);
  CHECK(f.Send("POST", "/v1/desk/a/open", "", Bearer("desk-mitte-a")).status == 200);
  CHECK(f.Send("POST", "/v1/desk/zz/open", "", Bearer("desk-mitte")).status == 404);
  auto bad_time = f.Desk("a", "open", "{\"closes\":\"25:00\"}");
  CHECK(bad_time.status == 400);
  CHECK(bad_time.content_type == "application/problem+json");
  CHECK(f.Desk("a", "open", "{\"closes\":\"16:00\"}").status == 400);  // already past
  CHECK(f.Desk("a", "open", "{\"unknown\":1}").status == 400);
  CHECK(f.Desk("a", "transfer", "{\"to\":\"a\"}").status == 400);
  CHECK(f.Desk("a", "transfer", "{\"to\":\"nope\"}").status == 400);
  CHECK(f.Desk("a", "transfer", "{}").status == 400);
  auto idle = f.Desk("a", "recall");
  CHECK(idle.status == 409);
  CHECK(idle.content_type == "application/problem+json");
  auto empty = f.Desk("a", "call-next");
  CHECK(empty.status == 404);
  CHECK(Str(empty, "type") == "https://termin.example/problems/queue-empty");
  // A desk key of test-nord does not act at test-mitte's desks it lacks.
  CHECK(f.Send("POST", "/v1/desk/c/open", "", Bearer("desk-nord")).status == 404);
  CHECK(f.Send("POST", "/v1/kiosk/tickets", "{\"services\":[]}", Bearer("kiosk-mitte")).status == 400);
  CHECK(f.Send("POST", "/v1/kiosk/tickets", "{\"services\":[\"kurz\"]}", Bearer("desk-mitte")).status == 403);
  CHECK(f.Send("GET", "/v1/offices/nowhere/calls").status == 404);
}

TEST_CASE("queue: no desk open, no ticket; the refusal names the reason and the next appointment") {
  Fixture f;
  auto refused = f.Send("POST", "/v1/kiosk/tickets", "{\"services\":[\"kurz\"]}", Bearer("kiosk-mitte"));
  REQUIRE(refused.status == 409);
  CHECK(refused.content_type == "application/problem+json");
  CHECK(Str(refused, "type") == "https://termin.example/problems/no-ticket");
  CHECK(Str(refused, "detail").find("Heute ist kein Schalter für „Kurzes Anliegen“") != std::string::npos);
  CHECK(Str(refused, "detail").find("Nächster freier Termin: Mittwoch, 2. Dezember 2026, 08:00 Uhr.") != std::string::npos);
  auto doc = Json(refused);
  REQUIRE(doc["alternatives"].IsArray());
  REQUIRE(doc["alternatives"].Size() == 1);
  CHECK(std::string(doc["alternatives"][0]["start"].GetString()) == "2026-12-02T08:00:00+01:00");
  auto en = f.Send("POST", "/v1/kiosk/tickets", "{\"services\":[\"kurz\"]}",
                   {{"authorization", "Bearer kiosk-mitte"}, {"accept-language", "en"}});
  CHECK(Str(en, "detail").find("No desk for \u201cShort errand\u201d is open today") != std::string::npos);
}

// An afternoon at test-mitte, replayed minute by minute from 17:00 to the
// 20:00 close: desks a and b open, b closes early at 18:00; three
// appointments (one arrives, one never comes and becomes a no-show after the
// grace, one is called and does not answer); walk-ins take numbers until the
// cut-off refuses, and again when the no-show gave time back. Every number
// issued is called before closing, every call is on the display.
TEST_CASE("queue: a day replayed: every ticket issued is called before closing") {
  Fixture f;
  const auto start = api::ToTimePoint(*ParseInstant(kAfternoon));
  REQUIRE(f.Desk("a", "open").status == 200);
  auto b = f.Desk("b", "open", "{\"closes\":\"18:00\"}");
  REQUIRE(b.status == 200);
  CHECK(Str(b, "closes_at") == "2026-12-01T18:00:00+01:00");
  const std::string arrives = Book(f, "kurz", "17:40");
  const std::string never = Book(f, "lang", "18:00");
  const std::string silent = Book(f, "kurz", "18:20");

  std::set<std::string> issued;  // tickets
  std::map<std::string, std::string> ticket_of;  // reference -> ticket
  int refusals = 0;
  int issued_after_no_show = 0;
  bool refused_before_no_show = false;
  auto try_ticket = [&](int minute) {
    auto t = f.Send("POST", "/v1/kiosk/tickets", "{\"services\":[\"kurz\"]}", Bearer("kiosk-mitte"));
    if (t.status == 201) {
      issued.insert(Str(t, "ticket"));
      auto d = Json(t);
      CHECK(d["expected_wait_minutes"].GetInt() >= 0);
      CHECK(minute + d["expected_wait_minutes"].GetInt() + 10 <= 180);  // served before 20:00
      if (minute > 70) ++issued_after_no_show;
      return true;
    }
    REQUIRE_MESSAGE(t.status == 409, t.body);
    CHECK(Str(t, "detail").find("Heute keine Wartenummer mehr für „Kurzes Anliegen“") != std::string::npos);
    ++refusals;
    if (minute <= 70) refused_before_no_show = true;
    return false;
  };
  // A crowd at 17:00: numbers until the cut-off says no.
  for (int i = 0; i < 40 && try_ticket(0); ++i) {
  }
  CHECK(refusals == 1);
  CHECK(issued.size() >= 10);

  struct DeskRun {
    std::string current;
    bool serving = false;
    int ends = 0;
  };
  std::map<std::string, DeskRun> desks = {{"a", {}}, {"b", {}}};
  std::vector<std::string> called;  // in call order
  std::string walk_in_no_show;      // the first walk-in called at minute >= 30 does not answer
  for (int minute = 0; minute <= 180; ++minute) {
    f.clock->Set(start + std::chrono::minutes(minute));
    if (minute == 35) {
      auto in = f.Send("POST", "/v1/kiosk/checkins", "{\"reference\":\"" + arrives + "\"}", Bearer("kiosk-mitte"));
      REQUIRE(in.status == 200);
      ticket_of[arrives] = Str(in, "ticket");
    }
    if (minute == 75) {
      auto in = f.Send("POST", "/v1/kiosk/checkins", "{\"reference\":\"" + silent + "\"}", Bearer("kiosk-mitte"));
      REQUIRE(in.status == 200);
      ticket_of[silent] = Str(in, "ticket");
    }
    // The no-show of 18:00 is released at 18:10: numbers again.
    if (minute == 71 || minute == 72) try_ticket(minute);
    for (auto& [id, run] : desks) {
      if (run.serving && minute >= run.ends) {
        REQUIRE(f.Desk(id, "done").status == 200);
        run = DeskRun{};
      }
      if (!run.current.empty() || run.serving) continue;
      auto c = f.Desk(id, "call-next");
      if (c.status != 200) {
        CHECK((c.status == 404 || (id == "b" && minute >= 60 && c.status == 409)));
        continue;
      }
      std::string ticket = Str(c, "ticket");
      called.push_back(ticket);
      CHECK(minute < 180);
      bool silent_one = ticket_of.count(silent) && ticket == ticket_of[silent];
      if (walk_in_no_show.empty() && minute >= 30 && Str(c, "kind") == "walk_in") {
        walk_in_no_show = ticket;
        silent_one = true;
      }
      if (silent_one) {
        REQUIRE(f.Desk(id, "recall").status == 200);
        auto ns = f.Desk(id, "no-show");
        REQUIRE(ns.status == 200);
        CHECK(Str(ns, "state") == "no_show");
        continue;
      }
      REQUIRE(f.Desk(id, "start").status == 200);
      run.current = ticket;
      run.serving = true;
      run.ends = minute + 10;
    }
  }
  // The appointment that never came is a no-show; the silent one too.
  auto never_seen = f.Send("GET", "/v1/hotline/appointments/" + never, "", Bearer("hotline-mitte"));
  CHECK(Str(never_seen, "status") == "no_show");
  auto silent_seen = f.Send("GET", "/v1/hotline/appointments/" + silent, "", Bearer("hotline-mitte"));
  CHECK(Str(silent_seen, "status") == "no_show");
  auto arrived = f.Send("GET", "/v1/hotline/appointments/" + arrives, "", Bearer("hotline-mitte"));
  CHECK(Str(arrived, "status") == "done");

  CHECK(refused_before_no_show);
  CHECK(issued_after_no_show >= 1);  // the released time went back to the walk-ins
  std::set<std::string> called_set(called.begin(), called.end());
  for (const std::string& t : issued) CHECK_MESSAGE(called_set.count(t) == 1, "never called: " << t);
  CHECK(called_set.count(ticket_of[arrives]) == 1);
  CHECK(called.size() == called_set.size());  // nobody called twice
  // The queue is empty at the close.
  auto q = f.Send("GET", "/v1/desk/a/queue", "", Bearer("desk-mitte"));
  REQUIRE(q.status == 200);
  CHECK(Json(q)["waiting"].Size() == 0);
  MESSAGE("issued " << issued.size() << " numbers (" << issued_after_no_show
                    << " after the no-show), refused " << refusals << ", called " << called.size());
}

TEST_CASE("queue: the call display shows each call, with ETag and 304, and no names") {
  Fixture f;
  auto first = f.Send("GET", "/v1/offices/test-mitte/calls");
  REQUIRE(first.status == 200);
  std::string etag;
  for (const auto& [k, v] : first.headers) {
    if (k == "ETag") etag = v;
  }
  REQUIRE(!etag.empty());
  auto same = f.Send("GET", "/v1/offices/test-mitte/calls", "", {{"if-none-match", etag}});
  CHECK(same.status == 304);
  CHECK(same.body.empty());
  REQUIRE(f.Desk("a", "open").status == 200);
  const std::string ref = Book(f, "kurz", "17:30");
  f.clock->Set(api::ToTimePoint(*ParseInstant("2026-12-01T16:30:00Z")));
  REQUIRE(f.Send("POST", "/v1/kiosk/checkins", "{\"reference\":\"" + ref + "\"}", Bearer("kiosk-mitte")).status == 200);
  auto c = f.Desk("a", "call-next");
  REQUIRE(c.status == 200);
  auto moved = f.Send("GET", "/v1/offices/test-mitte/calls", "", {{"if-none-match", etag}});
  REQUIRE(moved.status == 200);
  auto d = Json(moved);
  REQUIRE(d["calls"].Size() == 1);
  CHECK(std::string(d["calls"][0]["ticket"].GetString()) == Str(c, "ticket"));
  CHECK(std::string(d["calls"][0]["desk"].GetString()) == "Schalter A");
  CHECK(moved.body.find("Muster") == std::string::npos);
  CHECK(moved.body.find(ref) == std::string::npos);
  REQUIRE(f.Desk("a", "recall").status == 200);
  auto again = Json(f.Send("GET", "/v1/offices/test-mitte/calls"));
  CHECK(again["calls"].Size() == 2);
}

TEST_CASE("queue: transfer and requeue through the API; the desk's queue shows expected waits") {
  Fixture f;
  REQUIRE(f.Desk("a", "open").status == 200);
  REQUIRE(f.Desk("c", "open").status == 200);
  auto t1 = f.Send("POST", "/v1/kiosk/tickets", "{\"services\":[\"kurz\"]}", Bearer("kiosk-mitte"));
  auto t2 = f.Send("POST", "/v1/kiosk/tickets", "{\"services\":[\"selten\"]}", Bearer("kiosk-mitte"));
  REQUIRE(t1.status == 201);
  REQUIRE(t2.status == 201);
  // Only desk a can do "selten": desk c sees it, but not for itself.
  auto view = f.Send("GET", "/v1/desk/c/queue", "", Bearer("desk-mitte"));
  REQUIRE(view.status == 200);
  auto v = Json(view);
  REQUIRE(v["waiting"].Size() == 2);
  CHECK(v["waiting"][0]["this_desk"].GetBool());
  CHECK_FALSE(v["waiting"][1]["this_desk"].GetBool());
  CHECK(v["waiting"][1]["expected_wait_minutes"].IsInt());
  auto c = f.Desk("c", "call-next");
  REQUIRE(c.status == 200);
  CHECK(Str(c, "ticket") == Str(t1, "ticket"));
  CHECK(f.Desk("c", "call-next").status == 409);  // busy
  auto moved = f.Desk("c", "transfer", "{\"to\":\"a\"}");
  REQUIRE(moved.status == 200);
  CHECK(Str(moved, "for_desk") == "a");
  auto at_a = f.Desk("a", "call-next");
  REQUIRE(at_a.status == 200);
  CHECK(Str(at_a, "ticket") == Str(t1, "ticket"));  // a transfer goes first
  REQUIRE(f.Desk("a", "requeue").status == 200);
  CHECK(Str(f.Desk("a", "call-next"), "ticket") == Str(t1, "ticket"));  // back in its place
  REQUIRE(f.Desk("a", "start").status == 200);
  CHECK(f.Desk("a", "no-show").status == 409);  // started: no longer a no-show
  REQUIRE(f.Desk("a", "done").status == 200);
  REQUIRE(f.Desk("a", "close").status == 200);
  CHECK(f.Desk("a", "call-next").status == 409);
}

}  // namespace
TEST_CASE("queue: closing a desk early lists the tickets that can no longer be served") {
  Fixture f;
  REQUIRE(f.Desk("a", "open").status == 200);
  std::vector<std::string> tickets;
  for (int i = 0; i < 2; ++i) {
    auto t = f.Send("POST", "/v1/kiosk/tickets", "{\"services\":[\"kurz\"]}", Bearer("kiosk-mitte"));
    REQUIRE(t.status == 201);
    tickets.push_back(Json(t)["ticket"].GetString());
  }
  // Closing later today with time for both: nobody is left out.
  auto later = f.Desk("a", "close", "{\"at\":\"19:00\"}");
  REQUIRE(later.status == 200);
  REQUIRE(Json(later)["unserved"].IsArray());
  CHECK(Json(later)["unserved"].Size() == 0);
  // Closing now, no other desk open: both tickets are listed for staff.
  auto now = f.Desk("a", "close");
  REQUIRE(now.status == 200);
  auto doc = Json(now);
  REQUIRE(doc["unserved"].IsArray());
  REQUIRE(doc["unserved"].Size() == 2);
  CHECK(std::string(doc["unserved"][0]["ticket"].GetString()) == tickets[0]);
  CHECK(std::string(doc["unserved"][1]["ticket"].GetString()) == tickets[1]);
  // Opening answers without the list.
  CHECK(!Json(f.Desk("a", "open")).HasMember("unserved"));
}

// The housekeeping step (termin-api runs it every minute): an appointment not
// checked in by start + grace becomes no_show without any kiosk or desk
// reading the day, and its desk time is at once the walk-ins' again.
TEST_CASE("queue: the no-show sweep releases overdue appointments by itself") {
  Fixture f;
  const auto start = api::ToTimePoint(*ParseInstant(kAfternoon));
  REQUIRE(f.Desk("a", "open", "{\"closes\":\"18:30\"}").status == 200);
  // One desk until 18:30; booked (30 minutes' notice): a long visit at
  // 17:30 and a short one at 18:20.
  const std::string late = Book(f, "lang", "17:30");
  const std::string later = Book(f, "kurz", "18:20");
  auto status_of = [&](const std::string& ref) {
    return Str(f.Send("GET", "/v1/hotline/appointments/" + ref, "", Bearer("hotline-mitte")), "status");
  };
  f.clock->Set(start + 39min);
  auto none = f.app->ReleaseNoShows();
  REQUIRE(none.ok());
  CHECK(*none == 0);  // within the grace
  CHECK(status_of(late) == "confirmed");
  f.clock->Set(start + 41min);
  auto released = f.app->ReleaseNoShows();
  REQUIRE(released.ok());
  CHECK(*released == 1);
  CHECK(status_of(late) == "no_show");
  CHECK(status_of(later) == "confirmed");
  auto again = f.app->ReleaseNoShows();
  REQUIRE(again.ok());
  CHECK(*again == 0);  // done once, on every replica alike
  // Its time is free for numbers: the first one is called at once.
  auto t = f.Send("POST", "/v1/kiosk/tickets", "{\"services\":[\"kurz\"]}", Bearer("kiosk-mitte"));
  REQUIRE_MESSAGE(t.status == 201, t.body);
  CHECK(Json(t)["expected_wait_minutes"].GetInt() == 0);
}

// Numbers and the online offer are one desk time: at test-nord (one desk,
// open until 18:00 for the queue) the numbers issued keep today's remaining
// time off the widget's offer and refuse a hold on it; a hold placed first
// is planned for, so fewer numbers are issued.
TEST_CASE("queue: today's online offer and holds keep the time of the numbers issued") {
  Fixture f;
  auto nord_desk = [&](const std::string& step, const std::string& body = "") {
    return f.Send("POST", "/v1/desk/a/" + step, body, Bearer("desk-nord"));
  };
  auto ticket = [&] {
    return f.Send("POST", "/v1/kiosk/tickets", "{\"services\":[\"kurz\"]}", Bearer("kiosk-nord"));
  };
  auto today_slots = [&] {
    auto a = f.Send("GET", "/v1/availability", "", {},
                    {{"office", "test-nord"}, {"services", "kurz"}, {"from", "2026-12-01"}, {"to", "2026-12-01"}});
    REQUIRE(a.status == 200);
    auto d = Json(a);
    std::vector<std::string> starts;
    for (const auto& day : d["days"].GetArray())
      for (const auto& slot : day["slots"].GetArray()) starts.push_back(slot["start"].GetString());
    return starts;
  };
  // Starts before the queue's desk closes at 18:00 (later ones are no
  // queue time: the desk's hours go on to 20:00 for appointments).
  auto before_six = [](const std::vector<std::string>& starts) {
    return std::count_if(starts.begin(), starts.end(), [](const std::string& s) {
      return s.rfind("2026-12-01T17:", 0) == 0;
    });
  };
  auto next_starts = [&] {
    auto n = f.Send("GET", "/v1/availability/next", "", {},
                    {{"offices", "test-nord"}, {"services", "kurz"}, {"limit", "3"}});
    REQUIRE(n.status == 200);
    auto d = Json(n);
    std::vector<std::string> starts;
    for (const auto& slot : d["slots"].GetArray()) starts.push_back(slot["start"].GetString());
    return starts;
  };
  auto hold = [&](const std::string& local) {
    return f.Send("POST", "/v1/holds",
                  "{\"office\":\"test-nord\",\"services\":[\"kurz\"],\"start\":\"2026-12-01T" + local +
                      ":00+01:00\"}");
  };
  REQUIRE(nord_desk("open", "{\"closes\":\"18:00\"}").status == 200);
  // Before any number: today's offer from 17:30 (30 minutes' notice).
  CHECK(before_six(today_slots()) == 6);  // 17:30 ... 17:55
  CHECK(next_starts().front() == "2026-12-01T17:30:00+01:00");
  // A citizen holds 17:30 in the widget: the queue plans for it.
  auto held = hold("17:30");
  REQUIRE_MESSAGE(held.status == 201, held.body);
  // One desk, 17:00-18:00, 10-minute visits: six fit, one is the hold's.
  int issued = 0;
  for (int i = 0; i < 10; ++i) {
    auto t = ticket();
    if (t.status != 201) {
      CHECK(t.status == 409);
      break;
    }
    ++issued;
  }
  CHECK(issued == 5);
  // The numbers own the rest of the queue's day: of 17:30-17:55 only 17:55
  // is offered, whose visit ends after the queue's close (no number's time);
  // a hold on it is refused.
  CHECK(before_six(today_slots()) == 1);
  auto next = next_starts();
  REQUIRE(next.size() == 3);
  CHECK(next[0] == "2026-12-01T17:55:00+01:00");
  CHECK(next[1] == "2026-12-01T18:00:00+01:00");
  auto refused = hold("17:45");
  CHECK(refused.status == 409);
  CHECK(Str(refused, "detail") == "this start is needed for the visitors waiting in the office today");
  // The hotline cannot book it either, nor move an appointment into it.
  const std::string body = "{\"office\":\"test-nord\",\"services\":[\"kurz\"],\"start\":\"2026-12-01T17:45:00+01:00\","
                           "\"contact\":{\"name\":\"Max Muster\",\"phone\":\"+49 711 1234\"}}";
  auto phoned = f.Send("POST", "/v1/hotline/appointments", body, Bearer("hotline-nord"));
  CHECK(phoned.status == 409);
  CHECK(Str(phoned, "detail") == "this start is needed for the visitors waiting in the office today");
  std::string tomorrow_body = body;
  tomorrow_body.replace(tomorrow_body.find("2026-12-01T17:45"), 16, "2026-12-02T10:00");
  auto booked = f.Send("POST", "/v1/hotline/appointments", tomorrow_body, Bearer("hotline-nord"));
  REQUIRE_MESSAGE(booked.status == 201, booked.body);
  auto moved = f.Send("POST", "/v1/hotline/appointments/" + Str(booked, "reference") + "/move",
                      "{\"start\":\"2026-12-01T17:45:00+01:00\"}", Bearer("hotline-nord"));
  CHECK(moved.status == 409);
  // Nor does a kiosk walk-in appointment take it: it gets the first start
  // that keeps the numbers (the earliest free one, 17:35, would not).
  auto walked = f.Send("POST", "/v1/kiosk/walkins", "{\"services\":[\"kurz\"]}", Bearer("kiosk-nord"));
  REQUIRE_MESSAGE(walked.status == 201, walked.body);
  CHECK(Str(walked, "start") == "2026-12-01T17:55:00+01:00");
  // Tomorrow is not touched.
  auto later = f.Send("POST", "/v1/holds",
                      "{\"office\":\"test-nord\",\"services\":[\"kurz\"],\"start\":\"2026-12-02T09:00:00+01:00\"}");
  CHECK(later.status == 201);
}

// rules.walk_in_margin_minutes: with 20 minutes kept before the 18:00 close,
// one desk from 17:00 hands out four 10-minute numbers instead of six.
TEST_CASE("queue: the walk-in margin keeps room before the close") {
  auto count_numbers = [](int margin) {
    Fixture f([margin](api::Catalog& c) {
      for (api::OfficeInfo& o : c.offices)
        if (o.id == "test-nord") o.walk_in_margin = Minutes{margin};
    });
    REQUIRE(f.Send("POST", "/v1/desk/a/open", "{\"closes\":\"18:00\"}", Bearer("desk-nord")).status == 200);
    int issued = 0;
    while (issued < 10 &&
           f.Send("POST", "/v1/kiosk/tickets", "{\"services\":[\"kurz\"]}", Bearer("kiosk-nord")).status == 201) {
      ++issued;
    }
    return issued;
  };
  CHECK(count_numbers(0) == 6);
  CHECK(count_numbers(20) == 4);
}

// The hourly lead-time sample (App::SampleLeadTimes) reports what a citizen
// is offered: today's starts the waiting walk-ins need are not offered, so
// they are not the next free start either. test-nord is booked only for
// today (horizon 0 days); from 19:00 its one desk's last hour is the six
// numbers', so nothing is free; without the filter 19:30 would count as 0.
TEST_CASE("queue: the lead-time sample applies the same-day filter of public availability") {
  auto sample = [](int tickets) {
    Fixture f([](api::Catalog& c) {
      for (api::OfficeInfo& o : c.offices)
        if (o.id == "test-nord") o.schedule.rules.max_days_ahead = 0;
    });
    f.clock->Set(api::ToTimePoint(*ParseInstant("2026-12-01T18:00:00Z")));  // 19:00 local
    REQUIRE(f.Send("POST", "/v1/desk/a/open", "", Bearer("desk-nord")).status == 200);
    for (int i = 0; i < tickets; ++i) {
      REQUIRE(f.Send("POST", "/v1/kiosk/tickets", "{\"services\":[\"kurz\"]}", Bearer("kiosk-nord")).status ==
              201);
    }
    auto offered = f.Send("GET", "/v1/availability", "", {},
                          {{"office", "test-nord"}, {"services", "kurz"}, {"from", "2026-12-01"},
                           {"to", "2026-12-01"}});
    REQUIRE(offered.status == 200);
    auto ran = f.app->SampleLeadTimes();
    REQUIRE(ran.ok());
    REQUIRE(*ran);
    auto t = f.store->ReadTallies("test-nord", "2026-12-01", "2026-12-01");
    REQUIRE(t.ok());
    api::TallyDay day = (*t)["2026-12-01"];
    return std::make_pair(Json(offered)["days"].Size(), day);
  };
  auto [open_days, open] = sample(0);
  CHECK(open_days == 1);
  CHECK(open["nx:kurz:0"] == 1);
  auto [full_days, full] = sample(6);
  CHECK(full_days == 0);  // the widget offers nothing today
  CHECK(full["nx:kurz:none"] == 1);
  CHECK(full.count("nx:kurz:0") == 0);
}

// rules.hotline_share_percent (#14, channel quotas): test-nord's one desk is
// open 08:00-20:00; a quarter of each day (08:00-11:00) is the hotline's
// until local midnight two days before. It is 1 December, 17:00: 4
// December is not released yet, 3 December is.
TEST_CASE("channel quota: the hotline's share is not online before its release; staff book it") {
  Fixture f([](api::Catalog& c) {
    for (api::OfficeInfo& o : c.offices)
      if (o.id == "test-nord") {
        o.schedule.rules.hotline_share_percent = 25;
        o.schedule.rules.hotline_release_days = 2;
      }
  });
  auto first_start = [&](const std::string& day, std::map<std::string, std::string> headers) {
    auto a = f.Send("GET", "/v1/availability", "", std::move(headers),
                    {{"office", "test-nord"}, {"services", "kurz"}, {"from", day}, {"to", day}});
    REQUIRE_MESSAGE(a.status == 200, a.body);
    auto d = Json(a);
    for (const auto& dd : d["days"].GetArray())
      for (const auto& slot : dd["slots"].GetArray()) return std::string(slot["start"].GetString());
    return std::string();
  };
  CHECK(first_start("2026-12-04", {}) == "2026-12-04T11:00:00+01:00");
  CHECK(first_start("2026-12-04", Bearer("hotline-nord")) == "2026-12-04T08:00:00+01:00");
  CHECK(first_start("2026-12-03", {}) == "2026-12-03T08:00:00+01:00");
  // A web hold in the share is refused with the day it opens online.
  auto held = f.Send("POST", "/v1/holds",
                     "{\"office\":\"test-nord\",\"services\":[\"kurz\"],\"start\":\"2026-12-04T08:00:00+01:00\"}");
  CHECK(held.status == 422);
  CHECK(Str(held, "detail").find("2026-12-02") != std::string::npos);
  // The hotline books it.
  auto phoned = f.Send("POST", "/v1/hotline/appointments",
                       "{\"office\":\"test-nord\",\"services\":[\"kurz\"],\"start\":\"2026-12-04T08:00:00+01:00\","
                       "\"contact\":{\"name\":\"Max Muster\",\"phone\":\"+49 711 1234\"}}",
                       Bearer("hotline-nord"));
  CHECK_MESSAGE(phoned.status == 201, phoned.body);
  // From midnight of 2 December what the hotline left is online.
  f.clock->Set(api::ToTimePoint(*ParseInstant("2026-12-01T23:00:00Z")));
  const std::string released = first_start("2026-12-04", {});
  CHECK(released > "2026-12-04T08:00:00+01:00");
  CHECK(released < "2026-12-04T11:00:00+01:00");
  auto later = f.Send("POST", "/v1/holds",
                      "{\"office\":\"test-nord\",\"services\":[\"kurz\"],\"start\":\"" + released + "\"}");
  CHECK_MESSAGE(later.status == 201, later.body);
}

}  // namespace termin::service
