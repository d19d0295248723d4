// The citizen's path through the public API, end to end: offices, services,
// availability, hold, confirm, read with the secret, .ics, move, cancel.
#include <algorithm>
#include <regex>

#include <date/date.h>
#include <doctest/doctest.h>

#include "tests/blackbox/helpers.h"

namespace termin::testing {
namespace {

const std::vector<std::string> kKurz = {"kurz"};

bool HasMember(const rapidjson::Value& v, const char* key) {
  return v.IsObject() && v.HasMember(key);
}

TEST_CASE("offices and services describe the test city") {
  const HttpClient& api = SharedServer().client();

  Response offices = api.Get("/v1/offices");
  REQUIRE_MESSAGE(offices.status == 200, offices.Summary());
  CHECK(offices.MediaType() == "application/json");
  REQUIRE(offices.json_ok);
  REQUIRE(offices.json["offices"].IsArray());
  bool saw_mitte = false;
  for (const auto& o : offices.json["offices"].GetArray()) {
    CHECK(o["id"].IsString());
    CHECK(o["name"].IsString());
    REQUIRE(HasMember(o, "address"));
    CHECK(o["address"]["street"].IsString());
    CHECK(o["address"]["postal_code"].IsString());
    CHECK(o["address"]["city"].IsString());
    CHECK(std::string(o["timezone"].GetString()) == "Europe/Berlin");
    CHECK(o["services"].IsArray());
    REQUIRE(HasMember(o, "opening_hours"));
    if (std::string(o["id"].GetString()) == kOfficeMitte) {
      saw_mitte = true;
      // data/test-city.json: open every day 08:00-20:00.
      const auto& mon = o["opening_hours"]["mon"];
      REQUIRE(mon.IsArray());
      REQUIRE(mon.Size() >= 1);
      CHECK(std::string(mon[0][0].GetString()) == "08:00");
      CHECK(std::string(mon[mon.Size() - 1][1].GetString()) == "20:00");
    }
  }
  CHECK(saw_mitte);
  // Desks are internal: never shown to the public.
  CHECK(offices.body.find("desk") == std::string::npos);
  CHECK(offices.body.find("Schalter") == std::string::npos);

  Response one = api.Get(std::string("/v1/offices/") + kOfficeNord);
  REQUIRE_MESSAGE(one.status == 200, one.Summary());
  CHECK(one.Str("id") == kOfficeNord);

  Response missing = api.Get("/v1/offices/no-such-office");
  CHECK(missing.status == 404);
  CHECK(missing.IsProblem());
  CHECK(missing.ProblemSlug() == "not-found");

  Response de = api.Get("/v1/services", {{"Accept-Language", "de"}});
  Response en = api.Get("/v1/services", {{"Accept-Language", "en"}});
  Response fallback = api.Get("/v1/services");
  REQUIRE_MESSAGE(de.status == 200, de.Summary());
  REQUIRE_MESSAGE(en.status == 200, en.Summary());
  REQUIRE(fallback.status == 200);
  auto name_of = [](const Response& r, const std::string& id) {
    for (const auto& s : r.json["services"].GetArray()) {
      if (id == s["id"].GetString()) return std::string(s["name"].GetString());
    }
    return std::string();
  };
  CHECK(name_of(de, "kurz") == "Kurzes Anliegen");
  CHECK(name_of(en, "kurz") == "Short errand");
  CHECK(name_of(fallback, "kurz") == "Kurzes Anliegen");  // German is the default
  for (const auto& s : de.json["services"].GetArray()) {
    CHECK(s["duration_minutes"].IsInt());
    CHECK(s["bring"].IsString());
    if (std::string(s["id"].GetString()) == "kurz") CHECK(s["duration_minutes"].GetInt() == 10);
  }
}

TEST_CASE("availability lists grid starts inside the opening hours, never desks") {
  const HttpClient& api = SharedServer().client();
  const std::string day = DayFromToday(3);
  Response r = api.Get("/v1/availability?services=kurz&office=" + std::string(kOfficeMitte) +
                       "&from=" + day + "&to=" + day);
  REQUIRE_MESSAGE(r.status == 200, r.Summary());
  REQUIRE(r.json["days"].IsArray());
  REQUIRE(r.json["days"].Size() == 1);
  const auto& d = r.json["days"][0];
  CHECK(std::string(d["date"].GetString()) == day);
  CHECK(std::string(d["office"].GetString()) == kOfficeMitte);
  REQUIRE(d["slots"].Size() > 0);
  std::string previous;
  for (const auto& s : d["slots"].GetArray()) {
    const std::string start = s["start"].GetString();
    INFO("start " << start);
    CHECK(DatePart(start) == day);
    REQUIRE(ParseRfc3339(start).has_value());
    const int hour = std::stoi(start.substr(11, 2));
    const int minute = std::stoi(start.substr(14, 2));
    CHECK(minute % 5 == 0);
    CHECK(hour * 60 + minute >= 8 * 60);
    CHECK(hour * 60 + minute + 10 <= 20 * 60);  // the 10-minute visit ends by 20:00
    CHECK((start.ends_with("+01:00") || start.ends_with("+02:00")));
    CHECK(s["free"].GetInt() >= 0);
    CHECK(s["free"].GetInt() <= 3);  // three desks do "kurz"
    CHECK(start > previous);
    previous = start;
  }
  CHECK(r.body.find("desk") == std::string::npos);

  // Whole city (no office): every office that offers "lang".
  Response all = api.Get("/v1/availability?services=lang&from=" + day + "&to=" + day);
  REQUIRE_MESSAGE(all.status == 200, all.Summary());
  std::vector<std::string> offices;
  for (const auto& dd : all.json["days"].GetArray()) offices.push_back(dd["office"].GetString());
  CHECK(std::find(offices.begin(), offices.end(), kOfficeMitte) != offices.end());
  CHECK(std::find(offices.begin(), offices.end(), kOfficeNord) != offices.end());
  // "selten" is only offered by test-mitte.
  Response rare = api.Get("/v1/availability?services=selten&from=" + day + "&to=" + day);
  REQUIRE(rare.status == 200);
  for (const auto& dd : rare.json["days"].GetArray()) {
    CHECK(std::string(dd["office"].GetString()) == kOfficeMitte);
  }

  // At most 62 days; from <= to; real dates.
  Response too_long = api.Get("/v1/availability?services=kurz&office=" + std::string(kOfficeMitte) +
                              "&from=" + day + "&to=" + AddDays(day, 63));
  CHECK(too_long.status == 400);
  CHECK(too_long.ProblemSlug() == "bad-request");
  Response reversed = api.Get("/v1/availability?services=kurz&office=" + std::string(kOfficeMitte) +
                              "&from=" + day + "&to=" + AddDays(day, -1));
  CHECK(reversed.status == 400);
  Response bad_date = api.Get("/v1/availability?services=kurz&from=2026-02-30&to=2026-03-01");
  CHECK(bad_date.status == 400);
  Response no_services = api.Get("/v1/availability?from=" + day + "&to=" + day);
  CHECK(no_services.status == 400);
  CHECK(no_services.IsProblem());
}

TEST_CASE("availability/next returns the nearest starts across offices") {
  const HttpClient& api = SharedServer().client();
  Response r = api.Get("/v1/availability/next?services=kurz&offices=" + std::string(kOfficeMitte) +
                       "," + kOfficeNord + "&limit=5");
  REQUIRE_MESSAGE(r.status == 200, r.Summary());
  REQUIRE(r.json["slots"].IsArray());
  CHECK(r.json["slots"].Size() == 5);
  std::chrono::sys_seconds previous{};
  for (const auto& s : r.json["slots"].GetArray()) {
    const std::string office = s["office"].GetString();
    CHECK((office == kOfficeMitte || office == kOfficeNord));
    auto t = ParseRfc3339(s["start"].GetString());
    REQUIRE(t.has_value());
    CHECK(*t >= previous);
    CHECK(*t > std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
    CHECK(s["free"].GetInt() > 0);
    previous = *t;
  }
  Response dflt = api.Get("/v1/availability/next?services=kurz");
  REQUIRE(dflt.status == 200);
  CHECK(dflt.json["slots"].Size() == 10);
  CHECK(api.Get("/v1/availability/next?services=kurz&limit=0").status == 400);
  CHECK(api.Get("/v1/availability/next?services=kurz&limit=51").status == 400);
  CHECK(api.Get("/v1/availability/next?services=kurz&limit=abc").status == 400);
}

TEST_CASE("citizen flow: hold, confirm, read, ics, move, cancel") {
  const HttpClient& api = SharedServer().client();
  const std::string day = DayFromToday(4);
  auto slots = RequireFreeSlots(api, kOfficeMitte, kKurz, day);
  REQUIRE(slots.size() > 20);
  const Slot first = slots[2];
  const int free_before = first.free;

  // Hold.
  Response hold = api.Post("/v1/holds", HoldBody(kOfficeMitte, kKurz, first.start));
  REQUIRE_MESSAGE(hold.status == 201, hold.Summary());
  CHECK(!hold.Str("id").empty());
  CHECK(hold.Str("secret").size() >= 16);
  CHECK(hold.json["version"].IsNumber());
  CHECK(hold.Str("office") == kOfficeMitte);
  CHECK(hold.Str("start") == first.start);
  auto start_t = ParseRfc3339(first.start);
  auto end_t = ParseRfc3339(hold.Str("end"));
  REQUIRE(end_t.has_value());
  CHECK(*end_t - *start_t == std::chrono::minutes(10));
  auto expires = ParseRfc3339(hold.Str("expires_at"));
  REQUIRE(expires.has_value());
  const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  CHECK(*expires > now);
  CHECK(*expires <= now + std::chrono::minutes(11));  // hold TTL 10 min in the test city
  CHECK(FreeAt(api, kOfficeMitte, kKurz, first.start) == free_before - 1);

  // Confirm.
  const std::string name = "Erika Mustermann " + UniqueTag();
  Response appt = api.Post("/v1/appointments",
                           "{\"hold_id\":" + Q(hold.Str("id")) + ",\"hold_secret\":" +
                               Q(hold.Str("secret")) + ",\"contact\":" +
                               ContactJson(name, "erika@example.org", "+49 7361 52-0") + "}");
  REQUIRE_MESSAGE(appt.status == 201, appt.Summary());
  const std::string ref = appt.Str("reference");
  const std::string secret = appt.Str("manage_secret");
  CHECK(std::regex_match(ref, std::regex("[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}")));
  CHECK(secret.size() >= 22);  // >= 128 bits as base64url (22) or hex (32)
  CHECK(appt.Str("status") == "confirmed");
  CHECK(appt.Str("channel") == "web");
  CHECK(appt.Str("office") == kOfficeMitte);
  CHECK(appt.Str("start") == first.start);
  CHECK(std::string(appt.json["contact"]["name"].GetString()) == name);
  CHECK(!appt.json.HasMember("notes"));  // staff only
  CHECK(FreeAt(api, kOfficeMitte, kKurz, first.start) == free_before - 1);

  // The same hold cannot be confirmed twice (no Idempotency-Key here).
  Response again = api.Post("/v1/appointments",
                            "{\"hold_id\":" + Q(hold.Str("id")) + ",\"hold_secret\":" +
                                Q(hold.Str("secret")) + ",\"contact\":" +
                                ContactJson(name, "erika@example.org", "") + "}");
  CHECK(again.status != 201);
  CHECK(again.status >= 400);
  CHECK(again.status < 500);
  CHECK(FreeAt(api, kOfficeMitte, kKurz, first.start) == free_before - 1);

  // Read with the secret; without it or with a wrong one: 404.
  Response read = api.Get("/v1/appointments/" + ref, {{"X-Manage-Secret", secret}});
  REQUIRE_MESSAGE(read.status == 200, read.Summary());
  CHECK(read.Str("reference") == ref);
  CHECK(read.Str("status") == "confirmed");
  CHECK(!read.json.HasMember("manage_secret"));  // only in the 201 of creation
  CHECK(api.Get("/v1/appointments/" + ref).status == 404);
  Response wrong = api.Get("/v1/appointments/" + ref, {{"X-Manage-Secret", secret + "x"}});
  CHECK(wrong.status == 404);
  CHECK(wrong.ProblemSlug() == "not-found");
  CHECK(api.Get("/v1/appointments/ZZZZ-ZZZZ", {{"X-Manage-Secret", secret}}).status == 404);
  CHECK(api.Post("/v1/appointments/" + ref + "/cancel", "{}").status == 404);
  CHECK(api.Post("/v1/appointments/" + ref + "/cancel", "{}", {{"X-Manage-Secret", "nope"}}).status ==
        404);

  // .ics: RFC 5545 with UTC times, by query secret or header.
  Response ics = api.Get("/v1/appointments/" + ref + "/ics?secret=" + secret);
  REQUIRE_MESSAGE(ics.status == 200, ics.Summary());
  CHECK(ics.MediaType() == "text/calendar");
  CHECK(ics.body.rfind("BEGIN:VCALENDAR\r\n", 0) == 0);
  CHECK(ics.body.find("BEGIN:VEVENT\r\n") != std::string::npos);
  CHECK(ics.body.find("DTSTART:" + IcsUtc(*start_t) + "\r\n") != std::string::npos);
  CHECK(ics.body.find("DTEND:" + IcsUtc(*end_t) + "\r\n") != std::string::npos);
  CHECK(ics.body.find("\r\nUID:") != std::string::npos);
  CHECK(ics.body.find("\r\nSUMMARY:") != std::string::npos);
  CHECK(ics.body.find("\r\nLOCATION:") != std::string::npos);
  CHECK(ics.body.find("END:VEVENT\r\n") != std::string::npos);
  CHECK(ics.body.find("END:VCALENDAR") != std::string::npos);
  CHECK(ics.body.find(name) == std::string::npos);  // no personal data in the calendar entry
  Response ics_header = api.Get("/v1/appointments/" + ref + "/ics", {{"X-Manage-Secret", secret}});
  CHECK(ics_header.status == 200);
  CHECK(api.Get("/v1/appointments/" + ref + "/ics?secret=wrong").status == 404);
  CHECK(api.Get("/v1/appointments/" + ref + "/ics").status == 404);

  // Move to a start an hour later: the new place is claimed, the old released.
  const Slot* target = nullptr;
  for (const auto& s : slots) {
    if (*ParseRfc3339(s.start) >= *start_t + std::chrono::hours(1)) {
      target = &s;
      break;
    }
  }
  REQUIRE(target != nullptr);
  const int target_free = FreeAt(api, kOfficeMitte, kKurz, target->start);
  REQUIRE(target_free > 0);
  Response moved = api.Post("/v1/appointments/" + ref + "/move",
                            "{\"start\":" + Q(target->start) + "}", {{"X-Manage-Secret", secret}});
  REQUIRE_MESSAGE(moved.status == 200, moved.Summary());
  CHECK(moved.Str("reference") == ref);
  CHECK(moved.Str("start") == target->start);
  CHECK(moved.Str("status") == "confirmed");
  CHECK(FreeAt(api, kOfficeMitte, kKurz, first.start) == free_before);
  CHECK(FreeAt(api, kOfficeMitte, kKurz, target->start) == target_free - 1);
  CHECK(api.Post("/v1/appointments/" + ref + "/move", "{\"start\":" + Q(first.start) + "}",
                 {{"X-Manage-Secret", "wrong"}})
            .status == 404);

  // Moves that make no sense here: off the grid, in the past.
  std::string off_grid = target->start;
  off_grid[15] = off_grid[15] == '0' ? '1' : '6';  // HH:M1 or HH:M6: not on the 5-minute grid
  Response bad_move = api.Post("/v1/appointments/" + ref + "/move", "{\"start\":" + Q(off_grid) + "}",
                               {{"X-Manage-Secret", secret}});
  CHECK_MESSAGE(bad_move.status == 422, bad_move.Summary());
  CHECK(bad_move.ProblemSlug() == "unprocessable");
  const std::string past = DayFromToday(-2) + "T10:00:00+01:00";
  Response past_move = api.Post("/v1/appointments/" + ref + "/move", "{\"start\":" + Q(past) + "}",
                                {{"X-Manage-Secret", secret}});
  CHECK_MESSAGE(past_move.status == 422, past_move.Summary());
  Response after = api.Get("/v1/appointments/" + ref, {{"X-Manage-Secret", secret}});
  CHECK(after.Str("start") == target->start);  // failed moves change nothing

  // Cancel: the place is free again; a second cancel is a conflict.
  Response cancelled = api.Post("/v1/appointments/" + ref + "/cancel", "{}",
                                {{"X-Manage-Secret", secret}});
  REQUIRE_MESSAGE(cancelled.status == 200, cancelled.Summary());
  CHECK(cancelled.Str("status") == "cancelled");
  CHECK(FreeAt(api, kOfficeMitte, kKurz, target->start) == target_free);
  Response twice = api.Post("/v1/appointments/" + ref + "/cancel", "{}", {{"X-Manage-Secret", secret}});
  CHECK(twice.status == 409);
  CHECK(twice.ProblemSlug() == "conflict");
  CHECK(StatusOf(api, Booking{ref, secret, "", "", ""}) == "cancelled");
  Response move_cancelled = api.Post("/v1/appointments/" + ref + "/move",
                                     "{\"start\":" + Q(first.start) + "}", {{"X-Manage-Secret", secret}});
  CHECK(move_cancelled.status >= 400);
  CHECK(move_cancelled.status < 500);
}

TEST_CASE("a visit of two services takes both durations at a desk that does both") {
  const HttpClient& api = SharedServer().client();
  const std::vector<std::string> both = {"kurz", "lang"};
  auto slots = RequireFreeSlots(api, kOfficeMitte, both, DayFromToday(5));
  for (const auto& s : slots) CHECK(s.free <= 2);  // only desks a and b do "lang"
  const Slot s = slots[slots.size() / 2];
  Response hold = api.Post("/v1/holds", HoldBody(kOfficeMitte, both, s.start));
  REQUIRE_MESSAGE(hold.status == 201, hold.Summary());
  auto start = ParseRfc3339(hold.Str("start"));
  auto end = ParseRfc3339(hold.Str("end"));
  REQUIRE(start.has_value());
  REQUIRE(end.has_value());
  CHECK(*end - *start == std::chrono::minutes(30));  // 10 + 20 minutes
  CHECK(FreeAt(api, kOfficeMitte, both, s.start) == s.free - 1);
  CHECK(api.Delete("/v1/holds/" + hold.Str("id"), {{"X-Hold-Secret", hold.Str("secret")}}).status == 204);
  // test-nord does not offer "selten": no days for it there.
  Response none = api.Get("/v1/availability?services=kurz,selten&office=" + std::string(kOfficeNord) +
                          "&from=" + DayFromToday(5) + "&to=" + DayFromToday(5));
  CHECK((none.status == 422 || (none.status == 200 && FreeSlots(api, kOfficeNord, {"kurz", "selten"},
                                                                 DayFromToday(5), DayFromToday(5))
                                                           .empty())));
}

TEST_CASE("a hold can be released with its secret only") {
  const HttpClient& api = SharedServer().client();
  auto slots = RequireFreeSlots(api, kOfficeNord, kKurz, DayFromToday(5));
  const Slot s = slots[slots.size() / 2];
  Response hold = api.Post("/v1/holds", HoldBody(kOfficeNord, kKurz, s.start));
  REQUIRE_MESSAGE(hold.status == 201, hold.Summary());
  CHECK(FreeAt(api, kOfficeNord, kKurz, s.start) == s.free - 1);
  const std::string path = "/v1/holds/" + hold.Str("id");
  CHECK(api.Delete(path, {{"X-Hold-Secret", "wrong"}}).status == 404);
  CHECK(api.Delete(path).status == 404);
  Response del = api.Delete(path, {{"X-Hold-Secret", hold.Str("secret")}});
  CHECK_MESSAGE(del.status == 204, del.Summary());
  CHECK(del.body.empty());
  CHECK(api.Delete(path, {{"X-Hold-Secret", hold.Str("secret")}}).status == 404);
  CHECK(FreeAt(api, kOfficeNord, kKurz, s.start) == s.free);
  // A released hold cannot be confirmed.
  Response confirm = api.Post("/v1/appointments",
                              "{\"hold_id\":" + Q(hold.Str("id")) + ",\"hold_secret\":" +
                                  Q(hold.Str("secret")) + ",\"contact\":" +
                                  ContactJson("Max Muster", "max@example.org", "") + "}");
  CHECK((confirm.status == 404 || confirm.status == 410));
}

TEST_CASE("a taken start answers 409 slot-taken with alternatives") {
  const HttpClient& api = SharedServer().client();
  auto slots = RequireFreeSlots(api, kOfficeMitte, kKurz, DayFromToday(6));
  const Slot s = slots[slots.size() / 3];
  std::vector<Response> holds;
  for (int i = 0; i < s.free; ++i) {
    holds.push_back(api.Post("/v1/holds", HoldBody(kOfficeMitte, kKurz, s.start)));
    REQUIRE_MESSAGE(holds.back().status == 201, holds.back().Summary());
  }
  CHECK(FreeAt(api, kOfficeMitte, kKurz, s.start) == 0);
  Response taken = api.Post("/v1/holds", HoldBody(kOfficeMitte, kKurz, s.start));
  REQUIRE_MESSAGE(taken.status == 409, taken.Summary());
  CHECK(taken.ProblemSlug() == "slot-taken");
  REQUIRE(taken.json.HasMember("alternatives"));
  REQUIRE(taken.json["alternatives"].IsArray());
  CHECK(taken.json["alternatives"].Size() > 0);
  for (const auto& alt : taken.json["alternatives"].GetArray()) {
    CHECK(alt["office"].IsString());
    CHECK(std::string(alt["start"].GetString()) != s.start);
  }
  // An alternative really is free.
  if (taken.json["alternatives"].Size() > 0) {
    const auto& alt = taken.json["alternatives"][0];
    Response take_alt = api.Post("/v1/holds", HoldBody(alt["office"].GetString(), kKurz,
                                                      alt["start"].GetString()));
    CHECK_MESSAGE(take_alt.status == 201, take_alt.Summary());
    if (take_alt.status == 201) holds.push_back(std::move(take_alt));
  }
  for (const auto& h : holds) {
    CHECK(api.Delete("/v1/holds/" + h.Str("id"), {{"X-Hold-Secret", h.Str("secret")}}).status == 204);
  }
  CHECK(FreeAt(api, kOfficeMitte, kKurz, s.start) == s.free);
}

TEST_CASE("holds that make no sense here answer 422, malformed ones 400 or 415") {
  const HttpClient& api = SharedServer().client();
  const std::string day = DayFromToday(7);
  auto slots = RequireFreeSlots(api, kOfficeMitte, kKurz, day);
  const std::string good = slots[0].start;

  std::string off_grid = good;
  off_grid[15] = off_grid[15] == '0' ? '2' : '7';
  Response r1 = api.Post("/v1/holds", HoldBody(kOfficeMitte, kKurz, off_grid));
  CHECK_MESSAGE(r1.status == 422, r1.Summary());
  CHECK(r1.ProblemSlug() == "unprocessable");
  // "selten" is not offered at test-nord.
  auto nord = RequireFreeSlots(api, kOfficeNord, kKurz, day);
  Response r2 = api.Post("/v1/holds", HoldBody(kOfficeNord, {"selten"}, nord[0].start));
  CHECK_MESSAGE(r2.status == 422, r2.Summary());
  Response r3 = api.Post("/v1/holds", HoldBody(kOfficeMitte, kKurz, DayFromToday(-1) + "T10:00:00+01:00"));
  CHECK_MESSAGE(r3.status == 422, r3.Summary());
  // Outside the opening hours (03:00 local) and beyond the booking window.
  Response r4 = api.Post("/v1/holds", HoldBody(kOfficeMitte, kKurz, day + "T03:00:00+01:00"));
  CHECK_MESSAGE(r4.status == 422, r4.Summary());
  Response r5 = api.Post("/v1/holds", HoldBody(kOfficeMitte, kKurz, DayFromToday(200) + "T10:00:00+01:00"));
  CHECK_MESSAGE(r5.status == 422, r5.Summary());

  // The same start written in UTC is the same start.
  auto t = ParseRfc3339(good);
  REQUIRE(t.has_value());
  const std::string utc = date::format("%FT%TZ", *t);
  Response z = api.Post("/v1/holds", HoldBody(kOfficeMitte, kKurz, utc));
  REQUIRE_MESSAGE(z.status == 201, z.Summary());
  CHECK(z.Str("start") == good);  // answered with the office's offset
  CHECK(api.Delete("/v1/holds/" + z.Str("id"), {{"X-Hold-Secret", z.Str("secret")}}).status == 204);

  // Malformed: missing field, wrong type, unknown field, broken JSON.
  Response m1 = api.Post("/v1/holds", "{\"office\":" + Q(kOfficeMitte) + ",\"services\":[\"kurz\"]}");
  CHECK(m1.status == 400);
  CHECK(m1.ProblemSlug() == "bad-request");
  REQUIRE(m1.json.HasMember("errors"));
  REQUIRE(m1.json["errors"].IsArray());
  REQUIRE(m1.json["errors"].Size() >= 1);
  CHECK(std::string(m1.json["errors"][0]["field"].GetString()).find("start") != std::string::npos);
  Response m2 = api.Post("/v1/holds", "{\"office\":" + Q(kOfficeMitte) + ",\"services\":\"kurz\",\"start\":" +
                                          Q(good) + "}");
  CHECK(m2.status == 400);
  CHECK(m2.json.HasMember("errors"));
  Response m3 = api.Post("/v1/holds", "{\"office\":" + Q(kOfficeMitte) + ",\"services\":[\"kurz\"],\"start\":" +
                                          Q(good) + ",\"desk\":\"a\"}");
  CHECK(m3.status == 400);
  Response m4 = api.Post("/v1/holds", "{\"office\":");
  CHECK(m4.status == 400);
  CHECK(m4.IsProblem());
  Response m5 = api.Send("POST", "/v1/holds", HoldBody(kOfficeMitte, kKurz, good), "text/plain", {});
  CHECK(m5.status == 415);
  CHECK(m5.ProblemSlug() == "unsupported-media-type");
  Response m6 = api.Post("/v1/holds", "{\"office\":" + Q(kOfficeMitte) +
                                          ",\"services\":[\"kurz\"],\"start\":\"tomorrow at ten\"}");
  CHECK(m6.status == 400);
  Response big = api.Post("/v1/holds", "{\"office\":" + Q(std::string(70 * 1024, 'x')) + "}");
  CHECK_MESSAGE(big.status == 413, big.Summary());
  CHECK(big.ProblemSlug() == "payload-too-large");
  CHECK(FreeAt(api, kOfficeMitte, kKurz, good) == slots[0].free);  // nothing was taken
}

TEST_CASE("confirm validates the contact and the hold") {
  const HttpClient& api = SharedServer().client();
  auto slots = RequireFreeSlots(api, kOfficeNord, kKurz, DayFromToday(8));
  Response hold = api.Post("/v1/holds", HoldBody(kOfficeNord, kKurz, slots[0].start));
  REQUIRE_MESSAGE(hold.status == 201, hold.Summary());
  auto confirm = [&](const std::string& contact, const std::string& secret) {
    return api.Post("/v1/appointments", "{\"hold_id\":" + Q(hold.Str("id")) + ",\"hold_secret\":" +
                                            Q(secret) + ",\"contact\":" + contact + "}");
  };
  // Neither e-mail nor phone.
  Response r1 = confirm("{\"name\":\"Ohne Kontakt\",\"language\":\"de\",\"reminders\":false}",
                        hold.Str("secret"));
  CHECK(r1.status == 400);
  CHECK(r1.json.HasMember("errors"));
  Response r2 = confirm(ContactJson("Falsche Sprache", "x@example.org", "", "fr"), hold.Str("secret"));
  CHECK(r2.status == 400);
  Response r3 = confirm(ContactJson("", "x@example.org", ""), hold.Str("secret"));
  CHECK(r3.status == 400);
  Response r4 = confirm(ContactJson("Falsches Geheimnis", "x@example.org", ""), "not-the-secret");
  CHECK(r4.status == 404);
  Response r5 = api.Post("/v1/appointments", "{\"hold_id\":\"no-such-hold\",\"hold_secret\":\"x\",\"contact\":" +
                                                 ContactJson("Niemand", "x@example.org", "") + "}");
  CHECK(r5.status == 404);
  // The hold is still intact after all the failures: it confirms.
  Response ok = confirm(ContactJson("Richtig " + UniqueTag(), "", "+49 170 0000000"), hold.Str("secret"));
  CHECK_MESSAGE(ok.status == 201, ok.Summary());
  if (ok.status == 201) {
    CHECK(api.Post("/v1/appointments/" + ok.Str("reference") + "/cancel", "{}",
                   {{"X-Manage-Secret", ok.Str("manage_secret")}})
              .status == 200);
  }
}

}  // namespace
}  // namespace termin::testing
