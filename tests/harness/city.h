// What the black-box tests need to know about the running city, read through
// the public API (never from the data file, so the tests follow whatever
// data/test-city.json holds): offices, services, free starts, local dates.
//
// Thread safety: free functions; safe from many threads.
#ifndef TERMIN_TESTS_HARNESS_CITY_H_
#define TERMIN_TESTS_HARNESS_CITY_H_

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "tests/harness/http_client.h"

namespace termin::testing {

struct OfficeRef {
  std::string id;
  std::string timezone;
  std::vector<std::string> services;
  bool Offers(const std::string& service) const;
};

struct ServiceRef {
  std::string id;
  int duration_minutes = 0;
};

struct City {
  std::vector<OfficeRef> offices;
  std::vector<ServiceRef> services;
  const OfficeRef* FindOffice(const std::string& id) const;
  // The shortest service offered by every office in `office_ids`.
  std::optional<std::string> CommonService(const std::vector<std::string>& office_ids) const;
};

// Reads GET /v1/offices and GET /v1/services; an empty City on failure.
City DiscoverCity(const HttpClient& client);

struct Slot {
  std::string office;
  std::string date;   // local YYYY-MM-DD
  std::string start;  // RFC 3339 with the office's offset
  int free = 0;
};

// Starts with free > 0 from GET /v1/availability for one office, in order.
std::vector<Slot> FreeSlots(const HttpClient& client, const std::string& office,
                            const std::vector<std::string>& services, const std::string& from,
                            const std::string& to);

// Opens `office` 00:00-24:00 every day, its desks too, without breaks, by
// the admin API (PUT with cancel_conflicting=false), so that tests of
// "today" do not depend on the hour they run at. "" on success, else what
// went wrong.
std::string OpenAllDay(const HttpClient& client, const std::string& office,
                       const Headers& admin);

// Sets `office`'s same-day buffer (rules.same_day_buffer_percent and
// same_day_buffer_release, "HH:MM") by the admin API. "" on success.
std::string SetSameDayBuffer(const HttpClient& client, const std::string& office, const Headers& admin,
                             int percent, const std::string& release);

// Closes `office` on `day` (YYYY-MM-DD) for `reason` by the admin API (the
// office's document read, one closure added, PUT back). "" on success, else
// what went wrong.
std::string CloseOfficeOn(const HttpClient& client, const std::string& office,
                          const std::string& day, const std::string& reason,
                          const Headers& admin);

// Today's date in a time zone ("Europe/Berlin"), YYYY-MM-DD.
std::string LocalToday(const std::string& timezone);
// Minutes since local midnight, now, in a time zone.
int LocalMinuteOfDay(const std::string& timezone);
// YYYY-MM-DD plus `days` (may be negative).
std::string AddDays(const std::string& ymd, int days);

// Parses RFC 3339 "2026-12-01T09:30:00+01:00" or "...Z" (seconds optional
// fraction not supported). nullopt if malformed.
std::optional<std::chrono::sys_seconds> ParseRfc3339(const std::string& text);
// The local date part "YYYY-MM-DD" of an RFC 3339 time (as written).
std::string DatePart(const std::string& rfc3339);
// UTC basic format for iCalendar: 20261201T083000Z.
std::string IcsUtc(std::chrono::sys_seconds t);

}  // namespace termin::testing

#endif  // TERMIN_TESTS_HARNESS_CITY_H_
