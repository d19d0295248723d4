// bench_evaluation: what the evaluation tallies (api/tally.h, #16) cost a
// booking, and how long a year's report for the demo city takes.
//
// 1. Bookings per second with and without tallies, in the same run, on both
//    stores: `threads` threads book hotline visits (Store::CreateAppointment,
//    the step a booking ends in) on desks and starts of their own (no
//    conflicts, so the step's own cost is measured), in alternating rounds
//    of a fixed number of bookings (with, without, with, ...) so that drift
//    of a shared machine hits both alike; the median round of each is
//    printed. The Redis store runs on a
//    redis-server started here (no persistence: the fsync would hide what
//    the script costs; api_bench.sh measures with AOF).
//    Then the same end to end: hotline bookings through the API in process
//    (App::Handle), where the step is one part of a booking's work.
// 2. A year of the demo city (8 offices, every day of 2026 the offices are
//    open, bookings across channels and services with cancellations and
//    no-shows through the store's steps, walk-in and queue counters with
//    AddTallies), then every figure of every office for the year by month
//    through the API in process (App::Handle: routing, auth, tallies read,
//    figure built, JSON), timed; also for the Redis store.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "api/app.h"
#include "api/domain/evaluation.h"
#include "api/security/secrets.h"
#include "service/memory/memory_store.h"
#include "service/redis/redis_store.h"
#include "service/redis/redis_test_server.h"

namespace termin::bench {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct Options {
  std::uint64_t memory_round = 20000;   // bookings per round, memory store
  std::uint64_t redis_round = 10000;    // bookings per round, Redis store
  int rounds = 7;                       // of each variant
  int threads = 4;
  int visits_per_desk_day = 14;
};

api::AppointmentRecord Visit(const std::string& office, const std::string& desk, Instant start,
                             std::uint64_t n) {
  api::AppointmentRecord a;
  a.reference = "B" + std::to_string(n);
  a.secret_hash = "h";
  a.channel = n % 3 == 0 ? api::Channel::kWeb : api::Channel::kHotline;
  a.booking.office_id = office;
  a.booking.desk_id = desk;
  a.booking.services = {n % 2 ? "personalausweis" : "reisepass"};
  a.booking.start = start;
  a.booking.end = start + 15min;
  a.booking.claim_end = start + 15min;
  a.booking.day = FormatDate(LocalDate(std::chrono::floor<date::days>(start).time_since_epoch()));
  a.contact.name = "Bench";
  a.created_at = api::ToTimePoint(start - date::days(3));
  return a;
}

// Bookings per second over one round of `count` bookings.
double Round(api::Store& store, const Options& o, std::uint64_t count, std::atomic<std::uint64_t>& serial) {
  std::atomic<std::uint64_t> left{count};
  std::vector<std::thread> pool;
  const Instant base = std::chrono::time_point_cast<Minutes>(
      date::sys_days(date::year{2027} / 1 / 4)) + 8h;
  auto t0 = Clock::now();
  for (int t = 0; t < o.threads; ++t) {
    pool.emplace_back([&, t] {
      const std::string desk = "d" + std::to_string(t);
      while (true) {
        std::uint64_t mine = left.load(std::memory_order_relaxed);
        if (mine == 0 || !left.compare_exchange_weak(mine, mine - 1)) {
          if (mine == 0) break;
          continue;
        }
        std::uint64_t n = serial.fetch_add(1);
        // Each thread its own desk, each visit its own quarter hour.
        Instant start = base + Minutes(15 * static_cast<long>(n));
        (void)store.CreateAppointment(Visit("bench-office", desk, start, n), "", {});
      }
    });
  }
  for (auto& th : pool) th.join();
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  return static_cast<double>(count) / secs;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void CompareTallies(const std::string& name, api::Store& with, api::Store& without, const Options& o,
                    std::uint64_t per_round) {
  std::vector<double> a, b;
  std::atomic<std::uint64_t> serial_a{0}, serial_b{0};
  for (int i = 0; i < o.rounds; ++i) {
    a.push_back(Round(with, o, per_round, serial_a));
    b.push_back(Round(without, o, per_round, serial_b));
  }
  const double ma = Median(a), mb = Median(b);
  std::printf("%-7s bookings/s with tallies %9.0f, without %9.0f (%+.1f %%; %d threads, median of %d rounds "
              "of %llu bookings each, alternating)\n",
              name.c_str(), ma, mb, (ma - mb) / mb * 100, o.threads, o.rounds,
              static_cast<unsigned long long>(per_round));
}

std::string KeysJson() {
  return "[{\"sha256\":\"" + api::Sha256Hex("bench-admin") +
         "\",\"role\":\"admin\",\"offices\":[],\"name\":\"bench-admin\"},{\"sha256\":\"" +
         api::Sha256Hex("bench-hotline") + "\",\"role\":\"hotline\",\"offices\":[],\"name\":\"bench-hotline\"}]";
}

// One office with 20 desks open around the clock for 60 days, one 5-minute
// service: room for 340,000 bookings, so the end-to-end rounds seldom collide.
std::string BenchCity() {
  std::string days;
  for (const char* d : {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}) {
    days += std::string(days.empty() ? "" : ",") + "\"" + d + "\":[[\"00:00\",\"24:00\"]]";
  }
  std::string desks;
  for (int i = 0; i < 20; ++i) {
    desks += std::string(i ? "," : "") + "{\"id\":\"d" + std::to_string(i) + "\",\"name\":\"Schalter " +
             std::to_string(i) + "\",\"services\":[\"kurz\"]}";
  }
  return R"({"format":"termin-city/1","city":"Bench","demo":true,"note":"bench","services":[{"id":"kurz",)"
         R"("name":{"de":"Kurz","en":"Short"},"bring":{"de":"Nichts","en":"Nothing"},"duration_minutes":5,)"
         R"("buffer_minutes":0}],"offices":[{"id":"bench","name":"Benchamt","address":{"street":"Weg 1",)"
         R"("postal_code":"00001","city":"Bench"},"email":"amt@bench.example","timezone":"Europe/Berlin",)"
         R"("holiday_region":"","rules":{"grid_minutes":5,"min_notice_minutes":0,"max_days_ahead":60,)"
         R"("hold_ttl_minutes":10,"reminder_minutes_before":[]},"services":["kurz"],"opening":{)" +
         days + R"(},"desks":[)" + desks + R"(],"closures":[]}]})";
}

// Hotline bookings per second through the API in process (App::Handle:
// routing, auth, JSON, the claims snapshot, availability, desk choice, the
// store's step), `count` requests per round.
double ApiRound(api::App& app, const Options& o, int count, std::uint64_t seed) {
  std::atomic<int> left{count};
  std::atomic<int> booked{0};
  std::vector<std::thread> pool;
  const Instant today = std::chrono::floor<date::days>(std::chrono::time_point_cast<Minutes>(
      std::chrono::system_clock::now()));
  auto t0 = Clock::now();
  for (int t = 0; t < o.threads; ++t) {
    pool.emplace_back([&, t] {
      std::mt19937_64 rng(seed * 131 + static_cast<std::uint64_t>(t));
      while (left.fetch_sub(1) > 0) {
        const Instant start = today + date::days(2 + static_cast<int>(rng() % 55)) +
                              Minutes(5 * static_cast<int>(rng() % 288));
        api::HttpRequest req;
        req.method = "POST";
        req.path = "/v1/hotline/appointments";
        req.headers = {{"authorization", "Bearer bench-hotline"}, {"content-type", "application/json"}};
        req.body = R"({"office":"bench","services":["kurz"],"start":")" + FormatInstantUtc(start) +
                   R"(","contact":{"name":"Bench","phone":"+49 711 1"}})";
        if (app.Handle(req).status == 201) ++booked;
      }
    });
  }
  for (auto& th : pool) th.join();
  return booked.load() / std::chrono::duration<double>(Clock::now() - t0).count();
}

void CompareApi(const std::string& name, std::shared_ptr<api::Store> with, std::shared_ptr<api::Store> without,
                const Options& o, int per_round) {
  auto catalog = api::ParseCatalog(BenchCity());
  if (!catalog.ok()) {
    std::printf("bench city: %s\n", catalog.status().message().c_str());
    return;
  }
  auto clock = std::make_shared<api::SystemClock>();
  api::ApiOptions options;
  options.access_log = false;
  api::App a(with, clock, *catalog, *api::KeyTable::Parse(KeysJson()), options);
  api::App b(without, clock, *catalog, *api::KeyTable::Parse(KeysJson()), options);
  (void)a.SeedStore();
  (void)b.SeedStore();
  std::vector<double> ra, rb;
  for (int i = 0; i < o.rounds; ++i) {
    ra.push_back(ApiRound(a, o, per_round, 2 * static_cast<std::uint64_t>(i)));
    rb.push_back(ApiRound(b, o, per_round, 2 * static_cast<std::uint64_t>(i) + 1));
  }
  const double ma = Median(ra), mb = Median(rb);
  std::printf("%-7s hotline bookings/s through the API in process: with tallies %7.0f, without %7.0f (%+.1f %%; "
              "%d threads, median of %d rounds of %d requests, alternating)\n",
              name.c_str(), ma, mb, (ma - mb) / mb * 100, o.threads, o.rounds, per_round);
}

// A year of the demo city through the store's steps; returns the bookings made.
std::size_t FillYear(api::Store& store, const api::Catalog& catalog, const Options& o) {
  std::mt19937 rng(2026);
  std::size_t booked = 0;
  std::uint64_t n = 0;
  for (LocalDate d = *ParseDate("2026-01-01"); d <= *ParseDate("2026-12-31"); d += date::days(1)) {
    const int weekday = WeekdayIndex(d);
    if (weekday >= 5) continue;  // the demo offices are open on weekdays
    const std::string day = FormatDate(d);
    for (const api::OfficeInfo& office : catalog.offices) {
      std::map<std::string, std::int64_t> queue;
      for (const Desk& desk : office.schedule.desks) {
        for (int v = 0; v < o.visits_per_desk_day; ++v) {
          const std::string& svc = desk.services[rng() % desk.services.size()];
          const Instant start = std::chrono::time_point_cast<Minutes>(date::sys_days(d.time_since_epoch())) +
                                7h + Minutes(20 * v);
          api::AppointmentRecord a;
          a.reference = "Y" + std::to_string(++n);
          a.secret_hash = "h";
          a.channel = rng() % 10 < 6 ? api::Channel::kWeb : rng() % 4 ? api::Channel::kHotline : api::Channel::kKiosk;
          a.booking.office_id = office.id;
          a.booking.desk_id = desk.id;
          a.booking.services = {svc};
          a.booking.start = start;
          a.booking.end = start + 15min;
          a.booking.claim_end = start + 15min;
          a.booking.day = day;
          a.contact.name = "Bench";
          a.created_at = api::ToTimePoint(start - date::days(static_cast<int>(rng() % 30)));
          if (!store.CreateAppointment(a, "", {}).ok()) continue;
          ++booked;
          const unsigned fate = rng() % 20;
          if (fate == 0) (void)store.CancelAppointment(a.reference, "citizen", {});
          if (fate == 1) (void)store.MarkNoShow(a.reference, start + 1h);
          if (fate >= 2) {
            queue["wt:a:" + std::to_string(rng() % 15)] += 1;
            queue["sv:" + desk.id + ":" + svc] += 1;
            queue["dur:" + svc + ":" + std::to_string(8 + rng() % 15)] += 1;
          }
        }
      }
      for (int w = 0; w < 10; ++w) {
        queue["wi:personalausweis"] += 1;
        queue["wt:w:" + std::to_string(rng() % 40)] += 1;
      }
      queue["wr:personalausweis"] += static_cast<std::int64_t>(rng() % 3);
      queue["nf:reisepass"] += static_cast<std::int64_t>(rng() % 5);
      queue["rm:sent"] += 20;
      (void)store.AddTallies(office.id, day, queue);
    }
  }
  return booked;
}

void YearReport(const std::string& name, std::shared_ptr<api::Store> store, const Options& o) {
  auto catalog = api::LoadCatalogFile("data/demo-city.json");
  if (!catalog.ok()) {
    std::printf("%s: no demo city: %s\n", name.c_str(), catalog.status().message().c_str());
    return;
  }
  auto t0 = Clock::now();
  const std::size_t booked = FillYear(*store, *catalog, o);
  const double fill = std::chrono::duration<double>(Clock::now() - t0).count();
  auto clock = std::make_shared<api::ManualClock>(api::ToTimePoint(*ParseInstant("2027-01-04T08:00:00Z")));
  auto keys = api::KeyTable::Parse(KeysJson());
  api::ApiOptions options;
  options.access_log = false;
  api::App app(store, clock, *catalog, std::move(keys).value(), options);
  std::vector<double> runs;
  std::size_t bytes = 0, answers = 0;
  for (int run = 0; run < 5; ++run) {
    auto r0 = Clock::now();
    for (const api::OfficeInfo& office : catalog->offices) {
      for (const std::string& figure : api::EvalFigures()) {
        api::HttpRequest req;
        req.method = "GET";
        req.path = "/v1/admin/offices/" + office.id + "/evaluation/" + figure;
        req.query = {{"from", "2026-01-01"}, {"to", "2026-12-31"}, {"period", "month"}};
        req.headers = {{"authorization", "Bearer bench-admin"}};
        auto resp = app.Handle(req);
        if (resp.status != 200) {
          std::printf("%s: %s answered %d: %s\n", name.c_str(), req.path.c_str(), resp.status, resp.body.c_str());
          return;
        }
        if (run == 0) {
          bytes += resp.body.size();
          ++answers;
        }
      }
    }
    runs.push_back(std::chrono::duration<double, std::milli>(Clock::now() - r0).count());
  }
  std::printf("%-7s a year of the demo city (%zu offices, %zu bookings through the store's steps, filled in %.1f s):\n"
              "        every figure of every office for 2026 by month (%zu answers, %zu KB JSON): %.0f ms "
              "(median of 5; %.1f ms per office and figure)\n",
              name.c_str(), catalog->offices.size(), booked, fill, answers, bytes / 1024, Median(runs),
              Median(runs) / static_cast<double>(answers));
}

}  // namespace
}  // namespace termin::bench

int main(int argc, char** argv) {
  using namespace termin;
  bench::Options o;
  CLI::App cli{"bench_evaluation: the cost of the evaluation tallies per booking, and a year's report"};
  cli.add_option("--memory-round", o.memory_round, "bookings per round, memory store")->capture_default_str();
  cli.add_option("--redis-round", o.redis_round, "bookings per round, Redis store")->capture_default_str();
  cli.add_option("--rounds", o.rounds, "rounds of each variant")->capture_default_str();
  cli.add_option("--threads", o.threads, "booking threads")->capture_default_str();
  CLI11_PARSE(cli, argc, argv);

  auto clock = std::make_shared<api::SystemClock>();
  {
    service::MemoryStore with(clock, true), without(clock, false);
    bench::CompareTallies("memory", with, without, o, o.memory_round);
  }
  auto server = service::RedisTestServer::Start();
  if (!server.ok()) {
    std::printf("redis: no redis-server: %s\n", server.status().message().c_str());
    return 1;
  }
  service::RedisOptions ro;
  ro.port = (*server)->port();
  ro.pool_size = static_cast<std::size_t>(o.threads);
  ro.key_prefix = "with:";
  auto with = service::RedisStore::Connect(ro, clock);
  ro.key_prefix = "without:";
  ro.tallies = false;
  auto without = service::RedisStore::Connect(ro, clock);
  if (!with.ok() || !without.ok()) {
    std::printf("redis: cannot connect\n");
    return 1;
  }
  bench::CompareTallies("redis", **with, **without, o, o.redis_round);
  bench::CompareApi("memory", std::make_shared<service::MemoryStore>(clock, true),
                    std::make_shared<service::MemoryStore>(clock, false), o, 4000);
  ro.tallies = true;
  ro.key_prefix = "api-with:";
  auto api_with = service::RedisStore::Connect(ro, clock);
  ro.tallies = false;
  ro.key_prefix = "api-without:";
  auto api_without = service::RedisStore::Connect(ro, clock);
  if (!api_with.ok() || !api_without.ok()) return 1;
  bench::CompareApi("redis", std::shared_ptr<api::Store>(std::move(api_with).value()),
                    std::shared_ptr<api::Store>(std::move(api_without).value()), o, 2000);

  bench::YearReport("memory", std::make_shared<service::MemoryStore>(clock), o);
  ro.key_prefix = "year:";
  ro.tallies = true;
  auto year = service::RedisStore::Connect(ro, clock);
  if (!year.ok()) return 1;
  bench::YearReport("redis", std::shared_ptr<api::Store>(std::move(year).value()), o);
  return 0;
}
