// A fair release (#14, api/domain/release_queue.h) against a running
// termin-api: an office whose day opens at a release time with a window
// refuses holds on that day without a pass (429 release-queue, Link to the
// queue), gives one ticket per address, draws the order at the window's end
// and admits with a pass that buys the hold. On the embedded store and on
// Redis (api_blackbox_redis); every response is checked against openapi.yaml.

#include <doctest/doctest.h>

#include <date/tz.h>

#include <chrono>
#include <thread>

#include "tests/blackbox/helpers.h"

namespace termin::testing {
namespace {

const std::vector<std::string> kKurz = {"kurz"};

// Sets the release rules of test-nord (admitting 1000 a second).
void SetRelease(const HttpClient& api, int days_ahead, const std::string& time, int window) {
  const std::string path = std::string("/v1/admin/offices/") + kOfficeNord;
  Response office = api.Get(path, Bearer(kAdminKey));
  REQUIRE_MESSAGE(office.status == 200, office.Summary());
  rapidjson::Document doc;
  doc.CopyFrom(office.json, doc.GetAllocator());
  auto& a = doc.GetAllocator();
  if (!doc.HasMember("rules")) doc.AddMember("rules", rapidjson::Value(rapidjson::kObjectType), a);
  auto& rules = doc["rules"];
  for (const char* k : {"max_days_ahead", "release_time", "release_window_seconds",
                        "release_admit_per_second"}) {
    rules.RemoveMember(k);
  }
  rules.AddMember("max_days_ahead", days_ahead, a);
  rules.AddMember("release_time", rapidjson::Value(time.c_str(), a), a);
  rules.AddMember("release_window_seconds", window, a);
  rules.AddMember("release_admit_per_second", 1000, a);
  Response put = api.Put(path, ToJson(doc), Bearer(kAdminKey));
  REQUIRE_MESSAGE(put.status == 200, put.Summary());
}

}  // namespace

TEST_CASE("a day being released: holds need a pass from the drawn pre-queue") {
  using namespace std::chrono;
  const auto now = floor<seconds>(system_clock::now());
  const auto local = date::make_zoned(kZone, now).get_local_time();
  const auto midnight = date::floor<date::days>(local);
  const auto since = local - midnight;
  if (since > hours(23) + minutes(55)) {
    MESSAGE("skipped: the release of this minute must stay on today");
    return;
  }
  ApiServerOptions options;
  options.name = "release";
  std::string error;
  auto server = ApiServer::Start(options, &error);
  REQUIRE_MESSAGE(server != nullptr, error);
  const HttpClient& api = server->client();
  // Released now (this minute); the draw a few seconds from now.
  const auto minute = floor<minutes>(since);
  const int window = static_cast<int>((since - minute).count()) + 4;
  const std::string time = date::format("%H:%M", minute);
  // The opening day must be one with free starts: try the next ones.
  int days = 20;
  std::vector<Slot> slots;
  for (; days < 27; ++days) {
    SetRelease(api, days, time, window);
    Response avail = api.Get("/v1/availability?services=kurz&office=" + std::string(kOfficeNord) +
                             "&from=" + DayFromToday(days) + "&to=" + DayFromToday(days));
    REQUIRE(avail.status == 200);
    if (avail.json["days"].Size() > 0) break;
  }
  REQUIRE(days < 27);
  slots = RequireFreeSlots(api, kOfficeNord, kKurz, DayFromToday(days));
  Response office = api.Get(std::string("/v1/offices/") + kOfficeNord);
  REQUIRE(office.status == 200);
  CHECK(std::string(office.json["release"]["time"].GetString()) == time);

  const std::string queue = std::string("/v1/offices/") + kOfficeNord + "/release-queue";
  Response gated = api.Post("/v1/holds", HoldBody(kOfficeNord, kKurz, slots[0].start));
  INFO(gated.Summary());
  CHECK(gated.status == 429);
  CHECK(gated.IsProblem());
  CHECK(gated.body.find("release-queue") != std::string::npos);
  CHECK(gated.Header("Link").find(queue) != std::string::npos);
  CHECK(!gated.Header("Retry-After").empty());

  Response joined = api.Post(queue, "");
  REQUIRE_MESSAGE(joined.status == 200, joined.Summary());
  CHECK(joined.Str("state") == "waiting-for-draw");
  CHECK(joined.Str("day") == DayFromToday(days));
  const std::string ticket = joined.Str("ticket");
  Response again = api.Post(queue, "{}");
  CHECK(again.Str("ticket") == ticket);  // one ticket per address
  CHECK(api.Get(queue + "/not-a-ticket").status == 404);
  CHECK(api.Post("/v1/offices/nowhere/release-queue", "").status == 404);

  // After the draw: place 1 of 1, admitted, with a pass that buys the hold.
  std::this_thread::sleep_for(seconds(window) - (since - minute) + milliseconds(300));
  Response read = api.Get(queue + "/" + ticket);
  REQUIRE_MESSAGE(read.status == 200, read.Summary());
  CHECK(read.json["position"].GetInt() == 1);
  REQUIRE(read.Str("state") == "admitted");
  // With one ticket admitted, the gate is over; a forged pass is not needed
  // then, but the real one must work too.
  Response held = api.Post("/v1/holds", HoldBody(kOfficeNord, kKurz, slots[0].start),
                           {{"X-Release-Pass", read.Str("pass")}});
  CHECK_MESSAGE(held.status == 201, held.Summary());
  // An office without the rule has no queue.
  Response none = api.Post(std::string("/v1/offices/") + kOfficeMitte + "/release-queue", "");
  CHECK(none.status == 409);
  CHECK(none.body.find("no-release") != std::string::npos);
}

}  // namespace termin::testing
