// Keys that every replica must share, without any key file: the key that
// signs proof-of-work challenges and the key of waitlist offer links are
// the store's (Store::SharedSecret). A challenge issued by replica A buys a
// hold on replica B; an offer made through one replica is read and accepted
// through the other with the token the worker computes from the same key.
// (Before, each replica signed with a random key of its own: a solved
// challenge and every offer link failed on any other replica.)
#include <cstdio>
#include <thread>

#include <doctest/doctest.h>

#include "tests/harness/test_keys.h"
#include "tests/harness/tokens.h"
#include "tests/replicas/replica_env.h"

namespace termin::testing {
namespace {

// A challenge from `api`, solved as the widget does (docs/api.md).
std::string Solve(const HttpClient& api) {
  Response c = api.Get("/v1/challenge");
  REQUIRE_MESSAGE(c.status == 200, c.Summary());
  const std::string salt = c.Str("salt");
  const std::string challenge = c.Str("challenge");
  const long max = static_cast<long>(c.json["maxnumber"].GetInt64());
  for (long n = 0; n <= max; ++n) {
    if (Sha256Hex(salt + std::to_string(n)) == challenge) {
      return Base64("{\"algorithm\":\"SHA-256\",\"challenge\":" + Q(challenge) +
                    ",\"number\":" + std::to_string(n) + ",\"salt\":" + Q(salt) +
                    ",\"signature\":" + Q(c.Str("signature")) + "}");
    }
  }
  FAIL("no number solves the challenge");
  return "";
}

std::string Hold(const std::string& office, const std::string& start) {
  return "{\"office\":" + Q(office) + ",\"services\":[\"kurz\"],\"start\":" + Q(start) + "}";
}

}  // namespace

TEST_CASE("without key files, a challenge from one replica buys a hold on the other, and offer links work on both") {
  std::string error;
  auto [redis, replicas] = StartRedisWithReplicas(/*aof=*/false, 2, 0, &error);
  REQUIRE_MESSAGE(replicas.size() == 2, error);
  const HttpClient& a = replicas[0]->client();
  const HttpClient& b = replicas[1]->client();
  const Headers admin = Bearer(kAdminKey);
  const std::string day = AddDays(LocalToday("Europe/Berlin"), 12);

  // Proof of work on every hold at test-nord, set through A.
  Response office = a.Get("/v1/admin/offices/test-nord", admin);
  REQUIRE_MESSAGE(office.status == 200, office.Summary());
  rapidjson::Document doc;
  doc.CopyFrom(office.json, doc.GetAllocator());
  if (!doc.HasMember("rules")) doc.AddMember("rules", rapidjson::Value(rapidjson::kObjectType), doc.GetAllocator());
  doc["rules"].RemoveMember("proof_of_work_above_holds_per_minute");
  doc["rules"].AddMember("proof_of_work_above_holds_per_minute", 0, doc.GetAllocator());
  Response put = a.Put("/v1/admin/offices/test-nord", ToJson(doc), admin);
  REQUIRE_MESSAGE(put.status == 200, put.Summary());
  auto targets = PickTargets(b, "test-nord", day, 3, std::chrono::minutes(60));
  REQUIRE(targets.size() == 3);
  // B reads the change within its poll: probe on another day until it asks
  // for work (a probe that still gets its hold takes a place of that day).
  auto probes = FreeSlots(b, "test-nord", {"kurz"}, AddDays(day, 1), AddDays(day, 1));
  int bare = 0;
  for (std::size_t i = 0; i < probes.size() && bare != 428; ++i) {
    bare = b.Post("/v1/holds", Hold("test-nord", probes[i].start)).status;
    if (bare != 428) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(bare == 428);
  CHECK(b.Post("/v1/holds", Hold("test-nord", targets[0].start)).status == 428);
  Response held = b.Post("/v1/holds", Hold("test-nord", targets[0].start), {{"X-Proof-Of-Work", Solve(a)}});
  CHECK_MESSAGE(held.status == 201, held.Summary());
  Response back = a.Post("/v1/holds", Hold("test-nord", targets[1].start), {{"X-Proof-Of-Work", Solve(b)}});
  CHECK_MESSAGE(back.status == 201, back.Summary());

  // The waitlist at test-mitte (no proof of work there): every desk at a
  // start booked through A, a wish through A, a cancel through B.
  auto places = PickTargets(a, "test-mitte", day, 1, std::chrono::minutes(60));
  REQUIRE(places.size() == 1);
  Tally holds, confirms;
  std::vector<Acknowledged> booked;
  for (int i = 0; i < places[0].places; ++i) {
    std::optional<Acknowledged> ack;
    REQUIRE(HoldAndConfirm(a, "test-mitte", places[0].start, "Voll Besetzt", holds, confirms, &ack) == 201);
    booked.push_back(*ack);
  }
  Response wish = a.Post("/v1/waitlist",
                         "{\"services\":[\"kurz\"],\"offices\":[\"test-mitte\"],\"latest\":" + Q(day) +
                             ",\"contact\":{\"name\":\"Wanda Warteliste\",\"email\":\"wanda@example.org\"}}");
  REQUIRE_MESSAGE(wish.status == 201, wish.Summary());
  const std::string hold_id = std::string(wish.json["wishes"][0]["id"].GetString()) + "-o";
  Response cancel = b.Post("/v1/appointments/" + booked[0].reference + "/cancel", "{}",
                           {{"X-Manage-Secret", booked[0].manage_secret}});
  REQUIRE_MESSAGE(cancel.status == 200, cancel.Summary());
  // The key the worker reads from the store signs the link; both replicas take it.
  RedisView view(redis->port());
  REQUIRE(view.ok());
  const std::string key = view.Run({"GET", "secret:offer-links"});
  REQUIRE(key.size() >= 32);
  const Headers token = {{"X-Offer-Token", OfferToken(key, hold_id)}};
  Response seen = a.Get("/v1/waitlist/offers/" + hold_id, token);
  CHECK_MESSAGE(seen.status == 200, seen.Summary());
  CHECK(seen.Str("start") == places[0].start);
  Response accepted = b.Post("/v1/waitlist/offers/" + hold_id + "/accept", "", token);
  CHECK_MESSAGE(accepted.status == 201, accepted.Summary());
  CHECK(b.Get("/v1/waitlist/offers/" + hold_id, {{"X-Offer-Token", OfferToken("another key", hold_id)}})
            .status == 404);
  for (auto& r : replicas) {
    auto info = r->Stop();
    CHECK((info && info->clean()));
  }
}

}  // namespace termin::testing
