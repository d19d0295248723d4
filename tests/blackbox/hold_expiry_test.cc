// A hold keeps its place for the TTL only: confirming later answers 410
// hold-expired and the place is free again. Uses its own server with a
// 2-second TTL (--hold-ttl-override-seconds).
#include <thread>

#include <doctest/doctest.h>

#include "tests/blackbox/helpers.h"

namespace termin::testing {
namespace {

TEST_CASE("an expired hold cannot be confirmed: 410 hold-expired") {
  ApiServerOptions options;
  options.hold_ttl_seconds = 2;
  options.name = "short-ttl";
  std::string error;
  auto server = ApiServer::Start(options, &error);
  REQUIRE_MESSAGE(server != nullptr, error);
  const HttpClient& api = server->client();
  const std::vector<std::string> kurz = {"kurz"};
  auto slots = FreeSlots(api, kOfficeNord, kurz, DayFromToday(3), DayFromToday(3));
  REQUIRE(!slots.empty());
  const Slot s = slots[0];

  Response hold = api.Post("/v1/holds", HoldBody(kOfficeNord, kurz, s.start));
  REQUIRE_MESSAGE(hold.status == 201, hold.Summary());
  auto expires = ParseRfc3339(hold.Str("expires_at"));
  REQUIRE(expires.has_value());
  const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  CHECK(*expires <= now + std::chrono::seconds(4));
  CHECK(FreeAt(api, kOfficeNord, kurz, s.start) == s.free - 1);

  std::this_thread::sleep_for(std::chrono::milliseconds(3500));
  CHECK(FreeAt(api, kOfficeNord, kurz, s.start) == s.free);  // expired holds do not count
  Response late = api.Post("/v1/appointments",
                           "{\"hold_id\":" + Q(hold.Str("id")) + ",\"hold_secret\":" +
                               Q(hold.Str("secret")) + ",\"contact\":" +
                               ContactJson("Zu Spaet", "spaet@example.org", "") + "}");
  CHECK_MESSAGE(late.status == 410, late.Summary());
  CHECK(late.ProblemSlug() == "hold-expired");

  // A hold confirmed in time still works on this server.
  Response quick = api.Post("/v1/holds", HoldBody(kOfficeNord, kurz, s.start));
  REQUIRE_MESSAGE(quick.status == 201, quick.Summary());
  Response ok = api.Post("/v1/appointments",
                         "{\"hold_id\":" + Q(quick.Str("id")) + ",\"hold_secret\":" +
                             Q(quick.Str("secret")) + ",\"contact\":" +
                             ContactJson("Rechtzeitig", "ok@example.org", "") + "}");
  CHECK_MESSAGE(ok.status == 201, ok.Summary());
  // The appointment keeps its place after the hold's TTL.
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  CHECK(FreeAt(api, kOfficeNord, kurz, s.start) == s.free - 1);

  auto stopped = server->Stop(10000);
  REQUIRE(stopped.has_value());
  CHECK_MESSAGE(stopped->clean(), stopped->Describe() << "\n" << server->process().LogTail());
}

}  // namespace
}  // namespace termin::testing
