// Double opt-in (#14) against a running termin-api: at an office with
// rules.double_opt_in_minutes a web booking is preconfirmed until the link
// is followed (POST /v1/appointments/{ref}/confirm); hotline bookings need
// none. That an unconfirmed booking lapses and its place goes back is
// measured in milliseconds in the store conformance suite. On the embedded
// store, and on Redis in api_blackbox_redis.
#include <doctest/doctest.h>

#include "tests/blackbox/helpers.h"

namespace termin::testing {
namespace {

const std::vector<std::string> kKurz = {"kurz"};

TEST_CASE("double opt-in: a web booking is preconfirmed until its link is followed") {
  ApiServerOptions options;
  options.name = "opt-in";
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
  doc["rules"].AddMember("double_opt_in_minutes", 30, doc.GetAllocator());
  Response put = api.Put(path, ToJson(doc), Bearer(kAdminKey));
  REQUIRE_MESSAGE(put.status == 200, put.Summary());

  auto slots = RequireFreeSlots(api, kOfficeNord, kKurz, DayFromToday(6));
  Booking b = BookAsCitizen(api, kOfficeNord, kKurz, slots[0].start, "Olga Optin");
  Response read = api.Get("/v1/appointments/" + b.reference, {{"X-Manage-Secret", b.manage_secret}});
  REQUIRE_MESSAGE(read.status == 200, read.Summary());
  CHECK(read.Str("status") == "preconfirmed");
  CHECK(!read.Str("confirm_by").empty());
  // Its place is taken meanwhile.
  CHECK(FreeAt(api, kOfficeNord, kKurz, slots[0].start) == slots[0].free - 1);
  CHECK(api.Post("/v1/appointments/" + b.reference + "/confirm", "{}", {{"X-Manage-Secret", "wrong"}}).status == 404);
  Response confirmed = api.Post("/v1/appointments/" + b.reference + "/confirm", "{}",
                                {{"X-Manage-Secret", b.manage_secret}});
  REQUIRE_MESSAGE(confirmed.status == 200, confirmed.Summary());
  CHECK(confirmed.Str("status") == "confirmed");
  CHECK(StatusOf(api, b) == "confirmed");
  CHECK(api.Post("/v1/appointments/" + b.reference + "/confirm", "{}", {{"X-Manage-Secret", b.manage_secret}})
            .status == 200);

  // A preconfirmed booking may be cancelled; the hotline needs no opt-in.
  Booking c = BookAsCitizen(api, kOfficeNord, kKurz, slots[slots.size() / 2].start, "Otto Optin");
  CHECK(StatusOf(api, c) == "preconfirmed");
  Response cancel = api.Post("/v1/appointments/" + c.reference + "/cancel", "{}",
                             {{"X-Manage-Secret", c.manage_secret}});
  CHECK_MESSAGE(cancel.status == 200, cancel.Summary());
  Booking h = BookAsHotline(api, kHotlineAllKey, kOfficeNord, kKurz, slots.back().start, "Hanna Anruf",
                            "+49 7361 555-0142");
  CHECK(StatusOf(api, h) == "confirmed");
}

}  // namespace
}  // namespace termin::testing
