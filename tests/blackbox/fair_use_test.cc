// Fair-use limits (api/security/limits.h) against a running termin-api with the limits
// on: one client cannot hold an office's places, a flood from one address is
// slowed with 429 and Retry-After, staff keys count on their own, and behind
// a trusted proxy each client counts by the address the proxy saw. On the
// embedded store, and on Redis in api_blackbox_redis.
#include <doctest/doctest.h>

#include "tests/blackbox/helpers.h"

namespace termin::testing {
namespace {

const std::vector<std::string> kKurz = {"kurz"};

std::unique_ptr<ApiServer> LimitedServer(const std::string& name, std::vector<std::string> args) {
  ApiServerOptions options;
  options.fair_use_limits = true;
  options.name = name;
  options.extra_args = std::move(args);
  std::string error;
  auto server = ApiServer::Start(options, &error);
  REQUIRE_MESSAGE(server != nullptr, error);
  return server;
}

int RetryAfter(const Response& r) {
  const std::string v = r.Header("Retry-After");
  if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos) return -1;
  return std::stoi(v);
}

TEST_CASE("one client cannot hold an office's places: the third open hold is 429") {
  auto server = LimitedServer("fair-holds", {});  // termin-api's defaults: 2 open holds
  const HttpClient& api = server->client();
  // Starts 30 minutes apart, so no hold blocks another's start.
  std::vector<Slot> slots;
  for (int day = 3; slots.size() < 24 && day < 10; ++day) {
    auto free = FreeSlots(api, kOfficeNord, kKurz, DayFromToday(day), DayFromToday(day));
    for (std::size_t i = 0; i < free.size(); i += 6) slots.push_back(free[i]);
  }
  REQUIRE(slots.size() >= 24);

  // The script that held every place: 20 holds in a row.
  std::vector<Response> holds;
  int placed = 0, limited = 0;
  for (int i = 0; i < 20; ++i) {
    Response r = api.Post("/v1/holds", HoldBody(kOfficeNord, kKurz, slots[i].start));
    if (r.status == 201) {
      ++placed;
      holds.push_back(std::move(r));
    } else if (r.status == 429) {
      ++limited;
      CHECK(r.IsProblem());
      CHECK(r.ProblemSlug() == "too-many-requests");
      CHECK(RetryAfter(r) >= 1);
      CHECK(RetryAfter(r) <= 600);  // until the oldest hold lapses (10 min)
    } else {
      FAIL_CHECK(r.Summary());
    }
  }
  CHECK(placed == 2);
  CHECK(limited == 18);
  for (int i = 2; i < 20; ++i) CHECK(FreeAt(api, kOfficeNord, kKurz, slots[i].start) == slots[i].free);

  // A hold given back makes room for the next.
  REQUIRE(holds.size() == 2);
  Response back = api.Delete("/v1/holds/" + holds[0].Str("id"), {{"X-Hold-Secret", holds[0].Str("secret")}});
  CHECK(back.status == 204);
  Response next = api.Post("/v1/holds", HoldBody(kOfficeNord, kKurz, slots[20].start));
  CHECK_MESSAGE(next.status == 201, next.Summary());
  CHECK(api.Post("/v1/holds", HoldBody(kOfficeNord, kKurz, slots[21].start)).status == 429);
  // So does a confirmed one: the appointment is no longer an open hold.
  Response booked = api.Post("/v1/appointments",
                             "{\"hold_id\":" + Q(holds[1].Str("id")) + ",\"hold_secret\":" +
                                 Q(holds[1].Str("secret")) + ",\"contact\":" +
                                 ContactJson("Bucht Einmal", "einmal@example.org", "") + "}");
  CHECK_MESSAGE(booked.status == 201, booked.Summary());
  CHECK(api.Post("/v1/holds", HoldBody(kOfficeNord, kKurz, slots[22].start)).status == 201);

  Response metrics = api.Get("/metrics");
  CHECK(metrics.body.find("termin_limited_total{limit=\"open_holds\"}") != std::string::npos);
}

TEST_CASE("a flood from one address gets 429 after its burst; ops routes and staff keys count apart") {
  auto server = LimitedServer("fair-requests", {"--public-requests-per-minute", "20",
                                                "--staff-requests-per-minute", "40"});
  const HttpClient& api = server->client();
  int ok = 0;
  Response over;
  for (int i = 0; i < 30; ++i) {
    Response r = api.Get("/v1/offices");
    if (r.status == 200) {
      ++ok;
    } else {
      over = std::move(r);
      break;
    }
  }
  CHECK(ok == 20);
  REQUIRE(over.status == 429);
  CHECK(over.IsProblem());
  // 20 a minute: the next token in about 3 s.
  CHECK(RetryAfter(over) >= 1);
  CHECK(RetryAfter(over) <= 4);
  CHECK(api.Get("/healthz").status == 200);
  CHECK(api.Get("/readyz").status == 200);
  // An unknown key is no way round it: it counts as its address.
  CHECK(api.Get("/v1/offices", Bearer("made-up-key")).status == 429);
  // A staff key has its own bucket.
  int staff_ok = 0;
  for (int i = 0; i < 45; ++i) {
    if (api.Get("/v1/availability/next?services=kurz&limit=1", Bearer(kHotlineAllKey)).status == 200) ++staff_ok;
  }
  CHECK(staff_ok == 40);
  CHECK(api.Get("/v1/admin/offices/test-mitte", Bearer(kAdminKey)).status == 200);  // another key
}

TEST_CASE("behind a trusted proxy each client counts by the address the proxy saw") {
  auto slots = [](const HttpClient& api) { return RequireFreeSlots(api, kOfficeMitte, kKurz, DayFromToday(4)); };
  const auto hold = [](const HttpClient& api, const std::string& start, const std::string& client) {
    return api.Post("/v1/holds", HoldBody(kOfficeMitte, kKurz, start), {{"X-Forwarded-For", client}});
  };
  {
    auto server = LimitedServer("fair-proxy", {"--open-holds-per-client", "1", "--trusted-proxy", "127.0.0.1"});
    const HttpClient& api = server->client();
    auto s = slots(api);
    CHECK(hold(api, s[0].start, "203.0.113.1").status == 201);
    CHECK(hold(api, s[1].start, "203.0.113.1").status == 429);
    CHECK(hold(api, s[2].start, "203.0.113.2").status == 201);
    CHECK(hold(api, s[3].start, "2001:db8:7:7::1").status == 201);
    CHECK(hold(api, s[4].start, "2001:db8:7:7::2").status == 429);  // the same /64
    // A client that makes up an earlier hop is still counted by what the proxy saw.
    CHECK(hold(api, s[5].start, "198.51.100.9, 203.0.113.2").status == 429);
  }
  {
    // Without --trusted-proxy the header is the client's own word: ignored.
    auto server = LimitedServer("fair-noproxy", {"--open-holds-per-client", "1"});
    const HttpClient& api = server->client();
    auto s = slots(api);
    CHECK(hold(api, s[0].start, "203.0.113.1").status == 201);
    CHECK(hold(api, s[1].start, "203.0.113.2").status == 429);
  }
}

TEST_CASE("an office's quota per identity: the same person cannot book a service twice online") {
  auto server = LimitedServer("fair-identity", {});
  const HttpClient& api = server->client();
  // The office allows one future appointment per identity and service.
  const std::string path = std::string("/v1/admin/offices/") + kOfficeNord;
  Response office = api.Get(path, Bearer(kAdminKey));
  REQUIRE_MESSAGE(office.status == 200, office.Summary());
  rapidjson::Document doc;
  doc.CopyFrom(office.json, doc.GetAllocator());
  if (!doc.HasMember("rules")) doc.AddMember("rules", rapidjson::Value(rapidjson::kObjectType), doc.GetAllocator());
  doc["rules"].AddMember("appointments_per_identity", 1, doc.GetAllocator());
  Response put = api.Put(path, ToJson(doc), Bearer(kAdminKey));
  REQUIRE_MESSAGE(put.status == 200, put.Summary());
  Response back = api.Get(path, Bearer(kAdminKey));
  REQUIRE(back.json.HasMember("rules"));
  CHECK(back.json["rules"]["appointments_per_identity"].GetInt() == 1);

  std::vector<Slot> slots;
  for (int day = 3; slots.size() < 6 && day < 10; ++day) {
    auto free = FreeSlots(api, kOfficeNord, kKurz, DayFromToday(day), DayFromToday(day));
    for (std::size_t i = 0; i < free.size(); i += 6) slots.push_back(free[i]);
  }
  REQUIRE(slots.size() >= 6);
  // Hold, then confirm with `email`; the confirm's answer (and gives the hold back if refused).
  auto book = [&](const Slot& slot, const std::string& email) {
    Response hold = api.Post("/v1/holds", HoldBody(kOfficeNord, kKurz, slot.start));
    REQUIRE_MESSAGE(hold.status == 201, hold.Summary());
    Response r = api.Post("/v1/appointments", "{\"hold_id\":" + Q(hold.Str("id")) + ",\"hold_secret\":" +
                                                  Q(hold.Str("secret")) + ",\"contact\":" +
                                                  ContactJson("Erika Vielbucher", email, "") + "}");
    if (r.status != 201) {
      (void)api.Delete("/v1/holds/" + hold.Str("id"), {{"X-Hold-Secret", hold.Str("secret")}});
    }
    return r;
  };
  Response first = book(slots[0], "erika.vielbucher@example.org");
  REQUIRE_MESSAGE(first.status == 201, first.Summary());
  for (const std::string variant : {"Erika.Vielbucher+2@Example.org", "erika.vielbucher@EXAMPLE.ORG"}) {
    Response again = book(slots[1], variant);
    CHECK_MESSAGE(again.status == 409, again.Summary());
    CHECK(again.ProblemSlug() == "too-many-appointments");
    CHECK(again.IsProblem());
  }
  CHECK(FreeAt(api, kOfficeNord, kKurz, slots[1].start) == slots[1].free);  // nothing booked
  // Another person books; the hotline may book for the same person.
  CHECK(book(slots[2], "max.muster@example.org").status == 201);
  Response hotline = api.Post("/v1/hotline/appointments",
                              "{\"office\":" + Q(kOfficeNord) + ",\"services\":[\"kurz\"],\"start\":" +
                                  Q(slots[3].start) + ",\"contact\":" +
                                  ContactJson("Erika Vielbucher", "erika.vielbucher@example.org", "") + "}",
                              Bearer(kHotlineAllKey));
  CHECK_MESSAGE(hotline.status == 201, hotline.Summary());
  // Once the first is cancelled, the person may book online again.
  Response cancelled = api.Post("/v1/appointments/" + first.Str("reference") + "/cancel", "{}",
                                {{"X-Manage-Secret", first.Str("manage_secret")}});
  CHECK(cancelled.status == 200);
  CHECK(book(slots[4], "erika.vielbucher+neu@example.org").status == 201);
}

}  // namespace
}  // namespace termin::testing
