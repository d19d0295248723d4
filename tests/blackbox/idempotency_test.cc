// Retried POSTs with the same Idempotency-Key return the first response
// (same status and body, plus Idempotent-Replayed: true) and never book twice.
#include <thread>

#include <doctest/doctest.h>

#include "tests/blackbox/helpers.h"

namespace termin::testing {
namespace {

const std::vector<std::string> kKurz = {"kurz"};

std::vector<std::string> References(const Response& r) {
  std::vector<std::string> refs;
  if (!r.json_ok || !r.json.HasMember("appointments")) return refs;
  for (const auto& a : r.json["appointments"].GetArray()) refs.push_back(a["reference"].GetString());
  return refs;
}

TEST_CASE("a retried hold with the same key is replayed, not repeated") {
  const HttpClient& api = SharedServer().client();
  auto slots = RequireFreeSlots(api, kOfficeMitte, kKurz, DayFromToday(2));
  const Slot s = slots[slots.size() / 2];
  const std::string key = "hold-" + UniqueTag() + "-retry";
  const std::string body = HoldBody(kOfficeMitte, kKurz, s.start);

  Response first = api.Post("/v1/holds", body, {{"Idempotency-Key", key}});
  REQUIRE_MESSAGE(first.status == 201, first.Summary());
  CHECK(first.Header("Idempotent-Replayed") != "true");
  Response second = api.Post("/v1/holds", body, {{"Idempotency-Key", key}});
  CHECK(second.status == 201);
  CHECK(second.body == first.body);
  CHECK(second.Header("Idempotent-Replayed") == "true");
  CHECK(FreeAt(api, kOfficeMitte, kKurz, s.start) == s.free - 1);

  // Same key, different body: 422.
  Response other = api.Post("/v1/holds", HoldBody(kOfficeMitte, kKurz, slots[slots.size() / 2 + 4].start),
                            {{"Idempotency-Key", key}});
  CHECK(other.status == 422);
  CHECK(other.IsProblem());
  // Keys must be 1-200 visible ASCII characters.
  CHECK(api.Post("/v1/holds", body, {{"Idempotency-Key", std::string(201, 'k')}}).status == 400);
  CHECK(api.Post("/v1/holds", body, {{"Idempotency-Key", "bad key\x7f"}}).status == 400);
  CHECK(FreeAt(api, kOfficeMitte, kKurz, s.start) == s.free - 1);

  // Confirm twice with one key: one appointment.
  const std::string tag = UniqueTag();
  const std::string confirm = "{\"hold_id\":" + Q(first.Str("id")) + ",\"hold_secret\":" +
                              Q(first.Str("secret")) + ",\"contact\":" +
                              ContactJson("Wiederholer " + tag, "w@example.org", "") + "}";
  const std::string ckey = "confirm-" + tag;
  Response c1 = api.Post("/v1/appointments", confirm, {{"Idempotency-Key", ckey}});
  REQUIRE_MESSAGE(c1.status == 201, c1.Summary());
  Response c2 = api.Post("/v1/appointments", confirm, {{"Idempotency-Key", ckey}});
  CHECK(c2.status == 201);
  CHECK(c2.body == c1.body);
  CHECK(c2.Header("Idempotent-Replayed") == "true");
  Response found = api.Get("/v1/hotline/appointments?name=" + UrlEncode("wiederholer " + tag),
                           Bearer(kHotlineAllKey));
  REQUIRE(found.status == 200);
  CHECK(References(found).size() == 1);

  // Cancel twice with one key: the replay is the first 200, not a 409.
  const std::string kkey = "cancel-" + tag;
  Response x1 = api.Post("/v1/appointments/" + c1.Str("reference") + "/cancel", "{}",
                         {{"X-Manage-Secret", c1.Str("manage_secret")}, {"Idempotency-Key", kkey}});
  CHECK(x1.status == 200);
  Response x2 = api.Post("/v1/appointments/" + c1.Str("reference") + "/cancel", "{}",
                         {{"X-Manage-Secret", c1.Str("manage_secret")}, {"Idempotency-Key", kkey}});
  CHECK(x2.status == 200);
  CHECK(x2.body == x1.body);
  CHECK(x2.Header("Idempotent-Replayed") == "true");
}

TEST_CASE("concurrent retries of one hotline booking never book twice") {
  const HttpClient& api = SharedServer().client();
  auto slots = RequireFreeSlots(api, kOfficeMitte, kKurz, DayFromToday(2));
  const Slot s = slots[slots.size() / 3];
  const std::string tag = UniqueTag();
  const std::string body = "{\"office\":" + Q(kOfficeMitte) + ",\"services\":[\"kurz\"],\"start\":" +
                           Q(s.start) + ",\"contact\":" +
                           ContactJson("Doppelklick " + tag, "", "+49 711 " + tag) + "}";
  const std::string key = "hotline-" + tag;
  constexpr int kThreads = 8;
  std::vector<Response> responses(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      responses[i] = api.Post("/v1/hotline/appointments", body,
                              With(Bearer(kHotlineAllKey), "Idempotency-Key", key));
    });
  }
  for (auto& t : threads) t.join();
  std::string reference;
  int created = 0;
  for (const auto& r : responses) {
    INFO(r.Summary());
    CHECK(r.status != 0);
    CHECK(r.status < 500);
    if (r.status == 201) {
      ++created;
      if (reference.empty()) reference = r.Str("reference");
      CHECK(r.Str("reference") == reference);
    }
  }
  CHECK(created >= 1);
  // A sequential retry afterwards replays the same booking.
  Response later = api.Post("/v1/hotline/appointments", body,
                            With(Bearer(kHotlineAllKey), "Idempotency-Key", key));
  CHECK(later.status == 201);
  CHECK(later.Str("reference") == reference);
  CHECK(later.Header("Idempotent-Replayed") == "true");
  Response found = api.Get("/v1/hotline/appointments?name=" + UrlEncode("doppelklick " + tag),
                           Bearer(kHotlineAllKey));
  REQUIRE(found.status == 200);
  CHECK(References(found) == std::vector<std::string>{reference});
  CHECK(FreeAt(api, kOfficeMitte, kKurz, s.start) == s.free - 1);
  CHECK(api.Post("/v1/hotline/appointments/" + reference + "/cancel", "{}", Bearer(kHotlineAllKey))
            .status == 200);
}

}  // namespace
}  // namespace termin::testing

namespace termin::testing {
namespace {

// The secret with its first character changed (never the same secret: a
// fixed "x" was it whenever the secret began with x).
std::string WrongSecret(std::string secret) {
  secret[0] = secret[0] == 'x' ? 'y' : 'x';
  return secret;
}

// What a stranger must never see of someone else's answer.
void CheckNoReplayToStranger(const Response& r, const Booking& victim, const std::string& name) {
  CHECK_MESSAGE(r.Header("Idempotent-Replayed") != "true", r.Summary());
  CHECK(r.status >= 400);
  CHECK(r.IsProblem());
  CHECK(r.body.find(name) == std::string::npos);
  CHECK(r.body.find("buerger@example.org") == std::string::npos);
  CHECK(r.body.find(victim.manage_secret) == std::string::npos);
}

TEST_CASE("a stranger with the victim's idempotency key gets no replay of the victim's answer") {
  const HttpClient& api = SharedServer().client();
  auto slots = RequireFreeSlots(api, kOfficeMitte, kKurz, DayFromToday(3));
  const std::string tag = UniqueTag();
  const std::string name = "Opfer " + tag;
  Booking victim = BookAsCitizen(api, kOfficeMitte, kKurz, slots[slots.size() / 4].start, name);
  const std::string cancel = "/v1/appointments/" + victim.reference + "/cancel";
  const std::string key = "cancel-" + tag;

  Response mine = api.Post(cancel, "{}", {{"X-Manage-Secret", victim.manage_secret}, {"Idempotency-Key", key}});
  REQUIRE_MESSAGE(mine.status == 200, mine.Summary());
  REQUIRE(mine.body.find(name) != std::string::npos);  // the victim's own answer names them

  SUBCASE("without a secret") {
    CheckNoReplayToStranger(api.Post(cancel, "{}", {{"Idempotency-Key", key}}), victim, name);
  }
  SUBCASE("with a wrong secret") {
    CheckNoReplayToStranger(
        api.Post(cancel, "{}", {{"X-Manage-Secret", WrongSecret(victim.manage_secret)}, {"Idempotency-Key", key}}),
        victim, name);
  }
  SUBCASE("with a staff key of another scope") {
    Response r = api.Post(cancel, "{}", With(Bearer(kHotlineAllKey), "Idempotency-Key", key));
    CHECK(r.Header("Idempotent-Replayed") != "true");
    CHECK(r.body.find(victim.manage_secret) == std::string::npos);
  }
  // The victim's own retry still replays.
  Response again = api.Post(cancel, "{}", {{"X-Manage-Secret", victim.manage_secret}, {"Idempotency-Key", key}});
  CHECK(again.status == 200);
  CHECK(again.Header("Idempotent-Replayed") == "true");
  CHECK(again.body == mine.body);
}

TEST_CASE("a move replays only to the caller that made it") {
  const HttpClient& api = SharedServer().client();
  auto slots = RequireFreeSlots(api, kOfficeMitte, kKurz, DayFromToday(3));
  const std::string tag = UniqueTag();
  const std::string name = "Umzug " + tag;
  Booking victim = BookAsCitizen(api, kOfficeMitte, kKurz, slots[slots.size() / 3].start, name);
  const std::string move = "/v1/appointments/" + victim.reference + "/move";
  const std::string body = "{\"start\":" + Q(slots[slots.size() / 3 + 2].start) + "}";
  const std::string key = "move-" + tag;

  Response mine = api.Post(move, body, {{"X-Manage-Secret", victim.manage_secret}, {"Idempotency-Key", key}});
  REQUIRE_MESSAGE(mine.status == 200, mine.Summary());
  CheckNoReplayToStranger(api.Post(move, body, {{"X-Manage-Secret", "wrong-secret"}, {"Idempotency-Key", key}}),
                          victim, name);
  CheckNoReplayToStranger(api.Post(move, body, {{"Idempotency-Key", key}}), victim, name);
}

TEST_CASE("a key seeded by a stranger does not swallow the victim's own cancel or move") {
  const HttpClient& api = SharedServer().client();
  auto slots = RequireFreeSlots(api, kOfficeMitte, kKurz, DayFromToday(4));
  const std::string tag = UniqueTag();
  Booking victim = BookAsCitizen(api, kOfficeMitte, kKurz, slots[slots.size() / 5].start, "Vorbelegt " + tag);

  // The attacker guesses the key the victim's client will send, and goes first.
  const std::string move = "/v1/appointments/" + victim.reference + "/move";
  const std::string body = "{\"start\":" + Q(slots[slots.size() / 5 + 3].start) + "}";
  const std::string mkey = "seeded-move-" + tag;
  CHECK(api.Post(move, body, {{"Idempotency-Key", mkey}}).status >= 400);
  CHECK(api.Post(move, body, {{"X-Manage-Secret", "wrong"}, {"Idempotency-Key", mkey}}).status >= 400);
  Response moved = api.Post(move, body, {{"X-Manage-Secret", victim.manage_secret}, {"Idempotency-Key", mkey}});
  CHECK_MESSAGE(moved.status == 200, moved.Summary());
  CHECK(moved.Header("Idempotent-Replayed") != "true");
  CHECK(moved.Str("start") == slots[slots.size() / 5 + 3].start);

  const std::string cancel = "/v1/appointments/" + victim.reference + "/cancel";
  const std::string ckey = "seeded-cancel-" + tag;
  CHECK(api.Post(cancel, "{}", {{"Idempotency-Key", ckey}}).status >= 400);
  CHECK(api.Post(cancel, "{}", {{"X-Manage-Secret", "wrong"}, {"Idempotency-Key", ckey}}).status >= 400);
  Response cancelled = api.Post(cancel, "{}", {{"X-Manage-Secret", victim.manage_secret}, {"Idempotency-Key", ckey}});
  CHECK_MESSAGE(cancelled.status == 200, cancelled.Summary());
  CHECK(cancelled.Header("Idempotent-Replayed") != "true");
  CHECK(StatusOf(api, victim) == "cancelled");
}

TEST_CASE("one hotline key's idempotency key is not another hotline key's") {
  const HttpClient& api = SharedServer().client();
  auto slots = RequireFreeSlots(api, kOfficeMitte, kKurz, DayFromToday(4));
  const std::string tag = UniqueTag();
  const std::string body = "{\"office\":" + Q(kOfficeMitte) + ",\"services\":[\"kurz\"],\"start\":" +
                           Q(slots[slots.size() / 2].start) + ",\"contact\":" +
                           ContactJson("Anrufer " + tag, "", "+49 30 1234567") + "}";
  const std::string key = "hotline-" + tag;
  Response first = api.Post("/v1/hotline/appointments", body, With(Bearer(kHotlineAllKey), "Idempotency-Key", key));
  REQUIRE_MESSAGE(first.status == 201, first.Summary());
  Response other = api.Post("/v1/hotline/appointments", body, With(Bearer(kHotlineMitteKey), "Idempotency-Key", key));
  CHECK(other.Header("Idempotent-Replayed") != "true");
  if (other.status == 201) CHECK(other.Str("reference") != first.Str("reference"));
  Response same = api.Post("/v1/hotline/appointments", body, With(Bearer(kHotlineAllKey), "Idempotency-Key", key));
  CHECK(same.Header("Idempotent-Replayed") == "true");
  CHECK(same.body == first.body);
}

}  // namespace
}  // namespace termin::testing
