#include "scheduler/office.h"

#include <doctest/doctest.h>

namespace termin {
namespace {

LocalInterval Hours(int from_h, int to_h) { return {Minutes{from_h * 60}, Minutes{to_h * 60}}; }

Office SmallOffice() {
  Office office;
  office.id = "mitte";
  office.zone = date::locate_zone("Europe/Berlin");
  office.holiday_region = "DE-BW";
  office.services = {{"ausweis", Minutes{20}, Minutes{5}},
                     {"meldung", Minutes{15}, Minutes{10}},
                     {"pass", Minutes{30}, Minutes{0}}};
  Desk a;
  a.id = "a";
  a.services = {"ausweis", "meldung"};
  for (int d = 0; d < 5; ++d) a.opening[d] = {Hours(8, 12), Hours(13, 16)};
  Desk b = a;
  b.id = "b";
  b.services = {"pass"};
  office.desks = {a, b};
  return office;
}

TEST_CASE("Desk::CanDo and Office::FindService") {
  const Office office = SmallOffice();
  CHECK(office.desks[0].CanDo("ausweis"));
  CHECK_FALSE(office.desks[0].CanDo("pass"));
  REQUIRE(office.FindService("pass") != nullptr);
  CHECK(office.FindService("pass")->duration == Minutes{30});
  CHECK(office.FindService("nope") == nullptr);
}

TEST_CASE("MakeVisit adds durations and takes the largest buffer") {
  const Office office = SmallOffice();
  const auto visit = MakeVisit(office, {"ausweis", "meldung"});
  REQUIRE(visit.ok());
  CHECK(visit->duration == Minutes{35});
  CHECK(visit->buffer == Minutes{10});
  CHECK(visit->occupancy() == Minutes{45});
  CHECK(visit->service_ids == std::vector<std::string>{"ausweis", "meldung"});
  const auto single = MakeVisit(office, {"pass"});
  REQUIRE(single.ok());
  CHECK(single->occupancy() == Minutes{30});
}

TEST_CASE("MakeVisit rejects empty, repeated, unknown and undoable combinations") {
  const Office office = SmallOffice();
  CHECK(MakeVisit(office, {}).status().code() == StatusCode::kInvalidArgument);
  CHECK(MakeVisit(office, {"pass", "pass"}).status().code() == StatusCode::kInvalidArgument);
  CHECK(MakeVisit(office, {"visum"}).status().code() == StatusCode::kUnprocessable);
  // Each service exists, but no single desk does both.
  CHECK(MakeVisit(office, {"ausweis", "pass"}).status().code() == StatusCode::kUnprocessable);
}

TEST_CASE("ValidateOffice accepts a sound office") {
  const Status s = ValidateOffice(SmallOffice());
  CHECK_MESSAGE(s.ok(), s.message());
}

TEST_CASE("ValidateOffice rejects structural mistakes") {
  auto rejects = [](auto mutate) {
    Office office = SmallOffice();
    mutate(office);
    return ValidateOffice(office).code() == StatusCode::kInvalidArgument;
  };
  CHECK(rejects([](Office& o) { o.zone = nullptr; }));
  CHECK(rejects([](Office& o) { o.id.clear(); }));
  CHECK(rejects([](Office& o) { o.holiday_region = "DE-XX"; }));
  CHECK(rejects([](Office& o) { o.rules.grid = Minutes{7}; }));  // 1440 % 7 != 0
  CHECK(rejects([](Office& o) { o.rules.grid = Minutes{0}; }));
  CHECK(rejects([](Office& o) { o.rules.min_notice = Minutes{-1}; }));
  CHECK(rejects([](Office& o) { o.rules.max_days_ahead = -1; }));
  CHECK(rejects([](Office& o) { o.desks[1].id = "a"; }));
  CHECK(rejects([](Office& o) { o.desks[0].services = {"meldung", "ausweis"}; }));  // unsorted
  CHECK(rejects([](Office& o) { o.desks[0].services = {"ausweis", "visum"}; }));  // not offered
  CHECK(rejects([](Office& o) { o.services.push_back({"pass", Minutes{5}, Minutes{0}}); }));
  CHECK(rejects([](Office& o) { o.services[0].duration = Minutes{0}; }));
  CHECK(rejects([](Office& o) { o.desks[0].opening[0] = {Hours(13, 16), Hours(8, 12)}; }));
  CHECK(rejects([](Office& o) { o.desks[0].opening[0] = {Hours(8, 12), Hours(11, 16)}; }));
  CHECK(rejects([](Office& o) { o.desks[0].opening[0] = {Hours(8, 25)}; }));
  CHECK(rejects([](Office& o) { o.desks[0].breaks[2] = {Hours(12, 12)}; }));
  const LocalDate day = LocalDate{date::year{2026} / 5 / 4};
  CHECK(rejects([&](Office& o) { o.desks[0].exceptions = {{day, true, {Hours(8, 9)}}}; }));
  CHECK(rejects([&](Office& o) {
    o.desks[0].exceptions = {{day, true, {}}, {day, false, {Hours(8, 9)}}};
  }));
  CHECK(rejects([&](Office& o) { o.closures = {{day, false, {Hours(10, 9)}}}; }));
  // Sound variants pass.
  Office ok = SmallOffice();
  ok.desks[0].exceptions = {{day, false, {Hours(0, 6)}}};
  ok.closures = {{day + date::days{1}, true, {}}};
  ok.rules.grid = Minutes{45};
  ok.holiday_region.clear();
  CHECK(ValidateOffice(ok).ok());
}

}  // namespace
}  // namespace termin
