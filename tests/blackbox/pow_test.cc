// Proof of work for holds (#14, api/security/pow.h) against a running termin-api: an
// office whose rules ask for it refuses a hold without a solved challenge
// (428 problem+json with a Link to /v1/challenge), takes one with a
// solution, refuses the same solution twice and a forged one; with a rate
// in the rule, work is asked for only above it. On the embedded store and
// on Redis (api_blackbox_redis).

#include <doctest/doctest.h>

#include "tests/blackbox/helpers.h"
#include "tests/harness/tokens.h"

namespace termin::testing {
namespace {

const std::vector<std::string> kKurz = {"kurz"};

// Fetches a challenge and solves it as the widget does; `number_delta`
// forges the answer.
std::string Solve(const HttpClient& api, long number_delta = 0) {
  Response c = api.Get("/v1/challenge");
  REQUIRE_MESSAGE(c.status == 200, c.Summary());
  CHECK(c.Str("algorithm") == "SHA-256");
  const std::string salt = c.Str("salt");
  const std::string challenge = c.Str("challenge");
  const long max = static_cast<long>(c.json["maxnumber"].GetInt64());
  long found = -1;
  for (long n = 0; n <= max; ++n) {
    if (Sha256Hex(salt + std::to_string(n)) == challenge) {
      found = n;
      break;
    }
  }
  REQUIRE(found >= 0);
  return Base64("{\"algorithm\":\"SHA-256\",\"challenge\":" + Q(challenge) +
                ",\"number\":" + std::to_string(found + number_delta) + ",\"salt\":" + Q(salt) +
                ",\"signature\":" + Q(c.Str("signature")) + "}");
}

void SetRule(const HttpClient& api, int above) {
  const std::string path = std::string("/v1/admin/offices/") + kOfficeNord;
  Response office = api.Get(path, Bearer(kAdminKey));
  REQUIRE_MESSAGE(office.status == 200, office.Summary());
  rapidjson::Document doc;
  doc.CopyFrom(office.json, doc.GetAllocator());
  if (!doc.HasMember("rules")) doc.AddMember("rules", rapidjson::Value(rapidjson::kObjectType), doc.GetAllocator());
  auto& rules = doc["rules"];
  if (rules.HasMember("proof_of_work_above_holds_per_minute")) {
    rules["proof_of_work_above_holds_per_minute"].SetInt(above);
  } else {
    rules.AddMember("proof_of_work_above_holds_per_minute", above, doc.GetAllocator());
  }
  Response put = api.Put(path, ToJson(doc), Bearer(kAdminKey));
  REQUIRE_MESSAGE(put.status == 200, put.Summary());
}

std::unique_ptr<ApiServer> Server(const std::string& name) {
  ApiServerOptions options;
  options.name = name;
  options.extra_args = {"--pow-maxnumber", "20000"};
  std::string error;
  auto server = ApiServer::Start(options, &error);
  REQUIRE_MESSAGE(server != nullptr, error);
  return server;
}

}  // namespace

TEST_CASE("an office that asks for proof of work takes a hold only with a fresh solved challenge") {
  auto server = Server("pow-always");
  const HttpClient& api = server->client();
  SetRule(api, 0);  // always
  auto slots = RequireFreeSlots(api, kOfficeNord, kKurz, DayFromToday(4));
  REQUIRE(slots.size() >= 12);
  const std::string body = HoldBody(kOfficeNord, kKurz, slots[0].start);

  Response bare = api.Post("/v1/holds", body);
  INFO(bare.Summary());
  CHECK(bare.status == 428);
  CHECK(bare.IsProblem());
  CHECK(bare.Header("Link").find("/v1/challenge") != std::string::npos);

  const std::string solution = Solve(api);
  Response held = api.Post("/v1/holds", body, {{"X-Proof-Of-Work", solution}});
  CHECK_MESSAGE(held.status == 201, held.Summary());
  // The same solution buys no second hold.
  Response again = api.Post("/v1/holds", HoldBody(kOfficeNord, kKurz, slots[4].start),
                            {{"X-Proof-Of-Work", solution}});
  CHECK(again.status == 428);
  CHECK(again.body.find("used already") != std::string::npos);
  // A wrong number, garbage, another server's signature: refused.
  CHECK(api.Post("/v1/holds", HoldBody(kOfficeNord, kKurz, slots[8].start),
                 {{"X-Proof-Of-Work", Solve(api, 1)}}).status == 428);
  CHECK(api.Post("/v1/holds", HoldBody(kOfficeNord, kKurz, slots[8].start),
                 {{"X-Proof-Of-Work", "bm90IGpzb24="}}).status == 428);
  auto other = Server("pow-other");
  CHECK(api.Post("/v1/holds", HoldBody(kOfficeNord, kKurz, slots[8].start),
                 {{"X-Proof-Of-Work", Solve(other->client())}}).status == 428);
  // Offices without the rule are not affected.
  auto mitte = RequireFreeSlots(api, kOfficeMitte, kKurz, DayFromToday(4));
  CHECK(api.Post("/v1/holds", HoldBody(kOfficeMitte, kKurz, mitte[0].start)).status == 201);
}

TEST_CASE("with a rate in the rule, work is asked for only once the office's holds exceed it") {
  auto server = Server("pow-busy");
  const HttpClient& api = server->client();
  SetRule(api, 3);
  auto slots = RequireFreeSlots(api, kOfficeNord, kKurz, DayFromToday(5));
  REQUIRE(slots.size() >= 20);
  // Starts far enough apart not to overlap (one desk, 10-minute visits).
  int plain = 0;
  for (int i = 0; i < 3; ++i) {
    plain += api.Post("/v1/holds", HoldBody(kOfficeNord, kKurz, slots[4 * i].start)).status == 201;
  }
  CHECK(plain == 3);
  CHECK(api.Post("/v1/holds", HoldBody(kOfficeNord, kKurz, slots[12].start)).status == 428);
  CHECK(api.Post("/v1/holds", HoldBody(kOfficeNord, kKurz, slots[12].start),
                 {{"X-Proof-Of-Work", Solve(api)}}).status == 201);
}

}  // namespace termin::testing
