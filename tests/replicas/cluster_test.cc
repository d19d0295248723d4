// termin-api on a Redis Cluster, as a city would run it: three primaries
// (service/redis/redis_test_server.h, RedisTestCluster: redis-server
// --cluster-enabled yes, joined by redis-cli --cluster create), the API
// started with --store redis+cluster://... after --check-config accepted the
// same flags. Books over HTTP (never more than the free desks), reads
// /metrics, and with the primary of an office killed answers 503
// problem+json for it and says unready.
#include <algorithm>
#include <cstdio>
#include <thread>

#include <doctest/doctest.h>

#include "service/redis/redis_cluster.h"
#include "service/redis/redis_test_server.h"
#include "tests/harness/test_keys.h"
#include "tests/replicas/replica_env.h"

namespace termin::testing {
namespace {

// termin-api with `args`, to its end (bounded); its exit code, or -1.
int RunApi(const std::vector<std::string>& args, const std::string& log) {
  std::vector<std::string> argv = {TERMIN_API_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  std::string error;
  auto p = Subprocess::Start(argv, log, &error);
  REQUIRE_MESSAGE(p.has_value(), error);
  for (int i = 0; i < 500; ++i) {
    if (auto e = p->Poll()) return e->exited ? e->code : -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return -1;
}

TEST_CASE("termin-api on a 3-primary Redis Cluster: check-config, booking, metrics, a primary lost") {
  auto cluster = service::RedisTestCluster::Start(3);
  REQUIRE_MESSAGE(cluster.ok(), cluster.status().message());
  const std::string url = (*cluster)->url();
  const std::string logs = TestLogDir();

  CHECK(RunApi({"--check-config", "--store", url}, logs + "/cluster-check.log") == 0);
  CHECK(RunApi({"--check-config", "--store", "redis+cluster://127.0.0.1:1/2"}, logs + "/cluster-check-bad.log") == 2);

  ApiServerOptions options;
  options.store = url;
  options.name = "api-cluster";
  std::string error;
  auto api = ApiServer::Start(options, &error);
  REQUIRE_MESSAGE(api != nullptr, error);
  const HttpClient& c = api->client();
  CHECK(c.Get("/readyz").status == 200);

  // Every free desk of one start can be booked once, and not once more.
  const std::string day = AddDays(LocalToday("Europe/Berlin"), 3);
  Tally holds, confirms;
  for (const std::string office : {"test-mitte", "test-nord"}) {
    CAPTURE(office);
    std::printf("cluster test: %s is in slot %d on 127.0.0.1:%d\n", office.c_str(),
                service::KeySlot("o:" + office), (*cluster)->PortOfSlot(service::KeySlot("o:" + office)));
    auto targets = PickTargets(c, office, day, 1, std::chrono::minutes(60));
    REQUIRE(targets.size() == 1);
    int booked = 0, refused = 0;
    for (int i = 0; i <= targets[0].places; ++i) {
      std::optional<Acknowledged> ack;
      int hold = HoldAndConfirm(c, office, targets[0].start, "Erika Mustermann", holds, confirms, &ack);
      if (ack) ++booked;
      if (hold == 409) ++refused;
    }
    CHECK(booked == targets[0].places);
    CHECK(refused == 1);
  }
  CHECK(holds.FiveHundreds() == 0);
  CHECK(confirms.FiveHundreds() == 0);

  Response metrics = c.Get("/metrics");
  REQUIRE(metrics.status == 200);
  CHECK(metrics.body.find("termin_redis_redirects_total{kind=\"moved\"} 0") != std::string::npos);
  CHECK(metrics.body.find("termin_redis_redirects_total{kind=\"ask\"} 0") != std::string::npos);
  CHECK(metrics.body.find("termin_redis_wait_short_total 0") != std::string::npos);

  // The primary of test-mitte goes: unready, and its bookings are 503
  // problem+json (never a 500 or a crash).
  const int port = (*cluster)->PortOfSlot(service::KeySlot("o:test-mitte"));
  const auto ports = (*cluster)->ports();
  const auto index = static_cast<std::size_t>(std::find(ports.begin(), ports.end(), port) - ports.begin());
  REQUIRE(index < ports.size());
  REQUIRE((*cluster)->KillNode(index).ok());
  CHECK(c.Get("/readyz").status == 503);
  auto later = PickTargets(c, "test-mitte", AddDays(day, 1), 1, std::chrono::minutes(60));
  Response hold = c.Post("/v1/holds",
                         "{\"office\":\"test-mitte\",\"services\":[\"kurz\"],\"start\":\"" +
                             (later.empty() ? AddDays(day, 1) + "T09:00:00+01:00" : later[0].start) + "\"}");
  CHECK(hold.status == 503);
  CHECK(hold.MediaType() == "application/problem+json");
  CHECK(api->Running());
}

}  // namespace
}  // namespace termin::testing
