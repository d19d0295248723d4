// The kiosk at an office's entrance: check-in on the visit's day at its own
// office only, and walk-ins for the next free start today.
#include <doctest/doctest.h>

#include "tests/blackbox/helpers.h"

namespace termin::testing {
namespace {

const std::vector<std::string> kKurz = {"kurz"};

// Check-in and walk-in need free starts *today*, whatever the time of day
// the tests run: this server's offices are switched (through the admin API)
// to be open around the clock. Only in the last minutes before midnight is
// nothing left; those tests then say so and stop.
class AllDayServer {
 public:
  AllDayServer() {
    ApiServerOptions options;
    options.name = "all-day";
    std::string error;
    server_ = ApiServer::Start(options, &error);
    REQUIRE_MESSAGE(server_ != nullptr, error);
    for (const char* office : {kOfficeMitte, kOfficeNord}) {
      std::string opened = OpenAllDay(api(), office, Bearer(kAdminKey));
      REQUIRE_MESSAGE(opened.empty(), opened);
    }
  }
  ~AllDayServer() {
    if (server_) server_->Stop(10000);
  }
  const HttpClient& api() const { return server_->client(); }

 private:
  std::unique_ptr<ApiServer> server_;
};

// Free starts today at an office; empty (with a MESSAGE) just before midnight.
std::vector<Slot> TodaySlots(const HttpClient& api, const std::string& office) {
  auto slots = FreeSlots(api, office, kKurz, DayFromToday(0), DayFromToday(0));
  if (slots.empty()) {
    MESSAGE("SKIPPED: no free start left today at " << office << " (local time "
            << LocalMinuteOfDay(kZone) / 60 << ":" << LocalMinuteOfDay(kZone) % 60
            << ", too close to midnight)");
  }
  return slots;
}

TEST_CASE("kiosk check-in works on the visit's day at its own office only") {
  AllDayServer server;
  const HttpClient& api = server.api();
  auto today = TodaySlots(api, kOfficeMitte);
  if (today.size() < 2) return;
  const std::string tag = UniqueTag();
  Booking b = BookAsCitizen(api, kOfficeMitte, kKurz, today[0].start, "Kiosk Besucher " + tag);

  // The kiosk of another office does not see it.
  Response other = api.Post("/v1/kiosk/checkins", "{\"reference\":" + Q(b.reference) + "}",
                            Bearer(kKioskNordKey));
  CHECK(other.IsProblem());
  // ... and answers exactly as for a reference that exists nowhere, so a
  // kiosk key cannot probe other offices' references (#17: it said "no such
  // appointment at this office" for those, "no such appointment" otherwise).
  Response unknown = api.Post("/v1/kiosk/checkins", "{\"reference\":\"ZZZZ-ZZZZ\"}",
                              Bearer(kKioskNordKey));
  CHECK(other.status == 404);
  CHECK(other.status == unknown.status);
  CHECK(other.body == unknown.body);
  CHECK(StatusOf(api, b) == "confirmed");
  // Hotline and admin keys are not kiosks; no key at all is 401.
  CHECK(api.Post("/v1/kiosk/checkins", "{\"reference\":" + Q(b.reference) + "}", Bearer(kHotlineAllKey))
            .status == 403);
  CHECK(api.Post("/v1/kiosk/checkins", "{\"reference\":" + Q(b.reference) + "}").status == 401);
  CHECK(api.Post("/v1/kiosk/checkins", "{\"reference\":\"ZZZZ-ZZZZ\"}", Bearer(kKioskMitteKey)).status ==
        404);
  CHECK(api.Post("/v1/kiosk/checkins", "{}", Bearer(kKioskMitteKey)).status == 400);

  Response in = api.Post("/v1/kiosk/checkins", "{\"reference\":" + Q(b.reference) + "}",
                         Bearer(kKioskMitteKey));
  REQUIRE_MESSAGE(in.status == 200, in.Summary());
  CHECK(in.Str("reference") == b.reference);
  CHECK(in.Str("status") == "checked_in");
  CHECK(!in.Str("ticket").empty());
  CHECK(in.body.find("Kiosk Besucher") == std::string::npos);  // the screen shows no names
  CHECK(StatusOf(api, b) == "checked_in");
  // A checked-in visit cannot be cancelled by the citizen any more.
  CHECK(api.Post("/v1/appointments/" + b.reference + "/cancel", "{}",
                 {{"X-Manage-Secret", b.manage_secret}})
            .status == 409);

  // The QR form.
  Booking q = BookAsCitizen(api, kOfficeMitte, kKurz, today[1].start, "QR Besucherin " + tag);
  Response qr = api.Post("/v1/kiosk/checkins", "{\"qr\":" + Q("TERMIN:" + q.reference) + "}",
                         Bearer(kKioskMitteKey));
  REQUIRE_MESSAGE(qr.status == 200, qr.Summary());
  CHECK(qr.Str("status") == "checked_in");
  CHECK(qr.Str("ticket") != in.Str("ticket"));
  CHECK(api.Post("/v1/kiosk/checkins", "{\"qr\":\"NOT-A-TERMIN-CODE\"}", Bearer(kKioskMitteKey)).status >=
        400);
}

TEST_CASE("kiosk check-in on another day is refused") {
  const HttpClient& api = SharedServer().client();
  auto later = RequireFreeSlots(api, kOfficeMitte, kKurz, DayFromToday(3));
  Booking b = BookAsCitizen(api, kOfficeMitte, kKurz, later[later.size() / 2].start,
                            "Zu Frueh " + UniqueTag());
  Response in = api.Post("/v1/kiosk/checkins", "{\"reference\":" + Q(b.reference) + "}",
                         Bearer(kKioskMitteKey));
  CHECK(in.status >= 400);
  CHECK(in.status < 500);
  CHECK(in.IsProblem());
  CHECK(StatusOf(api, b) == "confirmed");
  CHECK(api.Post("/v1/appointments/" + b.reference + "/cancel", "{}",
                 {{"X-Manage-Secret", b.manage_secret}})
            .status == 200);
}

TEST_CASE("kiosk walk-in gets the next free start today") {
  AllDayServer server;
  const HttpClient& api = server.api();
  auto today = TodaySlots(api, kOfficeNord);
  if (today.empty()) return;
  Response w = api.Post("/v1/kiosk/walkins", "{\"services\":[\"kurz\"]}", Bearer(kKioskNordKey));
  if (w.status == 409 && LocalMinuteOfDay(kZone) > 23 * 60 + 40) {
    MESSAGE("SKIPPED: nothing left today this close to midnight");
    return;
  }
  REQUIRE_MESSAGE(w.status == 201, w.Summary());
  CHECK(w.Str("office") == kOfficeNord);
  CHECK(w.Str("status") == "checked_in");
  CHECK(!w.Str("ticket").empty());
  CHECK(!w.Str("reference").empty());
  CHECK(DatePart(w.Str("start")) == DayFromToday(0));
  auto start = ParseRfc3339(w.Str("start"));
  auto end = ParseRfc3339(w.Str("end"));
  REQUIRE(start.has_value());
  REQUIRE(end.has_value());
  CHECK(*end - *start == std::chrono::minutes(10));
  // No notice for walk-ins: the start is no later than the first start offered
  // to the public (which needs 30 minutes notice).
  CHECK(*start <= *ParseRfc3339(today[0].start));
  CHECK(*start >= std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()) -
                      std::chrono::minutes(10));
  // test-nord does not offer "selten".
  Response rare = api.Post("/v1/kiosk/walkins", "{\"services\":[\"selten\"]}", Bearer(kKioskNordKey));
  CHECK(rare.status == 422);
  CHECK(api.Post("/v1/kiosk/walkins", "{\"services\":[]}", Bearer(kKioskNordKey)).status == 400);
}

}  // namespace
}  // namespace termin::testing
