// RedisStore beyond the shared suite: outages and recovery, script cache
// loss, the key layout's hash tags, persistence across a crash with AOF, and
// the limits it documents (moves within one office).
#include <doctest/doctest.h>

#include <hiredis/hiredis.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "service/redis/redis_store.h"
#include "service/redis/redis_test_server.h"

namespace termin::service {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

Instant Tomorrow10() {
  auto day = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()) +
             std::chrono::days(1);
  return std::chrono::time_point_cast<Minutes>(day) + 10h;
}

api::AppointmentRecord Appointment(const std::string& ref, const std::string& office,
                                   const std::string& desk, Instant start) {
  api::AppointmentRecord a;
  a.reference = ref;
  a.secret_hash = "h";
  a.booking.office_id = office;
  a.booking.desk_id = desk;
  a.booking.services = {"id-card"};
  a.booking.start = start;
  a.booking.end = start + 20min;
  a.booking.claim_end = start + 25min;
  a.contact.name = "Erika";
  a.created_at = api::SystemClock().Now();
  return a;
}

RedisOptions OptionsFor(const RedisTestServer& server) {
  RedisOptions o;
  o.port = server.port();
  o.connect_timeout = 200ms;
  o.command_timeout = 500ms;
  o.pool_size = 4;
  return o;
}

// Runs a raw command on a fresh connection (test-side inspection).
std::vector<std::string> RawStrings(int port, const std::vector<std::string>& args) {
  redisContext* c = redisConnectWithTimeout("127.0.0.1", port, timeval{1, 0});
  REQUIRE((c && !c->err));
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* r = static_cast<redisReply*>(
      redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data()));
  REQUIRE(r != nullptr);
  std::vector<std::string> out;
  if (r->type == REDIS_REPLY_ARRAY) {
    for (size_t i = 0; i < r->elements; ++i) out.emplace_back(r->element[i]->str, r->element[i]->len);
  } else if (r->str) {
    out.emplace_back(r->str, r->len);
  }
  freeReplyObject(r);
  redisFree(c);
  return out;
}

TEST_CASE("redis: ParseRedisUrl") {
  auto a = ParseRedisUrl("redis://10.0.0.5:6380");
  REQUIRE(a.ok());
  CHECK(a->host == "10.0.0.5");
  CHECK(a->port == 6380);
  auto b = ParseRedisUrl("redis://redis-master/");
  REQUIRE(b.ok());
  CHECK(b->host == "redis-master");
  CHECK(b->port == 6379);
  CHECK(ParseRedisUrl("memory").status().code() == StatusCode::kInvalidArgument);
  CHECK(ParseRedisUrl("redis://host:0").status().code() == StatusCode::kInvalidArgument);
  CHECK(ParseRedisUrl("redis://host:70000").status().code() == StatusCode::kInvalidArgument);
  CHECK(ParseRedisUrl("redis://:6379").status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("redis: rediss:// is refused with the reason") {
  CHECK(IsRedisUrl("rediss://redis.example:6380"));  // so --store reaches the message below
  auto tls = ParseRedisUrl("rediss://redis.example:6380");
  REQUIRE_FALSE(tls.ok());
  CHECK(tls.status().code() == StatusCode::kInvalidArgument);
  CHECK(tls.status().message().find("hiredis 0.14 has no TLS") != std::string::npos);
  CHECK(tls.status().message().find("stunnel") != std::string::npos);
}

TEST_CASE("redis: ParseRedisUrl reads user, password and database") {
  auto a = ParseRedisUrl("redis://termin:p%40ss:w@redis.svc:6380/3");
  REQUIRE(a.ok());
  CHECK(a->user == "termin");
  CHECK(a->password == "p@ss:w");
  CHECK(a->host == "redis.svc");
  CHECK(a->port == 6380);
  CHECK(a->db == 3);
  auto b = ParseRedisUrl("redis://:only-password@h");  // the default user
  REQUIRE(b.ok());
  CHECK(b->user.empty());
  CHECK(b->password == "only-password");
  CHECK(b->port == 6379);
  auto c = ParseRedisUrl("redis://secret@h:1/");  // one word: a password, as redis-cli -u
  REQUIRE(c.ok());
  CHECK(c->password == "secret");
  CHECK(c->db == 0);
  // Regression: "redis://:pw@host" was read as the host name ":pw@host".
  CHECK(ParseRedisUrl("redis://:pw@host").value().host == "host");
  CHECK(ParseRedisUrl("redis://h/16").status().code() == StatusCode::kInvalidArgument);
  CHECK(ParseRedisUrl("redis://h/x").status().code() == StatusCode::kInvalidArgument);
  CHECK(ParseRedisUrl("redis://u:%4@h").status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("redis: the data format version is written once; a newer or unreadable one is refused") {
  auto server = RedisTestServer::Start();
  REQUIRE(server.ok());
  auto options = ParseRedisUrl((*server)->url());
  REQUIRE(options.ok());
  auto pool = RedisPool::Create(*options);
  REQUIRE(pool.ok());
  auto command = [&](std::vector<std::string> args) {
    auto lease = (*pool)->Acquire();
    REQUIRE(lease.ok());
    auto r = lease->Command(args);
    REQUIRE(r.ok());
    return (*r)->type == REDIS_REPLY_STRING ? std::string((*r)->str, (*r)->len) : std::string();
  };
  REQUIRE(RedisStore::Connect(*options).ok());
  CHECK(command({"GET", "format"}) == std::to_string(RedisStore::kDataFormatVersion));
  REQUIRE(RedisStore::Connect(*options).ok());  // the second process reads it
  command({"SET", "format", "2"});
  auto newer = RedisStore::Connect(*options);
  CHECK(newer.status().code() == StatusCode::kFailedPrecondition);
  CHECK(newer.status().message().find("data format 2, written by a newer Termin") != std::string::npos);
  command({"SET", "format", "x1"});
  CHECK(RedisStore::Connect(*options).status().code() == StatusCode::kFailedPrecondition);
  // A database from before the version key: layout 1, marked so.
  command({"DEL", "format"});
  command({"SADD", "offices", "o1"});
  REQUIRE(RedisStore::Connect(*options).ok());
  CHECK(command({"GET", "format"}) == "1");
}

TEST_CASE("redis: ParseRedisUrl reads a Sentinel address") {
  auto a = ParseRedisUrl("redis+sentinel://:pw@s1:26380,s2,10.0.0.3:26381/termin/2");
  REQUIRE_MESSAGE(a.ok(), a.status().message());
  REQUIRE(a->sentinels.size() == 3);
  CHECK(a->sentinels[0] == std::make_pair(std::string("s1"), 26380));
  CHECK(a->sentinels[1] == std::make_pair(std::string("s2"), 26379));
  CHECK(a->sentinels[2] == std::make_pair(std::string("10.0.0.3"), 26381));
  CHECK(a->sentinel_master == "termin");
  CHECK(a->password == "pw");
  CHECK(a->db == 2);
  CHECK(ParseRedisUrl("redis+sentinel://s1,s2").status().code() == StatusCode::kInvalidArgument);  // no name
  CHECK(ParseRedisUrl("redis+sentinel:///termin").status().code() == StatusCode::kInvalidArgument);
  CHECK(ParseRedisUrl("redis+sentinel://s1:0/termin").status().code() == StatusCode::kInvalidArgument);
  CHECK(ParseRedisUrl("redis+sentinel://s1/termin/16").status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("redis: AUTH with a password, an ACL user and a password file") {
  auto server = RedisTestServer::Start(
      {"--save", "", "--appendonly", "no", "--requirepass", "s3cret", "--user", "termin", "on",
       ">acl-pw", "~*", "&*", "+@all"});
  REQUIRE(server.ok());
  const std::string at = "127.0.0.1:" + std::to_string((*server)->port());
  auto clock = std::make_shared<api::SystemClock>();

  auto none = ParseRedisUrl("redis://" + at);
  REQUIRE(none.ok());
  CHECK_FALSE(RedisStore::Connect(*none, clock).ok());

  auto wrong = ParseRedisUrl("redis://:wrong-pw@" + at);
  REQUIRE(wrong.ok());
  auto refused = RedisStore::Connect(*wrong, clock);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message().find("wrong-pw") == std::string::npos);

  auto url_pw = ParseRedisUrl("redis://:s3cret@" + at + "/2");
  REQUIRE(url_pw.ok());
  CHECK(RedisStore::Connect(*url_pw, clock).ok());

  // The pod's way: user and password file from the environment, not argv.
  const std::string file = (*server)->dir() + "/redis-password";
  { std::ofstream(file) << "acl-pw\n"; }
  ::setenv("TERMIN_REDIS_USER", "termin", 1);
  ::setenv("TERMIN_REDIS_PASSWORD_FILE", file.c_str(), 1);
  auto from_env = RedisOptionsFromUrl("redis://" + at);
  ::unsetenv("TERMIN_REDIS_USER");
  ::unsetenv("TERMIN_REDIS_PASSWORD_FILE");
  REQUIRE(from_env.ok());
  CHECK(from_env->user == "termin");
  CHECK(from_env->password == "acl-pw");
  auto store = RedisStore::Connect(*from_env, clock);
  REQUIRE(store.ok());

  ::setenv("TERMIN_REDIS_PASSWORD_FILE", "/nonexistent/redis-password", 1);
  CHECK(RedisOptionsFromUrl("redis://" + at).status().code() == StatusCode::kInvalidArgument);
  ::unsetenv("TERMIN_REDIS_PASSWORD_FILE");
}

TEST_CASE("redis: Connect refuses bad options and an unreachable server") {
  RedisOptions o;
  o.key_prefix = "a{b";
  CHECK(RedisStore::Connect(o).status().code() == StatusCode::kInvalidArgument);
  auto server = RedisTestServer::Start();
  REQUIRE(server.ok());
  int port = (*server)->port();
  REQUIRE((*server)->Kill().ok());
  o = RedisOptions{};
  o.port = port;
  o.connect_timeout = 200ms;
  auto begin = Steady::now();
  CHECK(RedisStore::Connect(o).status().code() == StatusCode::kUnavailable);
  CHECK(Steady::now() - begin < 2s);
}

TEST_CASE("redis: while Redis is down calls fail fast with Unavailable; after restart they work again") {
  auto server = RedisTestServer::Start();
  REQUIRE_MESSAGE(server.ok(), server.status().message());
  auto store = RedisStore::Connect(OptionsFor(**server));
  REQUIRE(store.ok());
  api::Store& s = **store;
  Instant t = Tomorrow10();
  REQUIRE(s.Ping().ok());
  REQUIRE(s.CreateAppointment(Appointment("UP-0001", "o1", "d1", t), "", {}).ok());

  REQUIRE((*server)->Kill().ok());
  // Every kind of call: Unavailable, each within a bound far below any
  // client timeout, and many in a row stay fast (no connect storm).
  auto begin = Steady::now();
  for (int i = 0; i < 50; ++i) {
    auto call_start = Steady::now();
    CHECK(s.Ping().code() == StatusCode::kUnavailable);
    CHECK(s.GetAppointment("UP-0001").status().code() == StatusCode::kUnavailable);
    CHECK(s.CreateAppointment(Appointment("DOWN-" + std::to_string(i), "o1", "d1", t + 60min), "", {})
              .status()
              .code() == StatusCode::kUnavailable);
    CHECK(s.ReadClaims("o1", Interval{t, t + 60min}).status().code() == StatusCode::kUnavailable);
    CHECK(Steady::now() - call_start < 1s);
  }
  CHECK(Steady::now() - begin < 5s);

  REQUIRE((*server)->Restart().ok());  // same port; the data is gone (no persistence)
  auto deadline = Steady::now() + 10s;
  while (!s.Ping().ok() && Steady::now() < deadline) std::this_thread::sleep_for(50ms);
  REQUIRE(s.Ping().ok());
  // The restarted server has an empty script cache: the store reloads.
  CHECK(s.GetAppointment("UP-0001").status().code() == StatusCode::kNotFound);
  auto again = s.CreateAppointment(Appointment("UP-0002", "o1", "d1", t), "", {});
  REQUIRE_MESSAGE(again.ok(), again.status().message());
  CHECK(s.GetAppointment("UP-0002").ok());
}

TEST_CASE("redis: two replicas (two stores, one Redis) race for one place: exactly one wins") {
  auto server = RedisTestServer::Start();
  REQUIRE(server.ok());
  RedisOptions o = OptionsFor(**server);
  o.pool_size = 8;
  auto a = RedisStore::Connect(o);
  auto b = RedisStore::Connect(o);
  REQUIRE((a.ok() && b.ok()));
  api::Store* replicas[] = {a->get(), b->get()};
  Instant t = Tomorrow10();
  constexpr int kThreads = 8;
  for (int round = 0; round < 20; ++round) {
    std::atomic<int> wins{0};
    std::barrier go(kThreads);
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        api::HoldRecord h;
        h.id = "r" + std::to_string(round) + "-" + std::to_string(i);
        h.secret_hash = "s";
        h.booking = Appointment("x", "o1", "d1", t + Minutes(60 * round + i)).booking;
        h.expires_at = api::SystemClock().Now() + 60s;
        go.arrive_and_wait();
        if (replicas[i % 2]->PlaceHold(h).ok()) ++wins;
      });
    }
    for (auto& th : threads) th.join();
    CHECK(wins == 1);
  }
  // A hold placed through one replica is confirmed through the other.
  api::HoldRecord h;
  h.id = "cross";
  h.secret_hash = "s";
  h.booking = Appointment("x", "o1", "d9", t).booking;
  h.expires_at = api::SystemClock().Now() + 60s;
  auto placed = replicas[0]->PlaceHold(h);
  REQUIRE(placed.ok());
  auto confirmed = replicas[1]->ConfirmHold("cross", "s", placed->version,
                                            Appointment("CROSS-0001", "o1", "d9", t), {});
  REQUIRE_MESSAGE(confirmed.ok(), confirmed.status().message());
  CHECK(replicas[0]->GetAppointment("CROSS-0001")->booking.desk_id == "d9");
}

TEST_CASE("redis: concurrent outbox workers take every job exactly once") {
  auto server = RedisTestServer::Start();
  REQUIRE(server.ok());
  auto store = RedisStore::Connect(OptionsFor(**server));
  REQUIRE(store.ok());
  api::Store& s = **store;
  Instant t = Tomorrow10();
  auto now = api::SystemClock().Now();
  constexpr int kAppointments = 60;
  for (int i = 0; i < kAppointments; ++i) {
    std::string ref = "OB-" + std::to_string(i);
    REQUIRE(s.CreateAppointment(Appointment(ref, "o" + std::to_string(i % 3), "d1", t + Minutes(30 * i)), "",
                                {api::OutboxJob{api::JobType::kConfirmation, ref, now - Minutes(i)}})
                .ok());
  }
  std::atomic<int> taken{0};
  std::mutex mu;
  std::set<std::string> seen;
  bool duplicate = false;
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&] {
      for (int i = 0; i < 100; ++i) {
        auto jobs = s.TakeDueJobs(now, 7);
        if (!jobs.ok() || jobs->empty()) break;
        std::lock_guard lock(mu);
        for (const auto& j : *jobs) {
          duplicate |= !seen.insert(j.reference).second;
          ++taken;
        }
      }
    });
  }
  for (auto& th : workers) th.join();
  CHECK_FALSE(duplicate);
  CHECK(taken == kAppointments);
  CHECK(s.PendingJobs()->empty());
}

TEST_CASE("redis: SCRIPT FLUSH is survived (NOSCRIPT reloads and retries)") {
  auto server = RedisTestServer::Start();
  REQUIRE(server.ok());
  auto store = RedisStore::Connect(OptionsFor(**server));
  REQUIRE(store.ok());
  Instant t = Tomorrow10();
  REQUIRE((*store)->CreateAppointment(Appointment("FL-0001", "o1", "d1", t), "", {}).ok());
  RawStrings((*server)->port(), {"SCRIPT", "FLUSH"});
  auto r = (*store)->CreateAppointment(Appointment("FL-0002", "o1", "d1", t + 60min), "", {});
  CHECK_MESSAGE(r.ok(), r.status().message());
  CHECK((*store)->CreateAppointment(Appointment("FL-0003", "o1", "d1", t + 10min), "", {})
            .status()
            .code() == StatusCode::kConflict);
}

TEST_CASE("redis: every key of an office shares its hash tag; the rest sit outside") {
  auto server = RedisTestServer::Start();
  REQUIRE(server.ok());
  RedisOptions o = OptionsFor(**server);
  o.key_prefix = "termin:";
  auto store = RedisStore::Connect(o);
  REQUIRE(store.ok());
  api::Store& s = **store;
  Instant t = Tomorrow10();
  api::HoldRecord h;
  h.id = "hold-1";
  h.secret_hash = "sh";
  h.booking = Appointment("x", "amt-nord", "d1", t).booking;
  h.expires_at = api::SystemClock().Now() + 60s;
  REQUIRE(s.PlaceHold(h).ok());
  auto now = api::SystemClock().Now();
  REQUIRE(s.CreateAppointment(Appointment("TAG-0001", "amt-nord", "d2", t), "2030-01-01",
                              {api::OutboxJob{api::JobType::kConfirmation, "TAG-0001", now}})
              .ok());
  REQUIRE(s.AddNote("TAG-0001", api::Note{now, "staff", "n"}).ok());
  REQUIRE(s.PutOfficeConfig("amt-nord", api::OfficeChange{"{}", 0, {}, {}, false}).ok());
  REQUIRE(s.PutServiceConfig("id-card", "{}").ok());
  REQUIRE(s.BeginIdempotent("key-1", "rh", 60s).ok());
  auto keys = RawStrings((*server)->port(), {"KEYS", "*"});
  std::set<std::string> outside;
  int tagged = 0;
  for (const std::string& k : keys) {
    CHECK(k.rfind("termin:", 0) == 0);
    if (k.find("{o:") != std::string::npos) {
      CHECK(k.rfind("termin:{o:amt-nord}:", 0) == 0);
      ++tagged;
    } else {
      outside.insert(k);
    }
  }
  CHECK(tagged >= 12);  // cfg, desks, 2 claims, cmax, hv, hold, appt, notes, appts, active, tickets, ob, obseq
  CHECK(outside == std::set<std::string>{"termin:hold:hold-1", "termin:ref:TAG-0001",
                                         "termin:idem:key-1", "termin:{svc}:docs",
                                         "termin:{svc}:ver", "termin:offices", "termin:format"});
  // Holds and idempotency records carry a TTL; appointments do not.
  auto ttl_hold = RawStrings((*server)->port(), {"PTTL", "termin:{o:amt-nord}:h:hold-1"});
  (void)ttl_hold;
  redisContext* c = redisConnectWithTimeout("127.0.0.1", (*server)->port(), timeval{1, 0});
  REQUIRE((c && !c->err));
  auto pttl = [&](const char* key) {
    auto* r = static_cast<redisReply*>(redisCommand(c, "PTTL %s", key));
    long long v = r ? r->integer : -3;
    if (r) freeReplyObject(r);
    return v;
  };
  CHECK(pttl("termin:{o:amt-nord}:h:hold-1") > 3600 * 1000);  // 60 s + an hour's grace
  CHECK(pttl("termin:{o:amt-nord}:h:hold-1") <= 3660 * 1000);
  CHECK(pttl("termin:idem:key-1") > 0);
  CHECK(pttl("termin:{o:amt-nord}:a:TAG-0001") == -1);
  redisFree(c);
}

TEST_CASE("redis: a hold id naming its office needs no index; other ids still work; garbled ids are NotFound") {
  auto server = RedisTestServer::Start();
  REQUIRE(server.ok());
  RedisOptions o = OptionsFor(**server);
  o.key_prefix = "termin:";
  auto store = RedisStore::Connect(o);
  REQUIRE(store.ok());
  api::Store& s = **store;
  Instant t = Tomorrow10();
  auto hold = [&](const std::string& id, const std::string& desk) {
    api::HoldRecord h;
    h.id = id;
    h.secret_hash = "sh";
    h.booking = Appointment("x", "amt-nord", desk, t).booking;
    h.expires_at = api::SystemClock().Now() + 60s;
    return h;
  };
  REQUIRE(s.PlaceHold(hold("amt-nord.Rnd_-1", "d1")).ok());
  // A dotted id whose first part is not its office: found through the index.
  REQUIRE(s.PlaceHold(hold("amt-sued.Rnd2", "d2")).ok());
  auto outside = RawStrings((*server)->port(), {"KEYS", "termin:hold:*"});
  CHECK(outside == std::vector<std::string>{"termin:hold:amt-sued.Rnd2"});

  auto a = s.GetHold("amt-nord.Rnd_-1");
  REQUIRE(a.ok());
  CHECK(a->booking.desk_id == "d1");
  auto b = s.GetHold("amt-sued.Rnd2");
  REQUIRE(b.ok());
  CHECK(b->booking.office_id == "amt-nord");
  for (const char* bad : {"amt-nord.nope", "amt-sued.Rnd_-1", ".Rnd_-1", "amt-nord.", "amt{x}.y",
                          "nope", "amt-nord.Rnd_-1.x"}) {
    CAPTURE(bad);
    CHECK(s.GetHold(bad).status().code() == StatusCode::kNotFound);
    CHECK(s.ReleaseHold(bad, "sh").code() == StatusCode::kNotFound);
    CHECK(s.ConfirmHold(bad, "sh", std::nullopt, Appointment("GB-0001", "amt-nord", "d1", t), {})
              .status()
              .code() == StatusCode::kNotFound);
  }
  // Refused confirms leave no reference index behind.
  CHECK(RawStrings((*server)->port(), {"EXISTS", "termin:ref:GB-0001"}).empty());
  // A wrong secret is NotFound too, and frees the reference again.
  CHECK(s.ConfirmHold("amt-nord.Rnd_-1", "wrong", std::nullopt,
                      Appointment("GB-0002", "amt-nord", "d1", t), {})
            .status()
            .code() == StatusCode::kNotFound);
  REQUIRE(s.CreateAppointment(Appointment("GB-0002", "amt-nord", "d3", t), "", {}).ok());
  // A reference in use elsewhere: FailedPrecondition, the hold stays.
  CHECK(s.ConfirmHold("amt-nord.Rnd_-1", "sh", std::nullopt,
                      Appointment("GB-0002", "amt-nord", "d1", t), {})
            .status()
            .code() == StatusCode::kFailedPrecondition);
  CHECK(s.GetHold("amt-nord.Rnd_-1").ok());

  auto c1 = s.ConfirmHold("amt-nord.Rnd_-1", "sh", a->version,
                          Appointment("GB-0003", "amt-nord", "d1", t), {});
  REQUIRE_MESSAGE(c1.ok(), c1.status().message());
  CHECK(c1->booking.desk_id == "d1");
  auto c2 = s.ConfirmHold("amt-sued.Rnd2", "sh", std::nullopt,
                          Appointment("GB-0004", "amt-nord", "d1", t), {});
  REQUIRE_MESSAGE(c2.ok(), c2.status().message());
  CHECK(c2->booking.desk_id == "d2");
  CHECK(s.GetHold("amt-nord.Rnd_-1").status().code() == StatusCode::kNotFound);
  CHECK(RawStrings((*server)->port(), {"KEYS", "termin:hold:*"}).empty());
  auto found = s.GetAppointment("GB-0003");
  REQUIRE(found.ok());
  CHECK(found->booking.office_id == "amt-nord");
  // The claims read in one script: all three desks, nothing else.
  auto claims = s.ReadClaims("amt-nord", Interval{t - 60min, t + 60min});
  REQUIRE(claims.ok());
  CHECK(claims->size() == 3);
  CHECK(s.ReadClaims("amt-nord", Interval{t + 30min, t + 60min})->empty());
}

TEST_CASE("redis: a move to another office is refused as Unprocessable, nothing changes") {
  auto server = RedisTestServer::Start();
  REQUIRE(server.ok());
  auto store = RedisStore::Connect(OptionsFor(**server));
  REQUIRE(store.ok());
  Instant t = Tomorrow10();
  REQUIRE((*store)->CreateAppointment(Appointment("XO-0001", "o1", "d1", t), "", {}).ok());
  auto to = Appointment("x", "o2", "d1", t).booking;
  CHECK((*store)->MoveAppointment("XO-0001", to, {}).status().code() == StatusCode::kUnprocessable);
  CHECK((*store)->GetAppointment("XO-0001")->booking.office_id == "o1");
}

TEST_CASE("redis: with AOF (appendfsync always) a confirmed booking survives a crash") {
  auto server = RedisTestServer::Start({"--save", "", "--appendonly", "yes", "--appendfsync", "always"});
  REQUIRE_MESSAGE(server.ok(), server.status().message());
  auto store = RedisStore::Connect(OptionsFor(**server));
  REQUIRE(store.ok());
  Instant t = Tomorrow10();
  REQUIRE((*store)->CreateAppointment(Appointment("AOF-0001", "o1", "d1", t), "", {}).ok());
  REQUIRE((*server)->Kill().ok());  // SIGKILL: no shutdown save
  REQUIRE((*server)->Restart().ok());
  auto deadline = Steady::now() + 10s;
  while (!(*store)->Ping().ok() && Steady::now() < deadline) std::this_thread::sleep_for(50ms);
  auto a = (*store)->GetAppointment("AOF-0001");
  REQUIRE_MESSAGE(a.ok(), a.status().message());
  CHECK(a->booking.start == t);
  CHECK((*store)->CreateAppointment(Appointment("AOF-0002", "o1", "d1", t + 5min), "", {})
            .status()
            .code() == StatusCode::kConflict);
}

}  // namespace
}  // namespace termin::service

namespace termin::service {
namespace {

long long RawInteger(int port, const std::string& command, const std::string& key) {
  redisContext* c = redisConnectWithTimeout("127.0.0.1", port, timeval{1, 0});
  REQUIRE((c && !c->err));
  auto* r = static_cast<redisReply*>(redisCommand(c, "%s %s", command.c_str(), key.c_str()));
  long long v = (r && r->type == REDIS_REPLY_INTEGER) ? r->integer : -99;
  if (r) freeReplyObject(r);
  redisFree(c);
  return v;
}

TEST_CASE("redis: reserved references: unique before use, written with the step, freed on refusal") {
  auto server = RedisTestServer::Start();
  REQUIRE(server.ok());
  auto store = RedisStore::Connect(OptionsFor(**server));
  REQUIRE(store.ok());
  api::Store& s = **store;
  const int port = (*server)->port();
  Instant t = Tomorrow10();

  auto ref = s.ReserveReference();
  REQUIRE(ref.ok());
  REQUIRE(!ref->empty());
  // Reserved in Redis, in a batch, with a TTL; a lookup finds nothing yet.
  CHECK(RawStrings(port, {"GET", "ref:" + *ref}) == std::vector<std::string>{""});
  CHECK(RawInteger(port, "PTTL", "ref:" + *ref) > 3500 * 1000);
  CHECK(RawStrings(port, {"KEYS", "ref:*"}).size() == 32);
  CHECK(s.GetAppointment(*ref).status().code() == StatusCode::kNotFound);
  // Nobody else can have it: a step with it as an unreserved reference
  // (another process drew the same) finds it in use.
  auto second = RedisStore::Connect(OptionsFor(**server));
  REQUIRE(second.ok());
  CHECK((*second)->CreateAppointment(Appointment(*ref, "o1", "d1", t), "", {}).status().code() ==
        StatusCode::kFailedPrecondition);
  // Used by the process that reserved it: the index names the office for good.
  auto made = s.CreateAppointment(Appointment(*ref, "o1", "d1", t), "", {});
  REQUIRE_MESSAGE(made.ok(), made.status().message());
  CHECK(RawStrings(port, {"GET", "ref:" + *ref}) == std::vector<std::string>{"o1"});
  CHECK(RawInteger(port, "PTTL", "ref:" + *ref) == -1);
  CHECK(s.GetAppointment(*ref).ok());
  // The next ones come from the batch (no new keys) and are distinct.
  std::set<std::string> seen{*ref};
  for (int i = 0; i < 31; ++i) {
    auto r = s.ReserveReference();
    REQUIRE(r.ok());
    CHECK(seen.insert(*r).second);
  }
  CHECK(RawStrings(port, {"KEYS", "ref:*"}).size() == 32);
  // A refused step (the place is taken) frees its reserved reference.
  auto refused_ref = s.ReserveReference();  // a new batch
  REQUIRE(refused_ref.ok());
  CHECK(RawStrings(port, {"KEYS", "ref:*"}).size() == 64);
  CHECK(s.CreateAppointment(Appointment(*refused_ref, "o1", "d1", t + 5min), "", {})
            .status()
            .code() == StatusCode::kConflict);
  CHECK(RawInteger(port, "EXISTS", "ref:" + *refused_ref) == 0);
  // A reserved reference is used once: a second step with it goes the
  // checked way and finds it in use.
  CHECK(s.CreateAppointment(Appointment(*ref, "o1", "d2", t), "", {}).status().code() ==
        StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace termin::service

namespace termin::service {
namespace {

TEST_CASE("redis: a claim proposed on an older office configuration is refused (Aborted)") {
  auto server = RedisTestServer::Start();
  REQUIRE(server.ok());
  auto store = RedisStore::Connect(OptionsFor(**server));
  REQUIRE(store.ok());
  api::Store& s = **store;
  auto put1 = s.PutOfficeConfig("o1", api::OfficeChange{"{}", 0, {}, {}, false});
  REQUIRE(put1.ok());
  auto put2 = s.PutOfficeConfig("o1", api::OfficeChange{"{\"changed\":true}", put1->version, {}, {}, false});
  REQUIRE(put2.ok());
  auto v1 = std::optional<std::uint64_t>(put1->version);
  auto v2 = std::optional<std::uint64_t>(put2->version);
  Instant t = Tomorrow10();
  auto stale = Appointment("FN-0001", "o1", "d1", t);
  stale.booking.office_version = *v1;
  CHECK(s.CreateAppointment(stale, "", {}).status().code() == StatusCode::kAborted);
  CHECK(s.GetAppointment("FN-0001").status().code() == StatusCode::kNotFound);  // nothing written
  api::HoldRecord h;
  h.id = "o1.fence";
  h.secret_hash = "sh";
  h.booking = stale.booking;
  h.expires_at = api::SystemClock().Now() + 60s;
  CHECK(s.PlaceHold(h).status().code() == StatusCode::kAborted);
  // On the current version, or unchecked (0), the steps go through.
  h.booking.office_version = *v2;
  CHECK(s.PlaceHold(h).ok());
  auto current = Appointment("FN-0002", "o1", "d2", t);
  current.booking.office_version = 0;
  auto made = s.CreateAppointment(current, "", {});
  REQUIRE(made.ok());
  api::Booking to = made->booking;
  to.start = t + 60min;
  to.end = to.start + 20min;
  to.claim_end = to.start + 25min;
  to.office_version = *v1;
  CHECK(s.MoveAppointment("FN-0002", to, {}).status().code() == StatusCode::kAborted);
  to.office_version = *v2;
  CHECK(s.MoveAppointment("FN-0002", to, {}).ok());
  // A touch (a service the office offers changed) fences out steps proposed
  // on the version before it, as a document change does.
  auto v3 = s.TouchOfficeConfig("o1");
  REQUIRE(v3.ok());
  CHECK(*v3 == *v2 + 1);
  auto after_touch = Appointment("FN-0003", "o1", "d1", t + 3h);
  after_touch.booking.office_version = *v2;
  CHECK(s.CreateAppointment(after_touch, "", {}).status().code() == StatusCode::kAborted);
  after_touch.booking.office_version = *v3;
  CHECK(s.CreateAppointment(after_touch, "", {}).ok());
}

}  // namespace
}  // namespace termin::service
