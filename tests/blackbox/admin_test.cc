// Admin changes to an office never silently drop a booked visit: a change
// that would leave appointments outside the hours answers 409 listing them,
// and only cancel_conflicting=true applies it (cancelling them).
#include <algorithm>

#include <doctest/doctest.h>

#include "tests/blackbox/helpers.h"

namespace termin::testing {
namespace {

const std::vector<std::string> kKurz = {"kurz"};

// The references a 409 lists under "appointments", or a 200 under
// "cancelled" (the surface names only the 409's key).
std::vector<std::string> ListedReferences(const Response& r) {
  std::vector<std::string> refs;
  if (!r.json_ok || !r.json.IsObject()) return refs;
  const char* key = r.json.HasMember("appointments") ? "appointments" : "cancelled";
  if (!r.json.HasMember(key) || !r.json[key].IsArray()) return refs;
  for (const auto& a : r.json[key].GetArray()) {
    if (a.IsObject() && a.HasMember("reference") && a["reference"].IsString()) {
      refs.push_back(a["reference"].GetString());
    }
  }
  return refs;
}

// The office document with one more closure day (data-format.md: "closures":
// [{"date","reason"}]).
std::string WithClosure(const Response& office_doc, const std::string& day) {
  rapidjson::Document doc;
  doc.CopyFrom(office_doc.json, doc.GetAllocator());
  auto& alloc = doc.GetAllocator();
  if (!doc.HasMember("closures")) doc.AddMember("closures", rapidjson::Value(rapidjson::kArrayType), alloc);
  rapidjson::Value closure(rapidjson::kObjectType);
  closure.AddMember("date", rapidjson::Value(day.c_str(), alloc), alloc);
  closure.AddMember("reason", "Betriebsausflug (Test)", alloc);
  doc["closures"].PushBack(closure, alloc);
  return ToJson(doc);
}

TEST_CASE("admin reads an office and a change with conflicts needs cancel_conflicting") {
  const HttpClient& api = SharedServer().client();
  const std::string path = std::string("/v1/admin/offices/") + kOfficeNord;
  Response original = api.Get(path, Bearer(kAdminKey));
  REQUIRE_MESSAGE(original.status == 200, original.Summary());
  CHECK(original.Str("id") == kOfficeNord);
  REQUIRE(original.json.HasMember("desks"));  // the admin document shows desks
  CHECK(api.Get(path).status == 401);
  CHECK(api.Get(path, Bearer(kHotlineAllKey)).status == 403);
  CHECK(api.Get("/v1/admin/offices/no-such-office", Bearer(kAdminKey)).status == 404);

  const std::string day = DayFromToday(9);
  auto slots = RequireFreeSlots(api, kOfficeNord, kKurz, day);
  const std::string tag = UniqueTag();
  Booking a = BookAsCitizen(api, kOfficeNord, kKurz, slots[2].start, "Admin Konflikt A " + tag);
  Booking b = BookAsCitizen(api, kOfficeNord, kKurz, slots[slots.size() - 2].start,
                            "Admin Konflikt B " + tag);
  // An appointment on another day is not affected.
  auto other_day = RequireFreeSlots(api, kOfficeNord, kKurz, DayFromToday(10));
  Booking c = BookAsCitizen(api, kOfficeNord, kKurz, other_day[0].start, "Admin Konflikt C " + tag);

  const std::string closed = WithClosure(original, day);
  Response refused = api.Put(path + "?cancel_conflicting=false", closed, Bearer(kAdminKey));
  REQUIRE_MESSAGE(refused.status == 409, refused.Summary());
  CHECK(refused.ProblemSlug() == "conflict");
  auto listed = ListedReferences(refused);
  CHECK(listed.size() == 2);
  CHECK(std::find(listed.begin(), listed.end(), a.reference) != listed.end());
  CHECK(std::find(listed.begin(), listed.end(), b.reference) != listed.end());
  for (const auto& item : refused.json["appointments"].GetArray()) {
    CHECK(item["start"].IsString());
  }
  CHECK(refused.body.find("Admin Konflikt") == std::string::npos);  // references, not names
  // Nothing changed.
  CHECK(StatusOf(api, a) == "confirmed");
  CHECK(!FreeSlots(api, kOfficeNord, kKurz, day, day).empty());
  // The default is not to cancel.
  CHECK(api.Put(path, closed, Bearer(kAdminKey)).status == 409);

  Response applied = api.Put(path + "?cancel_conflicting=true", closed, Bearer(kAdminKey));
  REQUIRE_MESSAGE(applied.status == 200, applied.Summary());
  auto cancelled = ListedReferences(applied);
  CHECK(cancelled.size() == 2);
  CHECK(std::find(cancelled.begin(), cancelled.end(), a.reference) != cancelled.end());
  CHECK(StatusOf(api, a) == "cancelled");
  CHECK(StatusOf(api, b) == "cancelled");
  CHECK(StatusOf(api, c) == "confirmed");
  CHECK(FreeSlots(api, kOfficeNord, kKurz, day, day).empty());
  Response reread = api.Get(path, Bearer(kAdminKey));
  CHECK(reread.body.find(day) != std::string::npos);

  // Restore: the day opens again and nothing conflicts.
  Response restored = api.Put(path + "?cancel_conflicting=false", ToJson(original.json), Bearer(kAdminKey));
  REQUIRE_MESSAGE(restored.status == 200, restored.Summary());
  CHECK(!FreeSlots(api, kOfficeNord, kKurz, day, day).empty());
  CHECK(api.Post("/v1/appointments/" + c.reference + "/cancel", "{}",
                 {{"X-Manage-Secret", c.manage_secret}})
            .status == 200);
}

// The office document without one desk.
std::string WithoutDesk(const Response& office_doc, const std::string& desk) {
  rapidjson::Document doc;
  doc.CopyFrom(office_doc.json, doc.GetAllocator());
  auto& desks = doc["desks"];
  for (auto it = desks.Begin(); it != desks.End(); ++it) {
    if ((*it)["id"].GetString() == desk) {
      desks.Erase(it);
      break;
    }
  }
  return ToJson(doc);
}

struct HeldStart {
  std::string id, secret;
};

HeldStart RequireHold(const HttpClient& api, const std::string& office, const std::string& start) {
  Response hold = api.Post("/v1/holds", HoldBody(office, kKurz, start));
  REQUIRE_MESSAGE(hold.status == 201, hold.Summary());
  return HeldStart{hold.Str("id"), hold.Str("secret")};
}

Response Confirm(const HttpClient& api, const HeldStart& h, const std::string& name) {
  return api.Post("/v1/appointments",
                  "{\"hold_id\":" + Q(h.id) + ",\"hold_secret\":" + Q(h.secret) +
                      ",\"contact\":" + ContactJson(name, "", "+49 30 555 0199") + "}");
}

// Regression: an admin closed a day on which a citizen held a start (200,
// nothing cancelled), and the citizen's confirm then got 201: an
// appointment on a closed day. The change now judges holds in its store
// step: the hold is void, its confirm answers 410 hold-void with
// alternatives, and the place is not booked.
TEST_CASE("a hold on a day the admin closes is void: its confirm answers 410 with alternatives") {
  const HttpClient& api = SharedServer().client();
  const std::string path = std::string("/v1/admin/offices/") + kOfficeNord;
  Response original = api.Get(path, Bearer(kAdminKey));
  REQUIRE_MESSAGE(original.status == 200, original.Summary());
  const std::string day = DayFromToday(13);
  auto slots = RequireFreeSlots(api, kOfficeNord, kKurz, day);
  const std::string start = slots[1].start;
  HeldStart held = RequireHold(api, kOfficeNord, start);
  CHECK(FreeAt(api, kOfficeNord, kKurz, start) == 0);  // one desk: the hold takes it

  // Holds never refuse a change (they are not bookings), but they count.
  Response closed = api.Put(path + "?cancel_conflicting=false", WithClosure(original, day),
                            Bearer(kAdminKey));
  REQUIRE_MESSAGE(closed.status == 200, closed.Summary());
  CHECK(ListedReferences(closed).empty());
  CHECK(closed.json["voided_holds"].GetInt() == 1);

  Response late = Confirm(api, held, "Nichtig " + UniqueTag());
  REQUIRE_MESSAGE(late.status == 410, late.Summary());
  CHECK(late.ProblemSlug() == "hold-void");
  CHECK(late.content_type.find("application/problem+json") == 0);
  REQUIRE(late.json.HasMember("alternatives"));
  CHECK(late.json["alternatives"].Size() > 0);
  for (const auto& alt : late.json["alternatives"].GetArray()) {
    CHECK(DatePart(alt["start"].GetString()) != day);  // never on the closed day
  }
  // Nothing was booked: reopened, the start is free again, and the void
  // hold does not come back to life.
  Response restored = api.Put(path + "?cancel_conflicting=false", ToJson(original.json), Bearer(kAdminKey));
  REQUIRE_MESSAGE(restored.status == 200, restored.Summary());
  CHECK(FreeAt(api, kOfficeNord, kKurz, start) == 1);
  CHECK(Confirm(api, held, "Nichtig").status == 410);
}

// Regression: the same with a desk the admin removes: the confirm landed on
// the removed desk. Three desks, three holds at one start, desk c removed:
// exactly one hold is void (the one on desk c), the others confirm.
TEST_CASE("a hold on a desk the admin removes is void; holds on the other desks confirm") {
  const HttpClient& api = SharedServer().client();
  const std::string path = std::string("/v1/admin/offices/") + kOfficeMitte;
  Response original = api.Get(path, Bearer(kAdminKey));
  REQUIRE_MESSAGE(original.status == 200, original.Summary());
  const std::string day = DayFromToday(14);
  auto slots = RequireFreeSlots(api, kOfficeMitte, kKurz, day);
  std::string start;
  for (const Slot& s : slots) {
    if (s.free == 3) {
      start = s.start;
      break;
    }
  }
  REQUIRE(!start.empty());
  std::vector<HeldStart> held;
  for (int i = 0; i < 3; ++i) held.push_back(RequireHold(api, kOfficeMitte, start));
  CHECK(FreeAt(api, kOfficeMitte, kKurz, start) == 0);

  Response removed = api.Put(path + "?cancel_conflicting=false", WithoutDesk(original, "c"),
                             Bearer(kAdminKey));
  REQUIRE_MESSAGE(removed.status == 200, removed.Summary());
  CHECK(removed.json["voided_holds"].GetInt() == 1);
  int booked = 0, void_answers = 0;
  std::vector<std::pair<std::string, std::string>> made;
  for (const HeldStart& h : held) {
    Response r = Confirm(api, h, "Schalter weg " + UniqueTag());
    if (r.status == 201) {
      ++booked;
      made.emplace_back(r.Str("reference"), r.Str("manage_secret"));
    } else {
      CHECK_MESSAGE(r.status == 410, r.Summary());
      CHECK(r.ProblemSlug() == "hold-void");
      ++void_answers;
    }
  }
  CHECK(booked == 2);
  CHECK(void_answers == 1);
  // Both bookings sit on the desks that remain (a and b): had one landed on
  // the removed desk, a or b would show a free place at this start.
  CHECK(FreeAt(api, kOfficeMitte, kKurz, start) == 0);
  Response restored = api.Put(path + "?cancel_conflicting=false", ToJson(original.json), Bearer(kAdminKey));
  REQUIRE_MESSAGE(restored.status == 200, restored.Summary());
  CHECK(FreeAt(api, kOfficeMitte, kKurz, start) == 1);  // two booked, desk c free again
  for (const auto& [ref, secret] : made) {
    CHECK(api.Post("/v1/appointments/" + ref + "/cancel", "{}", {{"X-Manage-Secret", secret}}).status ==
          200);
  }
}

TEST_CASE("admin creates an office, rejects invalid documents, lists services") {
  const HttpClient& api = SharedServer().client();
  Response nord = api.Get(std::string("/v1/admin/offices/") + kOfficeNord, Bearer(kAdminKey));
  REQUIRE(nord.status == 200);
  rapidjson::Document doc;
  doc.CopyFrom(nord.json, doc.GetAllocator());
  const std::string id = "test-admin-" + UniqueTag();
  doc["id"].SetString(id.c_str(), doc.GetAllocator());
  const std::string path = "/v1/admin/offices/" + id;

  Response created = api.Put(path, ToJson(doc), Bearer(kAdminKey));
  REQUIRE_MESSAGE(created.status == 201, created.Summary());
  Response pub = api.Get("/v1/offices/" + id);
  CHECK_MESSAGE(pub.status == 200, pub.Summary());
  CHECK(!FreeSlots(api, id, kKurz, DayFromToday(3), DayFromToday(3)).empty());
  Response again = api.Put(path, ToJson(doc), Bearer(kAdminKey));
  CHECK_MESSAGE(again.status == 200, again.Summary());
  CHECK(api.Put(path, ToJson(doc), Bearer(kHotlineAllKey)).status == 403);
  CHECK(api.Put(path, ToJson(doc)).status == 401);

  // The id in the path and in the document must agree.
  Response mismatch = api.Put("/v1/admin/offices/another-" + UniqueTag(), ToJson(doc), Bearer(kAdminKey));
  CHECK((mismatch.status == 400 || mismatch.status == 422));

  // An impossible time of day: 400 with field errors.
  std::string text = ToJson(doc);
  auto at = text.find("\"20:00\"");
  REQUIRE(at != std::string::npos);
  text.replace(at, 7, "\"25:00\"");
  Response invalid = api.Put(path, text, Bearer(kAdminKey));
  CHECK(invalid.status == 400);
  CHECK(invalid.ProblemSlug() == "bad-request");
  CHECK(invalid.json.HasMember("errors"));
  CHECK(api.Put(path, "{\"id\":", Bearer(kAdminKey)).status == 400);

  Response services = api.Get("/v1/admin/services", Bearer(kAdminKey));
  REQUIRE_MESSAGE(services.status == 200, services.Summary());
  CHECK(services.body.find("\"kurz\"") != std::string::npos);
  CHECK(api.Get("/v1/admin/services", Bearer(kKioskMitteKey)).status == 403);
  // Put one service back unchanged: 200.
  const rapidjson::Value* kurz = nullptr;
  const rapidjson::Value& list = services.json.IsArray() ? services.json : services.json["services"];
  REQUIRE(list.IsArray());
  for (const auto& s : list.GetArray()) {
    if (std::string(s["id"].GetString()) == "kurz") kurz = &s;
  }
  REQUIRE(kurz != nullptr);
  Response put = api.Put("/v1/admin/services/kurz", ToJson(*kurz), Bearer(kAdminKey));
  CHECK_MESSAGE(put.status == 200, put.Summary());
  CHECK(api.Put("/v1/admin/services/kurz", "{\"id\":\"kurz\"}", Bearer(kAdminKey)).status == 400);
}

}  // namespace
}  // namespace termin::testing
