// The hotline: book in one call, find by reference, phone or name, notes,
// move, cancel; and a hotline key limited to one office sees only that one.
#include <algorithm>

#include <doctest/doctest.h>

#include "tests/blackbox/helpers.h"

namespace termin::testing {
namespace {

const std::vector<std::string> kKurz = {"kurz"};

std::vector<std::string> References(const Response& r) {
  std::vector<std::string> refs;
  if (!r.json_ok || !r.json.IsObject() || !r.json.HasMember("appointments") ||
      !r.json["appointments"].IsArray()) {
    return refs;
  }
  for (const auto& a : r.json["appointments"].GetArray()) refs.push_back(a["reference"].GetString());
  return refs;
}

bool Contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

TEST_CASE("staff endpoints need a known key: 401 problem otherwise") {
  const HttpClient& api = SharedServer().client();
  Response none = api.Get("/v1/hotline/appointments?reference=ABCD-2345");
  CHECK(none.status == 401);
  CHECK(none.ProblemSlug() == "unauthorized");
  Response unknown = api.Get("/v1/hotline/appointments?reference=ABCD-2345", Bearer("not-a-key"));
  CHECK(unknown.status == 401);
  Response basic = api.Get("/v1/hotline/appointments?reference=ABCD-2345",
                           {{"Authorization", "Basic dXNlcjpwYXNz"}});
  CHECK(basic.status == 401);
  // Keys of other roles: 403.
  Response kiosk = api.Get("/v1/hotline/appointments?reference=ABCD-2345", Bearer(kKioskMitteKey));
  CHECK(kiosk.status == 403);
  CHECK(kiosk.ProblemSlug() == "forbidden");
  CHECK(api.Get(std::string("/v1/admin/offices/") + kOfficeMitte, Bearer(kHotlineAllKey)).status == 403);
  CHECK(api.Post("/v1/kiosk/walkins", "{\"services\":[\"kurz\"]}", Bearer(kHotlineAllKey)).status == 403);
  CHECK(api.Post("/v1/kiosk/walkins", "{\"services\":[\"kurz\"]}").status == 401);
  CHECK(api.Get("/v1/admin/services").status == 401);
}

TEST_CASE("hotline flow: book, search, note, move, cancel") {
  const HttpClient& api = SharedServer().client();
  const std::string tag = UniqueTag();
  const std::string name = "Hotline Kundin " + tag;
  const std::string phone = "+49 7361 555 " + tag;
  auto slots = RequireFreeSlots(api, kOfficeNord, kKurz, DayFromToday(5));
  REQUIRE(slots.size() > 30);
  const int free_before = slots[10].free;

  Booking b = BookAsHotline(api, kHotlineAllKey, kOfficeNord, kKurz, slots[10].start, name, phone);
  CHECK(b.start == slots[10].start);
  CHECK(FreeAt(api, kOfficeNord, kKurz, slots[10].start) == free_before - 1);

  Response by_ref = api.Get("/v1/hotline/appointments?reference=" + b.reference, Bearer(kHotlineAllKey));
  REQUIRE_MESSAGE(by_ref.status == 200, by_ref.Summary());
  CHECK(References(by_ref) == std::vector<std::string>{b.reference});
  CHECK(std::string(by_ref.json["appointments"][0]["channel"].GetString()) == "hotline");
  CHECK(std::string(by_ref.json["appointments"][0]["status"].GetString()) == "confirmed");

  Response by_phone = api.Get("/v1/hotline/appointments?phone=" + UrlEncode(phone),
                              Bearer(kHotlineAllKey));
  REQUIRE_MESSAGE(by_phone.status == 200, by_phone.Summary());
  CHECK(Contains(References(by_phone), b.reference));

  // Name: case-insensitive substring.
  std::string part = "kundin " + tag;
  Response by_name = api.Get("/v1/hotline/appointments?name=" + UrlEncode(part),
                             Bearer(kHotlineAllKey));
  REQUIRE_MESSAGE(by_name.status == 200, by_name.Summary());
  CHECK(References(by_name) == std::vector<std::string>{b.reference});
  Response nobody = api.Get("/v1/hotline/appointments?name=" + UrlEncode("niemand " + tag),
                            Bearer(kHotlineAllKey));
  REQUIRE(nobody.status == 200);
  CHECK(References(nobody).empty());
  CHECK(api.Get("/v1/hotline/appointments", Bearer(kHotlineAllKey)).status == 400);

  Response one = api.Get("/v1/hotline/appointments/" + b.reference, Bearer(kHotlineAllKey));
  REQUIRE_MESSAGE(one.status == 200, one.Summary());
  CHECK(std::string(one.json["contact"]["phone"].GetString()) == phone);
  CHECK(api.Get("/v1/hotline/appointments/ZZZZ-ZZZZ", Bearer(kHotlineAllKey)).status == 404);

  Response note = api.Post("/v1/hotline/appointments/" + b.reference + "/notes",
                           "{\"text\":\"Bringt Dolmetscher mit\"}", Bearer(kHotlineAllKey));
  REQUIRE_MESSAGE(note.status == 200, note.Summary());
  Response with_note = api.Get("/v1/hotline/appointments/" + b.reference, Bearer(kHotlineAllKey));
  CHECK(with_note.body.find("Bringt Dolmetscher mit") != std::string::npos);
  CHECK(api.Post("/v1/hotline/appointments/" + b.reference + "/notes", "{\"text\":42}",
                 Bearer(kHotlineAllKey))
            .status == 400);

  const Slot& target = slots[20];
  Response moved = api.Post("/v1/hotline/appointments/" + b.reference + "/move",
                            "{\"start\":" + Q(target.start) + "}", Bearer(kHotlineAllKey));
  REQUIRE_MESSAGE(moved.status == 200, moved.Summary());
  CHECK(moved.Str("start") == target.start);
  CHECK(FreeAt(api, kOfficeNord, kKurz, slots[10].start) == free_before);
  CHECK(FreeAt(api, kOfficeNord, kKurz, target.start) == target.free - 1);

  // A move never changes office (one office, one hash slot in Redis; the same
  // answer on both stores): 422, and nothing changes. To change office the
  // hotline books there and cancels here.
  auto mitte = RequireFreeSlots(api, kOfficeMitte, kKurz, DayFromToday(5));
  Response across = api.Post("/v1/hotline/appointments/" + b.reference + "/move",
                             "{\"start\":" + Q(mitte[5].start) + ",\"office\":" + Q(kOfficeMitte) + "}",
                             Bearer(kHotlineAllKey));
  CHECK_MESSAGE(across.status == 422, across.Summary());
  CHECK(across.ProblemSlug() == "unprocessable");
  CHECK(across.Str("detail").find("moves within its office") != std::string::npos);
  CHECK(FreeAt(api, kOfficeMitte, kKurz, mitte[5].start) == mitte[5].free);
  CHECK(FreeAt(api, kOfficeNord, kKurz, target.start) == target.free - 1);
  Response unchanged = api.Get("/v1/hotline/appointments/" + b.reference, Bearer(kHotlineAllKey));
  REQUIRE(unchanged.status == 200);
  CHECK(unchanged.Str("office") == kOfficeNord);
  CHECK(unchanged.Str("start") == target.start);
  // Naming its own office is still a move within it.
  const Slot& again = slots[30];
  Response same_office = api.Post("/v1/hotline/appointments/" + b.reference + "/move",
                                  "{\"start\":" + Q(again.start) + ",\"office\":" + Q(kOfficeNord) + "}",
                                  Bearer(kHotlineAllKey));
  REQUIRE_MESSAGE(same_office.status == 200, same_office.Summary());
  CHECK(same_office.Str("start") == again.start);
  CHECK(FreeAt(api, kOfficeNord, kKurz, target.start) == target.free);

  // Change of office: book at test-mitte, then cancel at test-nord.
  Booking there = BookAsHotline(api, kHotlineAllKey, kOfficeMitte, kKurz, mitte[5].start, name, phone);
  CHECK(there.office == kOfficeMitte);
  CHECK(there.reference != b.reference);
  CHECK(FreeAt(api, kOfficeMitte, kKurz, mitte[5].start) == mitte[5].free - 1);
  Response cancelled = api.Post("/v1/hotline/appointments/" + b.reference + "/cancel", "{}",
                                Bearer(kHotlineAllKey));
  REQUIRE_MESSAGE(cancelled.status == 200, cancelled.Summary());
  CHECK(cancelled.Str("status") == "cancelled");
  CHECK(FreeAt(api, kOfficeNord, kKurz, again.start) == again.free);
  CHECK(api.Post("/v1/hotline/appointments/" + b.reference + "/cancel", "{}", Bearer(kHotlineAllKey))
            .status == 409);
  // The new one is the caller's appointment now; release it so the slot
  // counts of other cases stay as they were.
  Response done = api.Post("/v1/hotline/appointments/" + there.reference + "/cancel", "{}",
                           Bearer(kHotlineAllKey));
  REQUIRE_MESSAGE(done.status == 200, done.Summary());
  CHECK(FreeAt(api, kOfficeMitte, kKurz, mitte[5].start) == mitte[5].free);
}

TEST_CASE("a hotline key limited to one office cannot see or touch another's") {
  const HttpClient& api = SharedServer().client();
  const std::string tag = UniqueTag();
  auto nord = RequireFreeSlots(api, kOfficeNord, kKurz, DayFromToday(6));
  Booking b = BookAsHotline(api, kHotlineAllKey, kOfficeNord, kKurz, nord[3].start,
                            "Nord Kunde " + tag, "+49 30 1234 " + tag);

  // Booking at test-nord with the test-mitte key: 403, and nothing taken.
  Response book = api.Post("/v1/hotline/appointments",
                           "{\"office\":" + Q(kOfficeNord) + ",\"services\":[\"kurz\"],\"start\":" +
                               Q(nord[8].start) + ",\"contact\":" +
                               ContactJson("Verboten " + tag, "", "+49 30 9999 " + tag) + "}",
                           Bearer(kHotlineMitteKey));
  CHECK(book.status == 403);
  CHECK(book.ProblemSlug() == "forbidden");
  CHECK(FreeAt(api, kOfficeNord, kKurz, nord[8].start) == nord[8].free);

  Response read = api.Get("/v1/hotline/appointments/" + b.reference, Bearer(kHotlineMitteKey));
  CHECK((read.status == 404 || read.status == 403));
  CHECK(read.body.find("Nord Kunde") == std::string::npos);
  Response search = api.Get("/v1/hotline/appointments?reference=" + b.reference, Bearer(kHotlineMitteKey));
  CHECK((search.status == 200 || search.status == 403));
  CHECK(References(search).empty());
  Response by_name = api.Get("/v1/hotline/appointments?name=" + UrlEncode("nord kunde " + tag),
                             Bearer(kHotlineMitteKey));
  CHECK(References(by_name).empty());
  CHECK(by_name.body.find("Nord Kunde") == std::string::npos);
  Response cancel = api.Post("/v1/hotline/appointments/" + b.reference + "/cancel", "{}",
                             Bearer(kHotlineMitteKey));
  CHECK((cancel.status == 404 || cancel.status == 403));
  Response note = api.Post("/v1/hotline/appointments/" + b.reference + "/notes", "{\"text\":\"x\"}",
                           Bearer(kHotlineMitteKey));
  CHECK((note.status == 404 || note.status == 403));
  Response move = api.Post("/v1/hotline/appointments/" + b.reference + "/move",
                           "{\"start\":" + Q(nord[9].start) + "}", Bearer(kHotlineMitteKey));
  CHECK((move.status == 404 || move.status == 403));

  // The unrestricted key still sees it unchanged.
  Response still = api.Get("/v1/hotline/appointments/" + b.reference, Bearer(kHotlineAllKey));
  REQUIRE(still.status == 200);
  CHECK(still.Str("status") == "confirmed");
  CHECK(still.Str("start") == nord[3].start);
  CHECK(still.body.find("\"x\"") == std::string::npos);
  // The limited key may book at its own office.
  auto mitte = RequireFreeSlots(api, kOfficeMitte, kKurz, DayFromToday(6));
  Booking own = BookAsHotline(api, kHotlineMitteKey, kOfficeMitte, kKurz, mitte[4].start,
                              "Mitte Kunde " + tag, "+49 30 5678 " + tag);
  Response own_read = api.Get("/v1/hotline/appointments/" + own.reference, Bearer(kHotlineMitteKey));
  CHECK(own_read.status == 200);
  CHECK(api.Post("/v1/hotline/appointments/" + own.reference + "/cancel", "{}", Bearer(kHotlineMitteKey))
            .status == 200);
  CHECK(api.Post("/v1/hotline/appointments/" + b.reference + "/cancel", "{}", Bearer(kHotlineAllKey))
            .status == 200);
}

}  // namespace
}  // namespace termin::testing
