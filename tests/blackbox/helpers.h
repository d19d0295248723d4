// Steps the black-box tests share: booking through the public API, finding
// free starts, unique contact data. They assert with doctest (REQUIRE), so
// call them only inside test cases.
#ifndef TERMIN_TESTS_BLACKBOX_HELPERS_H_
#define TERMIN_TESTS_BLACKBOX_HELPERS_H_

#include <string>
#include <vector>

#include "tests/harness/api_server.h"
#include "tests/harness/city.h"
#include "tests/harness/http_client.h"
#include "tests/harness/test_keys.h"

namespace termin::testing {

inline constexpr char kZone[] = "Europe/Berlin";  // every office of the test city

// The city as the shared server shows it (read once).
const City& TestCity();

// Today + days in the test city's zone.
std::string DayFromToday(int days);

// A unique tag for names and phone numbers, so searches find only this
// test's appointments.
std::string UniqueTag();

// Free starts for one office and service on one day (REQUIREs at least one).
std::vector<Slot> RequireFreeSlots(const HttpClient& client, const std::string& office,
                                   const std::vector<std::string>& services,
                                   const std::string& day);

// The `free` count of one start on the availability list, 0 if not offered.
int FreeAt(const HttpClient& client, const std::string& office,
           const std::vector<std::string>& services, const std::string& start);

std::string HoldBody(const std::string& office, const std::vector<std::string>& services,
                     const std::string& start);
std::string ContactJson(const std::string& name, const std::string& email,
                        const std::string& phone, const std::string& language = "de");

struct Booking {
  std::string reference;
  std::string manage_secret;
  std::string office;
  std::string start;
  std::string end;
};

// Hold + confirm through the public API; REQUIREs 201 twice.
Booking BookAsCitizen(const HttpClient& client, const std::string& office,
                      const std::vector<std::string>& services, const std::string& start,
                      const std::string& name);
// One call through the hotline; REQUIREs 201.
Booking BookAsHotline(const HttpClient& client, const std::string& key, const std::string& office,
                      const std::vector<std::string>& services, const std::string& start,
                      const std::string& name, const std::string& phone);

// GET /v1/appointments/{ref} with the manage secret; the status field.
std::string StatusOf(const HttpClient& client, const Booking& booking);

}  // namespace termin::testing

#endif  // TERMIN_TESTS_BLACKBOX_HELPERS_H_
