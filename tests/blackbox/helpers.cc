#include "tests/blackbox/helpers.h"

#include <unistd.h>

#include <atomic>
#include <mutex>

#include <doctest/doctest.h>

namespace termin::testing {

const City& TestCity() {
  static std::once_flag once;
  static City city;
  std::call_once(once, [] { city = DiscoverCity(SharedServer().client()); });
  REQUIRE_MESSAGE(city.FindOffice(kOfficeMitte) != nullptr,
                  "the test city (data/test-city.json) has no office " << kOfficeMitte);
  REQUIRE_MESSAGE(city.FindOffice(kOfficeNord) != nullptr,
                  "the test city (data/test-city.json) has no office " << kOfficeNord);
  return city;
}

std::string DayFromToday(int days) { return AddDays(LocalToday(kZone), days); }

std::string UniqueTag() {
  static std::atomic<int> counter{0};
  // Digits only, so it also fits into phone numbers.
  return std::to_string(::getpid() % 100000) + std::to_string(1000 + counter++);
}

std::vector<Slot> RequireFreeSlots(const HttpClient& client, const std::string& office,
                                   const std::vector<std::string>& services,
                                   const std::string& day) {
  auto slots = FreeSlots(client, office, services, day, day);
  REQUIRE_MESSAGE(!slots.empty(), "no free start at " << office << " on " << day);
  return slots;
}

int FreeAt(const HttpClient& client, const std::string& office,
           const std::vector<std::string>& services, const std::string& start) {
  const std::string day = DatePart(start);
  for (const auto& s : FreeSlots(client, office, services, day, day)) {
    if (s.start == start) return s.free;
  }
  return 0;
}

std::string HoldBody(const std::string& office, const std::vector<std::string>& services,
                     const std::string& start) {
  return "{\"office\":" + Q(office) + ",\"services\":" + QList(services) + ",\"start\":" + Q(start) +
         "}";
}

std::string ContactJson(const std::string& name, const std::string& email,
                        const std::string& phone, const std::string& language) {
  std::string out = "{\"name\":" + Q(name);
  if (!email.empty()) out += ",\"email\":" + Q(email);
  if (!phone.empty()) out += ",\"phone\":" + Q(phone);
  out += ",\"language\":" + Q(language) + ",\"reminders\":false}";
  return out;
}

Booking BookAsCitizen(const HttpClient& client, const std::string& office,
                      const std::vector<std::string>& services, const std::string& start,
                      const std::string& name) {
  Response hold = client.Post("/v1/holds", HoldBody(office, services, start));
  REQUIRE_MESSAGE(hold.status == 201, hold.Summary());
  Response appt = client.Post(
      "/v1/appointments", "{\"hold_id\":" + Q(hold.Str("id")) + ",\"hold_secret\":" +
                              Q(hold.Str("secret")) + ",\"contact\":" +
                              ContactJson(name, "buerger@example.org", "") + "}");
  REQUIRE_MESSAGE(appt.status == 201, appt.Summary());
  Booking b{appt.Str("reference"), appt.Str("manage_secret"), appt.Str("office"), appt.Str("start"),
            appt.Str("end")};
  REQUIRE(!b.reference.empty());
  REQUIRE(!b.manage_secret.empty());
  return b;
}

Booking BookAsHotline(const HttpClient& client, const std::string& key, const std::string& office,
                      const std::vector<std::string>& services, const std::string& start,
                      const std::string& name, const std::string& phone) {
  Response r = client.Post("/v1/hotline/appointments",
                           "{\"office\":" + Q(office) + ",\"services\":" + QList(services) +
                               ",\"start\":" + Q(start) + ",\"contact\":" +
                               ContactJson(name, "", phone) + "}",
                           Bearer(key));
  REQUIRE_MESSAGE(r.status == 201, r.Summary());
  Booking b{r.Str("reference"), r.Str("manage_secret"), r.Str("office"), r.Str("start"),
            r.Str("end")};
  REQUIRE(!b.reference.empty());
  return b;
}

std::string StatusOf(const HttpClient& client, const Booking& booking) {
  Response r = client.Get("/v1/appointments/" + booking.reference,
                          {{"X-Manage-Secret", booking.manage_secret}});
  REQUIRE_MESSAGE(r.status == 200, r.Summary());
  return r.Str("status");
}

}  // namespace termin::testing
