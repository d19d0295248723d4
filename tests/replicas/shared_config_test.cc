// The configuration lives in Redis: an admin change made through replica A
// is served by replica B within the poll interval (250 ms; the test allows
// 3 s for slow sanitizer builds and reports the time it saw), and B's booking
// steps use it. A replica started later serves the store's configuration,
// not its seed file's.
#include <atomic>
#include <cstdio>
#include <mutex>
#include <set>
#include <future>
#include <latch>
#include <thread>

#include <doctest/doctest.h>

#include "tests/replicas/replica_env.h"
#include "tests/harness/test_keys.h"

namespace termin::testing {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kBound = std::chrono::seconds(3);

// Polls `probe` until it is true (bounded); seconds it took, or -1.
template <typename Probe>
double SecondsUntil(Probe probe) {
  auto t0 = Clock::now();
  while (Clock::now() - t0 < kBound) {
    if (probe()) return SecondsSince(t0);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return -1;
}

TEST_CASE("an admin change through one replica is served by the others") {
  std::string error;
  auto [redis, replicas] = StartRedisWithReplicas(/*aof=*/false, 2, 0, &error);
  REQUIRE_MESSAGE(replicas.size() == 2, error);
  const HttpClient& a = replicas[0]->client();
  const HttpClient& b = replicas[1]->client();
  const Headers admin = Bearer(kAdminKey);

  // A new service through A appears in B's list.
  const std::string service =
      "{\"id\":\"neu\",\"name\":{\"de\":\"Neues Anliegen\",\"en\":\"New errand\"},"
      "\"bring\":{\"de\":\"Nichts\",\"en\":\"Nothing\"},\"duration_minutes\":30,"
      "\"buffer_minutes\":0}";
  Response put = a.Put("/v1/admin/services/neu", service, admin);
  REQUIRE_MESSAGE(put.status == 201, put.Summary());
  double service_seen = SecondsUntil([&] {
    Response r = b.Get("/v1/services");
    return r.status == 200 && r.body.find("\"neu\"") != std::string::npos;
  });
  CHECK(service_seen >= 0);

  // The office closed on one day through A: B refuses a hold there (422)
  // and no longer offers the day, while it still did before.
  const std::string day = AddDays(LocalToday("Europe/Berlin"), 9);
  auto before = FreeSlots(b, "test-nord", {"kurz"}, day, day);
  REQUIRE(!before.empty());
  std::string closed = CloseOfficeOn(a, "test-nord", day, "Betriebsausflug", admin);
  REQUIRE_MESSAGE(closed.empty(), closed);
  double closure_seen = SecondsUntil([&] {
    return FreeSlots(b, "test-nord", {"kurz"}, day, day).empty();
  });
  CHECK(closure_seen >= 0);
  Response hold = b.Post("/v1/holds", "{\"office\":\"test-nord\",\"services\":[\"kurz\"],\"start\":" +
                                          Q(before[0].start) + "}");
  CHECK_MESSAGE(hold.status == 422, hold.Summary());
  Response admin_view = b.Get("/v1/admin/offices/test-nord", admin);
  CHECK(admin_view.body.find("Betriebsausflug") != std::string::npos);

  // A replica started now serves the store's configuration, not the seed's.
  std::vector<std::unique_ptr<ApiServer>> late = StartReplicas(redis->url(), 1, 0, &error);
  REQUIRE_MESSAGE(late.size() == 1, error);
  CHECK(FreeSlots(late[0]->client(), "test-nord", {"kurz"}, day, day).empty());
  CHECK(late[0]->client().Get("/v1/services").body.find("\"neu\"") != std::string::npos);

  std::printf("shared configuration: new service seen by the other replica after %.3f s, office "
              "closure after %.3f s (poll interval 250 ms)\n",
              service_seen, closure_seen);

  // A document in Redis that does not parse (written behind the API's back)
  // is skipped: the replicas keep serving the office's last good version.
  RedisView view(redis->port());
  REQUIRE(view.ok());
  const std::string cfg = "{o:test-mitte}:cfg";
  const std::string version = view.Run({"HGET", cfg, "ver"});
  REQUIRE(!version.empty());
  view.Run({"HSET", cfg, "doc", "{\"id\":\"test-mitte\"", "ver",
            std::to_string(std::stoll(version) + 1)});
  std::this_thread::sleep_for(std::chrono::milliseconds(700));  // a few polls
  for (const HttpClient* api : {&a, &b}) {
    CHECK(api->Get("/readyz").status == 200);
    CHECK(api->Get("/v1/offices/test-mitte").status == 200);
    CHECK(!FreeSlots(*api, "test-mitte", {"kurz"}, day, day).empty());
  }
  CHECK(replicas[0]->process().LogTail(20000).find("do not parse") != std::string::npos);
  // An admin repairs it through one replica; both serve the repair.
  Response mitte = a.Get("/v1/admin/offices/test-mitte", admin);
  REQUIRE(mitte.status == 200);
  std::string repaired = mitte.body;
  const std::string name_key = "\"name\":\"";
  auto name_at = repaired.find(name_key);
  REQUIRE(name_at != std::string::npos);
  repaired.insert(name_at + name_key.size(), "Repariert ");
  Response fixed = a.Put("/v1/admin/offices/test-mitte", repaired, admin);
  REQUIRE_MESSAGE(fixed.status == 200, fixed.Summary());
  double repair_seen = SecondsUntil([&] {
    return b.Get("/v1/offices/test-mitte").body.find("Repariert ") != std::string::npos;
  });
  CHECK(repair_seen >= 0);
  CHECK(replicas[1]->process().LogTail(20000).find("configuration reload works again") !=
        std::string::npos);

  for (auto* r : {replicas[0].get(), replicas[1].get(), late[0].get()}) {
    auto info = r->Stop();
    CHECK((info && info->clean()));
  }
}

// Kubernetes starts a Deployment's replicas at the same moment, each with
// the same --seed, on an empty Redis: one of them writes each office first,
// the others must take its version and serve, not exit.
TEST_CASE("replicas seeding an empty Redis at the same moment all start and agree") {
  std::string error;
  auto redis = DurableRedis::Start(/*aof=*/false, &error);
  REQUIRE_MESSAGE(redis != nullptr, error);
  constexpr int kReplicas = 4;
  std::vector<std::unique_ptr<ApiServer>> replicas(kReplicas);
  std::vector<std::string> errors(kReplicas);
  // A child dies with the thread that forked it (PR_SET_PDEATHSIG), so each
  // starter thread stays until the servers are stopped.
  std::promise<void> finished;
  std::shared_future<void> finished_signal = finished.get_future().share();
  std::latch started(kReplicas);
  std::vector<std::thread> starters;
  for (int i = 0; i < kReplicas; ++i) {
    starters.emplace_back([&, i] {
      ApiServerOptions options;
      options.store = redis->url();
      options.name = "seeder" + std::to_string(i);
      replicas[i] = ApiServer::Start(options, &errors[i]);
      started.count_down();
      finished_signal.wait();
    });
  }
  started.wait();
  struct Finish {
    std::promise<void>& finished;
    std::vector<std::thread>& starters;
    ~Finish() {
      finished.set_value();
      for (auto& t : starters) t.join();
    }
  } finish{finished, starters};
  for (int i = 0; i < kReplicas; ++i) REQUIRE_MESSAGE(replicas[i] != nullptr, errors[i]);
  RedisView view(redis->port());
  REQUIRE(view.ok());
  CHECK(view.Run({"HGET", "{o:test-nord}:cfg", "ver"}) == "1");  // written once
  const std::string day = AddDays(LocalToday("Europe/Berlin"), 9);
  auto first = FreeSlots(replicas[0]->client(), "test-nord", {"kurz"}, day, day);
  CHECK(!first.empty());
  for (int i = 1; i < kReplicas; ++i) {
    CHECK(FreeSlots(replicas[i]->client(), "test-nord", {"kurz"}, day, day).size() == first.size());
  }
  for (auto& r : replicas) {
    auto info = r->Stop();
    CHECK((info && info->clean()));
  }
}

// docs/api.md, "Claims snapshots": a place freed through one replica is
// refused by another for at most --claims-refusal-ms (200 ms), then booked;
// the replica that freed it books it again at once.
TEST_CASE("a place freed through one replica: the other books it within the refusal age") {
  std::string error;
  auto [redis, replicas] = StartRedisWithReplicas(/*aof=*/false, 2, 0, &error);
  REQUIRE_MESSAGE(replicas.size() == 2, error);
  const HttpClient& a = replicas[0]->client();
  const HttpClient& b = replicas[1]->client();
  const std::string day = AddDays(LocalToday("Europe/Berlin"), 11);
  auto targets = PickTargets(b, "test-nord", day, 1, std::chrono::minutes(60));  // one desk
  REQUIRE(targets.size() == 1);
  const std::string start = targets[0].start;
  Tally holds, confirms;
  std::optional<Acknowledged> ack;
  REQUIRE(HoldAndConfirm(b, "test-nord", start, "Erika Muster", holds, confirms, &ack) == 201);
  REQUIRE(ack.has_value());
  // B now holds a snapshot with the place taken; A frees it.
  CHECK(HoldAndConfirm(b, "test-nord", start, "Zweite", holds, confirms, &ack) == 409);
  Response cancelled = a.Post("/v1/appointments/" + ack->reference + "/cancel", "{}",
                              {{"X-Manage-Secret", ack->manage_secret}});
  REQUIRE_MESSAGE(cancelled.status == 200, cancelled.Summary());
  auto freed_at = std::chrono::steady_clock::now();
  int refused = 0;
  int status = 0;
  while (std::chrono::steady_clock::now() - freed_at < std::chrono::seconds(3)) {
    Response hold = b.Post("/v1/holds", "{\"office\":\"test-nord\",\"services\":[\"kurz\"],"
                                        "\"start\":" + Q(start) + "}");
    status = hold.status;
    if (status != 409) break;
    ++refused;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  double seconds = SecondsSince(freed_at);
  std::printf("freed through A: B refused it %d time(s), then answered %d after %.3f s\n", refused,
              status, seconds);
  CHECK(status == 201);
  CHECK(seconds < 1.0);  // 200 ms refusal age, plus a slow sanitizer build's margin
  // The replica that frees a place books it at once (its own snapshots are dropped).
  auto second = PickTargets(a, "test-nord", day, 2, std::chrono::minutes(60));
  REQUIRE(second.size() == 2);
  std::optional<Acknowledged> mine;
  REQUIRE(HoldAndConfirm(a, "test-nord", second[1].start, "Dritte", holds, confirms, &mine) == 201);
  CHECK(HoldAndConfirm(a, "test-nord", second[1].start, "Vierte", holds, confirms, &ack) == 409);
  REQUIRE(a.Post("/v1/appointments/" + mine->reference + "/cancel", "{}",
                 {{"X-Manage-Secret", mine->manage_secret}})
              .status == 200);
  CHECK(HoldAndConfirm(a, "test-nord", second[1].start, "Fuenfte", holds, confirms, &ack) == 201);
  for (auto& r : replicas) {
    auto info = r->Stop();
    CHECK((info && info->clean()));
  }
}

// docs/redis.md, "Configuration across replicas": a replica that has not
// yet polled an admin change made through another cannot book by the old
// configuration: the store refuses the claim (config version fence), the
// replica reloads and decides on the new one.
TEST_CASE("a day closed through one replica is refused at once by another, before its poll") {
  std::string error;
  auto [redis, replicas] = StartRedisWithReplicas(/*aof=*/false, 2, 0, &error);
  REQUIRE_MESSAGE(replicas.size() == 2, error);
  const HttpClient& a = replicas[0]->client();
  const HttpClient& b = replicas[1]->client();
  const Headers admin = Bearer(kAdminKey);
  int refused = 0, tries = 0;
  for (int d = 5; d <= 8; ++d) {  // several days: each try is one race with the poll
    const std::string day = AddDays(LocalToday("Europe/Berlin"), d);
    auto free = FreeSlots(b, "test-mitte", {"kurz"}, day, day);  // B has the office loaded
    REQUIRE(!free.empty());
    std::string closed = CloseOfficeOn(a, "test-mitte", day, "Betriebsausflug", admin);
    REQUIRE_MESSAGE(closed.empty(), closed);
    // At once through B, well within its 250 ms poll interval.
    Response hold = b.Post("/v1/holds", "{\"office\":\"test-mitte\",\"services\":[\"kurz\"],"
                                        "\"start\":" + Q(free[0].start) + "}");
    ++tries;
    CHECK_MESSAGE(hold.status == 422, hold.Summary());
    if (hold.status == 422) ++refused;
  }
  std::printf("closed days: %d of %d holds through the other replica refused at once (422)\n",
              refused, tries);
  for (auto& r : replicas) {
    auto info = r->Stop();
    CHECK((info && info->clean()));
  }
}

// A service's duration is configuration too: a replica that has not yet
// polled a new duration saved through another must not claim by the old one.
// Saving the service moves the version of every office offering it, so the
// stale replica meets the office fence, reloads and claims the new length.
TEST_CASE("a service's new duration saved through one replica is claimed at once by another") {
  std::string error;
  auto [redis, replicas] = StartRedisWithReplicas(/*aof=*/false, 2, 0, &error);
  REQUIRE_MESSAGE(replicas.size() == 2, error);
  const HttpClient& a = replicas[0]->client();
  const HttpClient& b = replicas[1]->client();
  const Headers admin = Bearer(kAdminKey);
  Response services = a.Get("/v1/admin/services", admin);
  REQUIRE_MESSAGE(services.status == 200, services.Summary());
  const rapidjson::Value& list = services.json.IsArray() ? services.json : services.json["services"];
  REQUIRE(list.IsArray());
  rapidjson::Document kurz;
  for (const auto& svc : list.GetArray()) {
    if (std::string(svc["id"].GetString()) == "kurz") kurz.CopyFrom(svc, kurz.GetAllocator());
  }
  REQUIRE(kurz.IsObject());
  int right = 0, tries = 0;
  for (int i = 0; i < 4; ++i) {  // several saves: each try is one race with the poll
    const int minutes = i % 2 == 0 ? 25 : 15;  // "kurz" starts at 10
    kurz["duration_minutes"].SetInt(minutes);
    Response saved = a.Put("/v1/admin/services/kurz", ToJson(kurz), admin);
    REQUIRE_MESSAGE(saved.status == 200, saved.Summary());
    // At once through B, well within its 250 ms poll interval: B's copy
    // still says the previous duration. The first start of a day B has
    // free (a morning start: the longer visit fits too).
    const std::string day = AddDays(LocalToday("Europe/Berlin"), 10 + i);
    auto free = FreeSlots(b, "test-mitte", {"kurz"}, day, day);
    REQUIRE(!free.empty());
    Response hold = b.Post("/v1/holds", "{\"office\":\"test-mitte\",\"services\":[\"kurz\"],"
                                        "\"start\":" + Q(free[0].start) + "}");
    ++tries;
    REQUIRE_MESSAGE(hold.status == 201, hold.Summary());
    auto start = ParseRfc3339(hold.Str("start"));
    auto end = ParseRfc3339(hold.Str("end"));
    REQUIRE((start && end));
    CHECK_MESSAGE(*end - *start == std::chrono::minutes(minutes),
                  "held " << (*end - *start).count() / 60 << " min, want " << minutes);
    if (*end - *start == std::chrono::minutes(minutes)) ++right;
  }
  std::printf("new durations claimed at once through the other replica: %d of %d\n", right, tries);
  for (auto& r : replicas) {
    auto info = r->Stop();
    CHECK((info && info->clean()));
  }
}

// The same fence for a kiosk walk-in: a replica that has not yet polled an
// admin change decides on its old copy; the store refuses the claim (STALE),
// and the replica reloads and books on the new configuration instead of
// answering 503.
TEST_CASE("a walk-in through a replica that has not yet polled an admin change is booked") {
  std::string error;
  auto [redis, replicas] = StartRedisWithReplicas(/*aof=*/false, 2, 0, &error);
  REQUIRE_MESSAGE(replicas.size() == 2, error);
  const HttpClient& a = replicas[0]->client();
  const HttpClient& b = replicas[1]->client();
  const Headers admin = Bearer(kAdminKey);
  const std::string office = "test-nord";
  // Walk-ins need free starts today, whatever the hour: open the office
  // around the clock (through A) and wait until B has it.
  std::string opened = OpenAllDay(a, office, admin);
  REQUIRE_MESSAGE(opened.empty(), opened);
  const std::string today = LocalToday("Europe/Berlin");
  double seen = SecondsUntil([&] { return !FreeSlots(b, office, {"kurz"}, today, today).empty(); });
  if (seen < 0 && LocalMinuteOfDay("Europe/Berlin") > 22 * 60 + 45) {  // 60 min notice
    MESSAGE("SKIPPED: nothing left today this close to midnight");
    return;
  }
  REQUIRE(seen >= 0);
  int booked = 0, tries = 0;
  for (int d = 20; d <= 23; ++d) {  // several changes: each try is one race with the poll
    // A change that leaves today as it is: a closure on a later day.
    std::string changed = CloseOfficeOn(a, office, AddDays(today, d), "Inventur", admin);
    REQUIRE_MESSAGE(changed.empty(), changed);
    // At once through B, well within its 250 ms poll interval.
    Response walk_in = b.Post("/v1/kiosk/walkins", "{\"services\":[\"kurz\"]}", Bearer(kKioskNordKey));
    ++tries;
    if (walk_in.status == 409 && LocalMinuteOfDay("Europe/Berlin") > 23 * 60 + 40) {
      MESSAGE("SKIPPED: nothing left today this close to midnight");
      break;
    }
    CHECK_MESSAGE(walk_in.status == 201, walk_in.Summary());
    if (walk_in.status == 201) {
      ++booked;
      CHECK(walk_in.Str("office") == office);
      CHECK(walk_in.Str("status") == "checked_in");
    }
  }
  std::printf("walk-ins through the replica behind an admin change: %d of %d booked (201)\n",
              booked, tries);
  for (auto& r : replicas) {
    auto info = r->Stop();
    CHECK((info && info->clean()));
  }
}

// Regression: hotline bookings sent through replica B while replica A's
// admin request closed their day got 201 and stayed active on the closed
// day, neither cancelled nor listed (the admin listed the affected visits
// before its save; bookings landing in between escaped). Now the change
// judges every claim in its own store step. Threads book the day through B
// (hotline, and hold + confirm) while A closes it with cancel_conflicting:
// afterwards every booking that got 201 is in A's answer and cancelled, no
// request sent after A's 2xx got 201, and Redis holds no active visit there.
TEST_CASE("bookings racing an office change through another replica are listed or refused") {
  std::string error;
  auto [redis, replicas] = StartRedisWithReplicas(/*aof=*/false, 2, 0, &error);
  REQUIRE_MESSAGE(replicas.size() == 2, error);
  const HttpClient& a = replicas[0]->client();
  const HttpClient& b = replicas[1]->client();
  const std::string office = "test-mitte";
  const std::string day = AddDays(LocalToday("Europe/Berlin"), 15);
  auto slots = FreeSlots(b, office, {"kurz"}, day, day);
  REQUIRE(slots.size() >= 20);

  struct Made {
    std::string reference;
    Clock::time_point sent;
  };
  std::mutex mutex;
  std::vector<Made> made;  // GUARDED_BY(mutex)
  std::atomic<bool> stop{false};
  Tally holds, confirms, hotline;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t i = static_cast<std::size_t>(t); !stop.load(); i = (i + 4) % slots.size()) {
        const std::string& start = slots[i].start;
        const std::string name = "Wettlauf " + std::to_string(t) + "-" + std::to_string(i);
        Clock::time_point sent = Clock::now();
        std::string reference;
        if (t % 2 == 0) {
          Response r = b.Post("/v1/hotline/appointments",
                              "{\"office\":" + Q(office) + ",\"services\":[\"kurz\"],\"start\":" +
                                  Q(start) + ",\"contact\":{\"name\":" + Q(name) +
                                  ",\"phone\":\"+49 30 555 0101\",\"language\":\"de\"}}",
                              Bearer(kHotlineAllKey));
          hotline.Add(r.status);
          if (r.status == 201) reference = r.Str("reference");
        } else {
          Response hold = b.Post("/v1/holds", "{\"office\":" + Q(office) +
                                                  ",\"services\":[\"kurz\"],\"start\":" + Q(start) + "}");
          holds.Add(hold.status);
          if (hold.status != 201) continue;
          sent = Clock::now();  // the confirm is what books
          Response appt = b.Post("/v1/appointments",
                                 "{\"hold_id\":" + Q(hold.Str("id")) + ",\"hold_secret\":" +
                                     Q(hold.Str("secret")) + ",\"contact\":{\"name\":" + Q(name) +
                                     ",\"email\":\"race@example.org\",\"language\":\"de\"}}");
          confirms.Add(appt.status);
          if (appt.status == 201) reference = appt.Str("reference");
        }
        if (!reference.empty()) {
          std::lock_guard<std::mutex> lock(mutex);
          made.push_back(Made{reference, sent});
        }
      }
    });
  }
  // Early, while the day still has places: bookings are in flight while
  // the change runs.
  Response doc = a.Get("/v1/admin/offices/" + office, Bearer(kAdminKey));
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  REQUIRE(doc.status == 200);
  std::string closed = doc.body;
  const std::string closure = "{\"date\":\"" + day + "\",\"reason\":\"Wasserschaden\"}";
  auto at = closed.find("\"closures\":[");
  REQUIRE(at != std::string::npos);
  at += std::string("\"closures\":[").size();
  closed.insert(at, closed[at] == ']' ? closure : closure + ",");
  Clock::time_point admin_sent = Clock::now();
  Response change = a.Put("/v1/admin/offices/" + office + "?cancel_conflicting=true", closed,
                          Bearer(kAdminKey));
  Clock::time_point admin_done = Clock::now();
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  stop = true;
  for (auto& th : threads) th.join();
  REQUIRE_MESSAGE(change.status == 200, change.Summary());

  std::set<std::string> listed;
  for (const auto& c : change.json["cancelled"].GetArray()) listed.insert(c["reference"].GetString());
  int before = 0, during = 0, after = 0, unlisted = 0;
  for (const Made& m : made) {
    if (m.sent > admin_done) ++after;
    else if (m.sent >= admin_sent) ++during;
    else ++before;
    if (!listed.count(m.reference)) {
      ++unlisted;
      MESSAGE("booked but not in the admin's answer: " << m.reference);
    }
  }
  CHECK(after == 0);
  CHECK(unlisted == 0);
  CHECK(before > 0);  // the race had bookings to judge
  RedisView view(redis->port());
  REQUIRE(view.ok());
  int active = 0;
  for (const StoredAppointment& s : view.Appointments(office)) {
    if (s.status == "confirmed" || s.status == "checked_in") ++active;
    if (listed.count(s.reference)) CHECK(s.status == "cancelled");
  }
  CHECK(active == 0);
  CHECK(hotline.FiveHundreds() + holds.FiveHundreds() + confirms.FiveHundreds() == 0);
  std::printf("office change racing bookings through another replica: %zu booked (%d before the "
              "change was sent, %d while it ran, %d after its 2xx), %zu listed and cancelled, %d "
              "unlisted; hotline %s; holds %s; confirms %s\n",
              made.size(), before, during, after, listed.size(), unlisted,
              hotline.Describe().c_str(), holds.Describe().c_str(), confirms.Describe().c_str());
  for (auto& r : replicas) {
    auto info = r->Stop();
    CHECK((info && info->clean()));
  }
}

}  // namespace
}  // namespace termin::testing
