// The evaluation routes of the running binary (#16), on both stores: every
// figure as JSON and as CSV, the audit log; each answer lands in the
// contract log and is validated against openapi.yaml. (The figures' truth is
// tested in service/evaluation_test.cc against a replayed month.)
#include <doctest/doctest.h>

#include "tests/blackbox/helpers.h"

namespace termin::testing {
namespace {

const std::vector<std::string> kFigures = {"capacity",  "bookings",  "no_shows", "lead_time", "next_free",
                                           "queue",     "durations", "demand",   "waitlist", "reminders"};

TEST_CASE("evaluation: every figure as JSON and CSV; a booking counts at once; the audit log") {
  const HttpClient& api = SharedServer().client();
  const std::string day = DayFromToday(5);
  auto slots = RequireFreeSlots(api, kOfficeNord, {"kurz"}, day);
  const std::string tag = UniqueTag();
  const std::string range = "?from=" + day + "&to=" + day + "&period=day";
  const std::string base = std::string("/v1/admin/offices/") + kOfficeNord + "/evaluation/";
  Response before = api.Get(base + "bookings" + range, Bearer(kAdminKey));
  REQUIRE_MESSAGE(before.status == 200, before.Summary());
  Booking b = BookAsHotline(api, kHotlineAllKey, kOfficeNord, {"kurz"}, slots[0].start,
                            "Eva Luation " + tag, "+49 711 " + tag.substr(0, 6));
  Response after = api.Get(base + "bookings" + range, Bearer(kAdminKey));
  REQUIRE_MESSAGE(after.status == 200, after.Summary());
  auto hotline_kurz = [](const Response& r) {
    for (const auto& row : r.json["rows"].GetArray()) {
      if (std::string(row[1].GetString()) == "hotline" && std::string(row[2].GetString()) == "kurz") {
        return row[3].GetInt64();
      }
    }
    return std::int64_t{0};
  };
  CHECK(hotline_kurz(after) == hotline_kurz(before) + 1);
  CHECK(after.body.find("Luation") == std::string::npos);
  CHECK(after.body.find(b.reference) == std::string::npos);

  for (const std::string& figure : kFigures) {
    Response json = api.Get(base + figure + range, Bearer(kAdminKey));
    CHECK_MESSAGE(json.status == 200, figure << ": " << json.Summary());
    CHECK(json.Str("figure") == figure);
    Response csv = api.Get(base + figure + range + "&format=csv", Bearer(kAdminKey));
    CHECK_MESSAGE(csv.status == 200, figure << ": " << csv.Summary());
    const bool header = csv.body.rfind("\xEF\xBB\xBFperiod;", 0) == 0 ||
                        csv.body.rfind("\xEF\xBB\xBFservice;", 0) == 0;
    CHECK_MESSAGE(header, figure);
  }
  Headers accept = Bearer(kAdminKey);
  accept.emplace_back("Accept", "text/csv");
  CHECK(api.Get(base + "capacity" + range, accept).body.rfind("\xEF\xBB\xBF", 0) == 0);
  CHECK(api.Get(base + "capacity" + range, Bearer(kHotlineAllKey)).status == 403);
  CHECK(api.Get(base + "capacity" + range).status == 401);
  CHECK(api.Get(base + "capacity?from=" + day, Bearer(kAdminKey)).status == 400);
  CHECK(api.Get(base + "nonsense" + range, Bearer(kAdminKey)).status == 400);

  Response log = api.Get(std::string("/v1/admin/audit?office=") + kOfficeNord + "&limit=1000", Bearer(kAdminKey));
  REQUIRE_MESSAGE(log.status == 200, log.Summary());
  bool found = false;
  for (const auto& e : log.json["entries"].GetArray()) {
    if (e.HasMember("reference") && std::string(e["reference"].GetString()) == b.reference &&
        std::string(e["action"].GetString()) == "POST /v1/hotline/appointments") {
      found = true;
    }
  }
  CHECK(found);
  CHECK(log.body.find("Luation") == std::string::npos);
  CHECK(log.body.find(kHotlineAllKey) == std::string::npos);
  CHECK(api.Get("/v1/admin/audit?office=*", Bearer(kAdminKey)).status == 200);
  CHECK(api.Get("/v1/admin/audit?limit=0", Bearer(kAdminKey)).status == 400);
  CHECK(api.Get("/v1/admin/audit", Bearer(kHotlineAllKey)).status == 403);
}

}  // namespace
}  // namespace termin::testing
