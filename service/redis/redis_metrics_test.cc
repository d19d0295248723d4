// The Redis store's counters on GET /metrics: a WAIT that fewer replicas
// acknowledged than asked (a single redis-server has none) is counted in
// termin_redis_wait_short_total, and the cluster redirect series are there
// (zero without a cluster).
#include <doctest/doctest.h>

#include "api/app.h"
#include "api/clock.h"
#include "service/redis/redis_store.h"
#include "service/redis/redis_test_server.h"

namespace termin::service {
namespace {

using namespace std::chrono_literals;

std::string MetricsBody(api::App& app) {
  api::HttpRequest r;
  r.method = "GET";
  r.path = "/metrics";
  api::HttpResponse res = app.Handle(r);
  REQUIRE(res.status == 200);
  return res.body;
}

// The value of the exact series `series` ("name" or "name{label=\"v\"}"), or -1.
long long Series(const std::string& body, const std::string& series) {
  std::size_t at = 0;
  while ((at = body.find(series + " ", at)) != std::string::npos) {
    if (at == 0 || body[at - 1] == '\n') return std::stoll(body.substr(at + series.size() + 1));
    at += series.size();
  }
  return -1;
}

TEST_CASE("metrics: a short WAIT and the cluster redirects are counters on /metrics") {
  auto server = RedisTestServer::Start();
  REQUIRE_MESSAGE(server.ok(), server.status().message());
  auto options = ParseRedisUrl((*server)->url());
  REQUIRE(options.ok());
  options->wait_replicas = 1;  // there is no replica: every booking step's WAIT is short
  options->wait_timeout = 5ms;
  auto clock = std::make_shared<api::SystemClock>();
  auto store = RedisStore::Connect(*options, clock);
  REQUIRE_MESSAGE(store.ok(), store.status().message());
  std::shared_ptr<RedisStore> shared(std::move(store).value());
  auto catalog = api::LoadCatalogFile("data/test-city.json");
  REQUIRE(catalog.ok());
  auto keys = api::KeyTable::Parse("[]");
  REQUIRE(keys.ok());
  api::ApiOptions api_options;
  api_options.access_log = false;
  api::App app(shared, clock, std::move(catalog).value(), std::move(keys).value(), api_options);

  std::string body = MetricsBody(app);
  CHECK(body.find("# TYPE termin_redis_wait_short_total counter") != std::string::npos);
  CHECK(body.find("# TYPE termin_redis_redirects_total counter") != std::string::npos);
  CHECK(Series(body, "termin_redis_wait_short_total") == 0);
  CHECK(Series(body, "termin_redis_redirects_total{kind=\"moved\"}") == 0);
  CHECK(Series(body, "termin_redis_redirects_total{kind=\"ask\"}") == 0);

  api::AppointmentRecord a;
  a.reference = "WAIT-0001";
  a.secret_hash = "h";
  a.booking.office_id = "o1";
  a.booking.desk_id = "d1";
  a.booking.services = {"kurz"};
  a.booking.start = std::chrono::time_point_cast<Minutes>(
                        std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())) +
                    std::chrono::days(2);
  a.booking.end = a.booking.start + Minutes(10);
  a.booking.claim_end = a.booking.end;
  REQUIRE(shared->CreateAppointment(a, "", {}).ok());  // written on the primary all the same
  REQUIRE(shared->CancelAppointment("WAIT-0001", "citizen", {}).ok());
  CHECK(shared->GetAppointment("WAIT-0001").ok());  // a read waits for nothing

  body = MetricsBody(app);
  CHECK(Series(body, "termin_redis_wait_short_total") == 2);
}

}  // namespace
}  // namespace termin::service
