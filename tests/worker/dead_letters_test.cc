// The admin dead-letter routes of termin-api on a Redis store, black-box: a
// real redis-server, a real termin-api over HTTP, and a real dead letter made
// the way a worker makes one (RedisJobQueue: claim, then bury), on the keys
// the API itself reads.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "service/redis/job_queue_redis.h"
#include "service/redis/redis_store.h"
#include "service/redis/redis_test_server.h"
#include "tests/harness/api_server.h"
#include "tests/harness/test_keys.h"

namespace termin::service {
namespace {

using api::JobType;
using api::OutboxJob;
using testing::ApiServer;
using testing::ApiServerOptions;
using testing::Bearer;
using testing::Response;

// A reference of the API's alphabet (openapi.yaml: ReferenceCode).
constexpr char kReference[] = "DLQT-2345";

// The ids of the dead letters a list answer carries, and the one for `reference`.
std::vector<std::string> Ids(const Response& r) {
  std::vector<std::string> ids;
  if (!r.json_ok || !r.json.IsObject() || !r.json.HasMember("items") || !r.json["items"].IsArray()) {
    return ids;
  }
  for (const auto& item : r.json["items"].GetArray()) ids.push_back(item["id"].GetString());
  return ids;
}

TEST_CASE("admin dead letters on Redis: listed, requeued, listed no more; admin only") {
  auto redis = RedisTestServer::Start();
  REQUIRE_MESSAGE(redis.ok(), redis.status().message());
  ApiServerOptions api_options;
  api_options.store = (*redis)->url();
  api_options.name = "dead-letters";
  std::string error;
  auto server = ApiServer::Start(api_options, &error);
  REQUIRE_MESSAGE(server, error);
  const auto& api = server->client();

  // An appointment with its confirmation job, written as a booking step
  // writes it (termin-api's store, its key prefix: none).
  auto clock = std::make_shared<api::SystemClock>();
  RedisOptions redis_options;
  redis_options.port = (*redis)->port();
  auto store = RedisStore::Connect(redis_options, clock);
  REQUIRE_MESSAGE(store.ok(), store.status().message());
  const Instant start = std::chrono::ceil<Minutes>(clock->Now()) + Minutes(3 * 24 * 60);
  api::AppointmentRecord a;
  a.reference = kReference;
  a.secret_hash = "h";
  a.booking.office_id = "test-mitte";
  a.booking.desk_id = "a";
  a.booking.services = {"kurz"};
  a.booking.start = start;
  a.booking.end = start + Minutes(10);
  a.booking.claim_end = a.booking.end;
  a.contact.name = "Erika Mustermann";
  a.contact.email = "erika@example.org";
  const api::TimePoint due = clock->Now();
  auto created = (*store)->CreateAppointment(a, "", {OutboxJob{JobType::kConfirmation, kReference, due}});
  REQUIRE_MESSAGE(created.ok(), created.status().message());

  // A worker claims it and buries it (as after an SMTP server refused for good).
  auto queue = RedisJobQueue::Connect(redis_options);
  REQUIRE_MESSAGE(queue.ok(), queue.status().message());
  auto claimed = (*queue)->Claim(clock->Now(), std::chrono::seconds(60), 10);
  REQUIRE_MESSAGE(claimed.ok(), claimed.status().message());
  REQUIRE(claimed->size() == 1);
  const ClaimedJob job = claimed->front();
  CHECK(job.job.reference == kReference);
  REQUIRE((*queue)->Bury(job, clock->Now(), "SMTP: 550 mailbox unavailable").ok());

  const auto admin = Bearer(testing::kAdminKey);
  Response listed = api.Get("/v1/admin/dead-letters", admin);
  REQUIRE_MESSAGE(listed.status == 200, listed.Summary());
  REQUIRE(Ids(listed) == std::vector<std::string>{job.id});
  const auto& item = listed.json["items"][0];
  CHECK(std::string(item["kind"].GetString()) == "confirmation");
  CHECK(std::string(item["reference"].GetString()) == kReference);
  CHECK(item["attempts"].GetInt() == 1);
  CHECK(std::string(item["error"].GetString()) == "SMTP: 550 mailbox unavailable");
  CHECK(std::string(item["due"].GetString()).back() == 'Z');
  CHECK(api.Get("/v1/admin/dead-letters?limit=1", admin).status == 200);
  CHECK(api.Get("/v1/admin/dead-letters?limit=0", admin).status == 400);
  CHECK(api.Get("/v1/admin/dead-letters?colour=red", admin).status == 400);

  // Not admins: 401 without a key, 403 with another role's; nothing changes.
  const std::string requeue = "/v1/admin/dead-letters/" + job.id + "/requeue";
  Response anonymous = api.Get("/v1/admin/dead-letters");
  CHECK(anonymous.status == 401);
  CHECK(anonymous.ProblemSlug() == "unauthorized");
  Response hotline = api.Get("/v1/admin/dead-letters", Bearer(testing::kHotlineAllKey));
  CHECK(hotline.status == 403);
  CHECK(hotline.ProblemSlug() == "forbidden");
  CHECK(api.Post(requeue, "", {}).status == 401);
  CHECK(api.Post(requeue, "", Bearer(testing::kHotlineAllKey)).status == 403);
  CHECK(api.Post(requeue, "", Bearer(testing::kKioskMitteKey)).status == 403);
  CHECK(Ids(api.Get("/v1/admin/dead-letters", admin)) == std::vector<std::string>{job.id});

  // Requeued: 204, gone from the list, claimable again (attempts reset).
  Response requeued = api.Post(requeue, "", admin);
  CHECK_MESSAGE(requeued.status == 204, requeued.Summary());
  Response after = api.Get("/v1/admin/dead-letters", admin);
  REQUIRE(after.status == 200);
  CHECK(Ids(after).empty());
  Response again = api.Post(requeue, "", admin);
  CHECK(again.status == 404);
  CHECK(again.ProblemSlug() == "not-found");
  CHECK(api.Post("/v1/admin/dead-letters/test-mitte:999999/requeue", "", admin).status == 404);
  CHECK(api.Post("/v1/admin/dead-letters/NOT%20AN%20ID/requeue", "", admin).status == 404);

  auto reclaimed = (*queue)->Claim(clock->Now(), std::chrono::seconds(60), 10);
  REQUIRE_MESSAGE(reclaimed.ok(), reclaimed.status().message());
  REQUIRE(reclaimed->size() == 1);
  CHECK(reclaimed->front().id == job.id);
  CHECK(reclaimed->front().job == job.job);
  CHECK(reclaimed->front().attempt == 1);
  CHECK((*queue)->Ack(reclaimed->front()).ok());

  auto exit = server->Stop();
  REQUIRE(exit.has_value());
}

}  // namespace
}  // namespace termin::service
