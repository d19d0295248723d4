// Delayed re-release (#14, ZMS's deallocationDuration) against a running
// termin-api: at an office with rules.rerelease_delay_minutes, the place a
// citizen's cancellation or a given-back hold frees is not offered to the
// public (availability, holds) during the delay, while the hotline sees it
// and books it at once. On the embedded store, and on Redis in
// api_blackbox_redis. (That the place comes back after the delay is
// measured in milliseconds in the store conformance suite.)
#include <doctest/doctest.h>

#include "tests/blackbox/helpers.h"

namespace termin::testing {
namespace {

const std::vector<std::string> kKurz = {"kurz"};

int FreeAtWith(const HttpClient& api, const std::string& start, const Headers& headers) {
  const std::string day = start.substr(0, 10);
  Response r = api.Get("/v1/availability?services=kurz&office=" + std::string(kOfficeNord) +
                           "&from=" + day + "&to=" + day,
                       headers);
  REQUIRE_MESSAGE(r.status == 200, r.Summary());
  for (const auto& d : r.json["days"].GetArray()) {
    for (const auto& s : d["slots"].GetArray()) {
      if (std::string(s["start"].GetString()) == start) return s["free"].GetInt();
    }
  }
  return 0;
}

TEST_CASE("a cancelled or given-back place goes to the hotline at once, to the public only after the delay") {
  ApiServerOptions options;
  options.name = "rerelease";
  std::string error;
  auto server = ApiServer::Start(options, &error);
  REQUIRE_MESSAGE(server != nullptr, error);
  const HttpClient& api = server->client();

  const std::string path = std::string("/v1/admin/offices/") + kOfficeNord;
  Response office = api.Get(path, Bearer(kAdminKey));
  REQUIRE_MESSAGE(office.status == 200, office.Summary());
  rapidjson::Document doc;
  doc.CopyFrom(office.json, doc.GetAllocator());
  if (!doc.HasMember("rules")) {
    doc.AddMember("rules", rapidjson::Value(rapidjson::kObjectType), doc.GetAllocator());
  }
  doc["rules"].AddMember("rerelease_delay_minutes", 30, doc.GetAllocator());
  Response put = api.Put(path, ToJson(doc), Bearer(kAdminKey));
  REQUIRE_MESSAGE(put.status == 200, put.Summary());
  Response back = api.Get(path, Bearer(kAdminKey));
  REQUIRE(back.json.HasMember("rules"));
  CHECK(back.json["rules"]["rerelease_delay_minutes"].GetInt() == 30);

  auto slots = RequireFreeSlots(api, kOfficeNord, kKurz, DayFromToday(4));
  const Slot slot = slots[slots.size() / 2];
  const int desks = slot.free;
  REQUIRE(desks >= 1);

  // A citizen books and cancels: the public sees one place fewer, the hotline all.
  Booking booked = BookAsCitizen(api, kOfficeNord, kKurz, slot.start, "Erika Storno");
  Response cancel = api.Post("/v1/appointments/" + booked.reference + "/cancel", "{}",
                             {{"X-Manage-Secret", booked.manage_secret}});
  REQUIRE_MESSAGE(cancel.status == 200, cancel.Summary());
  CHECK(FreeAtWith(api, slot.start, {}) == desks - 1);
  CHECK(FreeAtWith(api, slot.start, Bearer(kHotlineAllKey)) == desks);

  // The public may hold every other place, not the released one.
  std::vector<Response> holds;
  for (int i = 0; i < desks - 1; ++i) {
    holds.push_back(api.Post("/v1/holds", HoldBody(kOfficeNord, kKurz, slot.start)));
    CHECK_MESSAGE(holds.back().status == 201, holds.back().Summary());
  }
  Response refused = api.Post("/v1/holds", HoldBody(kOfficeNord, kKurz, slot.start));
  CHECK_MESSAGE(refused.status == 409, refused.Summary());
  CHECK(refused.ProblemSlug() == "slot-taken");

  // A hold given back is released for the delay too.
  if (!holds.empty() && holds.front().status == 201) {
    Response del = api.Delete("/v1/holds/" + holds.front().Str("id"),
                              {{"X-Hold-Secret", holds.front().Str("secret")}});
    CHECK(del.status == 204);
    Response again = api.Post("/v1/holds", HoldBody(kOfficeNord, kKurz, slot.start));
    CHECK_MESSAGE(again.status == 409, again.Summary());
  }

  // The hotline takes the released place during the delay.
  Booking staff = BookAsHotline(api, kHotlineAllKey, kOfficeNord, kKurz, slot.start, "Max Anrufer",
                                "+49 7361 555-0199");
  CHECK_FALSE(staff.reference.empty());
}

}  // namespace
}  // namespace termin::testing
