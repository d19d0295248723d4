// Redis Cluster: the slot arithmetic and the redirect parsing on their own,
// then the store and the job queue on a real 3-primary cluster
// (redis_test_server.h): offices on three different primaries; a slot
// migrated under a running store (ASK while it moves, MOVED after, no
// restart); a script cache flushed on one primary; readiness when a
// primary is gone.
#include "service/redis/redis_cluster.h"

#include <doctest/doctest.h>
#include <hiredis/hiredis.h>

#include <atomic>
#include <map>
#include <set>

#include "api/clock.h"
#include "service/notify/worker_metrics.h"
#include "service/redis/job_queue_redis.h"
#include "service/redis/redis_connection.h"
#include "service/redis/redis_store.h"
#include "service/redis/redis_test_server.h"

namespace termin::service {
namespace {

using namespace std::chrono_literals;
using api::AppointmentRecord;
using api::HoldRecord;
using api::JobType;

TEST_CASE("cluster: CRC16 and key slots as Redis computes them") {
  CHECK(Crc16("123456789") == 0x31C3);  // the check value of CRC-16/XMODEM
  CHECK(KeySlot("123456789") == 12739);
  CHECK(KeySlot("foo") == 12182);  // CLUSTER KEYSLOT foo
  CHECK(KeySlot("somekey") == 11058);
  // The hash tag: the first '{' to the next '}', if not empty.
  CHECK(KeySlot("{user1000}.following") == KeySlot("user1000"));
  CHECK(KeySlot("foo{bar}{zap}") == KeySlot("bar"));
  CHECK(KeySlot("foo{{bar}}zap") == KeySlot("{bar"));
  CHECK(KeySlot("foo{}{bar}") == (Crc16("foo{}{bar}") & 16383));  // empty tag: whole key
  CHECK(KeySlot("foo{bar") == (Crc16("foo{bar") & 16383));        // no closing brace
  // An office's keys share a slot whatever the prefix.
  CHECK(KeySlot("t1:{o:o1}:cfg") == KeySlot("x:{o:o1}:c:d1"));
  CHECK(KeySlot("{o:o1}") != KeySlot("{o:o2}"));
}

TEST_CASE("cluster: which key routes a command, and the slots of all its keys") {
  using V = std::vector<std::string>;
  CHECK(RoutingKeyIndex(V{"GET", "k"}) == 1u);
  CHECK(RoutingKeyIndex(V{"EVALSHA", "abc", "2", "k1", "k2", "arg"}) == 3u);
  CHECK_FALSE(RoutingKeyIndex(V{"EVALSHA", "abc", "0", "arg"}).has_value());
  CHECK_FALSE(RoutingKeyIndex(V{"PING"}).has_value());
  CHECK_FALSE(RoutingKeyIndex(V{"WAIT", "1", "100"}).has_value());
  CHECK_FALSE(RoutingKeyIndex(V{"SCRIPT", "LOAD", "return 1"}).has_value());
  CHECK(CommandSlots(V{"EVAL", "s", "2", "{a}1", "{a}2", "x"}) == std::vector<int>{KeySlot("a"), KeySlot("a")});
  CHECK(CommandSlots(V{"DEL", "a", "b"}) == std::vector<int>{KeySlot("a"), KeySlot("b")});
  CHECK(CommandSlots(V{"SET", "a", "b"}) == std::vector<int>{KeySlot("a")});
  CHECK(CommandSlots(V{"EVALSHA", "s", "9", "k"}).empty());  // malformed numkeys: none
}

TEST_CASE("cluster: MOVED and ASK replies") {
  auto m = ParseRedirect("MOVED 3999 127.0.0.1:6381");
  REQUIRE(m.has_value());
  CHECK(m->kind == Redirect::Kind::kMoved);
  CHECK(m->slot == 3999);
  CHECK(m->node == ClusterNode{"127.0.0.1", 6381});
  auto a = ParseRedirect("ASK 16383 redis-2.redis.svc:7000");
  REQUIRE(a.has_value());
  CHECK(a->kind == Redirect::Kind::kAsk);
  CHECK(a->node.host == "redis-2.redis.svc");
  CHECK(ParseRedirect("MOVED 3999 ::1:6381")->node.host == "::1");
  CHECK_FALSE(ParseRedirect("ERR unknown command").has_value());
  CHECK_FALSE(ParseRedirect("MOVED 16384 h:1").has_value());
  CHECK_FALSE(ParseRedirect("MOVED x h:1").has_value());
  CHECK_FALSE(ParseRedirect("MOVED 1 h").has_value());
  CHECK_FALSE(ParseRedirect("MOVED 1 h:0").has_value());
  CHECK_FALSE(ParseRedirect("ASK 1").has_value());
}

TEST_CASE("cluster: redis+cluster:// URLs") {
  auto o = ParseRedisUrl("redis+cluster://termin:p%40w@10.0.0.1:7000,10.0.0.2,redis-3:7002");
  REQUIRE(o.ok());
  CHECK(o->cluster);
  CHECK(o->user == "termin");
  CHECK(o->password == "p@w");
  REQUIRE(o->cluster_seeds.size() == 3);
  CHECK(o->cluster_seeds[0] == std::pair<std::string, int>{"10.0.0.1", 7000});
  CHECK(o->cluster_seeds[1] == std::pair<std::string, int>{"10.0.0.2", 6379});
  CHECK(o->cluster_seeds[2] == std::pair<std::string, int>{"redis-3", 7002});
  CHECK(IsRedisUrl("redis+cluster://h"));
  CHECK(ParseRedisUrl("redis+cluster://h/").ok());
  CHECK(ParseRedisUrl("redis+cluster://h/2").status().code() == StatusCode::kInvalidArgument);
  CHECK(ParseRedisUrl("redis+cluster://").status().code() == StatusCode::kInvalidArgument);
  CHECK(ParseRedisUrl("redis+cluster://h:0").status().code() == StatusCode::kInvalidArgument);
  CHECK(ParseRedisUrl("redis+cluster://h1,,h2").status().code() == StatusCode::kInvalidArgument);
  CHECK_FALSE(ParseRedisUrl("redis://h").value().cluster);
}

// --- On a real cluster -------------------------------------------------------------

struct ReplyFree {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};

// One command straight to one node, bypassing the pool (to look where keys are).
std::unique_ptr<redisReply, ReplyFree> Direct(int port, const std::vector<std::string>& args) {
  redisContext* c = redisConnect("127.0.0.1", port);
  REQUIRE((c != nullptr && c->err == 0));
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* r = static_cast<redisReply*>(redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data()));
  redisFree(c);
  REQUIRE(r != nullptr);
  return std::unique_ptr<redisReply, ReplyFree>(r);
}

RedisOptions ClusterOptions(const RedisTestCluster& cluster) {
  static std::atomic<int> counter{0};
  auto o = ParseRedisUrl(cluster.url());
  REQUIRE_MESSAGE(o.ok(), o.status().message());
  o->key_prefix = "k" + std::to_string(counter++) + ":";
  o->pool_size = 4;
  return *o;
}

// One office per primary: office id -> port of the primary serving its slot.
std::map<std::string, int> OfficesOnEachPrimary(const RedisTestCluster& cluster, const std::string& stem) {
  std::map<int, std::string> by_port;
  for (int i = 0; by_port.size() < cluster.ports().size() && i < 1000; ++i) {
    const std::string office = stem + std::to_string(i);
    by_port.emplace(cluster.PortOfSlot(KeySlot("o:" + office)), office);
  }
  std::map<std::string, int> out;
  for (const auto& [port, office] : by_port) out[office] = port;
  REQUIRE(out.size() == cluster.ports().size());
  return out;
}

Instant Tomorrow10() {
  auto day = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()) + std::chrono::days(1);
  return std::chrono::time_point_cast<Minutes>(day) + 10h;
}

api::Booking At(const std::string& office, const std::string& desk, Instant start, int minutes) {
  api::Booking b;
  b.office_id = office;
  b.desk_id = desk;
  b.services = {"id-card"};
  b.start = start;
  b.end = start + Minutes(minutes);
  b.claim_end = b.end;
  return b;
}

HoldRecord Hold(const std::string& id, api::Booking b) {
  HoldRecord h;
  h.id = id;
  h.secret_hash = "secret-of-" + id;
  h.booking = std::move(b);
  h.expires_at = api::SystemClock().Now() + 60s;
  return h;
}

AppointmentRecord Appointment(const std::string& ref, api::Booking b) {
  AppointmentRecord a;
  a.reference = ref;
  a.secret_hash = "manage-" + ref;
  a.booking = std::move(b);
  a.contact.name = "Erika Mustermann";
  a.contact.email = "erika@example.org";
  a.created_at = api::SystemClock().Now();
  return a;
}

std::uint64_t CounterValue(api::Store& store, const std::string& name, const std::string& label_value = "") {
  for (const api::StoreCounter& c : store.Counters()) {
    if (c.name == name && c.label_value == label_value) return c.value;
  }
  FAIL("no counter " << name << " " << label_value);
  return 0;
}

TEST_CASE("cluster: the slot map read from a real cluster covers every slot on three primaries") {
  RedisTestCluster& cluster = SharedTestCluster();
  auto reply = Direct(cluster.ports()[0], {"CLUSTER", "SLOTS"});
  auto map = SlotMap::FromClusterSlots(*reply, "127.0.0.1");
  REQUIRE(map.ok());
  CHECK(map->Complete());
  CHECK(map->nodes().size() == 3);
  // Our CRC16 agrees with the server's for the keys we write.
  for (const std::string key : {"k1:{o:mitte}:cfg", "k1:hold:abc", "k1:{svc}:docs", "k1:offices", "x"}) {
    auto slot = Direct(cluster.ports()[1], {"CLUSTER", "KEYSLOT", key});
    CHECK(slot->integer == KeySlot(key));
    CHECK(map->NodeOf(KeySlot(key))->port == cluster.PortOfSlot(KeySlot(key)));
  }
}

TEST_CASE("cluster: booking, hold and confirm, cancel and the job queue on offices of three primaries") {
  RedisTestCluster& cluster = SharedTestCluster();
  const RedisOptions o = ClusterOptions(cluster);
  auto store = RedisStore::Connect(o);
  REQUIRE_MESSAGE(store.ok(), store.status().message());
  RedisStore& s = **store;
  CHECK(s.Ping().ok());
  const Instant t = Tomorrow10();
  const auto now = api::SystemClock().Now();
  const auto offices = OfficesOnEachPrimary(cluster, "p");
  int n = 0;
  for (const auto& [office, port] : offices) {
    CAPTURE(office);
    const std::string ref = "CL" + std::to_string(++n) + "-0001";
    const std::string ref2 = "CL" + std::to_string(n) + "-0002";
    auto h = s.PlaceHold(Hold("h-" + office, At(office, "d1", t, 30)));
    REQUIRE_MESSAGE(h.ok(), h.status().message());
    CHECK(s.PlaceHold(Hold("h2-" + office, At(office, "d1", t + 10min, 30))).status().code() ==
          StatusCode::kConflict);
    api::JobPlan plan{true, JobType::kConfirmation, now, {}};
    auto done = s.ConfirmHold("h-" + office, "secret-of-h-" + office, h->version, Appointment(ref, {}), plan);
    REQUIRE_MESSAGE(done.ok(), done.status().message());
    CHECK(done->booking == At(office, "d1", t, 30));
    // Never a double booking: the appointment's place stays taken.
    CHECK(s.CreateAppointment(Appointment(ref2, At(office, "d1", t + 20min, 30)), "", {}).status().code() ==
          StatusCode::kConflict);
    REQUIRE(s.CreateAppointment(Appointment(ref2, At(office, "d1", t + 60min, 30)), "",
                                {{JobType::kConfirmation, ref2, now}})
                .ok());
    auto cancelled = s.CancelAppointment(ref2, "citizen", {{JobType::kCancelled, ref2, now}});
    REQUIRE_MESSAGE(cancelled.ok(), cancelled.status().message());
    CHECK(s.GetAppointment(ref)->booking == At(office, "d1", t, 30));
    // The office's keys are on the primary its slot says, and only there.
    const std::string appts = o.key_prefix + "{o:" + office + "}:appts";
    CHECK(Direct(port, {"EXISTS", appts})->integer == 1);
    for (int other : cluster.ports()) {
      if (other != port) CHECK(Direct(other, {"EXISTS", appts})->type == REDIS_REPLY_ERROR);  // MOVED
    }
  }
  // The worker's queue sees the jobs of all three offices.
  auto queue = RedisJobQueue::Connect(o);
  REQUIRE_MESSAGE(queue.ok(), queue.status().message());
  auto claimed = (*queue)->Claim(now + 1s, 30s, 100);
  REQUIRE_MESSAGE(claimed.ok(), claimed.status().message());
  std::set<std::string> seen;
  for (const ClaimedJob& j : *claimed) {
    seen.insert(j.id.substr(0, j.id.find(':')));
    CHECK((*queue)->Ack(j).ok());
  }
  CHECK(claimed->size() == 3 * 3);  // per office: confirmation, confirmation, cancelled
  CHECK(seen.size() == 3);
  CHECK((*queue)->Claim(now + 1s, 30s, 100)->empty());
  CHECK(CounterValue(s, "termin_redis_redirects_total", "moved") == 0);
}

TEST_CASE("cluster: a slot migrated under a running store: ASK while it moves, MOVED after, no restart") {
  RedisTestCluster& cluster = SharedTestCluster();
  const RedisOptions o = ClusterOptions(cluster);
  auto store = RedisStore::Connect(o);
  REQUIRE_MESSAGE(store.ok(), store.status().message());
  RedisStore& s = **store;
  const std::string office = "mv";
  const int slot = KeySlot("o:" + office);
  const int from = cluster.PortOfSlot(slot);
  const int to = cluster.ports()[0] == from ? cluster.ports()[1] : cluster.ports()[0];
  const Instant t = Tomorrow10();
  REQUIRE(s.CreateAppointment(Appointment("MV-0001", At(office, "d1", t, 30)), "", {}).ok());

  REQUIRE(cluster.BeginMigration(slot, to).ok());
  // The keys are on `to` now; `from` answers ASK for them.
  CHECK(Direct(from, {"EXISTS", o.key_prefix + "{o:mv}:appts"})->type == REDIS_REPLY_ERROR);
  auto during = s.GetAppointment("MV-0001");
  REQUIRE_MESSAGE(during.ok(), during.status().message());
  CHECK(during->booking == At(office, "d1", t, 30));
  auto claims = s.ReadClaims(office, Interval{t - 60min, t + 60min});
  REQUIRE_MESSAGE(claims.ok(), claims.status().message());
  CHECK(claims->count("d1") == 1);
  CHECK(CounterValue(s, "termin_redis_redirects_total", "ask") > 0);
  CHECK(CounterValue(s, "termin_redis_redirects_total", "moved") == 0);
  // A step that writes new keys while the slot is split can only wait
  // (TRYAGAIN): a clean Unavailable, or done; never a second claim.
  auto racing = s.CreateAppointment(Appointment("MV-0002", At(office, "d1", t + 10min, 30)), "", {});
  CHECK(racing.status().code() != StatusCode::kOk);
  CHECK((racing.status().code() == StatusCode::kConflict ||
         racing.status().code() == StatusCode::kUnavailable));

  REQUIRE(cluster.FinishMigration(slot, to).ok());
  CHECK(cluster.PortOfSlot(slot) == to);
  // The store still routes the slot to `from`: MOVED, followed, map updated.
  auto after = s.CreateAppointment(Appointment("MV-0003", At(office, "d1", t + 60min, 30)), "", {});
  REQUIRE_MESSAGE(after.ok(), after.status().message());
  CHECK(CounterValue(s, "termin_redis_redirects_total", "moved") >= 1);
  CHECK(s.CreateAppointment(Appointment("MV-0004", At(office, "d1", t + 70min, 30)), "", {}).status().code() ==
        StatusCode::kConflict);
  CHECK(s.GetAppointment("MV-0001").ok());
  CHECK(Direct(to, {"EXISTS", o.key_prefix + "{o:mv}:a:MV-0003"})->integer == 1);
  // Once the map is read again, no more redirects for this slot.
  const auto moved = CounterValue(s, "termin_redis_redirects_total", "moved");
  std::this_thread::sleep_for(150ms);
  for (int i = 0; i < 5; ++i) CHECK(s.GetAppointment("MV-0003").ok());
  CHECK(s.ReadClaims(office, Interval{t, t + 120min}).ok());
  CHECK(CounterValue(s, "termin_redis_redirects_total", "moved") <= moved + 1);
  // Move it back, so other cases see the cluster as created.
  REQUIRE(cluster.BeginMigration(slot, from).ok());
  REQUIRE(cluster.FinishMigration(slot, from).ok());
  CHECK(s.GetAppointment("MV-0003").ok());
}

TEST_CASE("cluster: the job queue follows a moved slot, and the worker's metrics text counts it") {
  RedisTestCluster& cluster = SharedTestCluster();
  const RedisOptions o = ClusterOptions(cluster);
  auto store = RedisStore::Connect(o);
  REQUIRE(store.ok());
  auto queue = RedisJobQueue::Connect(o);
  REQUIRE(queue.ok());
  const std::string office = "jq";
  const int slot = KeySlot("o:" + office);
  const int from = cluster.PortOfSlot(slot);
  const int to = cluster.ports()[0] == from ? cluster.ports()[1] : cluster.ports()[0];
  const auto now = api::SystemClock().Now();
  REQUIRE((*queue)->Claim(now, 30s, 10).ok());  // the queue's map is read, pointing at `from`
  REQUIRE((*store)->CreateAppointment(Appointment("JQ-0001", At(office, "d1", Tomorrow10(), 30)), "",
                                      {{JobType::kConfirmation, "JQ-0001", now}})
              .ok());
  REQUIRE(cluster.BeginMigration(slot, to).ok());
  REQUIRE(cluster.FinishMigration(slot, to).ok());
  auto claimed = (*queue)->Claim(now + 1s, 30s, 10);
  REQUIRE_MESSAGE(claimed.ok(), claimed.status().message());
  REQUIRE(claimed->size() == 1);
  CHECK((*claimed)[0].job.reference == "JQ-0001");
  CHECK((*queue)->Ack((*claimed)[0]).ok());
  std::uint64_t queue_moved = 0;
  for (const api::StoreCounter& c : (*queue)->Counters()) {
    if (c.label_value == "moved") queue_moved = c.value;
  }
  CHECK(queue_moved >= 1);
  const std::string text = RedisCountersText({(*store)->Counters(), (*queue)->Counters()});
  const std::uint64_t store_moved = CounterValue(**store, "termin_redis_redirects_total", "moved");
  CHECK(text.find("termin_redis_redirects_total{kind=\"moved\"} " + std::to_string(store_moved + queue_moved) +
                  "\n") != std::string::npos);
  CHECK(text.find("# TYPE termin_redis_redirects_total counter") != std::string::npos);
  CHECK(text.find("termin_redis_wait_short_total 0\n") != std::string::npos);
  REQUIRE(cluster.BeginMigration(slot, from).ok());
  REQUIRE(cluster.FinishMigration(slot, from).ok());
}

// calls= of cmdstat_<command> in INFO commandstats of one node, 0 if absent.
long long CommandCalls(int port, const std::string& command) {
  auto info = Direct(port, {"INFO", "commandstats"});
  const std::string text(info->str, info->len);
  const std::string tag = "cmdstat_" + command + ":calls=";
  std::size_t at = text.find(tag);
  return at == std::string::npos ? 0 : std::stoll(text.substr(at + tag.size()));
}

TEST_CASE("cluster: WAIT goes to the primary that ran the booking step") {
  RedisTestCluster& cluster = SharedTestCluster();
  RedisOptions o = ClusterOptions(cluster);
  o.wait_replicas = 1;  // the test cluster has no replicas: every WAIT is short
  o.wait_timeout = 5ms;
  auto store = RedisStore::Connect(o);
  REQUIRE(store.ok());
  const auto offices = OfficesOnEachPrimary(cluster, "w");
  std::map<int, long long> before;
  for (int port : cluster.ports()) before[port] = CommandCalls(port, "wait");
  const auto& [office, port] = *offices.begin();
  REQUIRE((*store)->CreateAppointment(Appointment("WT-0001", At(office, "d1", Tomorrow10(), 30)), "", {}).ok());
  for (int p : cluster.ports()) CHECK(CommandCalls(p, "wait") - before[p] == (p == port ? 1 : 0));
  CHECK(CounterValue(**store, "termin_redis_wait_short_total") == 1);
}

TEST_CASE("cluster: a primary whose script cache was flushed gets the scripts again (NOSCRIPT)") {
  RedisTestCluster& cluster = SharedTestCluster();
  const RedisOptions o = ClusterOptions(cluster);
  auto store = RedisStore::Connect(o);
  REQUIRE(store.ok());
  const auto offices = OfficesOnEachPrimary(cluster, "ns");
  const Instant t = Tomorrow10();
  for (int port : cluster.ports()) CHECK(Direct(port, {"SCRIPT", "FLUSH"})->type == REDIS_REPLY_STATUS);
  int n = 0;
  for (const auto& [office, port] : offices) {
    auto r = (*store)->CreateAppointment(Appointment("NS" + std::to_string(++n) + "-0001", At(office, "d1", t, 30)),
                                         "", {});
    CHECK_MESSAGE(r.ok(), r.status().message());
  }
}

TEST_CASE("cluster: readiness fails, and steps answer Unavailable, when a primary is gone") {
  auto cluster = RedisTestCluster::Start(3);
  REQUIRE_MESSAGE(cluster.ok(), cluster.status().message());
  const RedisOptions o = ClusterOptions(**cluster);
  auto store = RedisStore::Connect(o);
  REQUIRE(store.ok());
  RedisStore& s = **store;
  CHECK(s.Ping().ok());
  const auto offices = OfficesOnEachPrimary(**cluster, "k");
  const int victim = (*cluster)->ports()[2];
  REQUIRE((*cluster)->KillNode(2).ok());
  CHECK(s.Ping().code() == StatusCode::kUnavailable);
  const Instant t = Tomorrow10();
  for (const auto& [office, port] : offices) {
    auto r = s.CreateAppointment(Appointment("KI-" + office, At(office, "d1", t, 30)), "", {});
    if (port == victim) {
      CHECK(r.status().code() == StatusCode::kUnavailable);
    } else {
      // The survivors serve until they see the failure (cluster-node-timeout),
      // then refuse with CLUSTERDOWN: Unavailable, never a crash or a 500.
      CHECK((r.ok() || r.status().code() == StatusCode::kUnavailable));
    }
  }
  // Still unready while the node is away.
  CHECK(s.Ping().code() == StatusCode::kUnavailable);
}

TEST_CASE("cluster: a primary killed, its replica promoted: the running store follows without a restart") {
  auto cluster = RedisTestCluster::Start(3, 1);
  REQUIRE_MESSAGE(cluster.ok(), cluster.status().message());
  const RedisOptions o = ClusterOptions(**cluster);
  auto store = RedisStore::Connect(o);
  REQUIRE_MESSAGE(store.ok(), store.status().message());
  RedisStore& s = **store;
  const std::string office = "fo";
  const int slot = KeySlot("o:" + office);
  const int primary = (*cluster)->PortOfSlot(slot);
  const Instant t = Tomorrow10();
  REQUIRE(s.CreateAppointment(Appointment("FO-0001", At(office, "d1", t, 30)), "", {}).ok());
  // Let the replica have it (WAIT on the primary itself), then crash the primary.
  CHECK(Direct(primary, {"WAIT", "1", "1000"})->integer == 1);
  REQUIRE((*cluster)->KillPort(primary).ok());
  const auto killed = std::chrono::steady_clock::now();
  // Bounded: cluster-node-timeout 2 s, then the replica's election.
  Result<AppointmentRecord> booked = Status::Unavailable("not tried");
  int unavailable = 0;
  while (std::chrono::steady_clock::now() - killed < 20s) {
    // A fresh reference each time: after an unknown outcome the store keeps
    // the reference's index (the API's retry goes by its Idempotency-Key).
    booked = s.CreateAppointment(
        Appointment("FO-1" + std::to_string(1000 + unavailable), At(office, "d1", t + 60min, 30)), "", {});
    if (booked.ok()) break;
    CHECK_MESSAGE(booked.status().code() == StatusCode::kUnavailable, booked.status().message());
    ++unavailable;
    std::this_thread::sleep_for(100ms);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - killed).count();
  MESSAGE("cluster failover: bookable again " << seconds << " s after kill -9 (" << unavailable
                                              << " Unavailable answers meanwhile)");
  REQUIRE_MESSAGE(booked.ok(), booked.status().message());
  CHECK(unavailable > 0);  // the slot was unserved for a while: no answer came from nowhere
  const int promoted = (*cluster)->PortOfSlot(slot);
  CHECK(promoted != primary);
  CHECK(promoted != 0);
  // What the old primary acknowledged (and the replica had) is there, and still claims its place.
  CHECK(s.GetAppointment("FO-0001").ok());
  CHECK(s.CreateAppointment(Appointment("FO-0003", At(office, "d1", t + 10min, 30)), "", {}).status().code() ==
        StatusCode::kConflict);
  // Readiness comes back once every slot is served and every primary says ok.
  bool ready = false;
  for (int i = 0; i < 50 && !ready; ++i) {
    ready = s.Ping().ok();
    if (!ready) std::this_thread::sleep_for(100ms);
  }
  CHECK(ready);
}

}  // namespace
}  // namespace termin::service
