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
