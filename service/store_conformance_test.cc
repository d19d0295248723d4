// One suite, three backends: every case below runs against the embedded
// MemoryStore, against RedisStore on a real redis-server (started on a free
// loopback port, no persistence, killed at exit) and against RedisStore on a
// real 3-primary Redis Cluster (redis_test_server.h, RedisTestCluster).
// Each case gets a fresh store: a new MemoryStore, or a RedisStore with a
// key prefix of its own.
//
// Both stores run on the system clock here, so hold expiry is exercised with
// real short TTLs (a few hundred ms) and bounded sleeps: Redis judges expiry
// by its own server clock, which a test cannot move.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <vector>
#include <thread>

#include "api/clock.h"
#include "api/store.h"
#include "service/memory/memory_store.h"
#include "api/tally.h"
#include "service/redis/redis_store.h"
#include "service/redis/redis_test_server.h"

namespace termin::service {
namespace {

using namespace std::chrono_literals;
using api::AppointmentRecord;
using api::AppointmentStatus;
using api::HoldRecord;
using api::JobType;
using api::OutboxJob;

struct Backend {
  std::string name;
  std::shared_ptr<api::Store> store;
};

RedisTestServer& SharedRedis() {
  static std::unique_ptr<RedisTestServer> server = [] {
    auto s = RedisTestServer::Start();
    REQUIRE_MESSAGE(s.ok(), s.status().message());
    return std::move(s).value();
  }();
  return *server;
}

std::vector<Backend> Backends() {
  static std::atomic<int> counter{0};
  std::vector<Backend> out;
  auto clock = std::make_shared<api::SystemClock>();
  out.push_back({"memory", std::make_shared<MemoryStore>(clock)});
  RedisOptions o;
  o.port = SharedRedis().port();
  o.key_prefix = "t" + std::to_string(counter++) + ":";
  o.pool_size = 16;
  auto redis = RedisStore::Connect(o, clock);
  REQUIRE_MESSAGE(redis.ok(), redis.status().message());
  out.push_back({"redis", std::shared_ptr<api::Store>(std::move(redis).value())});
  // The same on a 3-primary Redis Cluster: every step's keys in one slot,
  // the offices of a case spread over the primaries.
  auto c = ParseRedisUrl(SharedTestCluster().url());
  REQUIRE_MESSAGE(c.ok(), c.status().message());
  c->key_prefix = o.key_prefix;
  c->pool_size = 16;
  auto cluster = RedisStore::Connect(*c, clock);
  REQUIRE_MESSAGE(cluster.ok(), cluster.status().message());
  out.push_back({"redis-cluster", std::shared_ptr<api::Store>(std::move(cluster).value())});
  return out;
}

// Tomorrow 10:00 UTC, whole minutes: far from "now", so only TTLs matter.
Instant Base() {
  auto day = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()) +
             std::chrono::days(1);
  return std::chrono::time_point_cast<Minutes>(day) + 10h;
}

api::Booking MakeBooking(const std::string& office, const std::string& desk, Instant start,
                         int minutes, int buffer = 0) {
  api::Booking b;
  b.office_id = office;
  b.desk_id = desk;
  b.services = {"id-card"};
  b.start = start;
  b.end = start + Minutes(minutes);
  b.claim_end = b.end + Minutes(buffer);
  return b;
}

HoldRecord MakeHold(const std::string& id, api::Booking b, std::chrono::milliseconds ttl) {
  HoldRecord h;
  h.id = id;
  h.secret_hash = "secret-of-" + id;
  h.booking = std::move(b);
  h.expires_at = api::SystemClock().Now() + ttl;
  return h;
}

AppointmentRecord MakeAppointment(const std::string& ref, api::Booking b,
                                  const std::string& name = "Erika Mustermann",
                                  const std::string& phone = "+49 711 555-0100") {
  AppointmentRecord a;
  a.reference = ref;
  a.secret_hash = "manage-" + ref;
  a.status = AppointmentStatus::kConfirmed;
  a.channel = api::Channel::kHotline;
  a.booking = std::move(b);
  a.contact.name = name;
  a.contact.phone = phone;
  a.contact.email = "erika@example.org";
  a.contact.reminders = true;
  a.created_at = api::SystemClock().Now();
  return a;
}

OutboxJob Job(JobType t, const std::string& ref, api::TimePoint due) { return OutboxJob{t, ref, due}; }

bool HasClaim(const api::DeskClaims& c, const std::string& desk, Interval iv) {
  auto it = c.find(desk);
  return it != c.end() && it->second.Overlaps(iv);
}

TEST_CASE("conformance: an overlapping claim on the same desk is refused") {
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    Instant t = Base();
    auto first = s.PlaceHold(MakeHold("h1", MakeBooking("o1", "d1", t, 30), 60s));
    REQUIRE(first.ok());
    CHECK(first->version > 0);
    auto overlap = s.PlaceHold(MakeHold("h2", MakeBooking("o1", "d1", t + 15min, 30), 60s));
    CHECK(overlap.status().code() == StatusCode::kConflict);
    // The buffer counts: a claim [t+30, t+40) with buffer touches nothing of h1.
    CHECK(s.PlaceHold(MakeHold("h3", MakeBooking("o1", "d1", t + 30min, 30, 10), 60s)).ok());
    CHECK(s.PlaceHold(MakeHold("h4", MakeBooking("o1", "d1", t + 65min, 5), 60s)).status().code() ==
          StatusCode::kConflict);  // inside h3's buffer
    CHECK(s.PlaceHold(MakeHold("h5", MakeBooking("o1", "d2", t, 30), 60s)).ok());  // other desk
    CHECK(s.PlaceHold(MakeHold("h6", MakeBooking("o2", "d1", t, 30), 60s)).ok());  // other office
    auto created = s.CreateAppointment(MakeAppointment("REF-0001", MakeBooking("o1", "d1", t + 10min, 10)),
                                       "", {});
    CHECK(created.status().code() == StatusCode::kConflict);
    CHECK(s.GetAppointment("REF-0001").status().code() == StatusCode::kNotFound);

    // A long claim that began hours earlier still blocks (the overlap scan
    // must reach back far enough), and ReadClaims sees it.
    REQUIRE(s.CreateAppointment(MakeAppointment("LONG-0001", MakeBooking("o1", "d3", t - 240min, 300)), "", {}).ok());
    CHECK(s.PlaceHold(MakeHold("h7", MakeBooking("o1", "d3", t + 50min, 5), 60s)).status().code() ==
          StatusCode::kConflict);
    CHECK(s.PlaceHold(MakeHold("h8", MakeBooking("o1", "d3", t + 60min, 5), 60s)).ok());
    auto late = s.ReadClaims("o1", Interval{t + 30min, t + 40min});
    REQUIRE(late.ok());
    CHECK(HasClaim(*late, "d3", Interval{t + 30min, t + 40min}));

    auto claims = s.ReadClaims("o1", Interval{t - 60min, t + 180min});
    REQUIRE(claims.ok());
    CHECK(claims->at("d1") == IntervalSet::FromUnsorted({{t, t + 70min}}));
    CHECK(claims->at("d2") == IntervalSet::FromUnsorted({{t, t + 30min}}));
    // A range that ends where the claims begin sees none of them.
    auto before = s.ReadClaims("o1", Interval{t - 60min, t});
    REQUIRE(before.ok());
    CHECK_FALSE(HasClaim(*before, "d1", Interval{t - 60min, t}));
  }
}

TEST_CASE("conformance: an expired hold frees its place by itself") {
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    Instant t = Base();
    REQUIRE(s.PlaceHold(MakeHold("short", MakeBooking("o1", "d1", t, 30), 300ms)).ok());
    CHECK(s.PlaceHold(MakeHold("early", MakeBooking("o1", "d1", t, 30), 60s)).status().code() ==
          StatusCode::kConflict);
    std::this_thread::sleep_for(450ms);
    auto claims = s.ReadClaims("o1", Interval{t, t + 30min});
    REQUIRE(claims.ok());
    CHECK_FALSE(HasClaim(*claims, "d1", Interval{t, t + 30min}));
    CHECK(s.PlaceHold(MakeHold("late", MakeBooking("o1", "d1", t, 30), 60s)).ok());
    // The expired hold is still known (for Gone), with what was written.
    auto old = s.GetHold("short");
    REQUIRE(old.ok());
    CHECK(old->booking == MakeBooking("o1", "d1", t, 30));
  }
}

TEST_CASE("conformance: confirm after expiry is Gone even when the place was taken again") {
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    Instant t = Base();
    auto a = s.PlaceHold(MakeHold("ha", MakeBooking("o1", "d1", t, 30), 300ms));
    REQUIRE(a.ok());
    std::this_thread::sleep_for(450ms);
    auto bh = s.PlaceHold(MakeHold("hb", MakeBooking("o1", "d1", t, 30), 60s));
    REQUIRE(bh.ok());
    CHECK(bh->version > a->version);  // fencing numbers only grow
    auto late = s.ConfirmHold("ha", "secret-of-ha", a->version,
                              MakeAppointment("LATE-0001", MakeBooking("o1", "d1", t, 30)),
                              api::JobPlan{true, JobType::kConfirmation, api::SystemClock().Now(), {}});
    CHECK(late.status().code() == StatusCode::kGone);
    CHECK(s.GetAppointment("LATE-0001").status().code() == StatusCode::kNotFound);
    auto jobs = s.PendingJobs();
    REQUIRE(jobs.ok());
    CHECK(jobs->empty());  // a refused step writes no message
    CHECK(s.ConfirmHold("hb", "secret-of-hb", bh->version,
                        MakeAppointment("OK-0001", MakeBooking("o1", "d1", t, 30)), {})
              .ok());
  }
}

TEST_CASE("conformance: confirm checks secret and version, and writes its jobs in the step") {
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    Instant t = Base();
    auto h = s.PlaceHold(MakeHold("h1", MakeBooking("o1", "d1", t, 20, 5), 60s));
    REQUIRE(h.ok());
    auto appt = MakeAppointment("CONF-0001", MakeBooking("o9", "elsewhere", t + 99min, 1));
    auto now = api::SystemClock().Now();
    // The plan: a confirmation now, reminders an hour before the hold's
    // start (written) and ten years before it (already past: not written).
    api::JobPlan plan{true, JobType::kConfirmation, now,
                      {std::chrono::minutes(60), std::chrono::minutes(10 * 365 * 24 * 60)}};
    std::vector<OutboxJob> jobs = {Job(JobType::kConfirmation, "CONF-0001", now),
                                   Job(JobType::kReminder, "CONF-0001", api::ToTimePoint(t - 60min))};
    CHECK(s.ConfirmHold("h1", "wrong", h->version, appt, plan).status().code() ==
          StatusCode::kNotFound);
    CHECK(s.ConfirmHold("h1", "secret-of-h1", h->version + 1, appt, plan).status().code() ==
          StatusCode::kNotFound);
    CHECK(s.ConfirmHold("nope", "secret-of-h1", std::nullopt, appt, plan).status().code() ==
          StatusCode::kNotFound);
    CHECK(s.PendingJobs()->empty());
    auto done = s.ConfirmHold("h1", "secret-of-h1", h->version, appt, plan);
    REQUIRE(done.ok());
    // The booking is the hold's, not the caller's.
    CHECK(done->booking == MakeBooking("o1", "d1", t, 20, 5));
    auto got = s.GetAppointment("CONF-0001");
    REQUIRE(got.ok());
    CHECK(got->booking == done->booking);
    CHECK(got->contact == appt.contact);
    CHECK(got->status == AppointmentStatus::kConfirmed);
    CHECK(got->secret_hash == "manage-CONF-0001");
    auto pending = s.PendingJobs();
    REQUIRE(pending.ok());
    CHECK(*pending == jobs);
    // The place stays taken, now by the appointment; the hold is used up.
    CHECK(s.PlaceHold(MakeHold("h2", MakeBooking("o1", "d1", t + 22min, 10), 60s)).status().code() ==
          StatusCode::kConflict);
    CHECK(s.ConfirmHold("h1", "secret-of-h1", h->version, MakeAppointment("CONF-0002", {}), {})
              .status()
              .code() == StatusCode::kNotFound);
    // A reference already in use is refused (the caller draws another).
    auto h3 = s.PlaceHold(MakeHold("h3", MakeBooking("o1", "d1", t + 60min, 20), 60s));
    REQUIRE(h3.ok());
    CHECK(s.ConfirmHold("h3", "secret-of-h3", std::nullopt, appt, {}).status().code() ==
          StatusCode::kFailedPrecondition);
    CHECK(s.ConfirmHold("h3", "secret-of-h3", std::nullopt,
                        MakeAppointment("CONF-0003", {}), {})
              .ok());
  }
}

TEST_CASE("conformance: release frees a hold only for its owner") {
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    Instant t = Base();
    REQUIRE(s.PlaceHold(MakeHold("h1", MakeBooking("o1", "d1", t, 30), 60s)).ok());
    CHECK(s.ReleaseHold("h1", "wrong").code() == StatusCode::kNotFound);
    CHECK(s.PlaceHold(MakeHold("h2", MakeBooking("o1", "d1", t, 30), 60s)).status().code() ==
          StatusCode::kConflict);
    CHECK(s.ReleaseHold("h1", "secret-of-h1").ok());
    CHECK(s.GetHold("h1").status().code() == StatusCode::kNotFound);
    CHECK(s.PlaceHold(MakeHold("h2", MakeBooking("o1", "d1", t, 30), 60s)).ok());
  }
}

TEST_CASE("conformance: extend keeps a live hold's place longer, for its owner, a bounded number of times") {
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    Instant t = Base();
    auto h = s.PlaceHold(MakeHold("h1", MakeBooking("o1", "d1", t, 30), 400ms));
    REQUIRE(h.ok());
    CHECK(h->extensions == 0);
    CHECK(s.ExtendHold("h1", "wrong", 60s, 2).status().code() == StatusCode::kNotFound);
    CHECK(s.ExtendHold("nope", "secret-of-h1", 60s, 2).status().code() == StatusCode::kNotFound);
    auto once = s.ExtendHold("h1", "secret-of-h1", 60s, 2);
    REQUIRE(once.ok());
    CHECK(once->extensions == 1);
    CHECK(once->expires_at > h->expires_at + 50s);
    CHECK(once->booking == h->booking);
    CHECK(once->version == h->version);  // the same hold: a confirm with its version still works
    // Past the first TTL the place is still held, and the record says so.
    std::this_thread::sleep_for(550ms);
    auto claims = s.ReadClaims("o1", Interval{t, t + 30min});
    REQUIRE(claims.ok());
    CHECK(HasClaim(*claims, "d1", Interval{t, t + 30min}));
    CHECK(s.PlaceHold(MakeHold("h2", MakeBooking("o1", "d1", t + 10min, 30), 60s)).status().code() ==
          StatusCode::kConflict);
    auto got = s.GetHold("h1");
    REQUIRE(got.ok());
    CHECK(got->extensions == 1);
    CHECK(got->expires_at == once->expires_at);
    // An extension never shortens a hold: a tiny TTL leaves the expiry as it was.
    auto twice = s.ExtendHold("h1", "secret-of-h1", 1ms, 2);
    REQUIRE(twice.ok());
    CHECK(twice->extensions == 2);
    CHECK(twice->expires_at == once->expires_at);
    // The bound: a third is refused and changes nothing.
    CHECK(s.ExtendHold("h1", "secret-of-h1", 120s, 2).status().code() ==
          StatusCode::kResourceExhausted);
    got = s.GetHold("h1");
    REQUIRE(got.ok());
    CHECK(got->extensions == 2);
    CHECK(got->expires_at == once->expires_at);
    CHECK(s.ConfirmHold("h1", "secret-of-h1", h->version,
                        MakeAppointment("EXT-0001", MakeBooking("o1", "d1", t, 30)), {})
              .ok());
    // A confirmed hold is no more.
    CHECK(s.ExtendHold("h1", "secret-of-h1", 60s, 2).status().code() == StatusCode::kNotFound);

    // An extended hold lapses at its new expiry, and then cannot be extended.
    auto short_hold = s.PlaceHold(MakeHold("h3", MakeBooking("o1", "d1", t + 60min, 30), 200ms));
    REQUIRE(short_hold.ok());
    REQUIRE(s.ExtendHold("h3", "secret-of-h3", 500ms, 5).ok());
    std::this_thread::sleep_for(300ms);
    CHECK(s.PlaceHold(MakeHold("h4", MakeBooking("o1", "d1", t + 60min, 30), 60s)).status().code() ==
          StatusCode::kConflict);
    std::this_thread::sleep_for(400ms);
    CHECK(s.ExtendHold("h3", "secret-of-h3", 60s, 5).status().code() == StatusCode::kGone);
    auto after = s.ReadClaims("o1", Interval{t + 60min, t + 90min});
    REQUIRE(after.ok());
    CHECK_FALSE(HasClaim(*after, "d1", Interval{t + 60min, t + 90min}));
    CHECK(s.PlaceHold(MakeHold("h4", MakeBooking("o1", "d1", t + 60min, 30), 60s)).ok());
    // Expired stays expired, even though a new hold took the place.
    CHECK(s.ExtendHold("h3", "secret-of-h3", 60s, 5).status().code() == StatusCode::kGone);
  }
}

TEST_CASE("conformance: concurrent extensions of one hold: exactly the bound pass") {
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    Instant t = Base();
    REQUIRE(s.PlaceHold(MakeHold("hr", MakeBooking("o1", "d1", t, 30), 60s)).ok());
    std::atomic<int> passed{0}, refused{0};
    {
      std::barrier start(12);
      std::vector<std::thread> threads;
      for (int i = 0; i < 12; ++i) {
        threads.emplace_back([&] {
          start.arrive_and_wait();
          auto r = s.ExtendHold("hr", "secret-of-hr", 60s, 3);
          if (r.ok()) ++passed;
          if (r.status().code() == StatusCode::kResourceExhausted) ++refused;
        });
      }
      for (auto& th : threads) th.join();
    }
    CHECK(passed == 3);
    CHECK(refused == 9);
    auto got = s.GetHold("hr");
    REQUIRE(got.ok());
    CHECK(got->extensions == 3);
  }
}

TEST_CASE("conformance: cancel frees the place and writes its job; twice is refused") {
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    Instant t = Base();
    REQUIRE(s.CreateAppointment(MakeAppointment("CAN-0001", MakeBooking("o1", "d1", t, 30)), "", {}).ok());
    CHECK(s.PlaceHold(MakeHold("h1", MakeBooking("o1", "d1", t, 30), 60s)).status().code() ==
          StatusCode::kConflict);
    auto now = api::SystemClock().Now();
    auto c = s.CancelAppointment("CAN-0001", "citizen", {Job(JobType::kCancelled, "CAN-0001", now)});
    REQUIRE(c.ok());
    CHECK(c->status == AppointmentStatus::kCancelled);
    CHECK(c->cancel_reason == "citizen");
    CHECK(c->closed_at >= now - 5s);
    CHECK(s.GetAppointment("CAN-0001")->status == AppointmentStatus::kCancelled);
    CHECK(s.PlaceHold(MakeHold("h1", MakeBooking("o1", "d1", t, 30), 60s)).ok());
    CHECK(s.CancelAppointment("CAN-0001", "citizen", {}).status().code() ==
          StatusCode::kFailedPrecondition);
    CHECK(s.CancelAppointment("NOPE-0001", "citizen", {}).status().code() == StatusCode::kNotFound);
    auto pending = s.PendingJobs();
    REQUIRE(pending.ok());
    REQUIRE(pending->size() == 1);
    CHECK((*pending)[0].type == JobType::kCancelled);
    auto active = s.ListActiveAppointments("o1", t - 60min);
    REQUIRE(active.ok());
    CHECK(active->empty());
  }
}

TEST_CASE("conformance: move claims the new place and frees the old in one step") {
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    Instant t = Base();
    REQUIRE(s.CreateAppointment(MakeAppointment("MOV-0001", MakeBooking("o1", "d1", t, 30)), "", {}).ok());
    REQUIRE(s.CreateAppointment(MakeAppointment("MOV-0002", MakeBooking("o1", "d1", t + 60min, 30)), "", {}).ok());
    // Its own claim does not block a move by 15 minutes on the same desk.
    auto m = s.MoveAppointment("MOV-0001", MakeBooking("o1", "d1", t + 15min, 30), {});
    REQUIRE(m.ok());
    CHECK(m->booking == MakeBooking("o1", "d1", t + 15min, 30));
    // Onto another appointment: refused, and nothing changed.
    auto jobs_before = s.PendingJobs();
    auto refused = s.MoveAppointment("MOV-0001", MakeBooking("o1", "d1", t + 70min, 30),
                                     {Job(JobType::kMoved, "MOV-0001", api::SystemClock().Now())});
    CHECK(refused.status().code() == StatusCode::kConflict);
    CHECK(s.GetAppointment("MOV-0001")->booking == MakeBooking("o1", "d1", t + 15min, 30));
    CHECK(s.PendingJobs()->size() == jobs_before->size());
    // To another desk: the old place is free at once, the new one taken.
    auto now = api::SystemClock().Now();
    auto moved = s.MoveAppointment("MOV-0001", MakeBooking("o1", "d2", t, 30),
                                   {Job(JobType::kMoved, "MOV-0001", now)});
    REQUIRE(moved.ok());
    CHECK(moved->booking.desk_id == "d2");
    CHECK(moved->contact == MakeAppointment("x", {}).contact);
    CHECK(s.PlaceHold(MakeHold("h1", MakeBooking("o1", "d1", t + 15min, 30), 60s)).ok());
    CHECK(s.PlaceHold(MakeHold("h2", MakeBooking("o1", "d2", t, 10), 60s)).status().code() ==
          StatusCode::kConflict);
    auto claims = s.ReadClaims("o1", Interval{t, t + 120min});
    REQUIRE(claims.ok());
    CHECK(claims->at("d2") == IntervalSet::FromUnsorted({{t, t + 30min}}));
    auto pending = s.PendingJobs();
    REQUIRE(pending.ok());
    CHECK(std::count(pending->begin(), pending->end(), Job(JobType::kMoved, "MOV-0001", now)) == 1);
    // Only a confirmed appointment moves.
    REQUIRE(s.CancelAppointment("MOV-0002", "citizen", {}).ok());
    CHECK(s.MoveAppointment("MOV-0002", MakeBooking("o1", "d1", t + 200min, 30), {}).status().code() ==
          StatusCode::kFailedPrecondition);
    CHECK(s.MoveAppointment("NOPE-0001", MakeBooking("o1", "d1", t + 200min, 30), {}).status().code() ==
          StatusCode::kNotFound);
  }
}

TEST_CASE("conformance: check-in draws the office's ticket of the day once") {
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    Instant t = Base();
    REQUIRE(s.CreateAppointment(MakeAppointment("CHK-0001", MakeBooking("o1", "d1", t, 30)), "", {}).ok());
    auto c = s.CheckIn("CHK-0001", "2030-01-02");
    REQUIRE(c.ok());
    CHECK(c->status == AppointmentStatus::kCheckedIn);
    CHECK(c->ticket == "A001");
    CHECK(s.CheckIn("CHK-0001", "2030-01-02")->ticket == "A001");
    auto walk_in = MakeAppointment("CHK-0002", MakeBooking("o1", "d1", t + 30min, 15));
    walk_in.status = AppointmentStatus::kCheckedIn;
    auto w = s.CreateAppointment(walk_in, "2030-01-02", {});
    REQUIRE(w.ok());
    CHECK(w->ticket == "A002");
    CHECK(s.GetAppointment("CHK-0002")->ticket == "A002");
    REQUIRE(s.CreateAppointment(MakeAppointment("CHK-0003", MakeBooking("o1", "d1", t + 60min, 15)), "", {}).ok());
    CHECK(s.CheckIn("CHK-0003", "2030-01-03")->ticket == "A001");  // a new day starts at 1
    REQUIRE(s.CancelAppointment("CHK-0003", "citizen", {}).ok());
    CHECK(s.CheckIn("CHK-0003", "2030-01-03").status().code() == StatusCode::kFailedPrecondition);
    auto noted = s.AddNote("CHK-0001", api::Note{api::SystemClock().Now(), "desk-7", "brought papers"});
    REQUIRE(noted.ok());
    REQUIRE(s.GetAppointment("CHK-0001")->notes.size() == 1);
    CHECK(s.GetAppointment("CHK-0001")->notes[0].text == "brought papers");
  }
}

TEST_CASE("conformance: idempotency begin, finish, replay, mismatch, abandon") {
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    using Outcome = api::IdempotencyBegin::Outcome;
    auto first = s.BeginIdempotent("k1", "hash-a", 3600s);
    REQUIRE(first.ok());
    CHECK(first->outcome == Outcome::kStarted);
    CHECK(s.BeginIdempotent("k1", "hash-a", 3600s)->outcome == Outcome::kInProgress);
    CHECK(s.BeginIdempotent("k1", "hash-b", 3600s)->outcome == Outcome::kMismatch);
    api::StoredResponse resp{201, "application/json", "{\"reference\":\"X\"}", "/v1/appointments/X"};
    REQUIRE(s.FinishIdempotent("k1", resp).ok());
    auto replay = s.BeginIdempotent("k1", "hash-a", 3600s);
    REQUIRE(replay.ok());
    CHECK(replay->outcome == Outcome::kReplay);
    CHECK(replay->response.status == 201);
    CHECK(replay->response.content_type == resp.content_type);
    CHECK(replay->response.body == resp.body);
    CHECK(replay->response.location == resp.location);
    CHECK(s.BeginIdempotent("k1", "hash-b", 3600s)->outcome == Outcome::kMismatch);
    CHECK(s.BeginIdempotent("k2", "hash-a", 3600s)->outcome == Outcome::kStarted);
    REQUIRE(s.AbandonIdempotent("k2").ok());
    CHECK(s.BeginIdempotent("k2", "hash-a", 3600s)->outcome == Outcome::kStarted);
    CHECK(s.FinishIdempotent("never-begun", resp).code() == StatusCode::kNotFound);
  }
}

TEST_CASE("conformance: a step with the token of an earlier one writes nothing and answers what it wrote") {
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    Instant t = Base();
    const api::StepKey key{"tok" + b.name + "create", std::chrono::seconds(60)};
    auto first = s.CreateAppointment(MakeAppointment("STP-0001", MakeBooking("o1", "d1", t, 30)), "",
                                     {Job(JobType::kConfirmation, "STP-0001", api::SystemClock().Now())},
                                     key);
    REQUIRE(first.ok());
    // The retry of a booking whose answer was lost: another reference drawn,
    // the same desk time; it gets the first appointment and writes nothing.
    auto again = s.CreateAppointment(MakeAppointment("STP-0002", MakeBooking("o1", "d1", t, 30)), "",
                                     {Job(JobType::kConfirmation, "STP-0002", api::SystemClock().Now())},
                                     key);
    REQUIRE(again.ok());
    CHECK(again->reference == "STP-0001");
    CHECK(s.GetAppointment("STP-0002").status().code() == StatusCode::kNotFound);
    CHECK(s.PendingJobs()->size() == 1);
    CHECK(*s.StepResult("o1", key.token) == "STP-0001");
    CHECK(s.StepResult("o1", "other-token")->empty());
    // Without a token the same step is refused as taken.
    CHECK(s.CreateAppointment(MakeAppointment("STP-0003", MakeBooking("o1", "d1", t, 30)), "", {})
              .status().code() == StatusCode::kConflict);

    // A confirm retried after it happened: the hold is gone, the marker answers.
    auto hold = s.PlaceHold(MakeHold("o1.stp", MakeBooking("o1", "d2", t, 30), 60s));
    REQUIRE(hold.ok());
    const api::StepKey ckey{"tok" + b.name + "confirm", std::chrono::seconds(60)};
    auto c1 = s.ConfirmHold("o1.stp", "secret-of-o1.stp", hold->version, MakeAppointment("STP-0004", {}), {}, ckey);
    REQUIRE(c1.ok());
    auto c2 = s.ConfirmHold("o1.stp", "secret-of-o1.stp", hold->version, MakeAppointment("STP-0005", {}), {}, ckey);
    REQUIRE(c2.ok());
    CHECK(c2->reference == "STP-0004");
    CHECK(c2->booking.start == t);
    CHECK(s.GetAppointment("STP-0005").status().code() == StatusCode::kNotFound);
    CHECK(s.ConfirmHold("o1.stp", "secret-of-o1.stp", hold->version, MakeAppointment("STP-0006", {}), {})
              .status().code() == StatusCode::kNotFound);  // no token: the hold is gone

    // A cancel retried after it happened answers the record, not "already cancelled".
    const api::StepKey xkey{"tok" + b.name + "cancel", std::chrono::seconds(60)};
    REQUIRE(s.CancelAppointment("STP-0001", "hotline", {}, xkey).ok());
    auto x2 = s.CancelAppointment("STP-0001", "hotline", {}, xkey);
    REQUIRE(x2.ok());
    CHECK(x2->status == AppointmentStatus::kCancelled);
    CHECK(s.CancelAppointment("STP-0001", "hotline", {}).status().code() ==
          StatusCode::kFailedPrecondition);
    // A move retried after it happened answers the record.
    const api::StepKey mkey{"tok" + b.name + "move", std::chrono::seconds(60)};
    api::Booking to = c1->booking;
    to.start = t + 2h;
    to.end = to.start + 30min;
    to.claim_end = to.end;
    REQUIRE(s.MoveAppointment("STP-0004", to, {}, mkey).ok());
    auto m2 = s.MoveAppointment("STP-0004", to, {}, mkey);
    REQUIRE(m2.ok());
    CHECK(m2->booking.start == t + 2h);
  }
}

TEST_CASE("conformance: a started idempotency key whose lease ran out is taken over") {
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    using O = api::IdempotencyBegin::Outcome;
    CHECK(s.BeginIdempotent("lease-1", "h", 60s, 300ms)->outcome == O::kStarted);
    CHECK(s.BeginIdempotent("lease-1", "h", 60s, 300ms)->outcome == O::kInProgress);
    CHECK(s.BeginIdempotent("lease-1", "other", 60s, 300ms)->outcome == O::kMismatch);
    std::this_thread::sleep_for(400ms);  // its owner died
    CHECK(s.BeginIdempotent("lease-1", "h", 60s, 300ms)->outcome == O::kStarted);
    CHECK(s.BeginIdempotent("lease-1", "h", 60s, 300ms)->outcome == O::kInProgress);
    REQUIRE(s.FinishIdempotent("lease-1", api::StoredResponse{201, "application/json", "sealed", ""}).ok());
    std::this_thread::sleep_for(400ms);  // done records are never taken over
    auto replay = s.BeginIdempotent("lease-1", "h", 60s, 300ms);
    CHECK(replay->outcome == O::kReplay);
    CHECK(replay->response.body == "sealed");
  }
}

TEST_CASE("conformance: the outbox hands out due jobs in order, once") {
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    Instant t = Base();
    api::TimePoint now = api::SystemClock().Now();
    REQUIRE(s.CreateAppointment(MakeAppointment("JOB-0001", MakeBooking("o1", "d1", t, 30)), "",
                                {Job(JobType::kConfirmation, "JOB-0001", now),
                                 Job(JobType::kReminder, "JOB-0001", now + 2h)})
                .ok());
    REQUIRE(s.CreateAppointment(MakeAppointment("JOB-0002", MakeBooking("o2", "d1", t, 30)), "",
                                {Job(JobType::kConfirmation, "JOB-0002", now - 1s),
                                 Job(JobType::kReminder, "JOB-0002", now + 1h)})
                .ok());
    CHECK(s.PendingJobs()->size() == 4);
    auto due = s.TakeDueJobs(now, 10);
    REQUIRE(due.ok());
    CHECK(*due == std::vector<OutboxJob>{Job(JobType::kConfirmation, "JOB-0002", now - 1s),
                                         Job(JobType::kConfirmation, "JOB-0001", now)});
    CHECK(s.TakeDueJobs(now, 10)->empty());
    auto limited = s.TakeDueJobs(now + 3h, 1);
    REQUIRE(limited.ok());
    CHECK(*limited == std::vector<OutboxJob>{Job(JobType::kReminder, "JOB-0002", now + 1h)});
    CHECK(*s.PendingJobs() == std::vector<OutboxJob>{Job(JobType::kReminder, "JOB-0001", now + 2h)});
  }
}

// An office change as the admin handler describes it: desk d1 (and d2 if
// `two_desks`) doing id-card, open over `open` (empty: desk d1 removed).
api::OfficeChange Change(std::string doc, std::uint64_t expected, std::vector<Interval> open,
                         bool cancel, bool two_desks = false) {
  api::OfficeChange c;
  c.document = std::move(doc);
  c.expected_version = expected;
  c.cancel_conflicting = cancel;
  Instant t = Base();
  c.judged = Interval{t - 24h, t + 48h};
  if (!open.empty()) {
    std::sort(open.begin(), open.end(),
              [](const Interval& x, const Interval& y) { return x.begin < y.begin; });
    c.desks["d1"] = api::DeskFit{{"id-card"}, IntervalSet::FromSorted(open)};
  }
  if (two_desks) c.desks["d2"] = api::DeskFit{{"id-card"}, IntervalSet::FromSorted({c.judged})};
  return c;
}

TEST_CASE("conformance: extend answers Gone for a hold an office change voided") {
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    Instant t = Base();
    REQUIRE(s.PutOfficeConfig("o1", Change("{\"v\":1}", 0, {Interval{t - 24h, t + 48h}}, false)).ok());
    auto h = s.PlaceHold(MakeHold("hv", MakeBooking("o1", "d1", t + 120min, 30), 60s));
    REQUIRE(h.ok());
    auto v2 = s.PutOfficeConfig("o1", Change("{\"v\":2}", 1, {Interval{t - 24h, t + 60min}}, true));
    REQUIRE(v2.ok());
    CHECK(v2->voided_holds == 1);
    CHECK(s.ExtendHold("hv", "secret-of-hv", 60s, 3).status().code() == StatusCode::kGone);
    auto got = s.GetHold("hv");
    REQUIRE(got.ok());
    CHECK(got->voided);
    CHECK(got->extensions == 0);
  }
}

TEST_CASE("conformance: every booking step meets the office config fence, a confirm after a service change too") {
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    Instant t = Base();
    auto v1 = s.PutOfficeConfig("o1", Change("{}", 0, {Interval{t - 24h, t + 48h}}, false, true));
    REQUIRE(v1.ok());
    api::Booking stale = MakeBooking("o1", "d1", t, 30);
    stale.office_version = v1->version + 7;
    CHECK(s.CreateAppointment(MakeAppointment("FEN-0001", stale), "", {}).status().code() ==
          StatusCode::kAborted);
    CHECK(s.PlaceHold(MakeHold("o1.stale", stale, 60s)).status().code() == StatusCode::kAborted);
    CHECK(s.GetAppointment("FEN-0001").status().code() == StatusCode::kNotFound);

    api::Booking current = MakeBooking("o1", "d1", t, 30);
    current.office_version = v1->version;
    auto early = s.PlaceHold(MakeHold("o1.early", current, 60s));
    REQUIRE(early.ok());
    auto v2 = s.TouchOfficeConfig("o1");  // a service the office offers changed
    REQUIRE(v2.ok());
    // Placed before the touch: confirmed only once checked on the new version.
    AppointmentRecord appt = MakeAppointment("FEN-0002", {});
    CHECK(s.ConfirmHold("o1.early", "secret-of-o1.early", early->version, appt, {}).status().code() ==
          StatusCode::kAborted);
    appt.booking.office_version = v1->version;
    CHECK(s.ConfirmHold("o1.early", "secret-of-o1.early", early->version, appt, {}).status().code() ==
          StatusCode::kAborted);
    CHECK(s.GetAppointment("FEN-0002").status().code() == StatusCode::kNotFound);
    // A stranger learns nothing from the fence: the secret is checked first.
    CHECK(s.ConfirmHold("o1.early", "wrong", early->version, appt, {}).status().code() ==
          StatusCode::kNotFound);
    appt.booking.office_version = *v2;
    auto confirmed = s.ConfirmHold("o1.early", "secret-of-o1.early", early->version, appt, {});
    REQUIRE(confirmed.ok());
    CHECK(confirmed->booking.start == t);
    // Placed after the touch: no check needed.
    api::Booking later = MakeBooking("o1", "d2", t, 30);
    later.office_version = *v2;
    auto late = s.PlaceHold(MakeHold("o1.late", later, 60s));
    REQUIRE(late.ok());
    CHECK(s.ConfirmHold("o1.late", "secret-of-o1.late", late->version, MakeAppointment("FEN-0003", {}), {})
              .ok());
    // Moves meet the fence as well.
    api::Booking to = confirmed->booking;
    to.start = t + 60min;
    to.end = to.start + 30min;
    to.claim_end = to.end;
    to.office_version = v1->version;
    CHECK(s.MoveAppointment("FEN-0002", to, {}).status().code() == StatusCode::kAborted);
    to.office_version = *v2;
    CHECK(s.MoveAppointment("FEN-0002", to, {}).ok());
  }
}

TEST_CASE("conformance: an office change is compare-and-set and judges every claim in its step") {
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    Instant t = Base();
    const Interval all_day{t - 24h, t + 48h};
    auto none = s.GetOfficeConfig("o1");
    REQUIRE(none.ok());
    CHECK(none->version == 0);
    auto v1 = s.PutOfficeConfig("o1", Change("{\"v\":1}", 0, {all_day}, false));
    REQUIRE(v1.ok());
    CHECK(v1->version == 1);
    CHECK(s.PutOfficeConfig("o1", Change("{\"v\":\"lost\"}", 0, {all_day}, false)).status().code() ==
          StatusCode::kConflict);

    // CFG-0001 at t fits the new hours, CFG-0002 at t+60 does not, nor the
    // hold at t+120; the hold at t+180 does.
    REQUIRE(s.CreateAppointment(MakeAppointment("CFG-0001", MakeBooking("o1", "d1", t, 30)), "", {}).ok());
    REQUIRE(s.CreateAppointment(MakeAppointment("CFG-0002", MakeBooking("o1", "d1", t + 60min, 30)), "", {}).ok());
    auto h1 = s.PlaceHold(MakeHold("h1", MakeBooking("o1", "d1", t + 120min, 30), 60s));
    auto h2 = s.PlaceHold(MakeHold("h2", MakeBooking("o1", "d1", t + 180min, 30), 60s));
    REQUIRE(h1.ok());
    REQUIRE(h2.ok());
    const std::vector<Interval> shorter = {Interval{t - 24h, t + 30min}, Interval{t + 3h, t + 4h}};

    // Without cancel_conflicting the misfit refuses the change; nothing is written.
    auto refused = s.PutOfficeConfig("o1", Change("{\"v\":2}", 1, shorter, false));
    REQUIRE(refused.ok());
    CHECK(refused->version == 0);
    REQUIRE(refused->appointments.size() == 1);
    CHECK(refused->appointments[0].reference == "CFG-0002");
    CHECK(refused->appointments[0].start == t + 60min);
    CHECK(refused->voided_holds == 1);
    CHECK(s.GetOfficeConfig("o1")->version == 1);
    CHECK(s.GetAppointment("CFG-0002")->status == AppointmentStatus::kConfirmed);
    CHECK_FALSE(s.GetHold("h1")->voided);

    // A claim beyond the judged range: nothing written, judge a longer one.
    api::OfficeChange narrow = Change("{\"v\":2}", 1, shorter, true);
    narrow.judged.end = t + 150min;
    auto beyond = s.PutOfficeConfig("o1", narrow);
    REQUIRE(beyond.ok());
    REQUIRE(beyond->beyond.has_value());
    CHECK(*beyond->beyond == t + 210min);
    CHECK(s.GetOfficeConfig("o1")->version == 1);

    auto now = api::SystemClock().Now();
    auto v2 = s.PutOfficeConfig("o1", Change("{\"v\":2}", 1, shorter, true));
    REQUIRE(v2.ok());
    CHECK(v2->version == 2);
    REQUIRE(v2->appointments.size() == 1);
    CHECK(v2->appointments[0].reference == "CFG-0002");
    CHECK(v2->voided_holds == 1);
    auto doc = s.GetOfficeConfig("o1");
    CHECK(doc->document == "{\"v\":2}");
    CHECK(doc->version == 2);
    auto a = s.GetAppointment("CFG-0002");
    CHECK(a->status == AppointmentStatus::kCancelled);
    CHECK(a->cancel_reason == "office_change");
    CHECK(s.GetAppointment("CFG-0001")->status == AppointmentStatus::kConfirmed);
    auto jobs = s.PendingJobs();
    REQUIRE(jobs.ok());
    REQUIRE(jobs->size() == 1);
    CHECK(jobs->at(0).type == JobType::kCancelledByOffice);
    CHECK(jobs->at(0).reference == "CFG-0002");
    CHECK(jobs->at(0).due >= now - 1s);
    // The voided hold claims nothing and never confirms; the other one does.
    CHECK(s.GetHold("h1")->voided);
    auto claims = s.ReadClaims("o1", Interval{t, t + 4h});
    REQUIRE(claims.ok());
    CHECK_FALSE(HasClaim(*claims, "d1", Interval{t + 120min, t + 150min}));
    CHECK(s.ConfirmHold("h1", "secret-of-h1", h1->version, MakeAppointment("CFG-0003", {}), {})
              .status().code() == StatusCode::kGone);
    CHECK(s.GetAppointment("CFG-0003").status().code() == StatusCode::kNotFound);
    CHECK(s.ConfirmHold("h2", "secret-of-h2", h2->version, MakeAppointment("CFG-0004", {}), {}).ok());

    // A desk removed: everything on it is affected.
    auto v3 = s.PutOfficeConfig("o1", Change("{\"v\":3}", 2, {}, true, /*two_desks=*/true));
    REQUIRE(v3.ok());
    CHECK(v3->version == 3);
    REQUIRE(v3->appointments.size() == 2);
    CHECK(v3->appointments[0].reference == "CFG-0001");
    CHECK(v3->appointments[1].reference == "CFG-0004");

    // A touch moves the version, not the document: a save against the old
    // version is then refused, one against the new goes through.
    auto touched = s.TouchOfficeConfig("o1");
    REQUIRE(touched.ok());
    CHECK(*touched == 4);
    CHECK(s.GetOfficeConfig("o1")->document == "{\"v\":3}");
    CHECK(s.GetOfficeConfig("o1")->version == 4);
    CHECK(s.PutOfficeConfig("o1", Change("{}", 3, {all_day}, true)).status().code() ==
          StatusCode::kConflict);
    CHECK(s.TouchOfficeConfig("no-such-office").status().code() == StatusCode::kNotFound);

    CHECK(*s.PutServiceConfig("id-card", "{\"a\":1}") == 1);
    CHECK(*s.PutServiceConfig("id-card", "{\"a\":2}") == 2);
    CHECK(*s.PutServiceConfig("passport", "{}") == 1);
    auto services = s.GetServiceConfigs();
    REQUIRE(services.ok());
    REQUIRE(services->size() == 2);
    CHECK(services->at("id-card").document == "{\"a\":2}");
    CHECK(services->at("id-card").version == 2);
  }
}

TEST_CASE("conformance: staff search by reference, phone digits and name, within offices") {
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    Instant t = Base();
    REQUIRE(s.CreateAppointment(MakeAppointment("FND-0001", MakeBooking("o1", "d1", t + 30min, 30),
                                                "Erika Mustermann", "+49 (711) 555-0100"), "", {}).ok());
    REQUIRE(s.CreateAppointment(MakeAppointment("FND-0002", MakeBooking("o2", "d1", t, 30),
                                                "Max Mustermann", "0711 555 0200"), "", {}).ok());
    REQUIRE(s.CreateAppointment(MakeAppointment("FND-0003", MakeBooking("o1", "d2", t, 30),
                                                "Hans Meier", "+49 711 5550100"), "", {}).ok());
    api::AppointmentQuery q;
    q.phone = "497115550100";
    auto by_phone = s.FindAppointments(q);
    REQUIRE(by_phone.ok());
    REQUIRE(by_phone->size() == 2);
    CHECK((*by_phone)[0].reference == "FND-0003");  // by start
    CHECK((*by_phone)[1].reference == "FND-0001");
    q = {};
    q.name = "MUSTER";
    auto by_name = s.FindAppointments(q);
    REQUIRE(by_name.ok());
    CHECK(by_name->size() == 2);
    q.offices = {"o2"};
    by_name = s.FindAppointments(q);
    REQUIRE(by_name->size() == 1);
    CHECK((*by_name)[0].reference == "FND-0002");
    q = {};
    q.reference = "FND-0001";
    q.offices = {"o2"};
    CHECK(s.FindAppointments(q)->empty());
    q.offices = {};
    CHECK(s.FindAppointments(q)->size() == 1);
    q.reference = "NOPE-0001";
    CHECK(s.FindAppointments(q)->empty());
    auto active = s.ListActiveAppointments("o1", t);
    REQUIRE(active.ok());
    CHECK(active->size() == 2);
    CHECK(s.ListActiveAppointments("o1", t + 60min)->empty());
  }
}

TEST_CASE("conformance: personal data of finished visits is erased") {
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    Instant past = std::chrono::floor<Minutes>(std::chrono::system_clock::now()) - std::chrono::days(40);
    Instant t = Base();
    REQUIRE(s.CreateAppointment(MakeAppointment("ERA-0001", MakeBooking("o1", "d1", past, 30), "Old Visit"), "", {}).ok());
    REQUIRE(s.CreateAppointment(MakeAppointment("ERA-0002", MakeBooking("o1", "d1", t, 30), "Future Visit"), "", {}).ok());
    REQUIRE(s.AddNote("ERA-0001", api::Note{api::SystemClock().Now(), "staff", "called Mr X"}).ok());
    auto cutoff = api::SystemClock().Now() - std::chrono::days(30);
    auto n = s.ErasePersonalData(cutoff);
    REQUIRE(n.ok());
    CHECK(*n == 1);
    auto old = s.GetAppointment("ERA-0001");
    REQUIRE(old.ok());
    CHECK(old->contact_erased);
    CHECK(old->contact.name.empty());
    CHECK(old->contact.phone.empty());
    CHECK(old->contact.email.empty());
    CHECK(old->notes.empty());
    CHECK(old->booking == MakeBooking("o1", "d1", past, 30));  // the visit itself stays
    CHECK_FALSE(s.GetAppointment("ERA-0002")->contact_erased);
    api::AppointmentQuery q;
    q.name = "visit";
    auto found = s.FindAppointments(q);
    REQUIRE(found->size() == 1);
    CHECK((*found)[0].reference == "ERA-0002");
    CHECK(*s.ErasePersonalData(cutoff) == 0);  // once
  }
}

TEST_CASE("conformance: many threads racing for one interval: exactly one wins") {
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    constexpr int kThreads = 8;
    constexpr int kRounds = 25;
    Instant t = Base();
    for (int round = 0; round < kRounds; ++round) {
      std::atomic<int> wins{0};
      std::atomic<int> conflicts{0};
      std::barrier start(kThreads);
      std::vector<std::thread> threads;
      for (int i = 0; i < kThreads; ++i) {
        threads.emplace_back([&, i] {
          // Overlapping, not identical, intervals: every pair overlaps.
          auto booking = MakeBooking("race", "d1", t + Minutes(60 * round + i), 30);
          start.arrive_and_wait();
          Status st;
          if (i % 2 == 0) {
            st = s.PlaceHold(MakeHold("r" + std::to_string(round) + "-" + std::to_string(i), booking, 60s)).status();
          } else {
            st = s.CreateAppointment(MakeAppointment("R" + std::to_string(round) + "-" + std::to_string(i), booking), "", {}).status();
          }
          if (st.ok()) ++wins;
          else if (st.code() == StatusCode::kConflict) ++conflicts;
        });
      }
      for (auto& th : threads) th.join();
      CHECK(wins == 1);
      CHECK(conflicts == kThreads - 1);
    }
    auto claims = s.ReadClaims("race", Interval{t, t + Minutes(60 * kRounds)});
    REQUIRE(claims.ok());
    CHECK(claims->at("d1").size() == kRounds);
  }
}

TEST_CASE("conformance: fair-use counters: a token bucket and open holds, exact under races") {
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    // A bucket of 5 a minute: 5 pass, the 6th waits about 12 s for its token.
    for (int i = 0; i < 5; ++i) {
      auto d = s.TakeToken("ip:192.0.2.1", 5, std::chrono::minutes(1));
      REQUIRE(d.ok());
      CHECK(d->allowed);
    }
    auto over = s.TakeToken("ip:192.0.2.1", 5, std::chrono::minutes(1));
    REQUIRE(over.ok());
    CHECK_FALSE(over->allowed);
    CHECK(over->retry_after > 10s);
    CHECK(over->retry_after <= 12s);
    auto other = s.TakeToken("ip:192.0.2.2", 5, std::chrono::minutes(1));
    REQUIRE(other.ok());
    CHECK(other->allowed);  // another client, its own bucket
    // Refilled at 5 per 600 ms: after ~150 ms one token is back.
    for (int i = 0; i < 5; ++i) (void)s.TakeToken("fast", 5, 600ms);
    CHECK_FALSE(s.TakeToken("fast", 5, 600ms)->allowed);
    std::this_thread::sleep_for(200ms);
    CHECK(s.TakeToken("fast", 5, 600ms)->allowed);

    // 16 threads at once for 10 tokens: exactly 10 pass.
    std::atomic<int> passed{0};
    {
      std::barrier start(16);
      std::vector<std::thread> threads;
      for (int i = 0; i < 16; ++i) {
        threads.emplace_back([&] {
          start.arrive_and_wait();
          auto d = s.TakeToken("race", 10, std::chrono::minutes(10));
          if (d.ok() && d->allowed) ++passed;
        });
      }
      for (auto& t : threads) t.join();
    }
    CHECK(passed == 10);

    // Open holds: two at once; the same hold again changes nothing; a
    // forgotten one makes room; a lapsed one stops counting.
    CHECK(s.AdmitOpenHold("holds:a", "h1", 2, 60s)->allowed);
    CHECK(s.AdmitOpenHold("holds:a", "h1", 2, 60s)->allowed);
    CHECK(s.AdmitOpenHold("holds:a", "h2", 2, 60s)->allowed);
    auto third = s.AdmitOpenHold("holds:a", "h3", 2, 60s);
    REQUIRE(third.ok());
    CHECK_FALSE(third->allowed);
    CHECK(third->retry_after > 55s);
    CHECK(s.AdmitOpenHold("holds:b", "h3", 2, 60s)->allowed);  // another client
    REQUIRE(s.ForgetOpenHold("holds:a", "h1").ok());
    CHECK(s.AdmitOpenHold("holds:a", "h3", 2, 60s)->allowed);
    CHECK(s.ForgetOpenHold("holds:none", "x").ok());
    CHECK(s.AdmitOpenHold("holds:c", "short", 1, 300ms)->allowed);
    CHECK_FALSE(s.AdmitOpenHold("holds:c", "next", 1, 60s)->allowed);
    std::this_thread::sleep_for(400ms);
    CHECK(s.AdmitOpenHold("holds:c", "next", 1, 60s)->allowed);
    // Admitted again with a longer TTL (an extended hold): it stays open.
    CHECK(s.AdmitOpenHold("holds:d", "ext", 1, 300ms)->allowed);
    CHECK(s.AdmitOpenHold("holds:d", "ext", 1, 60s)->allowed);
    CHECK(s.AdmitOpenHold("holds:d", "ext", 1, 1ms)->allowed);  // never sooner
    std::this_thread::sleep_for(400ms);
    CHECK_FALSE(s.AdmitOpenHold("holds:d", "other", 1, 60s)->allowed);

    std::atomic<int> admitted{0};
    {
      std::barrier start(12);
      std::vector<std::thread> threads;
      for (int i = 0; i < 12; ++i) {
        threads.emplace_back([&, i] {
          start.arrive_and_wait();
          auto d = s.AdmitOpenHold("holds:race", "h" + std::to_string(i), 2, 60s);
          if (d.ok() && d->allowed) ++admitted;
        });
      }
      for (auto& t : threads) t.join();
    }
    CHECK(admitted == 2);
  }
}

TEST_CASE("conformance: a confirm beyond the identity's quota writes nothing; ended and cancelled visits do not count") {
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    Instant t = Base();
    api::JobPlan plan{true, JobType::kConfirmation, api::SystemClock().Now(), {}};
    int n = 0;
    // Confirms a fresh hold at `office` for `services` with the identities; the status.
    auto confirm = [&](const std::string& office, std::vector<std::string> services,
                       std::vector<std::string> identities, int limit, std::string* ref = nullptr) {
      ++n;
      auto booking = MakeBooking(office, "d1", t + Minutes(30 * n), 20);
      booking.services = std::move(services);
      const std::string id = office + ".q" + std::to_string(n);
      auto h = s.PlaceHold(MakeHold(id, booking, 60s));
      REQUIRE(h.ok());
      auto appt = MakeAppointment("QUOT-" + std::to_string(1000 + n), booking);
      appt.identities = std::move(identities);
      appt.identity_limit = limit;
      auto done = s.ConfirmHold(id, "secret-of-" + id, h->version, appt, plan);
      if (done.ok()) {
        CHECK(done->identities.empty());  // not part of the record
        if (ref) *ref = done->reference;
      }
      return done.status().code();
    };
    const std::vector<std::string> erika = {"mail-erika", "tel-erika"};
    std::string first;
    CHECK(confirm("q1", {"id-card"}, erika, 2, &first) == StatusCode::kOk);
    CHECK(confirm("q1", {"id-card", "passport"}, erika, 2) == StatusCode::kOk);
    CHECK(confirm("q1", {"id-card"}, erika, 2) == StatusCode::kResourceExhausted);
    // The same person by phone only, or by e-mail only: still the same identity.
    CHECK(confirm("q1", {"id-card"}, {"tel-erika"}, 2) == StatusCode::kResourceExhausted);
    CHECK(confirm("q1", {"passport"}, {"mail-erika"}, 2) == StatusCode::kOk);  // passport: 2 now
    CHECK(confirm("q1", {"passport"}, {"mail-erika"}, 2) == StatusCode::kResourceExhausted);
    // Another service, another office, another person, or no limit: allowed.
    CHECK(confirm("q1", {"registration"}, erika, 2) == StatusCode::kOk);
    CHECK(confirm("q2", {"id-card"}, erika, 2) == StatusCode::kOk);
    CHECK(confirm("q1", {"id-card"}, {"mail-max"}, 2) == StatusCode::kOk);
    CHECK(confirm("q1", {"id-card"}, erika, 0) == StatusCode::kOk);
    // A cancelled appointment no longer counts.
    REQUIRE(s.CancelAppointment(first, "citizen", {}).ok());
    CHECK(confirm("q1", {"id-card"}, erika, 2) == StatusCode::kOk);
    CHECK(confirm("q1", {"id-card"}, erika, 2) == StatusCode::kResourceExhausted);
  }
}


// --- The office's day: one queue (api/store.h, QueueEntry) -------------------

api::QueueEntry WalkIn(const std::string& service, api::TimePoint at) {
  api::QueueEntry e;
  e.kind = api::QueueKind::kWalkIn;
  e.services = {service};
  e.due = at;
  return e;
}

api::QueueDesk OpenDesk(const std::string& id) {
  api::QueueDesk d;
  d.id = id;
  d.open = true;
  return d;
}

// Issues a walk-in on the queue's current version.
api::QueueEntry Issue(api::Store& s, const std::string& office, const std::string& day,
                      const std::string& service, api::TimePoint at) {
  auto q = s.ReadQueue(office, day);
  REQUIRE(q.ok());
  auto e = s.IssueTicket(office, day, WalkIn(service, at), q->version);
  REQUIRE_MESSAGE(e.ok(), e.status().message());
  return *e;
}

TEST_CASE("conformance: check-in queues the visitor; call next takes appointments due, then walk-ins, then early arrivals") {
  const std::string day = "2030-02-01";
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    const Instant t = Base();
    const api::TimePoint now = api::ToTimePoint(t);
    REQUIRE(s.CreateAppointment(MakeAppointment("QUE-0001", MakeBooking("o1", "d1", t - 5min, 15)), "", {}).ok());
    REQUIRE(s.CreateAppointment(MakeAppointment("QUE-0002", MakeBooking("o1", "d2", t + 60min, 15)), "", {}).ok());
    api::QueueEntry w1 = Issue(s, "o1", day, "id-card", now - 10min);  // A001, before both check-ins
    REQUIRE(s.CheckIn("QUE-0002", day).ok());                           // A002, due later
    REQUIRE(s.CheckIn("QUE-0001", day).ok());                           // A003, due now
    api::QueueEntry w2 = Issue(s, "o1", day, "passport", now);          // A004
    CHECK(w1.ticket == "A001");
    CHECK(w2.ticket == "A004");
    auto q = s.ReadQueue("o1", day);
    REQUIRE(q.ok());
    REQUIRE(q->entries.size() == 4);
    CHECK(q->entries[1].reference == "QUE-0002");
    CHECK(q->entries[1].kind == api::QueueKind::kAppointment);
    CHECK(q->entries[1].due == api::ToTimePoint(t + 60min));
    CHECK(s.CheckIn("QUE-0001", day).ok());  // a kiosk retry queues nobody twice
    CHECK(s.ReadQueue("o1", day)->entries.size() == 4);

    const std::vector<std::string> can = {"id-card"};
    // A desk that is not open calls nobody.
    CHECK(s.CallNext("o1", day, "d1", can, now).status().code() == StatusCode::kFailedPrecondition);
    REQUIRE(s.SetQueueDesk("o1", day, OpenDesk("d1")).ok());
    auto c1 = s.CallNext("o1", day, "d1", can, now);
    REQUIRE(c1.ok());
    CHECK(c1->reference == "QUE-0001");  // appointment due first
    CHECK(c1->state == api::QueueState::kCalled);
    CHECK(c1->desk == "d1");
    // One visitor at a time per desk.
    CHECK(s.CallNext("o1", day, "d1", can, now).status().code() == StatusCode::kFailedPrecondition);
    REQUIRE(s.DeskStep("o1", day, "d1", api::DeskAction::kStart, now).ok());
    REQUIRE(s.DeskStep("o1", day, "d1", api::DeskAction::kDone, now + 12min).ok());
    auto c2 = s.CallNext("o1", day, "d1", can, now + 12min);
    REQUIRE(c2.ok());
    CHECK(c2->ticket == "A001");  // then walk-ins by number; A004 (passport) is not for this desk
    REQUIRE(s.DeskStep("o1", day, "d1", api::DeskAction::kStart, now + 12min).ok());
    REQUIRE(s.DeskStep("o1", day, "d1", api::DeskAction::kDone, now + 20min).ok());
    auto c3 = s.CallNext("o1", day, "d1", can, now + 20min);
    REQUIRE(c3.ok());
    CHECK(c3->reference == "QUE-0002");  // an idle desk calls an early arrival
    REQUIRE(s.DeskStep("o1", day, "d1", api::DeskAction::kStart, now + 20min).ok());
    REQUIRE(s.DeskStep("o1", day, "d1", api::DeskAction::kDone, now + 30min).ok());
    CHECK(s.CallNext("o1", day, "d1", can, now + 30min).status().code() == StatusCode::kNotFound);

    // Done closed the appointments and measured the visits.
    CHECK(s.GetAppointment("QUE-0001")->status == AppointmentStatus::kDone);
    CHECK(s.GetAppointment("QUE-0002")->status == AppointmentStatus::kDone);
    q = s.ReadQueue("o1", day);
    REQUIRE(q.ok());
    CHECK(q->durations["id-card"] == std::vector<int>{10, 8, 12});  // newest first
    CHECK(q->calls.seq == 3);
    REQUIRE(q->calls.calls.size() == 3);
    CHECK(q->calls.calls[0].ticket == c3->ticket);
    CHECK(q->calls.calls[2].ticket == c1->ticket);
    CHECK(q->calls.calls[2].desk == "d1");
    CHECK(q->desks["d1"].current.empty());
    // The display's own read agrees.
    auto calls = s.ReadQueueCalls("o1", day);
    REQUIRE(calls.ok());
    CHECK(calls->seq == 3);
    CHECK(calls->calls.size() == 3);
    // Another day and another office see nothing.
    CHECK(s.ReadQueue("o1", "2030-02-02")->entries.empty());
    CHECK(s.ReadQueueCalls("o2", day)->seq == 0);
  }
}

TEST_CASE("conformance: a visit booked with a ticket (kiosk walk-in appointment) joins the day's queue in its step") {
  const std::string day = "2030-02-03";
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    const Instant t = Base();
    auto walk_in = MakeAppointment("QWA-0001", MakeBooking("o1", "d1", t, 15));
    walk_in.status = AppointmentStatus::kCheckedIn;
    auto made = s.CreateAppointment(walk_in, day, {});
    REQUIRE(made.ok());
    REQUIRE(s.CreateAppointment(MakeAppointment("QWA-0002", MakeBooking("o1", "d1", t + 30min, 15)), "", {}).ok());
    auto q = s.ReadQueue("o1", day);
    REQUIRE(q.ok());
    REQUIRE(q->entries.size() == 1);  // the one without a ticket day is not queued
    CHECK(q->entries[0].ticket == made->ticket);
    CHECK(q->entries[0].reference == "QWA-0001");
    CHECK(q->entries[0].kind == api::QueueKind::kAppointment);
    CHECK(q->entries[0].due == api::ToTimePoint(t));
    CHECK(q->entries[0].services == std::vector<std::string>{"id-card"});
  }
}

TEST_CASE("conformance: a walk-in ticket is drawn only on the queue version its cut-off was judged on") {
  const std::string day = "2030-02-01";
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    const api::TimePoint now = api::ToTimePoint(Base());
    auto q = s.ReadQueue("o1", day);
    REQUIRE(q.ok());
    REQUIRE(s.IssueTicket("o1", day, WalkIn("id-card", now), q->version).ok());
    // A second kiosk that judged on the same snapshot is refused: nothing written.
    auto late = s.IssueTicket("o1", day, WalkIn("id-card", now), q->version);
    CHECK(late.status().code() == StatusCode::kAborted);
    auto after = s.ReadQueue("o1", day);
    REQUIRE(after.ok());
    CHECK(after->entries.size() == 1);
    CHECK(after->version > q->version);
    // A desk change moves the version too (closing early changes the cut-off).
    api::QueueDesk d = OpenDesk("d1");
    d.closes_at = now + 30min;
    auto set = s.SetQueueDesk("o1", day, d);
    REQUIRE(set.ok());
    CHECK(set->closes_at == now + 30min);
    CHECK(s.IssueTicket("o1", day, WalkIn("id-card", now), after->version).status().code() ==
          StatusCode::kAborted);
    // Past its closing time the desk calls nobody.
    CHECK(s.CallNext("o1", day, "d1", {"id-card"}, now + 30min).status().code() ==
          StatusCode::kFailedPrecondition);
    CHECK(s.CallNext("o1", day, "d1", {"id-card"}, now + 29min).ok());
  }
}

TEST_CASE("conformance: a hold for today is placed only on the queue version it was judged on, and moves it") {
  const std::string day = "2030-02-02";
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    const Instant t = Base() + 3h;
    const api::TimePoint now = api::ToTimePoint(Base());
    auto q = s.ReadQueue("o1", day);
    REQUIRE(q.ok());
    REQUIRE(s.IssueTicket("o1", day, WalkIn("id-card", now), q->version).ok());
    // Judged before the ticket was drawn: refused, nothing claimed.
    HoldRecord stale = MakeHold("hq1", MakeBooking("o1", "d1", t, 30), 60s);
    stale.queue_day = day;
    stale.queue_version = q->version;
    CHECK(s.PlaceHold(stale).status().code() == StatusCode::kAborted);
    auto claims = s.ReadClaims("o1", Interval{t, t + 30min});
    REQUIRE(claims.ok());
    CHECK(claims->empty());
    // Judged on the current version: placed, and the version moves on, so a
    // ticket judged before this hold is judged again.
    auto current = s.ReadQueue("o1", day);
    REQUIRE(current.ok());
    HoldRecord fresh = MakeHold("hq2", MakeBooking("o1", "d1", t, 30), 60s);
    fresh.queue_day = day;
    fresh.queue_version = current->version;
    auto placed = s.PlaceHold(fresh);
    REQUIRE(placed.ok());
    auto after = s.ReadQueue("o1", day);
    REQUIRE(after.ok());
    CHECK(after->version > current->version);
    CHECK(after->entries.size() == 1);
    CHECK(s.IssueTicket("o1", day, WalkIn("id-card", now), current->version).status().code() ==
          StatusCode::kAborted);
    // The fence is not kept with the hold, and a hold of another day is not fenced.
    auto read = s.GetHold("hq2");
    REQUIRE(read.ok());
    CHECK(read->queue_day.empty());
    CHECK(s.PlaceHold(MakeHold("hq3", MakeBooking("o1", "d1", t + 60min, 30), 60s)).ok());
    auto last = s.ReadQueue("o1", day);
    REQUIRE(last.ok());
    CHECK(last->version == after->version);
  }
}

TEST_CASE("conformance: a booking or move into today is written only on the queue version it was judged on, and moves it") {
  const std::string day = "2030-02-03";
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    const Instant t = Base() + 4h;
    const api::TimePoint now = api::ToTimePoint(Base());
    auto q = s.ReadQueue("o1", day);
    REQUIRE(q.ok());
    REQUIRE(s.IssueTicket("o1", day, WalkIn("id-card", now), q->version).ok());
    const api::QueueFence stale{day, q->version};
    // A hotline booking judged before the ticket: refused, nothing claimed.
    CHECK(s.CreateAppointment(MakeAppointment("FNC1-AAAA", MakeBooking("o1", "d1", t, 30)), "", {}, {},
                              stale)
              .status()
              .code() == StatusCode::kAborted);
    auto claims = s.ReadClaims("o1", Interval{t, t + 30min});
    REQUIRE(claims.ok());
    CHECK(claims->empty());
    CHECK(s.GetAppointment("FNC1-AAAA").status().code() == StatusCode::kNotFound);
    // On the current version: written, and the version moves on.
    auto current = s.ReadQueue("o1", day);
    REQUIRE(current.ok());
    REQUIRE(s.CreateAppointment(MakeAppointment("FNC2-AAAA", MakeBooking("o1", "d1", t, 30)), "", {}, {},
                                api::QueueFence{day, current->version})
                .ok());
    auto after = s.ReadQueue("o1", day);
    REQUIRE(after.ok());
    CHECK(after->version > current->version);
    CHECK(s.IssueTicket("o1", day, WalkIn("id-card", now), current->version).status().code() ==
          StatusCode::kAborted);
    // A kiosk walk-in with its ticket and the fence of the same day.
    auto walk_in = MakeAppointment("FNC3-AAAA", MakeBooking("o1", "d2", t, 30));
    walk_in.status = AppointmentStatus::kCheckedIn;
    CHECK(s.CreateAppointment(walk_in, day, {}, {}, stale).status().code() == StatusCode::kAborted);
    auto before_walk_in = s.ReadQueue("o1", day);
    REQUIRE(before_walk_in.ok());
    auto walked = s.CreateAppointment(walk_in, day, {}, {}, api::QueueFence{day, before_walk_in->version});
    REQUIRE(walked.ok());
    CHECK(!walked->ticket.empty());
    // A move judged on an old version: refused, the visit stays where it was.
    const Instant later = t + 60min;
    CHECK(s.MoveAppointment("FNC2-AAAA", MakeBooking("o1", "d1", later, 30), {}, {}, stale).status().code() ==
          StatusCode::kAborted);
    auto kept = s.GetAppointment("FNC2-AAAA");
    REQUIRE(kept.ok());
    CHECK(kept->booking.start == t);
    auto before_move = s.ReadQueue("o1", day);
    REQUIRE(before_move.ok());
    auto moved = s.MoveAppointment("FNC2-AAAA", MakeBooking("o1", "d1", later, 30), {}, {},
                                   api::QueueFence{day, before_move->version});
    REQUIRE(moved.ok());
    CHECK(moved->booking.start == later);
    auto last = s.ReadQueue("o1", day);
    REQUIRE(last.ok());
    CHECK(last->version > before_move->version);
    // Unfenced steps (another day) leave the version alone.
    REQUIRE(s.CreateAppointment(MakeAppointment("FNC4-AAAA", MakeBooking("o1", "d3", t, 30)), "", {}).ok());
    auto untouched = s.ReadQueue("o1", day);
    REQUIRE(untouched.ok());
    CHECK(untouched->version == last->version);
  }
}

TEST_CASE("conformance: recall, no-show, requeue and transfer on the desk's current visitor") {
  const std::string day = "2030-02-01";
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    const Instant t = Base();
    const api::TimePoint now = api::ToTimePoint(t);
    const std::vector<std::string> can = {"id-card"};
    REQUIRE(s.SetQueueDesk("o1", day, OpenDesk("d1")).ok());
    REQUIRE(s.SetQueueDesk("o1", day, OpenDesk("d2")).ok());
    CHECK(s.DeskStep("o1", day, "d1", api::DeskAction::kRecall, now).status().code() ==
          StatusCode::kFailedPrecondition);  // nobody called
    REQUIRE(s.CreateAppointment(MakeAppointment("QST-0001", MakeBooking("o1", "d1", t, 15)), "", {}).ok());
    REQUIRE(s.CheckIn("QST-0001", day).ok());        // A001
    api::QueueEntry w = Issue(s, "o1", day, "id-card", now);  // A002
    auto c = s.CallNext("o1", day, "d1", can, now);
    REQUIRE(c.ok());
    REQUIRE(c->ticket == "A001");
    auto r = s.DeskStep("o1", day, "d1", api::DeskAction::kRecall, now + 1min);
    REQUIRE(r.ok());
    CHECK(r->calls == 2);
    CHECK(s.ReadQueueCalls("o1", day)->seq == 2);
    // Done before start is refused; no-show of a called visitor closes the appointment.
    CHECK(s.DeskStep("o1", day, "d1", api::DeskAction::kDone, now).status().code() ==
          StatusCode::kFailedPrecondition);
    auto ns = s.DeskStep("o1", day, "d1", api::DeskAction::kNoShow, now + 3min);
    REQUIRE(ns.ok());
    CHECK(ns->state == api::QueueState::kNoShow);
    CHECK(s.GetAppointment("QST-0001")->status == AppointmentStatus::kNoShow);
    // Requeue puts the walk-in back in its place.
    REQUIRE(s.CallNext("o1", day, "d1", can, now + 3min)->ticket == w.ticket);
    auto back = s.DeskStep("o1", day, "d1", api::DeskAction::kRequeue, now + 4min);
    REQUIRE(back.ok());
    CHECK(back->state == api::QueueState::kWaiting);
    api::QueueEntry w3 = Issue(s, "o1", day, "id-card", now + 4min);  // A003
    REQUIRE(s.CallNext("o1", day, "d1", can, now + 5min)->ticket == w.ticket);
    // Transfer to d2: only d2 may call it, and before its own queue.
    CHECK(s.DeskStep("o1", day, "d1", api::DeskAction::kTransfer, now, "d1").status().code() ==
          StatusCode::kInvalidArgument);
    auto moved = s.DeskStep("o1", day, "d1", api::DeskAction::kTransfer, now + 6min, "d2");
    REQUIRE(moved.ok());
    CHECK(moved->for_desk == "d2");
    auto at_d1 = s.CallNext("o1", day, "d1", can, now + 6min);
    REQUIRE(at_d1.ok());
    CHECK(at_d1->ticket == w3.ticket);
    auto at_d2 = s.CallNext("o1", day, "d2", can, now + 6min);
    REQUIRE(at_d2.ok());
    CHECK(at_d2->ticket == w.ticket);
    CHECK(at_d2->for_desk.empty());
  }
}

TEST_CASE("conformance: an overdue appointment becomes a no-show and frees its desk time") {
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    const Instant t = Base();
    REQUIRE(s.CreateAppointment(MakeAppointment("QNS-0001", MakeBooking("o1", "d1", t, 30)), "", {}).ok());
    CHECK(s.MarkNoShow("QNS-0001", t - 1min).status().code() == StatusCode::kFailedPrecondition);
    auto ns = s.MarkNoShow("QNS-0001", t + 10min);
    REQUIRE(ns.ok());
    CHECK(ns->status == AppointmentStatus::kNoShow);
    CHECK(s.GetAppointment("QNS-0001")->status == AppointmentStatus::kNoShow);
    auto claims = s.ReadClaims("o1", Interval{t, t + 30min});
    REQUIRE(claims.ok());
    CHECK_FALSE(HasClaim(*claims, "d1", Interval{t, t + 30min}));
    CHECK(s.ListActiveAppointments("o1", t - 60min)->empty());
    // A checked-in visitor is never a no-show.
    REQUIRE(s.CreateAppointment(MakeAppointment("QNS-0002", MakeBooking("o1", "d1", t, 30)), "", {}).ok());
    REQUIRE(s.CheckIn("QNS-0002", "2030-02-01").ok());
    CHECK(s.MarkNoShow("QNS-0002", t + 10min).status().code() == StatusCode::kFailedPrecondition);
  }
}

TEST_CASE("conformance: desks racing to call next never call one visitor twice") {
  const std::string day = "2030-02-01";
  constexpr int kTickets = 60;
  constexpr int kDesks = 6;
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    const api::TimePoint now = api::ToTimePoint(Base());
    for (int i = 0; i < kTickets; ++i) Issue(s, "o1", day, "id-card", now);
    for (int d = 0; d < kDesks; ++d) REQUIRE(s.SetQueueDesk("o1", day, OpenDesk("d" + std::to_string(d))).ok());
    std::vector<std::vector<std::string>> called(kDesks);
    std::barrier start(kDesks);
    std::vector<std::thread> threads;
    for (int d = 0; d < kDesks; ++d) {
      threads.emplace_back([&, d] {
        const std::string desk = "d" + std::to_string(d);
        start.arrive_and_wait();
        for (;;) {
          auto c = s.CallNext("o1", day, desk, {"id-card"}, now);
          if (!c.ok()) break;
          called[d].push_back(c->ticket);
          if (!s.DeskStep("o1", day, desk, api::DeskAction::kStart, now).ok()) break;
          if (!s.DeskStep("o1", day, desk, api::DeskAction::kDone, now + 5min).ok()) break;
        }
      });
    }
    for (auto& t : threads) t.join();
    std::vector<std::string> all;
    for (const auto& v : called) all.insert(all.end(), v.begin(), v.end());
    std::sort(all.begin(), all.end());
    CHECK(all.size() == kTickets);
    CHECK(std::adjacent_find(all.begin(), all.end()) == all.end());
    auto q = s.ReadQueue("o1", day);
    REQUIRE(q.ok());
    CHECK(std::all_of(q->entries.begin(), q->entries.end(),
                      [](const api::QueueEntry& e) { return e.state == api::QueueState::kDone; }));
    CHECK(q->calls.seq == kTickets);
  }
}

// Released places (api/store.h; ZMS's deallocationDuration): the place a
// cancel, a given-back hold or a lapsed hold frees stays claimed for a
// public hold that names a delay, and for the public view, until the delay
// has passed since it was freed; staff steps take it at once.
HoldRecord PublicHold(const std::string& id, api::Booking b, std::chrono::milliseconds ttl,
                      std::chrono::milliseconds delay) {
  HoldRecord h = MakeHold(id, std::move(b), ttl);
  h.released_delay = delay;
  return h;
}

TEST_CASE("conformance: a released place returns to public holds only after the delay; staff take it at once") {
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    const Instant t = Base();
    const Interval slot{t, t + 30min};
    constexpr auto kDelay = 600ms;
    // A cancelled appointment.
    REQUIRE(s.CreateAppointment(MakeAppointment("REL-0001", MakeBooking("o1", "d1", t, 30)), "", {}).ok());
    REQUIRE(s.CancelAppointment("REL-0001", "citizen", {}).ok());
    CHECK(s.PlaceHold(PublicHold("p1", MakeBooking("o1", "d1", t, 30), 60s, kDelay)).status().code() ==
          StatusCode::kConflict);
    auto pub = s.ReadPublicClaims("o1", slot, kDelay);
    REQUIRE(pub.ok());
    CHECK(HasClaim(*pub, "d1", slot));
    auto staff = s.ReadClaims("o1", slot);
    REQUIRE(staff.ok());
    CHECK_FALSE(HasClaim(*staff, "d1", slot));
    // Without a delay (another office's rule) the place is free at once.
    auto zero = s.ReadPublicClaims("o1", slot, 0ms);
    REQUIRE(zero.ok());
    CHECK_FALSE(HasClaim(*zero, "d1", slot));
    // Staff book it during the delay; their cancel releases it again.
    REQUIRE(s.CreateAppointment(MakeAppointment("REL-0002", MakeBooking("o1", "d1", t, 30)), "", {}).ok());
    REQUIRE(s.CancelAppointment("REL-0002", "hotline", {}).ok());
    std::this_thread::sleep_for(kDelay + 200ms);
    auto later = s.ReadPublicClaims("o1", slot, kDelay);
    REQUIRE(later.ok());
    CHECK_FALSE(HasClaim(*later, "d1", slot));
    REQUIRE(s.PlaceHold(PublicHold("p2", MakeBooking("o1", "d1", t, 30), 60s, kDelay)).ok());

    // A given-back hold: released at once, for the delay.
    REQUIRE(s.ReleaseHold("p2", "secret-of-p2").ok());
    CHECK(s.PlaceHold(PublicHold("p3", MakeBooking("o1", "d1", t, 30), 60s, kDelay)).status().code() ==
          StatusCode::kConflict);
    CHECK(s.PlaceHold(PublicHold("p4", MakeBooking("o1", "d1", t, 30), 60s, 0ms)).ok());
    REQUIRE(s.ReleaseHold("p4", "secret-of-p4").ok());

    // A lapsed hold: released when it lapsed. Other desks are not affected.
    const Instant u = t + 60min;
    REQUIRE(s.PlaceHold(MakeHold("short", MakeBooking("o1", "d2", u, 30), 300ms)).ok());
    std::this_thread::sleep_for(400ms);
    CHECK(s.PlaceHold(PublicHold("p5", MakeBooking("o1", "d2", u, 30), 60s, kDelay)).status().code() ==
          StatusCode::kConflict);
    CHECK(s.PlaceHold(PublicHold("p6", MakeBooking("o1", "d1", u, 30), 60s, kDelay)).ok());
    auto mid = s.ReadPublicClaims("o1", Interval{u, u + 30min}, kDelay);
    REQUIRE(mid.ok());
    CHECK(HasClaim(*mid, "d2", Interval{u, u + 30min}));
    std::this_thread::sleep_for(kDelay);
    CHECK(s.PlaceHold(PublicHold("p7", MakeBooking("o1", "d2", u, 30), 60s, kDelay)).ok());
  }
}

TEST_CASE("conformance: a released place stays released when staff steps and the sweep meet it") {
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    const Instant t = Base();
    constexpr auto kDelay = 60s;
    REQUIRE(s.PlaceHold(MakeHold("gone", MakeBooking("o1", "d1", t, 30), 200ms)).ok());
    REQUIRE(s.CreateAppointment(MakeAppointment("REL-0003", MakeBooking("o1", "d1", t + 30min, 30)), "", {}).ok());
    REQUIRE(s.CancelAppointment("REL-0003", "citizen", {}).ok());
    std::this_thread::sleep_for(300ms);
    // A staff booking next to them scans both (and used to drop lapsed claims).
    REQUIRE(s.CreateAppointment(MakeAppointment("REL-0004", MakeBooking("o1", "d1", t - 30min, 60)), "", {})
                .status().code() == StatusCode::kOk);
    REQUIRE(s.ErasePersonalData(api::SystemClock().Now() - 48h).ok());
    CHECK(s.PlaceHold(PublicHold("q1", MakeBooking("o1", "d1", t + 30min, 30), 60s, kDelay)).status().code() ==
          StatusCode::kConflict);
    CHECK(s.PlaceHold(PublicHold("q2", MakeBooking("o1", "d1", t + 30min, 30), 60s, 0ms)).ok());
  }
}

// The waitlist (api/store.h, Wish): a freed place goes to the oldest wish
// it suits, as an offer-hold, in the step that frees it; once.
api::Wish MakeWish(const std::string& id, const std::vector<std::string>& desks, Instant from,
                   Instant to, int minutes, std::chrono::milliseconds offer_ttl = 60s) {
  api::Wish w;
  w.id = id;
  w.secret_hash = "wish-secret-" + id;
  w.office_id = std::string(api::OfficeInHoldId(id));
  w.services = {"id-card"};
  w.desks = desks;
  w.duration = Minutes(minutes);
  w.occupancy = Minutes(minutes);
  w.windows = {Interval{from, to}};
  w.contact.name = "Wanda Warteliste";
  w.contact.email = "wanda@example.org";
  w.created_at = api::SystemClock().Now();
  w.expires_at = w.created_at + 24h;
  w.offer_secret_hash = "offer-secret-" + id;
  w.offer_ttl = offer_ttl;
  return w;
}

std::size_t OfferJobs(api::Store& s) {
  auto jobs = s.PendingJobs();
  REQUIRE(jobs.ok());
  return static_cast<std::size_t>(std::count_if(jobs->begin(), jobs->end(), [](const OutboxJob& j) {
    return j.type == JobType::kWaitlistOffer;
  }));
}

TEST_CASE("conformance: a cancelled place is offered to the oldest wish it suits, in the cancel's step") {
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    const Instant t = Base();
    REQUIRE(s.CreateAppointment(MakeAppointment("WL-0001", MakeBooking("o1", "d1", t, 30)), "", {}).ok());
    // Not for d1; too long; at other times; then two that suit (older first).
    REQUIRE(s.AddWish(MakeWish("o1.other-desk", {"d2"}, t - 60min, t + 60min, 30)).ok());
    REQUIRE(s.AddWish(MakeWish("o1.too-long", {"d1"}, t - 60min, t + 60min, 45)).ok());
    REQUIRE(s.AddWish(MakeWish("o1.other-time", {"d1"}, t + 60min, t + 120min, 30)).ok());
    std::this_thread::sleep_for(5ms);
    REQUIRE(s.AddWish(MakeWish("o1.first", {"d1", "d2"}, t - 60min, t + 60min, 30)).ok());
    std::this_thread::sleep_for(5ms);
    REQUIRE(s.AddWish(MakeWish("o1.second", {"d1"}, t, t + 10min, 30)).ok());
    CHECK(s.AddWish(MakeWish("o1.first", {"d1"}, t, t + 10min, 30)).status().code() ==
          StatusCode::kFailedPrecondition);

    REQUIRE(s.CancelAppointment("WL-0001", "citizen", {}).ok());
    auto first = s.GetWish("o1.first");
    REQUIRE(first.ok());
    CHECK(first->state == api::WishState::kOffered);
    CHECK(first->offer_hold == api::OfferHoldId("o1.first"));
    auto offer = s.GetHold(api::OfferHoldId("o1.first"));
    REQUIRE(offer.ok());
    CHECK(offer->wish_id == "o1.first");
    CHECK(offer->booking.desk_id == "d1");
    CHECK(offer->booking.start == t);
    CHECK(offer->booking.claim_end == t + 30min);
    CHECK(OfferJobs(s) == 1);
    CHECK(s.GetWish("o1.second")->state == api::WishState::kWaiting);
    // The offered place is claimed, for staff too.
    CHECK(s.CreateAppointment(MakeAppointment("WL-0002", MakeBooking("o1", "d1", t, 30)), "", {})
              .status().code() == StatusCode::kConflict);
    CHECK(s.GetWish("o1.second")->state == api::WishState::kWaiting);

    // Declined: the wish ends, the place goes to the next wish in the step.
    REQUIRE(s.ReleaseHold(api::OfferHoldId("o1.first"), "offer-secret-o1.first").ok());
    CHECK(s.GetWish("o1.first").status().code() == StatusCode::kNotFound);
    auto second = s.GetWish("o1.second");
    REQUIRE(second.ok());
    CHECK(second->state == api::WishState::kOffered);
    CHECK(OfferJobs(s) == 2);

    // Accepted: the offer-hold becomes the appointment, the wish is erased.
    AppointmentRecord a = MakeAppointment("WL-0003", {});
    a.channel = api::Channel::kWeb;
    auto booked = s.ConfirmHold(api::OfferHoldId("o1.second"), "offer-secret-o1.second", std::nullopt,
                                a, api::JobPlan{});
    REQUIRE(booked.ok());
    CHECK(booked->booking.start == t);
    CHECK(booked->booking.claim_end == t + 30min);
    CHECK(s.GetWish("o1.second").status().code() == StatusCode::kNotFound);
    CHECK(s.GetWish("o1.other-desk")->state == api::WishState::kWaiting);
  }
}

TEST_CASE("conformance: a move releases the old place as a cancel does: the waitlist first, the public after the delay") {
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    const Instant t = Base();
    constexpr auto kDelay = 60s;
    REQUIRE(s.CreateAppointment(MakeAppointment("MV-0001", MakeBooking("o1", "d1", t, 30)), "", {}).ok());
    REQUIRE(s.CreateAppointment(MakeAppointment("MV-0002", MakeBooking("o1", "d2", t, 30)), "", {}).ok());
    REQUIRE(s.AddWish(MakeWish("o1.mover", {"d1"}, t - 10min, t + 10min, 30)).ok());
    // Moved to another desk and time: the old place goes to the wish in the step.
    auto moved = s.MoveAppointment("MV-0001", MakeBooking("o1", "d3", t + 120min, 30), {});
    REQUIRE_MESSAGE(moved.ok(), moved.status().message());
    auto wish = s.GetWish("o1.mover");
    REQUIRE(wish.ok());
    CHECK(wish->state == api::WishState::kOffered);
    auto offer = s.GetHold(api::OfferHoldId("o1.mover"));
    REQUIRE(offer.ok());
    CHECK(offer->booking.desk_id == "d1");
    CHECK(offer->booking.start == t);
    CHECK(OfferJobs(s) == 1);
    // With no wish waiting, the old place is released: public holds wait
    // for the delay, staff take it at once.
    auto again = s.MoveAppointment("MV-0002", MakeBooking("o1", "d2", t + 60min, 30), {});
    REQUIRE_MESSAGE(again.ok(), again.status().message());
    CHECK(s.PlaceHold(PublicHold("mv-p1", MakeBooking("o1", "d2", t, 30), 60s, kDelay)).status().code() ==
          StatusCode::kConflict);
    auto pub = s.ReadPublicClaims("o1", Interval{t, t + 30min}, kDelay);
    REQUIRE(pub.ok());
    CHECK(HasClaim(*pub, "d2", Interval{t, t + 30min}));
    CHECK(s.PlaceHold(PublicHold("mv-p2", MakeBooking("o1", "d2", t, 30), 60s, 0ms)).ok());
    // A move by ten minutes on its own desk: the new claim stays whole and
    // only the part it left is released.
    REQUIRE(s.ReleaseHold("mv-p2", "secret-of-mv-p2").ok());
    auto shift = s.MoveAppointment("MV-0002", MakeBooking("o1", "d2", t + 70min, 30), {});
    REQUIRE_MESSAGE(shift.ok(), shift.status().message());
    CHECK(s.CreateAppointment(MakeAppointment("MV-0003", MakeBooking("o1", "d2", t + 80min, 10)), "", {})
              .status().code() == StatusCode::kConflict);
    CHECK(s.CreateAppointment(MakeAppointment("MV-0004", MakeBooking("o1", "d2", t + 60min, 10)), "", {}).ok());
  }
}

TEST_CASE("conformance: lapsed holds and offers go to the next wish; a public hold meets the wish first") {
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    const Instant t = Base();
    REQUIRE(s.PlaceHold(MakeHold("o1.lapse", MakeBooking("o1", "d1", t, 30), 200ms)).ok());
    REQUIRE(s.AddWish(MakeWish("o1.w1", {"d1"}, t, t + 10min, 30, 300ms)).ok());
    std::this_thread::sleep_for(5ms);
    REQUIRE(s.AddWish(MakeWish("o1.w2", {"d1"}, t, t + 10min, 30)).ok());
    std::this_thread::sleep_for(300ms);
    // A public hold on the lapsed place: the wish gets it first.
    CHECK(s.PlaceHold(MakeHold("o1.public", MakeBooking("o1", "d1", t, 30), 60s)).status().code() ==
          StatusCode::kConflict);
    CHECK(s.GetWish("o1.w1")->state == api::WishState::kOffered);
    // Its offer lapses: the sweep erases the wish and offers the place on.
    std::this_thread::sleep_for(400ms);
    auto swept = s.OfferReleased("o1");
    REQUIRE(swept.ok());
    CHECK(*swept == 1);
    CHECK(s.GetWish("o1.w1").status().code() == StatusCode::kNotFound);
    CHECK(s.GetWish("o1.w2")->state == api::WishState::kOffered);
    CHECK(OfferJobs(s) == 2);
    // Withdrawn while offered: the place is free again (nobody else waits).
    REQUIRE(s.WithdrawWish("o1.w2", "wish-secret-o1.w2").ok());
    CHECK(s.WithdrawWish("o1.w2", "wish-secret-o1.w2").code() == StatusCode::kNotFound);
    CHECK(s.PlaceHold(MakeHold("o1.public2", MakeBooking("o1", "d1", t, 30), 60s)).ok());
    CHECK(*s.OfferReleased("o1") == 0);
  }
}

TEST_CASE("conformance: many cancels and holds racing over the waitlist: each place offered once") {
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    const Instant t = Base();
    constexpr int kPlaces = 8;
    for (int i = 0; i < kPlaces; ++i) {
      REQUIRE(s.CreateAppointment(MakeAppointment("RACE-" + std::to_string(1000 + i),
                                                  MakeBooking("o1", "d1", t + Minutes(30 * i), 30)),
                                  "", {}).ok());
    }
    for (int i = 0; i < 2 * kPlaces; ++i) {
      REQUIRE(s.AddWish(MakeWish("o1.race" + std::to_string(i), {"d1"}, t, t + Minutes(30 * kPlaces), 30)).ok());
    }
    std::barrier start(2 * kPlaces);
    std::atomic<int> public_holds{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kPlaces; ++i) {
      threads.emplace_back([&, i] {
        start.arrive_and_wait();
        (void)s.CancelAppointment("RACE-" + std::to_string(1000 + i), "citizen", {});
      });
      threads.emplace_back([&, i] {
        start.arrive_and_wait();
        if (s.PlaceHold(MakeHold("o1.p" + std::to_string(i), MakeBooking("o1", "d1", t + Minutes(30 * i), 30), 60s)).ok()) {
          ++public_holds;
        }
      });
    }
    for (auto& th : threads) th.join();
    // No public hold got a place while wishes waited; every place offered once.
    CHECK(public_holds.load() == 0);
    CHECK(OfferJobs(s) == kPlaces);
    int offered = 0;
    for (int i = 0; i < 2 * kPlaces; ++i) {
      auto w = s.GetWish("o1.race" + std::to_string(i));
      REQUIRE(w.ok());
      if (w->state == api::WishState::kOffered) ++offered;
    }
    CHECK(offered == kPlaces);
  }
}

// Regression (bench/rush_sim.mjs, --bot-wishes): a wish whose identity
// booked up to the office's quota after making it was still offered freed
// places it could never accept (the accept is too-many-appointments), and
// each such place was blocked for the offer's TTL.
TEST_CASE("conformance: a freed place passes over a wish whose identity is at its quota, to the next wish") {
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    const Instant t = Base();
    api::Wish a = MakeWish("o1.full", {"d1"}, t, t + 60min, 30);
    a.identities = {"mail-full"};
    a.identity_limit = 1;
    REQUIRE(s.AddWish(a).ok());
    std::this_thread::sleep_for(5ms);
    api::Wish next = MakeWish("o1.next", {"d1"}, t, t + 60min, 30);
    next.identities = {"mail-next"};
    next.identity_limit = 1;
    REQUIRE(s.AddWish(next).ok());
    CHECK_FALSE(*s.IdentityAtLimit("o1", {"mail-full"}, {"id-card"}, 1));
    // A's identity books up to the limit elsewhere in the office.
    auto own = s.PlaceHold(MakeHold("o1.own", MakeBooking("o1", "d2", t + 120min, 30), 60s));
    REQUIRE(own.ok());
    AppointmentRecord mine = MakeAppointment("WL-0200", {});
    mine.identities = {"mail-full"};
    mine.identity_limit = 1;
    REQUIRE(s.ConfirmHold("o1.own", "secret-of-o1.own", own->version, mine, api::JobPlan{}).ok());
    CHECK(*s.IdentityAtLimit("o1", {"mail-full"}, {"id-card"}, 1));
    CHECK_FALSE(*s.IdentityAtLimit("o1", {"mail-full"}, {"passport"}, 1));
    CHECK_FALSE(*s.IdentityAtLimit("o1", {"mail-next"}, {"id-card"}, 1));
    // A place is freed: it goes to the next wish, A keeps waiting.
    REQUIRE(s.CreateAppointment(MakeAppointment("WL-0201", MakeBooking("o1", "d1", t, 30)), "", {}).ok());
    REQUIRE(s.CancelAppointment("WL-0201", "citizen", {}).ok());
    CHECK(s.GetWish("o1.full")->state == api::WishState::kWaiting);
    auto offered = s.GetWish("o1.next");
    REQUIRE(offered.ok());
    CHECK(offered->state == api::WishState::kOffered);
    CHECK(s.GetHold(api::OfferHoldId("o1.full")).status().code() == StatusCode::kNotFound);
    CHECK(OfferJobs(s) == 1);
    // A's own visit cancelled: A is offered the next freed place again.
    REQUIRE(s.CancelAppointment("WL-0200", "citizen", {}).ok());
    REQUIRE(s.CreateAppointment(MakeAppointment("WL-0202", MakeBooking("o1", "d1", t + 30min, 30)), "", {}).ok());
    REQUIRE(s.CancelAppointment("WL-0202", "citizen", {}).ok());
    CHECK(s.GetWish("o1.full")->state == api::WishState::kOffered);
    CHECK(s.GetWish("o1.full")->identities == std::vector<std::string>{"mail-full"});
  }
}

TEST_CASE("conformance: a long freed place is offered piece by piece to shorter wishes, in one step") {
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    const Instant t = Base();
    REQUIRE(s.CreateAppointment(MakeAppointment("WL-0100", MakeBooking("o1", "d1", t, 60)), "", {}).ok());
    REQUIRE(s.AddWish(MakeWish("o1.a", {"d1"}, t, t + 60min, 30)).ok());
    std::this_thread::sleep_for(5ms);
    REQUIRE(s.AddWish(MakeWish("o1.b", {"d1"}, t, t + 60min, 30)).ok());
    REQUIRE(s.CancelAppointment("WL-0100", "citizen", {}).ok());
    auto a = s.GetHold(api::OfferHoldId("o1.a"));
    auto bb = s.GetHold(api::OfferHoldId("o1.b"));
    REQUIRE(a.ok());
    REQUIRE(bb.ok());
    CHECK(a->booking.start == t);
    CHECK(bb->booking.start == t + 30min);
    CHECK(OfferJobs(s) == 2);
  }
}

// Double opt-in (api/store.h, kPreconfirmed): a web booking that waits for
// its link claims its place until confirm_by, then the place goes back
// (released, to the waitlist) and the booking reads as cancelled.
TEST_CASE("conformance: a preconfirmed booking keeps its place until confirm_by; confirmed in time it stays") {
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    const Instant t = Base();
    auto confirm = [&](const std::string& hold, const std::string& ref, Instant at,
                       std::chrono::milliseconds window) {
      REQUIRE(s.PlaceHold(MakeHold(hold, MakeBooking("o1", "d1", at, 30), 60s)).ok());
      AppointmentRecord a = MakeAppointment(ref, {});
      a.channel = api::Channel::kWeb;
      a.status = AppointmentStatus::kPreconfirmed;
      a.confirm_by = api::SystemClock().Now() + window;
      api::JobPlan plan;
      plan.reachable = true;
      plan.first = JobType::kOptIn;
      plan.first_due = api::SystemClock().Now();
      return s.ConfirmHold(hold, "secret-of-" + hold, std::nullopt, a, plan);
    };
    auto kept = confirm("o1.h1", "OPT-0001", t, 400ms);
    REQUIRE(kept.ok());
    CHECK(kept->status == AppointmentStatus::kPreconfirmed);
    CHECK(s.GetAppointment("OPT-0001")->status == AppointmentStatus::kPreconfirmed);
    CHECK(s.CreateAppointment(MakeAppointment("OPT-0002", MakeBooking("o1", "d1", t, 30)), "", {})
              .status().code() == StatusCode::kConflict);
    auto done = s.ConfirmOptIn("OPT-0001", {Job(JobType::kConfirmation, "OPT-0001", api::SystemClock().Now())});
    REQUIRE(done.ok());
    CHECK(done->status == AppointmentStatus::kConfirmed);
    CHECK(s.ConfirmOptIn("OPT-0001", {}).ok());  // again: as it is
    std::this_thread::sleep_for(500ms);
    CHECK(s.GetAppointment("OPT-0001")->status == AppointmentStatus::kConfirmed);
    CHECK(s.CreateAppointment(MakeAppointment("OPT-0003", MakeBooking("o1", "d1", t, 30)), "", {})
              .status().code() == StatusCode::kConflict);
    auto jobs = s.PendingJobs();
    REQUIRE(jobs.ok());
    CHECK(std::count_if(jobs->begin(), jobs->end(), [](const OutboxJob& j) { return j.type == JobType::kOptIn; }) == 1);
    CHECK(std::count_if(jobs->begin(), jobs->end(), [](const OutboxJob& j) { return j.type == JobType::kConfirmation; }) == 1);

    // Not confirmed in time: cancelled ("not_confirmed"), its place offered to a wish.
    const Instant u = t + 60min;
    REQUIRE(s.AddWish(MakeWish("o1.after", {"d1"}, u, u + 10min, 30)).ok());
    REQUIRE(confirm("o1.h2", "OPT-0004", u, 300ms).ok());
    CHECK(s.GetWish("o1.after")->state == api::WishState::kWaiting);
    std::this_thread::sleep_for(400ms);
    auto lapsed = s.GetAppointment("OPT-0004");
    REQUIRE(lapsed.ok());
    CHECK(lapsed->status == AppointmentStatus::kCancelled);
    CHECK(lapsed->cancel_reason == "not_confirmed");
    CHECK(s.ConfirmOptIn("OPT-0004", {}).status().code() == StatusCode::kGone);
    CHECK(s.CancelAppointment("OPT-0004", "citizen", {}).status().code() == StatusCode::kFailedPrecondition);
    REQUIRE(s.OfferReleased("o1").ok());
    CHECK(s.GetWish("o1.after")->state == api::WishState::kOffered);

    // An open preconfirmed booking may be cancelled; its place goes back at once.
    REQUIRE(confirm("o1.h3", "OPT-0005", t + 120min, 60s).ok());
    REQUIRE(s.CancelAppointment("OPT-0005", "citizen", {}).ok());
    CHECK(s.CreateAppointment(MakeAppointment("OPT-0006", MakeBooking("o1", "d1", t + 120min, 30)), "", {}).ok());
  }
}

// Evaluation (api/tally.h): the waitlist's ends and the double opt-in count
// in the steps that make them, on both stores. A wish counts on the day it
// was made; an accepted offer books on its window's local day.
TEST_CASE("conformance: waitlist outcomes and double opt-in count once, in their own steps") {
  const std::string made = "2030-01-01", visit = "2030-01-02", optin = "2030-01-03";
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    const Instant t = Base();
    auto wish = [&](const std::string& id, const std::string& desk, std::chrono::milliseconds offer_ttl = 60s) {
      api::Wish w = MakeWish(id, {desk}, t - 60min, t + 60min, 30, offer_ttl);
      w.day = made;
      w.window_days = {visit};
      return w;
    };
    for (const char* desk : {"d1", "d2", "d3"}) {
      REQUIRE(s.CreateAppointment(MakeAppointment(std::string("EV-") + desk, MakeBooking("o1", desk, t, 30)), "", {})
                  .ok());
    }
    REQUIRE(s.AddWish(wish("o1.acc", "d1")).ok());
    REQUIRE(s.AddWish(wish("o1.dec", "d2")).ok());
    REQUIRE(s.AddWish(wish("o1.lap", "d3", 200ms)).ok());
    api::Wish expiring = wish("o1.exp", "d4");
    expiring.expires_at = api::SystemClock().Now() + 200ms;
    REQUIRE(s.AddWish(expiring).ok());
    REQUIRE(s.AddWish(wish("o1.wd", "d4")).ok());
    for (const char* desk : {"d1", "d2", "d3"}) {
      REQUIRE(s.CancelAppointment(std::string("EV-") + desk, "citizen", {}).ok());
    }
    // The offer-hold carries its window's day: accepted, it books on it.
    auto offer = s.GetHold(api::OfferHoldId("o1.acc"));
    REQUIRE(offer.ok());
    CHECK(offer->booking.day == visit);
    AppointmentRecord a = MakeAppointment("EV-ACC", {});
    a.channel = api::Channel::kWeb;
    auto booked = s.ConfirmHold(api::OfferHoldId("o1.acc"), "offer-secret-o1.acc", std::nullopt, a, api::JobPlan{});
    REQUIRE(booked.ok());
    CHECK(booked->booking.day == visit);
    REQUIRE(s.ReleaseHold(api::OfferHoldId("o1.dec"), "offer-secret-o1.dec").ok());
    REQUIRE(s.WithdrawWish("o1.wd", "wish-secret-o1.wd").ok());
    std::this_thread::sleep_for(300ms);
    REQUIRE(s.OfferReleased("o1").ok());  // o1.lap's offer lapsed, o1.exp expired
    REQUIRE(s.OfferReleased("o1").ok());  // a second sweep counts nothing again

    // Double opt-in: confirmed (counts once as a booking), lapsed (never a
    // booking), cancelled while open (no cancellation of a booking).
    auto preconfirm = [&](const std::string& ref, Instant at, std::chrono::milliseconds window) {
      api::Booking bk = MakeBooking("o1", "d5", at, 30);
      bk.day = optin;
      REQUIRE(s.PlaceHold(MakeHold("o1.h" + ref, bk, 60s)).ok());
      AppointmentRecord p = MakeAppointment(ref, {});
      p.channel = api::Channel::kWeb;
      p.status = AppointmentStatus::kPreconfirmed;
      p.confirm_by = api::SystemClock().Now() + window;
      REQUIRE(s.ConfirmHold("o1.h" + ref, "secret-of-o1.h" + ref, std::nullopt, p, api::JobPlan{}).ok());
    };
    preconfirm("EV-OK", t, 60s);
    REQUIRE(s.ConfirmOptIn("EV-OK", {}).ok());
    REQUIRE(s.ConfirmOptIn("EV-OK", {}).ok());  // again: as it is, counted once
    preconfirm("EV-LAPSE", t + 60min, 200ms);
    preconfirm("EV-CX", t + 120min, 60s);
    REQUIRE(s.CancelAppointment("EV-CX", "citizen", {}).ok());
    std::this_thread::sleep_for(300ms);
    CHECK(s.GetAppointment("EV-LAPSE")->cancel_reason == "not_confirmed");
    REQUIRE(s.OfferReleased("o1").ok());

    auto tallies = s.ReadTallies("o1", made, optin);
    REQUIRE(tallies.ok());
    api::TallyDay m = (*tallies)[made], v = (*tallies)[visit], o = (*tallies)[optin];
    CHECK(m == api::TallyDay{{"wl:made", 5},     {"wl:offered", 3},   {"wl:accepted", 1}, {"wl:declined", 1},
                             {"wl:withdrawn", 1}, {"wl:lapsed", 1}, {"wl:expired", 1}});
    CHECK(v["bk:web:id-card"] == 1);
    CHECK(v["bm:d1"] == 30);
    CHECK(v["lead:id-card:0"] + v["lead:id-card:1"] == 1);
    CHECK(o["oi:web:id-card"] == 3);
    CHECK(o["oc:web:id-card"] == 1);
    CHECK(o["ox:web:id-card"] == 1);
    CHECK(o["bk:web:id-card"] == 1);
    CHECK(o["bm:d5"] == 30);
    CHECK(o.count("cx:web:id-card:h0") + o.count("cx:web:id-card:h2") + o.count("cx:web:id-card:h24") == 0);
  }
}

}  // namespace
TEST_CASE("conformance: a release's pre-queue: one ticket per client, drawn order, late ones after") {
  for (Backend& b : Backends()) {
    CAPTURE(b.name);
    api::Store& s = *b.store;
    const std::string day = "2027-01-04";
    CHECK(*s.ReleaseQueueSize("rel", day) == 0);
    CHECK(s.GetReleaseTicket("rel", day, "nope").status().code() == StatusCode::kNotFound);
    // Drawn orders: c (5) before a (70) before b (900), whatever the joining order.
    auto a = s.JoinReleaseQueue("rel", day, "client-a", "ta", 70, 60s);
    REQUIRE(a.ok());
    auto bb = s.JoinReleaseQueue("rel", day, "client-b", "tb", 900, 60s);
    auto c = s.JoinReleaseQueue("rel", day, "client-c", "tc", 5, 60s);
    REQUIRE(bb.ok());
    REQUIRE(c.ok());
    // Joining again gives the same ticket, whatever order it asks for.
    auto again = s.JoinReleaseQueue("rel", day, "client-a", "ta2", 0, 60s);
    REQUIRE(again.ok());
    CHECK(again->id == "ta");
    CHECK(again->client == "client-a");
    CHECK(again->rank == 1);
    CHECK(again->size == 3);
    CHECK(s.GetReleaseTicket("rel", day, "tc")->rank == 0);
    CHECK(s.GetReleaseTicket("rel", day, "tb")->rank == 2);
    // Late tickets come after every drawn one, as they come, even after
    // the largest possible drawn order.
    auto big = s.JoinReleaseQueue("rel", day, "client-d", "td", api::kReleaseOrderLimit - 1, 60s);
    auto late1 = s.JoinReleaseQueue("rel", day, "client-e", "te", std::nullopt, 60s);
    auto late2 = s.JoinReleaseQueue("rel", day, "client-f", "tf", std::nullopt, 60s);
    REQUIRE(big.ok());
    REQUIRE(late1.ok());
    REQUIRE(late2.ok());
    CHECK(big->rank == 3);
    CHECK(late1->rank == 4);
    CHECK(late2->rank == 5);
    CHECK(*s.ReleaseQueueSize("rel", day) == 6);
    // Another day, another queue; a ticket id is not taken over.
    CHECK(*s.ReleaseQueueSize("rel", "2027-01-05") == 0);
    CHECK_FALSE(s.JoinReleaseQueue("rel", day, "client-g", "ta", 1, 60s).ok());
    // Concurrent joins of one client: one ticket.
    std::vector<std::thread> threads;
    std::vector<std::string> ids(8);
    for (int i = 0; i < 8; ++i) {
      threads.emplace_back([&, i] {
        auto t = s.JoinReleaseQueue("rel", "2027-01-06", "same", "x" + std::to_string(i),
                                    static_cast<std::uint64_t>(i), 60s);
        if (t.ok()) ids[static_cast<std::size_t>(i)] = t->id;
      });
    }
    for (auto& t : threads) t.join();
    CHECK(std::all_of(ids.begin(), ids.end(), [&](const std::string& id) { return id == ids[0]; }));
    CHECK(*s.ReleaseQueueSize("rel", "2027-01-06") == 1);
    // The queue is kept `keep` from its latest join.
    REQUIRE(s.JoinReleaseQueue("rel", "2027-01-07", "k", "tk", 1, 300ms).ok());
    std::this_thread::sleep_for(400ms);
    CHECK(*s.ReleaseQueueSize("rel", "2027-01-07") == 0);
    CHECK(s.GetReleaseTicket("rel", "2027-01-07", "tk").status().code() == StatusCode::kNotFound);
  }
}

}  // namespace termin::service
