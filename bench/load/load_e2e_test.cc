// The load generator against a real termin-api App (memory store) served by
// Pistache on a loopback port in this process: small numbers, real HTTP.
#include <doctest/doctest.h>

#include "api/app.h"
#include "api/security/auth.h"
#include "api/domain/catalog.h"
#include "api/clock.h"
#include "api/http/pistache_server.h"
#include "api/security/secrets.h"
#include "bench/load/bench_city.h"
#include "bench/load/rush.h"
#include "bench/load/steady_load.h"
#include "service/memory/memory_store.h"

namespace termin::bench {
namespace {

struct LiveApi {
  BenchCityOptions city;
  std::string key = api::NewSecret();
  std::unique_ptr<api::App> app;
  std::unique_ptr<api::HttpServer> server;

  LiveApi() {
    city.offices = 2;
    city.desks = 3;
    city.rush_places = 10;
    auto catalog = api::ParseCatalog(BenchCityJson(city));
    REQUIRE(catalog.ok());
    auto keys = api::KeyTable::Parse(BenchKeysJson(api::Sha256Hex(key)));
    REQUIRE(keys.ok());
    auto clock = std::make_shared<api::SystemClock>();
    api::ApiOptions options;
    options.access_log = false;
    app = std::make_unique<api::App>(std::make_shared<service::MemoryStore>(clock), clock,
                                     std::move(catalog).value(), std::move(keys).value(), options);
    REQUIRE(app->SeedStore().ok());
    api::ServerOptions so;
    so.bind = "127.0.0.1";
    so.port = 0;
    so.threads = 2;
    auto started = api::HttpServer::Start(*app, so);
    REQUIRE(started.ok());
    server = std::move(started).value();
  }
  ~LiveApi() { server->Shutdown(); }

  std::vector<Target> Targets() const { return {Target{"127.0.0.1", server->port()}}; }
  LocalDate Today() const {
    return BenchLocalDay(std::chrono::floor<Minutes>(std::chrono::system_clock::now()));
  }
};

}  // namespace

TEST_CASE("rush against a live API: exactly one success per place, verified by reading back") {
  LiveApi api;
  RushOptions o;
  o.targets = api.Targets();
  o.connections = 20;
  o.attempts = 200;
  o.places = RushPlaces(api.city, api.Today() + date::days(3));
  auto r = RunRush(o);
  REQUIRE(r.ok());
  CHECK(r->attempts == 200);
  CHECK(r->errors == 0);
  CHECK(r->confirm_failed == 0);
  CHECK(r->successes.size() == 10);
  CHECK(r->conflicts == 190);
  CHECK(r->hold_latency.count() == 200);
  auto check = VerifyRush(o.targets.front(), o, *r);
  REQUIRE(check.ok());
  CHECK(check->read_back == 10);
  CHECK(check->distinct_starts == 10);
  CHECK(check->double_bookings == 0);
  CHECK(check->places_still_offered == 0);

  SUBCASE("the check sees a forged double booking") {
    RushResult forged = *r;
    forged.successes.push_back(forged.successes.front());
    auto again = VerifyRush(o.targets.front(), o, forged);
    REQUIRE(again.ok());
    CHECK(again->double_bookings == 1);
  }
}

TEST_CASE("rush verification: places nobody booked are still offered") {
  LiveApi api;
  RushOptions o;
  o.targets = api.Targets();
  o.places = RushPlaces(api.city, api.Today() + date::days(3));
  RushResult nothing;
  auto check = VerifyRush(o.targets.front(), o, nothing);
  REQUIRE(check.ok());
  CHECK(check->places_still_offered == 10);
}

TEST_CASE("steady load against a live API: availability, web and hotline bookings") {
  LiveApi api;
  SteadyOptions o;
  o.targets = api.Targets();
  o.connections = 4;
  o.seconds = 0.5;
  o.city = api.city;
  o.first_day = api.Today() + date::days(1);
  o.days = 5;
  o.hotline_key = api.key;

  auto a = RunAvailability(o);
  REQUIRE(a.ok());
  CHECK(a->done > 0);
  CHECK(a->errors == 0);
  CHECK(a->latency.count() == a->done);

  auto w = RunWebBookings(o);
  REQUIRE(w.ok());
  CHECK(w->done > 0);
  CHECK(w->errors == 0);
  CHECK(w->requests == 2 * w->done + w->conflicts);

  auto h = RunHotlineBookings(o);
  REQUIRE(h.ok());
  CHECK(h->done > 0);
  CHECK(h->errors == 0);

  SUBCASE("a wrong hotline key is an error, not a booking") {
    o.hotline_key = "wrong";
    auto bad = RunHotlineBookings(o);
    REQUIRE(bad.ok());
    CHECK(bad->done == 0);
    CHECK(bad->errors > 0);
    CHECK(bad->error_statuses.count(401) == 1);
  }
}

TEST_CASE("no server: the run refuses instead of measuring nothing") {
  SteadyOptions o;
  o.targets = {Target{"127.0.0.1", 1}};
  o.connections = 2;
  o.seconds = 0.2;
  CHECK(RunAvailability(o).status().code() == StatusCode::kUnavailable);
}

}  // namespace termin::bench
