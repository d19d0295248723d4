// Calendar files that calendars apply: a booking's .ics when new, after two
// moves and after its cancellation, read by an independent parser (Debian's
// python3-icalendar, tests/ics/check_ics.py): one UID, a growing SEQUENCE,
// PUBLISH / REQUEST / CANCEL, the office as ORGANIZER, alarms as chosen.
#include <cstdlib>
#include <fstream>

#include <date/date.h>
#include <doctest/doctest.h>

#include "tests/blackbox/helpers.h"

namespace termin::testing {
namespace {

const std::vector<std::string> kKurz = {"kurz"};

std::string Utc(const std::string& rfc3339) {
  auto t = ParseRfc3339(rfc3339);
  REQUIRE(t.has_value());
  return date::format("%Y-%m-%dT%H:%M:%SZ", std::chrono::floor<std::chrono::seconds>(*t));
}

TEST_CASE("the .ics of a booking, moved twice and cancelled, updates the citizen's calendar") {
  const HttpClient& api = SharedServer().client();
  std::vector<Slot> slots;
  for (auto& s : RequireFreeSlots(api, kOfficeNord, kKurz, DayFromToday(5))) {
    if (slots.empty() || *ParseRfc3339(s.start) >= *ParseRfc3339(slots.back().start) + std::chrono::minutes(40)) {
      slots.push_back(s);
    }
  }
  REQUIRE(slots.size() >= 3);
  const std::string tag = UniqueTag();
  const std::string email = "kalender." + tag + "@example.org";
  Response hold = api.Post("/v1/holds", HoldBody(kOfficeNord, kKurz, slots[0].start));
  REQUIRE_MESSAGE(hold.status == 201, hold.Summary());
  Response booked = api.Post("/v1/appointments",
                             "{\"hold_id\":" + Q(hold.Str("id")) + ",\"hold_secret\":" + Q(hold.Str("secret")) +
                                 ",\"contact\":{\"name\":\"Kalender " + tag + "\",\"email\":" + Q(email) +
                                 ",\"language\":\"de\",\"reminders\":true}}");
  REQUIRE_MESSAGE(booked.status == 201, booked.Summary());
  const std::string ref = booked.Str("reference");
  const Headers manage = {{"X-Manage-Secret", booked.Str("manage_secret")}};

  Response office = api.Get(std::string("/v1/admin/offices/") + kOfficeNord, Bearer(kAdminKey));
  REQUIRE(office.status == 200);
  std::string alarms = "[";
  for (const auto& m : office.json["rules"]["reminder_minutes_before"].GetArray()) {
    alarms += (alarms.size() > 1 ? "," : "") + std::to_string(m.GetInt());
  }
  alarms += "]";
  const std::string organizer = std::string("mailto:") + office.json["email"].GetString();

  std::string files;
  auto keep = [&](const std::string& method, const std::string& status, const Response& appointment,
                  const std::string& alarm_list) {
    Response ics = api.Get("/v1/appointments/" + ref + "/ics", manage);
    REQUIRE_MESSAGE(ics.status == 200, ics.Summary());
    CHECK(ics.body.find("Kalender " + tag) == std::string::npos);  // no name in the file
    const std::string path = TestLogDir() + "/ics-" + tag + "-" + std::to_string(files.size()) + ".ics";
    std::ofstream(path, std::ios::binary) << ics.body;
    files += std::string(files.empty() ? "" : ",") + "{\"path\":" + Q(path) + ",\"method\":" + Q(method) +
             ",\"status\":" + Q(status) + ",\"start\":" + Q(Utc(appointment.Str("start"))) +
             ",\"end\":" + Q(Utc(appointment.Str("end"))) + ",\"alarms\":" + alarm_list +
             ",\"attendee\":" + (method == "REQUEST" ? Q("mailto:" + email) : std::string("null")) + "}";
  };
  keep("PUBLISH", "CONFIRMED", booked, alarms);
  for (int i = 1; i <= 2; ++i) {
    Response moved = api.Post("/v1/appointments/" + ref + "/move", "{\"start\":" + Q(slots[i].start) + "}", manage);
    REQUIRE_MESSAGE(moved.status == 200, moved.Summary());
    keep("REQUEST", "CONFIRMED", moved, alarms);
  }
  Response cancelled = api.Post("/v1/appointments/" + ref + "/cancel", "{}", manage);
  REQUIRE_MESSAGE(cancelled.status == 200, cancelled.Summary());
  keep("CANCEL", "CANCELLED", cancelled, "[]");

  const std::string spec = TestLogDir() + "/ics-" + tag + ".json";
  std::ofstream(spec) << "{\"organizer\":" << Q(organizer) << ",\"files\":[" << files << "]}";
  // Debian's Python, where python3-icalendar is (a python3 earlier on PATH may lack it).
  const int rc = std::system(("/usr/bin/python3 tests/ics/check_ics.py " + spec).c_str());
  CHECK_MESSAGE(rc == 0, "tests/ics/check_ics.py " << spec << " failed (output above)");
}

}  // namespace
}  // namespace termin::testing
