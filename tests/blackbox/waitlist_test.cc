// The waitlist (#14, "Benachrichtigen, wenn ein Termin frei wird") against a
// running termin-api: a wish, a cancellation whose place is offered to it in
// the cancel's step (the public cannot take it meanwhile), the offer read,
// declined (the next wish gets it) and accepted through the offer link's
// token, which this test computes from the link key as the worker does
// (HMAC-SHA256, docs/notifications.md). On the embedded store, and on Redis
// in api_blackbox_redis.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/blackbox/helpers.h"
#include "tests/harness/tokens.h"

namespace termin::testing {
namespace {

const std::vector<std::string> kKurz = {"kurz"};
constexpr char kLinkKey[] = "waitlist-test-link-key-0123456789abcdef";

std::string OfferToken(const std::string& hold_id) { return testing::OfferToken(kLinkKey, hold_id); }

std::string WishBody(const std::string& day, const std::string& name, const std::string& email) {
  return "{\"services\":[\"kurz\"],\"offices\":[" + Q(kOfficeNord) + "],\"latest\":" + Q(day) +
         ",\"weekdays\":[\"mon\",\"tue\",\"wed\",\"thu\",\"fri\",\"sat\",\"sun\"],\"from\":\"00:00\","
         "\"to\":\"24:00\",\"contact\":" + ContactJson(name, email, "") + "}";
}

TEST_CASE("a cancelled place is offered to the oldest wish; declined, it goes to the next; accepted, it is booked") {
  const std::filesystem::path key_file =
      std::filesystem::temp_directory_path() / ("termin-waitlist-key-" + std::to_string(::getpid()));
  std::ofstream(key_file) << kLinkKey << "\n";
  ApiServerOptions options;
  options.name = "waitlist";
  options.extra_args = {"--link-key-file", key_file.string()};
  std::string error;
  auto server = ApiServer::Start(options, &error);
  REQUIRE_MESSAGE(server != nullptr, error);
  const HttpClient& api = server->client();

  const std::string day = DayFromToday(5);
  auto slots = RequireFreeSlots(api, kOfficeNord, kKurz, day);
  const Slot slot = slots[slots.size() / 2];
  // Every desk at that start is booked; then two people leave wishes.
  std::vector<Booking> booked;
  for (int i = 0; i < slot.free; ++i) {
    booked.push_back(BookAsCitizen(api, kOfficeNord, kKurz, slot.start, "Voll Besetzt"));
  }
  CHECK(FreeAt(api, kOfficeNord, kKurz, slot.start) == 0);
  Response bad = api.Post("/v1/waitlist", "{\"services\":[\"kurz\"],\"latest\":\"morgen\",\"contact\":" +
                                              ContactJson("Ohne Datum", "x@example.org", "") + "}");
  CHECK(bad.status == 400);
  Response first = api.Post("/v1/waitlist", WishBody(day, "Wanda Erste", "wanda@example.org"));
  REQUIRE_MESSAGE(first.status == 201, first.Summary());
  REQUIRE(first.json["wishes"].Size() == 1);
  const std::string first_id = first.json["wishes"][0]["id"].GetString();
  Response second = api.Post("/v1/waitlist", WishBody(day, "Walter Zweiter", "walter@example.org"));
  REQUIRE_MESSAGE(second.status == 201, second.Summary());
  const std::string second_id = second.json["wishes"][0]["id"].GetString();

  // The cancel offers the place to the first wish in its step: not public.
  Response cancel = api.Post("/v1/appointments/" + booked[0].reference + "/cancel", "{}",
                             {{"X-Manage-Secret", booked[0].manage_secret}});
  REQUIRE_MESSAGE(cancel.status == 200, cancel.Summary());
  CHECK(FreeAt(api, kOfficeNord, kKurz, slot.start) == 0);
  Response taken = api.Post("/v1/holds", HoldBody(kOfficeNord, kKurz, slot.start));
  CHECK_MESSAGE(taken.status == 409, taken.Summary());

  const std::string offer1 = first_id + "-o";
  const Headers token1 = {{"X-Offer-Token", OfferToken(offer1)}};
  CHECK(api.Get("/v1/waitlist/offers/" + offer1, {{"X-Offer-Token", "w1.forged"}}).status == 404);
  Response seen = api.Get("/v1/waitlist/offers/" + offer1, token1);
  REQUIRE_MESSAGE(seen.status == 200, seen.Summary());
  CHECK(seen.Str("start") == slot.start);
  CHECK(seen.json["open"].GetBool());
  // The second wish has no offer yet.
  CHECK(api.Get("/v1/waitlist/offers/" + second_id + "-o", {{"X-Offer-Token", OfferToken(second_id + "-o")}})
            .status == 404);

  // Declined: the wish ends, the next one is offered the place.
  Response decline = api.Post("/v1/waitlist/offers/" + offer1 + "/decline", "", token1);
  CHECK_MESSAGE(decline.status == 204, decline.Summary());
  CHECK(api.Get("/v1/waitlist/offers/" + offer1, token1).status == 404);
  const std::string offer2 = second_id + "-o";
  const Headers token2 = {{"X-Offer-Token", OfferToken(offer2)}};
  Response accept = api.Post("/v1/waitlist/offers/" + offer2 + "/accept", "", token2);
  REQUIRE_MESSAGE(accept.status == 201, accept.Summary());
  CHECK(accept.Str("start") == slot.start);
  CHECK(accept.json["contact"]["name"].GetString() == std::string("Walter Zweiter"));
  Booking walter{accept.Str("reference"), accept.Str("manage_secret"), kOfficeNord, slot.start, ""};
  CHECK(StatusOf(api, walter) == "confirmed");
  // Accepted once: the offer is gone, the wish erased.
  CHECK(api.Post("/v1/waitlist/offers/" + offer2 + "/accept", "", token2).status == 404);
  CHECK(api.Delete("/v1/waitlist/" + second_id, {{"X-Wish-Secret", second.Str("secret")}}).status == 404);

  // A wish withdrawn before any offer: the next cancellation is public.
  Response third = api.Post("/v1/waitlist", WishBody(day, "Wilma Dritte", "wilma@example.org"));
  REQUIRE_MESSAGE(third.status == 201, third.Summary());
  CHECK(api.Delete("/v1/waitlist/" + std::string(third.json["wishes"][0]["id"].GetString()),
                   {{"X-Wish-Secret", "wrong"}}).status == 404);
  CHECK(api.Delete("/v1/waitlist/" + std::string(third.json["wishes"][0]["id"].GetString()),
                   {{"X-Wish-Secret", third.Str("secret")}}).status == 204);
  if (booked.size() > 1) {
    Response c2 = api.Post("/v1/appointments/" + booked[1].reference + "/cancel", "{}",
                           {{"X-Manage-Secret", booked[1].manage_secret}});
    REQUIRE(c2.status == 200);
    CHECK(FreeAt(api, kOfficeNord, kKurz, slot.start) == 1);
  }
  std::filesystem::remove(key_file);
}

TEST_CASE("an office's wishes_per_identity caps one person's open wishes; a withdrawn or answered wish frees its count") {
  ApiServerOptions options;
  options.name = "waitlist-quota";
  std::string error;
  auto server = ApiServer::Start(options, &error);
  REQUIRE_MESSAGE(server != nullptr, error);
  const HttpClient& api = server->client();
  const std::string path = std::string("/v1/admin/offices/") + kOfficeNord;
  Response office = api.Get(path, Bearer(kAdminKey));
  REQUIRE_MESSAGE(office.status == 200, office.Summary());
  rapidjson::Document doc;
  doc.CopyFrom(office.json, doc.GetAllocator());
  if (!doc.HasMember("rules")) doc.AddMember("rules", rapidjson::Value(rapidjson::kObjectType), doc.GetAllocator());
  doc["rules"].RemoveMember("wishes_per_identity");
  doc["rules"].AddMember("wishes_per_identity", 1, doc.GetAllocator());
  Response put = api.Put(path, ToJson(doc), Bearer(kAdminKey));
  REQUIRE_MESSAGE(put.status == 200, put.Summary());
  CHECK(api.Get(path, Bearer(kAdminKey)).json["rules"]["wishes_per_identity"].GetInt() == 1);
  doc["rules"]["wishes_per_identity"].SetInt(21);
  CHECK(api.Put(path, ToJson(doc), Bearer(kAdminKey)).status == 400);

  const std::string day = DayFromToday(6);
  Response first = api.Post("/v1/waitlist", WishBody(day, "Quentin Quote", "quentin@example.org"));
  REQUIRE_MESSAGE(first.status == 201, first.Summary());
  // The same person again, the address written differently: refused, nothing made.
  Response again = api.Post("/v1/waitlist", WishBody(day, "Quentin Quote", "Quentin+zwei@Example.org"));
  CHECK_MESSAGE(again.status == 409, again.Summary());
  CHECK(again.IsProblem());
  CHECK(again.Str("type") == "https://termin.example/problems/too-many-wishes");
  // Someone else is not affected.
  Response other = api.Post("/v1/waitlist", WishBody(day, "Olga Andere", "olga@example.org"));
  CHECK_MESSAGE(other.status == 201, other.Summary());
  // Withdrawn: the person may wish again.
  const std::string id = first.json["wishes"][0]["id"].GetString();
  REQUIRE(api.Delete("/v1/waitlist/" + id, {{"X-Wish-Secret", first.Str("secret")}}).status == 204);
  Response after = api.Post("/v1/waitlist", WishBody(day, "Quentin Quote", "quentin@example.org"));
  CHECK_MESSAGE(after.status == 201, after.Summary());
}


// Regression (bench/rush_sim.mjs, --bot-wishes): a person at the office's
// appointments_per_identity could still leave a wish, whose offers could
// only be refused at the accept while the place stayed blocked.
TEST_CASE("a wish from a person already at the office's appointments_per_identity is 409 too-many-appointments") {
  ApiServerOptions options;
  options.name = "waitlist-identity";
  std::string error;
  auto server = ApiServer::Start(options, &error);
  REQUIRE_MESSAGE(server != nullptr, error);
  const HttpClient& api = server->client();
  const std::string path = std::string("/v1/admin/offices/") + kOfficeNord;
  Response office = api.Get(path, Bearer(kAdminKey));
  REQUIRE_MESSAGE(office.status == 200, office.Summary());
  rapidjson::Document doc;
  doc.CopyFrom(office.json, doc.GetAllocator());
  if (!doc.HasMember("rules")) doc.AddMember("rules", rapidjson::Value(rapidjson::kObjectType), doc.GetAllocator());
  doc["rules"].RemoveMember("appointments_per_identity");
  doc["rules"].AddMember("appointments_per_identity", 1, doc.GetAllocator());
  Response put = api.Put(path, ToJson(doc), Bearer(kAdminKey));
  REQUIRE_MESSAGE(put.status == 200, put.Summary());

  const std::string day = DayFromToday(6);
  // Before booking: the wish is fine (and withdrawn again).
  Response early = api.Post("/v1/waitlist", WishBody(day, "Ida Identisch", "ida@example.org"));
  REQUIRE_MESSAGE(early.status == 201, early.Summary());
  REQUIRE(api.Delete("/v1/waitlist/" + std::string(early.json["wishes"][0]["id"].GetString()),
                     {{"X-Wish-Secret", early.Str("secret")}}).status == 204);
  // Ida books her one appointment for "kurz" online.
  std::vector<Slot> slots;
  for (int d = 3; slots.empty() && d < 10; ++d) slots = FreeSlots(api, kOfficeNord, kKurz, DayFromToday(d), DayFromToday(d));
  REQUIRE_FALSE(slots.empty());
  Response hold = api.Post("/v1/holds", HoldBody(kOfficeNord, kKurz, slots[0].start));
  REQUIRE_MESSAGE(hold.status == 201, hold.Summary());
  Response booked = api.Post("/v1/appointments", "{\"hold_id\":" + Q(hold.Str("id")) + ",\"hold_secret\":" +
                                                     Q(hold.Str("secret")) + ",\"contact\":" +
                                                     ContactJson("Ida Identisch", "ida@example.org", "") + "}");
  REQUIRE_MESSAGE(booked.status == 201, booked.Summary());
  // Now a wish for the same service, the address written differently: refused, nothing made.
  Response refused = api.Post("/v1/waitlist", WishBody(day, "Ida Identisch", "Ida+warte@Example.org"));
  CHECK_MESSAGE(refused.status == 409, refused.Summary());
  CHECK(refused.IsProblem());
  CHECK(refused.ProblemSlug() == "too-many-appointments");
  // Someone else may wish.
  Response other = api.Post("/v1/waitlist", WishBody(day, "Olga Andere", "olga@example.org"));
  CHECK_MESSAGE(other.status == 201, other.Summary());
}

}  // namespace
}  // namespace termin::testing
