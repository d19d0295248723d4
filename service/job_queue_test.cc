// The JobQueue contract, run against MemoryJobQueue (over a MemoryStore) and
// RedisJobQueue (over a RedisStore on a real redis-server). The queue takes
// `now` as an argument, so lease expiry and retry times are tested without
// sleeping.
#include "service/job_queue.h"

#include <doctest/doctest.h>

#include <atomic>
#include <functional>
#include <set>
#include <thread>

#include "service/memory/job_queue_memory.h"
#include "service/redis/job_queue_redis.h"
#include "service/memory/memory_store.h"
#include "service/redis/redis_store.h"
#include "service/redis/redis_test_server.h"

namespace termin::service {
namespace {

using namespace std::chrono_literals;
using api::JobType;
using api::OutboxJob;

RedisTestServer& QueueRedis() {
  static std::unique_ptr<RedisTestServer> server = [] {
    auto s = RedisTestServer::Start();
    REQUIRE_MESSAGE(s.ok(), s.status().message());
    return std::move(s).value();
  }();
  return *server;
}

struct QueueBackend {
  std::string name;
  std::shared_ptr<api::Store> store;
  std::shared_ptr<JobQueue> queue;
  std::function<std::shared_ptr<JobQueue>()> another;  // a second queue on the same data
};

std::vector<QueueBackend> QueueBackends() {
  static std::atomic<int> counter{0};
  std::vector<QueueBackend> out;
  auto clock = std::make_shared<api::SystemClock>();
  auto mem = std::make_shared<MemoryStore>(clock);
  auto mq = std::make_shared<MemoryJobQueue>(mem);
  out.push_back({"memory", mem, mq, [mq] { return mq; }});
  RedisOptions o;
  o.port = QueueRedis().port();
  o.key_prefix = "q" + std::to_string(counter++) + ":";
  auto store = RedisStore::Connect(o, clock);
  REQUIRE_MESSAGE(store.ok(), store.status().message());
  auto q = RedisJobQueue::Connect(o);
  REQUIRE_MESSAGE(q.ok(), q.status().message());
  out.push_back({"redis", std::shared_ptr<api::Store>(std::move(store).value()),
                 std::shared_ptr<JobQueue>(std::move(q).value()), [o] {
                   auto again = RedisJobQueue::Connect(o);
                   REQUIRE(again.ok());
                   return std::shared_ptr<JobQueue>(std::move(again).value());
                 }});
  // The same on a 3-primary Redis Cluster (offices o1 and o2 in their slots).
  auto c = ParseRedisUrl(SharedTestCluster().url());
  REQUIRE_MESSAGE(c.ok(), c.status().message());
  c->key_prefix = o.key_prefix;
  auto cstore = RedisStore::Connect(*c, clock);
  REQUIRE_MESSAGE(cstore.ok(), cstore.status().message());
  auto cq = RedisJobQueue::Connect(*c);
  REQUIRE_MESSAGE(cq.ok(), cq.status().message());
  out.push_back({"redis-cluster", std::shared_ptr<api::Store>(std::move(cstore).value()),
                 std::shared_ptr<JobQueue>(std::move(cq).value()), [c] {
                   auto again = RedisJobQueue::Connect(*c);
                   REQUIRE(again.ok());
                   return std::shared_ptr<JobQueue>(std::move(again).value());
                 }});
  return out;
}

api::TimePoint T0() { return api::TimePoint(std::chrono::milliseconds(1'900'000'000'000LL)); }

// Writes an appointment with `jobs` through the store (the booking step's
// outbox write), at a distinct minute per reference.
void Book(api::Store& s, const std::string& ref, std::vector<OutboxJob> jobs, int slot = 0) {
  api::AppointmentRecord a;
  a.reference = ref;
  a.secret_hash = "h";
  a.booking.office_id = slot % 2 == 0 ? "o1" : "o2";
  a.booking.desk_id = "d1";
  a.booking.services = {"kurz"};
  a.booking.start = std::chrono::floor<Minutes>(T0()) + std::chrono::hours(48) + Minutes(10 * slot);
  a.booking.end = a.booking.start + Minutes(10);
  a.booking.claim_end = a.booking.end;
  a.contact.email = "x@example.org";
  auto r = s.CreateAppointment(a, "", std::move(jobs));
  REQUIRE_MESSAGE(r.ok(), r.status().message());
}

TEST_CASE("job queue: a claim leases due jobs; a lapsed lease lets another worker take over") {
  for (QueueBackend& b : QueueBackends()) {
    CAPTURE(b.name);
    Book(*b.store, "AAAA-0001", {{JobType::kConfirmation, "AAAA-0001", T0()},
                                 {JobType::kReminder, "AAAA-0001", T0() + 1h}});
    auto first = b.queue->Claim(T0(), 30s, 10);
    REQUIRE(first.ok());
    REQUIRE(first->size() == 1);
    ClaimedJob job = (*first)[0];
    CHECK(job.job == OutboxJob{JobType::kConfirmation, "AAAA-0001", T0()});
    CHECK(job.attempt == 1);
    // Leased: nobody else sees it until the lease runs out.
    CHECK(b.another()->Claim(T0() + 29s, 30s, 10)->empty());
    auto again = b.another()->Claim(T0() + 31s, 30s, 10);
    REQUIRE(again->size() == 1);
    CHECK((*again)[0].id == job.id);
    CHECK((*again)[0].attempt == 2);
    CHECK((*again)[0].lease != job.lease);
    // The first worker comes back too late: its Ack changes nothing.
    CHECK(b.queue->Ack(job).code() == StatusCode::kGone);
    CHECK(b.queue->Ack((*again)[0]).ok());
    CHECK(b.queue->Claim(T0() + 59min, 30s, 10)->empty());
    auto reminder = b.queue->Claim(T0() + 1h, 30s, 10);
    REQUIRE(reminder->size() == 1);
    CHECK((*reminder)[0].job.type == JobType::kReminder);
    CHECK((*reminder)[0].attempt == 1);
  }
}

TEST_CASE("job queue: retry waits until its time and counts the attempt") {
  for (QueueBackend& b : QueueBackends()) {
    CAPTURE(b.name);
    Book(*b.store, "AAAA-0002", {{JobType::kMoved, "AAAA-0002", T0()}});
    auto c = b.queue->Claim(T0(), 30s, 10);
    REQUIRE(c->size() == 1);
    REQUIRE(b.queue->Retry((*c)[0], T0() + 5s).ok());
    CHECK(b.queue->Retry((*c)[0], T0() + 5s).code() == StatusCode::kGone);  // lease gone with it
    CHECK(b.queue->Claim(T0() + 4s, 30s, 10)->empty());
    auto c2 = b.queue->Claim(T0() + 5s, 30s, 10);
    REQUIRE(c2->size() == 1);
    CHECK(c2->at(0).attempt == 2);
    CHECK(c2->at(0).job.due == T0());  // the original due time survives a retry
    auto st = b.queue->Stats(T0() + 6s);
    REQUIRE(st.ok());
    CHECK(st->in_flight == 1);
    CHECK(st->oldest_due == T0());
  }
}

TEST_CASE("job queue: buried jobs are listed and can be requeued once") {
  for (QueueBackend& b : QueueBackends()) {
    CAPTURE(b.name);
    Book(*b.store, "AAAA-0003", {{JobType::kCancelled, "AAAA-0003", T0()}});
    auto c = b.queue->Claim(T0(), 30s, 10);
    REQUIRE(c->size() == 1);
    REQUIRE(b.queue->Bury((*c)[0], T0() + 1s, "SMTP: refused").ok());
    CHECK(b.queue->Claim(T0() + 1h, 30s, 10)->empty());
    auto dead = b.queue->ListDeadLetters(100);
    REQUIRE(dead.ok());
    REQUIRE(dead->size() == 1);
    CHECK(dead->at(0).id == (*c)[0].id);
    CHECK(dead->at(0).attempts == 1);
    CHECK(dead->at(0).error == "SMTP: refused");
    CHECK(dead->at(0).dead_at == T0() + 1s);
    CHECK(dead->at(0).job == (*c)[0].job);
    CHECK(b.queue->Stats(T0() + 2s)->dead == 1);
    CHECK(b.queue->Requeue("nope:1", T0()).code() == StatusCode::kNotFound);
    REQUIRE(b.queue->Requeue(dead->at(0).id, T0() + 2s).ok());
    CHECK(b.queue->Requeue(dead->at(0).id, T0() + 2s).code() == StatusCode::kNotFound);
    CHECK(b.queue->ListDeadLetters(100)->empty());
    auto back = b.queue->Claim(T0() + 2s, 30s, 10);
    REQUIRE(back->size() == 1);
    CHECK(back->at(0).attempt == 1);  // attempts reset
    CHECK(back->at(0).job == (*c)[0].job);
  }
}

TEST_CASE("job queue: stats count waiting, due, in flight and the oldest due job") {
  for (QueueBackend& b : QueueBackends()) {
    CAPTURE(b.name);
    Book(*b.store, "AAAA-0004", {{JobType::kConfirmation, "AAAA-0004", T0() - 10s},
                                 {JobType::kReminder, "AAAA-0004", T0() + 1h}}, 0);
    Book(*b.store, "AAAA-0005", {{JobType::kConfirmation, "AAAA-0005", T0() - 5s}}, 1);
    auto st = b.queue->Stats(T0());
    REQUIRE(st.ok());
    CHECK(st->waiting == 3);
    CHECK(st->due == 2);
    CHECK(st->in_flight == 0);
    CHECK(st->oldest_due == T0() - 10s);
    auto c = b.queue->Claim(T0(), 30s, 1);
    REQUIRE(c->size() == 1);
    st = b.queue->Stats(T0());
    CHECK(st->in_flight == 1);
    CHECK(st->waiting == 2);
    CHECK(st->oldest_due == T0() - 10s);  // claimed but not yet sent still counts
    REQUIRE(b.queue->Ack((*c)[0]).ok());
    CHECK(b.queue->Stats(T0())->oldest_due.has_value());
  }
}

TEST_CASE("job queue: concurrent claimers never get the same job twice") {
  for (QueueBackend& b : QueueBackends()) {
    CAPTURE(b.name);
    constexpr int kJobs = 120;
    for (int i = 0; i < kJobs; ++i) {
      std::string ref = "CC" + std::to_string(1000 + i);
      Book(*b.store, ref, {{JobType::kConfirmation, ref, T0() - std::chrono::milliseconds(i)}}, i);
    }
    std::mutex m;
    std::multiset<std::string> seen;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, q = b.another()] {
        for (int round = 0; round < 100; ++round) {
          auto c = q->Claim(T0(), 60s, 7);
          if (!c.ok() || c->empty()) break;
          std::lock_guard<std::mutex> lock(m);
          for (const auto& j : *c) seen.insert(j.job.reference);
        }
      });
    }
    for (auto& th : threads) th.join();
    CHECK(seen.size() == static_cast<std::size_t>(kJobs));
    std::set<std::string> unique(seen.begin(), seen.end());
    CHECK(unique.size() == static_cast<std::size_t>(kJobs));
  }
}

}  // namespace
}  // namespace termin::service
