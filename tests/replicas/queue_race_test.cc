// Two desks calling next at the same moment through two termin-api replicas
// on one Redis never call one visitor twice. One visitor waits; in every
// round desk a (through replica 0) and desk b (through replica 1) press
// "call next" together: exactly one gets the visitor (200), the other is
// told nobody waits (404 queue-empty); the winner sends the visitor back to
// the queue for the next round. 1,000 rounds; the display's call counter
// must end at exactly 1,000 (no call lost, none doubled).
#include <latch>
#include <thread>

#include <doctest/doctest.h>

#include "tests/harness/test_keys.h"
#include "tests/replicas/replica_env.h"

namespace termin::testing {
namespace {

constexpr int kRounds = 1000;

TEST_CASE("queue race: two desks on two replicas never call one visitor twice") {
  std::string error;
  auto [redis, replicas] = StartRedisWithReplicas(/*aof=*/false, 2, 0, &error);
  REQUIRE_MESSAGE(replicas.size() == 2, error);
  const HttpClient& r0 = replicas[0]->client();
  const HttpClient& r1 = replicas[1]->client();
  // Open around the clock, so a number can be issued whatever the hour.
  std::string opened = OpenAllDay(r0, kOfficeMitte, Bearer(kAdminKey));
  REQUIRE_MESSAGE(opened.empty(), opened);
  if (LocalMinuteOfDay("Europe/Berlin") > 23 * 60 + 40) {
    MESSAGE("SKIPPED: too close to midnight");
    return;
  }
  REQUIRE(r0.Post("/v1/desk/a/open", "", Bearer(kDeskMitteKey)).status == 200);
  REQUIRE(r1.Post("/v1/desk/b/open", "", Bearer(kDeskMitteKey)).status == 200);
  Response ticket = r0.Post("/v1/kiosk/tickets", "{\"services\":[\"kurz\"]}", Bearer(kKioskMitteKey));
  REQUIRE_MESSAGE(ticket.status == 201, ticket.Summary());
  const std::string number = ticket.Str("ticket");

  int doubled = 0, nobody = 0, wins_a = 0, wins_b = 0, other = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (int round = 0; round < kRounds; ++round) {
    Response at_a, at_b;
    std::latch go(2);
    std::thread ta([&] {
      go.arrive_and_wait();
      at_a = r0.Post("/v1/desk/a/call-next", "", Bearer(kDeskMitteKey));
    });
    std::thread tb([&] {
      go.arrive_and_wait();
      at_b = r1.Post("/v1/desk/b/call-next", "", Bearer(kDeskMitteKey));
    });
    ta.join();
    tb.join();
    const bool a_won = at_a.status == 200;
    const bool b_won = at_b.status == 200;
    if (a_won && b_won) {
      ++doubled;
    } else if (!a_won && !b_won) {
      ++nobody;
    }
    if ((!a_won && at_a.status != 404) || (!b_won && at_b.status != 404)) {
      ++other;
      MESSAGE("round " << round << ": " << at_a.Summary() << " / " << at_b.Summary());
    }
    if (a_won) {
      ++wins_a;
      CHECK(at_a.Str("ticket") == number);
      REQUIRE(r0.Post("/v1/desk/a/requeue", "", Bearer(kDeskMitteKey)).status == 200);
    }
    if (b_won) {
      ++wins_b;
      CHECK(at_b.Str("ticket") == number);
      REQUIRE(r1.Post("/v1/desk/b/requeue", "", Bearer(kDeskMitteKey)).status == 200);
    }
    if (doubled + nobody + other > 5) break;  // failing anyway: stop early
  }
  const double seconds = SecondsSince(t0);
  std::printf("queue race: %d rounds in %.1f s: desk a %d, desk b %d, both %d, neither %d, other %d\n",
              kRounds, seconds, wins_a, wins_b, doubled, nobody, other);
  CHECK(doubled == 0);
  CHECK(nobody == 0);
  CHECK(other == 0);
  CHECK(wins_a + wins_b == kRounds);
  // Both desks won some rounds: the race was a race.
  CHECK(wins_a > 0);
  CHECK(wins_b > 0);
  Response display = r1.Get("/v1/offices/" + std::string(kOfficeMitte) + "/calls");
  REQUIRE(display.status == 200);
  REQUIRE(display.json["calls"].Size() > 0);
  CHECK(display.json["calls"][0]["seq"].GetInt() == kRounds);
  for (auto& r : replicas) {
    auto info = r->Stop();
    CHECK((info && info->clean()));
  }
}

}  // namespace
}  // namespace termin::testing
