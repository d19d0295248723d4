// Black-box tests of termin-worker: the real binary, started as child
// processes against a real redis-server and the SMTP sink, all on loopback.
// The test plays the booking scripts: it writes appointments and their
// outbox jobs through RedisStore (the code termin-api runs for a booking
// step), then watches what arrives in the sink.
#include <doctest/doctest.h>
#include <httplib.h>
#include <signal.h>

#include <date/date.h>
#include <date/tz.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "service/redis/redis_store.h"
#include "service/redis/redis_test_server.h"
#include "service/notify/worker_test_servers.h"
#include "tests/harness/subprocess.h"

namespace termin::service {
namespace {

using namespace std::chrono_literals;
using api::JobType;
using api::OutboxJob;
using testing::Subprocess;

constexpr const char* kPrefix = "bb:";

struct Env {
  std::unique_ptr<RedisTestServer> redis;
  std::unique_ptr<RedisTestCluster> cluster;
  std::string url;  // what the worker gets as --store
  std::unique_ptr<SmtpTestSink> smtp;
  std::shared_ptr<api::Store> store;
  std::shared_ptr<api::SystemClock> clock = std::make_shared<api::SystemClock>();

  // `on_cluster`: a 3-primary Redis Cluster instead of one redis-server.
  explicit Env(bool on_cluster = false) {
    if (on_cluster) {
      auto c = RedisTestCluster::Start(3);
      REQUIRE_MESSAGE(c.ok(), c.status().message());
      cluster = std::move(c).value();
      url = cluster->url();
    } else {
      auto r = RedisTestServer::Start();
      REQUIRE_MESSAGE(r.ok(), r.status().message());
      redis = std::move(r).value();
      url = redis->url();
    }
    auto s = SmtpTestSink::Start("tests/worker/smtp_sink.py");
    REQUIRE_MESSAGE(s.ok(), s.status().message());
    smtp = std::move(s).value();
    auto o = ParseRedisUrl(url);
    REQUIRE(o.ok());
    o->key_prefix = kPrefix;
    auto st = RedisStore::Connect(*o, clock);
    REQUIRE(st.ok());
    store = std::move(st).value();
  }

  Subprocess StartWorker(const std::string& name, std::vector<std::string> extra = {}) {
    std::filesystem::create_directories(TERMIN_WORKER_LOG_DIR);
    std::vector<std::string> argv = {TERMIN_WORKER_BIN,     "--store",  url,
                                     "--key-prefix",        kPrefix,    "--smtp",
                                     smtp->url(),           "--smtp-starttls", "none",
                                     "--seed",              "data/test-city.json",
                                     "--templates",         "service/templates",
                                     "--metrics-port",      "0",        "--poll-ms", "50",
                                     "--backoff-ms",        "200",      "--backoff-max-ms", "1000"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    std::string error;
    auto p = Subprocess::Start(argv, std::string(TERMIN_WORKER_LOG_DIR) + "/" + name + ".log", &error);
    REQUIRE_MESSAGE(p.has_value(), error);
    // Ready when it says so (bounded).
    for (int i = 0; i < 250; ++i) {
      if (p->LogTail().find("worker ready") != std::string::npos) break;
      std::this_thread::sleep_for(20ms);
    }
    REQUIRE_MESSAGE(p->LogTail().find("worker ready") != std::string::npos, p->LogTail());
    return std::move(*p);
  }

  // An appointment and its outbox jobs, written in one step.
  void Book(const std::string& ref, Instant start, std::vector<OutboxJob> jobs, int desk = 0) {
    api::AppointmentRecord a;
    a.reference = ref;
    a.secret_hash = "h";
    a.booking.office_id = "test-mitte";
    a.booking.desk_id = std::string(1, static_cast<char>('a' + desk % 3));
    a.booking.services = {"kurz"};
    a.booking.start = start;
    a.booking.end = start + Minutes(10);
    a.booking.claim_end = a.booking.end;
    a.contact.name = "Erika Mustermann";
    a.contact.email = "erika@example.org";
    a.contact.reminders = true;
    auto r = store->CreateAppointment(a, "", std::move(jobs));
    REQUIRE_MESSAGE(r.ok(), r.status().message());
  }
};

// Tomorrow, whole minutes from now (the visit is always ahead).
Instant Future(int minutes) {
  return std::chrono::ceil<Minutes>(api::SystemClock().Now()) + Minutes(minutes);
}

int MetricsPort(const Subprocess& p) {
  std::smatch m;
  std::string log = p.LogTail(100000);
  std::regex re("metrics on http://127.0.0.1:(\\d+)/metrics");
  return std::regex_search(log, m, re) ? std::stoi(m[1].str()) : 0;
}

std::string Metrics(const Subprocess& p) {
  httplib::Client c("127.0.0.1", MetricsPort(p));
  c.set_read_timeout(2, 0);
  auto r = c.Get("/metrics");
  return r ? r->body : "";
}

TEST_CASE("worker black-box: a booking's confirmation arrives with the right content; SIGTERM exits 0") {
  Env env;
  Subprocess w = env.StartWorker("confirmation");
  // 2030-03-30 09:00 Berlin is still winter time (UTC+1); the clocks move
  // on the 31st. The .ics must say 08:00Z.
  Instant start = date::sys_days{date::year{2030} / 3 / 30} + std::chrono::hours(8);
  env.Book("BBCF-0001", start, {{JobType::kConfirmation, "BBCF-0001", env.clock->Now()}});
  auto mails = env.smtp->WaitFor(1, 10s);
  REQUIRE_MESSAGE(mails.size() == 1, w.LogTail());
  CHECK(mails[0].subject.find("Terminbestätigung BBCF-0001: Samstag, 30. März 2030, 09:00 Uhr") !=
        std::string::npos);
  CHECK(mails[0].ics.find("DTSTART:20300330T080000Z") != std::string::npos);
  CHECK(mails[0].ics.find("DTEND:20300330T081000Z") != std::string::npos);
  CHECK(mails[0].message_id.find("BBCF-0001@") != std::string::npos);
  // The sink has the mail before the worker hears its 250 and counts it.
  std::string metrics;
  for (int i = 0; i < 40; ++i) {
    metrics = Metrics(w);
    if (metrics.find("termin_worker_messages_sent_total{channel=\"email\"} 1") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(metrics.find("termin_worker_messages_sent_total{channel=\"email\"} 1") != std::string::npos);
  // The log carries no personal data.
  CHECK(w.LogTail(100000).find("erika") == std::string::npos);
  CHECK(w.LogTail(100000).find("Mustermann") == std::string::npos);
  auto end = w.SignalAndWait(SIGTERM, 10s);
  REQUIRE(end.has_value());
  CHECK_MESSAGE(end->clean(), end->Describe());
}

TEST_CASE("worker black-box: on a Redis Cluster, the confirmations of offices on two primaries arrive once") {
  Env env(/*on_cluster=*/true);
  Subprocess w = env.StartWorker("cluster");
  const Instant start = Future(24 * 60);
  env.Book("BBCL-0001", start, {{JobType::kConfirmation, "BBCL-0001", env.clock->Now()}});
  // test-nord is on another primary than test-mitte (slots 5679 and 2276 of the
  // three ranges redis-cli makes); the same step through the store there.
  api::AppointmentRecord a;
  a.reference = "BBCL-0002";
  a.secret_hash = "h";
  a.booking.office_id = "test-nord";
  a.booking.desk_id = "a";
  a.booking.services = {"kurz"};
  a.booking.start = start;
  a.booking.end = start + Minutes(10);
  a.booking.claim_end = a.booking.end;
  a.contact.email = "erika@example.org";
  REQUIRE(env.store->CreateAppointment(a, "", {{JobType::kConfirmation, "BBCL-0002", env.clock->Now()}}).ok());
  auto mails = env.smtp->WaitFor(2, 10s);
  REQUIRE_MESSAGE(mails.size() == 2, w.LogTail());
  std::this_thread::sleep_for(500ms);  // a second copy would have come by now
  std::set<std::string> refs;
  for (const auto& m : env.smtp->Messages()) {
    for (const char* ref : {"BBCL-0001", "BBCL-0002"}) {
      if (m.subject.find(ref) != std::string::npos) refs.insert(ref);
    }
  }
  CHECK(refs.size() == 2);
  CHECK(env.smtp->Messages().size() == 2);
  const std::string metrics = Metrics(w);
  CHECK(metrics.find("termin_redis_redirects_total{kind=\"moved\"} 0") != std::string::npos);
  CHECK(metrics.find("termin_redis_wait_short_total 0") != std::string::npos);
  auto end = w.SignalAndWait(SIGTERM, 10s);
  REQUIRE(end.has_value());
  CHECK_MESSAGE(end->clean(), end->Describe());
}

TEST_CASE("worker black-box: a cancelled appointment gets no reminder; a late one still ahead does") {
  Env env;
  // Both reminders (120 min before) fell due 60 min ago, while no worker ran.
  Instant start = Future(60);
  api::TimePoint due = api::ToTimePoint(start - Minutes(120));
  env.Book("BBCA-0001", start, {{JobType::kReminder, "BBCA-0001", due}}, 0);
  env.Book("BBCA-0002", start, {{JobType::kReminder, "BBCA-0002", due}}, 1);
  REQUIRE(env.store->CancelAppointment("BBCA-0001", "citizen",
                                       {{JobType::kCancelled, "BBCA-0001", env.clock->Now()}}).ok());
  Subprocess w = env.StartWorker("cancel");
  auto mails = env.smtp->WaitFor(2, 10s);
  REQUIRE_MESSAGE(mails.size() == 2, w.LogTail());
  std::this_thread::sleep_for(500ms);  // anything else would have come by now
  mails = env.smtp->Messages();
  CHECK(mails.size() == 2);
  int reminders_cancelled = 0, reminders_live = 0, notices = 0;
  for (const auto& m : mails) {
    bool reminder = m.subject.find("Erinnerung") != std::string::npos;
    if (reminder && m.subject.find("BBCA-0001") != std::string::npos) ++reminders_cancelled;
    if (reminder && m.subject.find("BBCA-0002") != std::string::npos) ++reminders_live;
    if (m.subject.find("BBCA-0001 abgesagt") != std::string::npos) ++notices;
  }
  CHECK(reminders_cancelled == 0);
  CHECK(reminders_live == 1);
  CHECK(notices == 1);
  CHECK(Metrics(w).find("termin_worker_jobs_skipped_total{reason=\"not_booked\"} 1") != std::string::npos);
  // The reminder sent is an evaluation figure (api/tally.h: rm:sent), on the
  // office's local day of sending; the skipped one is not counted.
  const std::string today = FormatDate(LocalDayOf(api::ToInstant(env.clock->Now()), date::locate_zone("Europe/Berlin")));
  std::int64_t sent = 0;
  for (int i = 0; i < 40 && sent == 0; ++i) {
    auto tallies = env.store->ReadTallies("test-mitte", today, today);
    REQUIRE(tallies.ok());
    if (tallies->count(today) && tallies->at(today).count("rm:sent")) sent = tallies->at(today).at("rm:sent");
    if (sent == 0) std::this_thread::sleep_for(50ms);
  }
  CHECK(sent == 1);
}

TEST_CASE("worker black-box: the SMTP server down for a while: each message arrives once after") {
  Env env;
  REQUIRE(env.smtp->Stop().ok());
  Subprocess w = env.StartWorker("smtp-down");
  constexpr int kN = 20;
  for (int i = 0; i < kN; ++i) {
    std::string ref = "BBDN-" + std::to_string(1000 + i);
    env.Book(ref, Future(600 + 10 * (i / 3)), {{JobType::kConfirmation, ref, env.clock->Now()}}, i);
  }
  std::this_thread::sleep_for(1500ms);  // several failed attempts each
  std::string during = Metrics(w);
  CHECK(during.find("termin_worker_messages_failed_total{channel=\"email\"} 0") == std::string::npos);
  REQUIRE(env.smtp->Restart().ok());
  auto mails = env.smtp->WaitFor(kN, 20s);
  std::this_thread::sleep_for(1500ms);  // a repeat would arrive by now
  mails = env.smtp->Messages();
  std::map<std::string, int> per_id;
  for (const auto& m : mails) ++per_id[m.message_id];
  CHECK(per_id.size() == static_cast<std::size_t>(kN));
  CHECK(mails.size() == static_cast<std::size_t>(kN));
  MESSAGE("SMTP outage: " << mails.size() << " messages for " << kN << " jobs");
  auto end = w.SignalAndWait(SIGTERM, 10s);
  REQUIRE(end.has_value());
  CHECK(end->clean());
  // The retries logged the relay's errors: JSON lines, no contact data.
  const std::string log = w.LogTail(1000000);
  CHECK(log.find("\"outcome\":\"retry\"") != std::string::npos);
  CHECK(log.find("erika") == std::string::npos);
  CHECK(log.find("Mustermann") == std::string::npos);
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    INFO(line);
    CHECK(line.rfind("{\"level\":\"", 0) == 0);
  }
}

TEST_CASE("worker black-box: two workers, one killed with kill -9 mid-batch: nothing is lost") {
  Env env;
  constexpr int kN = 600;
  for (int i = 0; i < kN; ++i) {
    std::string ref = "BBKL-" + std::to_string(1000 + i);
    env.Book(ref, Future(600 + 10 * (i / 3)), {{JobType::kConfirmation, ref, env.clock->Now()}}, i);
  }
  Subprocess a = env.StartWorker("kill-a", {"--batch", "50", "--lease-ms", "2000"});
  Subprocess b = env.StartWorker("kill-b", {"--batch", "50", "--lease-ms", "2000"});
  // Kill A once some messages went out, while it is in the middle of its work.
  for (int i = 0; i < 500 && env.smtp->Messages().size() < 60; ++i) std::this_thread::sleep_for(10ms);
  std::size_t at_kill = env.smtp->Messages().size();
  ::kill(a.pid(), SIGKILL);
  auto killed = a.SignalAndWait(SIGKILL, 5s);
  REQUIRE(killed.has_value());
  CHECK(!killed->exited);
  std::set<std::string> ids;
  std::vector<SinkMail> mails;
  for (int i = 0; i < 600 && ids.size() < static_cast<std::size_t>(kN); ++i) {
    std::this_thread::sleep_for(100ms);
    mails = env.smtp->Messages();
    ids.clear();
    for (const auto& m : mails) ids.insert(m.message_id);
  }
  std::this_thread::sleep_for(1000ms);
  mails = env.smtp->Messages();
  ids.clear();
  for (const auto& m : mails) ids.insert(m.message_id);
  CHECK_MESSAGE(ids.size() == static_cast<std::size_t>(kN), b.LogTail());
  std::size_t repeats = mails.size() - ids.size();
  MESSAGE("kill -9 after " << at_kill << " of " << kN << " messages: " << ids.size()
          << " distinct delivered, " << repeats << " repeats");
  // Repeats are bounded by what A had claimed (one batch) when it died.
  CHECK(repeats <= 50);
  auto end = b.SignalAndWait(SIGTERM, 10s);
  REQUIRE(end.has_value());
  CHECK(end->clean());
}

}  // namespace
}  // namespace termin::service
