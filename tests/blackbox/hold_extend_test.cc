// POST /v1/holds/{holdId}/extend: a live hold keeps its place longer, only
// for its owner, at most ten times; an expired hold answers 410 like a late
// confirm. Own server with a 2-second TTL (--hold-ttl-override-seconds), so
// "longer than the TTL" takes seconds, not minutes.
#include <thread>

#include <doctest/doctest.h>

#include "tests/blackbox/helpers.h"

namespace termin::testing {
namespace {

using namespace std::chrono_literals;

Response Extend(const HttpClient& api, const Response& hold, const std::string& secret) {
  return api.Post("/v1/holds/" + hold.Str("id") + "/extend", "", {{"X-Hold-Secret", secret}});
}

int IntMember(const Response& r, const char* key) {
  if (!r.json_ok || !r.json.IsObject() || !r.json.HasMember(key) || !r.json[key].IsInt()) return -1;
  return r.json[key].GetInt();
}

TEST_CASE("extend: a hold lives past its TTL for its owner, ten times at most, never once expired") {
  ApiServerOptions options;
  options.hold_ttl_seconds = 2;
  options.name = "extend-ttl";
  std::string error;
  auto server = ApiServer::Start(options, &error);
  REQUIRE_MESSAGE(server != nullptr, error);
  const HttpClient& api = server->client();
  const std::vector<std::string> kurz = {"kurz"};
  auto slots = RequireFreeSlots(api, kOfficeNord, kurz, DayFromToday(4));
  REQUIRE(slots.size() >= 2);
  const Slot s = slots[0];

  Response hold = api.Post("/v1/holds", HoldBody(kOfficeNord, kurz, s.start));
  REQUIRE_MESSAGE(hold.status == 201, hold.Summary());
  CHECK(IntMember(hold, "extensions_left") == 10);
  const std::string secret = hold.Str("secret");
  auto first_expiry = ParseRfc3339(hold.Str("expires_at"));
  REQUIRE(first_expiry.has_value());

  // Strangers and bad input: problem+json, nothing extended.
  Response wrong = Extend(api, hold, "not-the-secret");
  CHECK_MESSAGE(wrong.status == 404, wrong.Summary());
  CHECK(wrong.IsProblem());
  Response none = api.Post("/v1/holds/" + hold.Str("id") + "/extend", "");
  CHECK(none.status == 404);
  CHECK(none.IsProblem());
  Response unknown = api.Post("/v1/holds/test-nord.nosuchhold/extend", "", {{"X-Hold-Secret", secret}});
  CHECK(unknown.status == 404);
  Response text = api.Send("POST", "/v1/holds/" + hold.Str("id") + "/extend", "more please",
                           "text/plain", {{"X-Hold-Secret", secret}});
  CHECK_MESSAGE(text.status == 415, text.Summary());
  CHECK(text.IsProblem());
  Response broken = api.Post("/v1/holds/" + hold.Str("id") + "/extend", "{\"x\":", {{"X-Hold-Secret", secret}});
  CHECK_MESSAGE(broken.status == 400, broken.Summary());
  CHECK(broken.IsProblem());

  std::this_thread::sleep_for(1200ms);
  Response extended = Extend(api, hold, secret);
  REQUIRE_MESSAGE(extended.status == 200, extended.Summary());
  CHECK(extended.Str("id") == hold.Str("id"));
  CHECK(extended.Str("secret").empty());  // the secret travels only in the answer that made the hold
  CHECK(extended.Str("start") == hold.Str("start"));
  CHECK(IntMember(extended, "version") == IntMember(hold, "version"));
  CHECK(IntMember(extended, "extensions_left") == 9);
  auto second_expiry = ParseRfc3339(extended.Str("expires_at"));
  REQUIRE(second_expiry.has_value());
  CHECK(*second_expiry >= *first_expiry + 1s);

  // Past the first expiry the place is still held, and the hold confirms.
  std::this_thread::sleep_for(1000ms);
  CHECK(FreeAt(api, kOfficeNord, kurz, s.start) == s.free - 1);
  Response booked = api.Post("/v1/appointments",
                             "{\"hold_id\":" + Q(hold.Str("id")) + ",\"hold_secret\":" + Q(secret) +
                                 ",\"hold_version\":" + std::to_string(IntMember(hold, "version")) +
                                 ",\"contact\":" + ContactJson("Verlaengert", "lang@example.org", "") + "}");
  CHECK_MESSAGE(booked.status == 201, booked.Summary());
  // A confirmed hold is gone.
  CHECK(Extend(api, hold, secret).status == 404);

  // The bound: ten extensions, then 409 hold-extension-limit.
  const Slot t = slots.back();  // far from s: the two visits do not overlap
  Response other = api.Post("/v1/holds", HoldBody(kOfficeNord, kurz, t.start));
  REQUIRE_MESSAGE(other.status == 201, other.Summary());
  for (int i = 0; i < 10; ++i) {
    Response r = Extend(api, other, other.Str("secret"));
    REQUIRE_MESSAGE(r.status == 200, r.Summary());
    CHECK(IntMember(r, "extensions_left") == 9 - i);
  }
  Response over = Extend(api, other, other.Str("secret"));
  CHECK_MESSAGE(over.status == 409, over.Summary());
  CHECK(over.IsProblem());
  CHECK(over.ProblemSlug() == "hold-extension-limit");

  // Once lapsed: 410 hold-expired with alternatives, and the place is free.
  std::this_thread::sleep_for(2600ms);
  CHECK(FreeAt(api, kOfficeNord, kurz, t.start) == t.free);
  Response late = Extend(api, other, other.Str("secret"));
  CHECK_MESSAGE(late.status == 410, late.Summary());
  CHECK(late.ProblemSlug() == "hold-expired");
  CHECK(late.json.HasMember("alternatives"));

  auto stopped = server->Stop(10000);
  REQUIRE(stopped.has_value());
  CHECK_MESSAGE(stopped->clean(), stopped->Describe() << "\n" << server->process().LogTail());
}

}  // namespace
}  // namespace termin::testing
