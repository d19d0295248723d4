#include "bench/load/bench_city.h"

#include <doctest/doctest.h>

#include <set>

#include "api/security/auth.h"
#include "api/domain/catalog.h"
#include "api/security/secrets.h"

namespace termin::bench {

TEST_CASE("bench city: the catalogue codec accepts it, with the promised shape") {
  BenchCityOptions o;
  o.offices = 3;
  o.desks = 4;
  std::vector<api::FieldError> errors;
  auto catalog = api::ParseCatalog(BenchCityJson(o), &errors);
  for (const auto& e : errors) MESSAGE(e.field << ": " << e.message);
  REQUIRE(catalog.ok());
  REQUIRE(catalog->offices.size() == 4);  // 3 spread + the rush office
  CHECK(catalog->FindOffice("bench-01") != nullptr);
  CHECK(catalog->FindOffice("bench-03") != nullptr);
  CHECK(catalog->FindOffice("bench-04") == nullptr);
  const api::OfficeInfo* rush = catalog->FindOffice(kRushOffice);
  REQUIRE(rush != nullptr);
  CHECK(rush->schedule.desks.size() == 1);
  CHECK(catalog->FindOffice("bench-02")->schedule.desks.size() == 4);
  CHECK(catalog->FindService(kBenchService) != nullptr);
}

TEST_CASE("bench keys: one hotline key the API's key table reads") {
  std::string key = api::NewSecret();
  auto table = api::KeyTable::Parse(BenchKeysJson(api::Sha256Hex(key)));
  REQUIRE(table.ok());
}

TEST_CASE("spread places: distinct, inside opening hours, days from the first") {
  BenchCityOptions o;
  o.offices = 2;
  LocalDate first = date::local_days(date::year(2026) / 3 / 27);  // spans the DST change
  SpreadPlaces places(o, first, 4);
  std::size_t per_day = (kBenchCloseMinute - kBenchOpenMinute) / kBenchGridMinutes;
  REQUIRE(places.size() == 2 * 4 * per_day);
  std::set<std::pair<std::string, Instant>> seen;
  const date::time_zone* zone = date::locate_zone(kBenchZone);
  for (std::size_t i = 0; i < places.size(); ++i) {
    Place p = places.At(i);
    CHECK(seen.insert({p.office, p.start}).second);
    auto local = zone->to_local(p.start);
    auto day = date::floor<date::days>(local);
    auto minute = std::chrono::duration_cast<Minutes>(local - day).count();
    CHECK(minute >= kBenchOpenMinute);
    CHECK(minute + kBenchGridMinutes <= kBenchCloseMinute);
    CHECK(minute % kBenchGridMinutes == 0);
    CHECK(day >= first);
    CHECK(day < first + date::days(4));
  }
  CHECK(places.At(0).office == "bench-01");
  CHECK(places.At(places.size() - 1).office == "bench-02");
}

TEST_CASE("rush places: consecutive starts on one day, one grid step apart") {
  BenchCityOptions o;
  LocalDate day = date::local_days(date::year(2026) / 12 / 1);
  auto places = RushPlaces(o, day);
  REQUIRE(places.size() == 100);
  CHECK(BenchInstantText(places.front().start) == "2026-12-01T08:00:00+01:00");
  CHECK(BenchInstantText(places.back().start) == "2026-12-01T16:15:00+01:00");
  for (std::size_t i = 1; i < places.size(); ++i) {
    CHECK(places[i].start - places[i - 1].start == Minutes(kBenchGridMinutes));
    CHECK(places[i].office == kRushOffice);
  }
}

}  // namespace termin::bench
