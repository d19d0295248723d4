// bench_worker_smtp: messages per second through one notification worker
// into a local SMTP server.
//
//   build/bin/bench_worker_smtp [--messages 2000] [--batch 50]
//
// Starts a redis-server and the SMTP sink (tests/worker/smtp_sink.py in
// count-only mode) on loopback, writes N appointments with a confirmation
// job each through RedisStore, then times one Worker (in this process, the
// code termin-worker runs) from the first claim until every job is sent. The
// figure includes, per message: the claim (amortised over the batch), the
// appointment read, composing the texts and the .ics, one SMTP transaction
// on a reused connection, and the Ack. Checks at the end that the sink
// counted exactly N messages (exit 1 otherwise). Run from the repo root.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>

#include "service/redis/job_queue_redis.h"
#include "service/redis/redis_store.h"
#include "service/redis/redis_test_server.h"
#include "service/notify/worker.h"
#include "service/notify/worker_test_servers.h"

int main(int argc, char** argv) {
  using namespace termin;
  using namespace termin::service;
  int n = 2000;
  std::size_t batch = 50;
  CLI::App app{"messages per second through one worker into a local SMTP server"};
  app.add_option("--messages", n, "jobs to send")->check(CLI::Range(1, 1000000));
  app.add_option("--batch", batch, "jobs per claim")->check(CLI::Range(1, 10000));
  CLI11_PARSE(app, argc, argv);

  auto redis = RedisTestServer::Start();
  if (!redis.ok()) { std::fprintf(stderr, "%s\n", redis.status().message().c_str()); return 2; }
  auto sink = SmtpTestSink::Start("tests/worker/smtp_sink.py", /*count_only=*/true);
  if (!sink.ok()) { std::fprintf(stderr, "%s\n", sink.status().message().c_str()); return 2; }
  auto catalog = api::LoadCatalogFile("data/test-city.json");
  auto templates = TemplateSet::Load("service/templates");
  if (!catalog.ok() || !templates.ok()) { std::fprintf(stderr, "run from the repo root\n"); return 2; }

  auto clock = std::make_shared<api::SystemClock>();
  RedisOptions o;
  o.port = (*redis)->port();
  auto store = RedisStore::Connect(o, clock);
  auto queue = RedisJobQueue::Connect(o);
  if (!store.ok() || !queue.ok()) { std::fprintf(stderr, "redis connect failed\n"); return 2; }
  std::shared_ptr<api::Store> s = std::move(store).value();

  Instant base = std::chrono::ceil<Minutes>(clock->Now()) + std::chrono::hours(48);
  for (int i = 0; i < n; ++i) {
    api::AppointmentRecord a;
    a.reference = "B" + std::to_string(1000000 + i);
    a.secret_hash = "h";
    a.booking.office_id = "test-mitte";
    a.booking.desk_id = std::string(1, static_cast<char>('a' + i % 3));
    a.booking.services = {"kurz"};
    a.booking.start = base + Minutes(10 * (i / 3));
    a.booking.end = a.booking.start + Minutes(10);
    a.booking.claim_end = a.booking.end;
    a.contact.name = "Bench Mark";
    a.contact.email = "bench@example.org";
    auto r = s->CreateAppointment(a, "", {{api::JobType::kConfirmation, a.reference, clock->Now()}});
    if (!r.ok()) { std::fprintf(stderr, "booking failed: %s\n", r.status().message().c_str()); return 2; }
  }

  SmtpOptions so;
  so.url = (*sink)->url();
  so.starttls = "none";
  WorkerDeps d;
  d.store = s;
  d.queue = std::move(queue).value();
  d.clock = clock;
  d.catalog = std::make_shared<api::Catalog>(std::move(catalog).value());
  d.templates = std::make_shared<TemplateSet>(std::move(templates).value());
  d.mail = std::move(SmtpMailer::Create(so)).value();
  WorkerOptions wo;
  wo.batch = batch;
  Worker worker(d, wo);

  // The worker logs one line per job to stderr; keep it out of the figure.
  std::fflush(stderr);
  FILE* devnull = std::freopen("/dev/null", "w", stderr);
  (void)devnull;
  auto t0 = std::chrono::steady_clock::now();
  std::size_t sent = 0;
  for (int rounds = 0; rounds < 1000000 && sent < static_cast<std::size_t>(n); ++rounds) {
    auto r = worker.RunOnce();
    if (!r.ok()) break;
    sent += r->sent;
    if (r->claimed == 0) break;
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  (void)(*sink)->Stop();
  long long counted = (*sink)->CountAtStop();
  std::printf("messages: %d, batch %zu, sent %zu, sink counted %lld\n", n, batch, sent, counted);
  std::printf("time: %.3f s, %.0f messages/s, %.2f ms/message\n", secs, static_cast<double>(sent) / secs,
              1000.0 * secs / static_cast<double>(sent ? sent : 1));
  return counted == n && sent == static_cast<std::size_t>(n) ? 0 : 1;
}
