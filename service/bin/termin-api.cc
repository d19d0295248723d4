// termin-api: the booking API.
//
//   termin-api --port 8080 --seed data/demo-city.json --keys keys.json
//   termin-api --store redis://127.0.0.1:6379 --seed ... (any number of replicas)
//
// With --store memory (the default) the process holds all state. With a Redis
// store it holds none: holds, appointments and the configuration live in
// Redis, and every replica polls the configuration versions every 250 ms
// (App::RefreshCatalog), so an admin change made through one replica is served
// by all within about that time. The seed file only fills a store that lacks
// an office or service; what the store holds wins. While Redis is down,
// /readyz answers 503 and every call that needs the store fails fast with 503;
// when it is back, service resumes without a restart.
//
// Notifications: the booking steps write jobs into the store's outbox. With
// Redis, termin-worker sends them. With the memory store the outbox lives in
// this process, so with --smtp URL a Worker runs here on a thread, over a
// MemoryJobQueue (stopped on SIGTERM with the rest); without --smtp the jobs
// stay unsent. Either way the admin dead-letter routes see the same queue.
//
// Prints "listening on http://ADDR:PORT" to stderr when ready. On SIGTERM or
// SIGINT it stops accepting, lets in-flight requests finish and exits 0; a
// timer bounds the shutdown (Pistache can hang on open keep-alive
// connections), so the process is gone within 10 s in any case.
#include <signal.h>
#include <sys/resource.h>

#include <cctype>
#include <fstream>
#include <sstream>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <iostream>
#include <mutex>
#include <thread>

#include "api/app.h"
#include "api/domain/catalog.h"
#include "api/http/pistache_server.h"
#include "api/log/log.h"
#include "service/config.h"
#include "service/job_queue_factory.h"
#include "service/notify/mail_smtp.h"
#include "service/notify/queue_dead_letters.h"
#include "service/redis/redis_connection.h"
#include "service/stop_signals.h"
#include "service/store_factory.h"
#include "service/notify/worker.h"
#include "service/notify/worker_templates.h"

namespace {

constexpr auto kShutdownBound = std::chrono::seconds(9);
constexpr auto kSweepEvery = std::chrono::seconds(60);
constexpr auto kWaitlistSweepEvery = std::chrono::seconds(5);
constexpr auto kStoreWait = std::chrono::seconds(30);  // for an unreachable store at start

void Log(const std::string& msg) { termin::api::Log("info", msg); }

}  // namespace

int main(int argc, char** argv) {
  using namespace termin;
  const sigset_t stop_signals = service::BlockStopSignals();

  bool exit_now = false;
  int exit_code = 0;
  auto config = service::ParseApiConfig(argc, argv, &exit_now, &exit_code);
  if (exit_now) return exit_code;
  if (!config.ok()) {
    std::cerr << "termin-api: " << config.status().message() << "\n";
    return 2;
  }
  {
    api::LogFormat format = api::LogFormat::kJson;
    (void)api::ParseLogFormat(config->log_format, &format);  // checked by the parser
    api::SetLogFormat(format);
  }
  if (config->check_config) {
    if (config->store != "memory") {
      auto redis = service::RedisOptionsFromUrl(config->store);
      if (!redis.ok()) {
        std::cerr << "termin-api: --store: " << redis.status().message() << "\n";
        return 2;
      }
    }
    std::cerr << "termin-api: configuration ok\n";
    return 0;
  }

  auto clock = std::make_shared<api::SystemClock>();
  api::Catalog catalog;
  if (!config->seed.empty() && !config->print_routes) {
    std::vector<api::FieldError> errors;
    auto loaded = api::LoadCatalogFile(config->seed, &errors);
    if (!loaded.ok()) {
      std::cerr << "termin-api: " << config->seed << ": " << loaded.status().message() << "\n";
      for (const auto& e : errors) std::cerr << "  " << e.field << ": " << e.message << "\n";
      return 2;
    }
    catalog = std::move(loaded).value();
  }
  api::KeyTable keys;
  if (!config->keys.empty() && !config->print_routes) {
    auto loaded = api::KeyTable::Load(config->keys);
    if (!loaded.ok()) {
      std::cerr << "termin-api: " << config->keys << ": " << loaded.status().message() << "\n";
      return 2;
    }
    keys = std::move(loaded).value();
  }
  service::StoreOptions store_options;
  store_options.wait_replicas = config->redis_wait_replicas;
  store_options.wait_ms = config->redis_wait_ms;
  // One connection per Pistache worker thread, plus the sweeper's.
  store_options.connections =
      static_cast<std::size_t>(config->threads > 0 ? config->threads
                                                   : std::max(1u, std::thread::hardware_concurrency())) +
      1;
  // A Redis that is not up yet (all containers starting at once) is waited
  // for, within a bound; then the supervisor's restart policy takes over.
  const std::string store_spec = config->print_routes ? "memory" : config->store;
  auto store = service::OpenStore(store_spec, clock, store_options);
  const auto store_deadline = std::chrono::steady_clock::now() + kStoreWait;
  while (!store.ok() && store.status().code() == StatusCode::kUnavailable &&
         std::chrono::steady_clock::now() < store_deadline) {
    Log("waiting for the store: " + store.status().message());
    const timespec one_second{1, 0};
    if (sigtimedwait(&stop_signals, nullptr, &one_second) > 0) return 0;  // stopped meanwhile
    store = service::OpenStore(store_spec, clock, store_options);
  }
  if (!store.ok()) {
    std::cerr << "termin-api: " << store.status().message() << "\n";
    return 2;
  }

  api::ApiOptions options;
  options.max_body = config->max_body;
  options.access_log = config->access_log;
  options.claims_snapshot_max_age = std::chrono::milliseconds(config->claims_snapshot_ms);
  options.claims_refusal_max_age = std::chrono::milliseconds(config->claims_refusal_ms);
  options.fair_use.public_requests_per_minute = config->public_requests_per_minute;
  options.fair_use.staff_requests_per_minute = config->staff_requests_per_minute;
  options.fair_use.open_holds_per_client = config->open_holds_per_client;
  options.fair_use.trusted_proxies = config->trusted_proxies;
  options.fair_use.client_ip_header = config->client_ip_header;
  for (auto& c : options.fair_use.client_ip_header) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  options.pow_maxnumber = config->pow_maxnumber;
  options.audit_retention = std::chrono::hours(24) * config->audit_retention_days;
  if (!config->pow_key_file.empty()) {
    std::ifstream key_file(config->pow_key_file, std::ios::binary);
    std::stringstream key;
    key << key_file.rdbuf();
    options.pow_key = key.str();
    while (!options.pow_key.empty() && std::isspace(static_cast<unsigned char>(options.pow_key.back()))) {
      options.pow_key.pop_back();
    }
    if (!key_file || options.pow_key.size() < 16) {
      std::cerr << "termin-api: --pow-key-file " << config->pow_key_file
                << ": cannot read a key of at least 16 bytes\n";
      return 2;
    }
  } else {
    // Every replica must verify what another issued: the store's key.
    auto key = (*store)->SharedSecret("pow");
    if (!key.ok()) {
      std::cerr << "termin-api: the proof-of-work key from the store: " << key.status().message() << "\n";
      return 2;
    }
    options.pow_key = std::move(key).value();
  }
  if (config->hold_ttl_override_seconds > 0) {
    options.hold_ttl_override = std::chrono::seconds(config->hold_ttl_override_seconds);
  }
  if (!config->link_key_file.empty()) {
    auto key = service::ReadLinkKey(config->link_key_file);
    if (!key.ok()) {
      std::cerr << "termin-api: " << key.status().message() << "\n";
      return 2;
    }
    options.link_key = std::move(key).value();
  } else {
    // Offer links must verify on every replica and be made by the worker:
    // the store's key (the worker reads the same, service/bin/termin-worker.cc).
    auto key = (*store)->SharedSecret(std::string(api::kOfferKeySecret));
    if (!key.ok()) {
      std::cerr << "termin-api: the offer-link key from the store: " << key.status().message() << "\n";
      return 2;
    }
    options.offer_key = std::move(key).value();
  }
  api::App app(*store, clock, std::move(catalog), std::move(keys), options);
  if (config->print_routes) {
    for (const auto& r : app.Routes()) std::cout << r << "\n";
    return 0;
  }
  // The notification queue, for the admin dead-letter routes (and the
  // in-process worker). Redis answered OpenStore a moment ago.
  auto queue = service::OpenJobQueue(store_spec, *store);
  if (!queue.ok()) {
    std::cerr << "termin-api: notification queue: " << queue.status().message() << "\n";
    return 2;
  }
  app.SetDeadLetters(std::make_shared<service::QueueDeadLetters>(*queue));
  {
    auto web = api::WebFront::Create(config->web_root, config->allowed_origins);
    if (!web.ok()) {
      std::cerr << "termin-api: " << web.status().message() << "\n";
      return 2;
    }
    app.SetWebFront(std::make_shared<const api::WebFront>(std::move(web).value()));
  }
  if (Status s = app.SeedStore(); !s.ok()) {
    std::cerr << "termin-api: seeding the store: " << s.message() << "\n";
    return 2;
  }
  // The store's configuration wins over the seed file (another replica or an
  // admin may have changed it).
  if (Status s = app.RefreshCatalog(); !s.ok()) {
    std::cerr << "termin-api: loading the configuration from the store: " << s.message() << "\n";
    if (s.code() != StatusCode::kUnprocessable) return 2;
  }

  // The in-process worker (memory store with --smtp; ParseApiConfig refused
  // --smtp with Redis). It takes the catalogue as loaded now: an admin change
  // of an office's reminder offsets reaches it at the next restart.
  std::unique_ptr<service::Worker> worker;
  if (!config->smtp.empty()) {
    auto templates = service::TemplateSet::Load(config->templates);
    if (!templates.ok()) {
      std::cerr << "termin-api: " << templates.status().message() << "\n";
      return 2;
    }
    service::SmtpOptions smtp;
    smtp.url = config->smtp;
    auto mailer = service::SmtpMailer::Create(smtp);
    if (!mailer.ok()) {
      std::cerr << "termin-api: " << mailer.status().message() << "\n";
      return 2;
    }
    service::WorkerDeps deps;
    deps.store = *store;
    deps.queue = *queue;
    deps.clock = clock;
    deps.catalog = app.catalog();
    deps.templates = std::make_shared<service::TemplateSet>(std::move(templates).value());
    deps.mail = std::move(mailer).value();
    service::WorkerOptions worker_options;
    worker_options.mail_from = config->mail_from;
    worker_options.compose.base_url = config->base_url;
    worker_options.compose.link_key = options.link_key;
    worker_options.compose.offer_key = app.offer_key();
    worker = std::make_unique<service::Worker>(std::move(deps), worker_options);
  }

  // Connections are capped below the descriptor limit (api/http/pistache_server.h);
  // raise the soft limit to the hard one so that the cap is what
  // --max-connections says.
  if (rlimit files{}; ::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    (void)::setrlimit(RLIMIT_NOFILE, &files);
  }
  api::ServerOptions server_options;
  server_options.bind = config->bind;
  server_options.port = config->port;
  server_options.threads = config->threads;
  server_options.max_body = config->max_body;
  server_options.metrics_port = config->metrics_port;
  server_options.max_connections = config->max_connections;
  server_options.max_connections_per_ip = config->max_connections_per_ip;
  server_options.max_head = config->max_head;
  server_options.held_budget = config->held_budget;
  server_options.max_unsent = config->max_unsent;
  server_options.header_timeout = std::chrono::milliseconds(config->header_timeout_ms);
  server_options.idle_timeout = std::chrono::milliseconds(config->idle_timeout_ms);
  auto server = api::HttpServer::Start(app, server_options);
  if (!server.ok()) {
    std::cerr << "termin-api: " << server.status().message() << "\n";
    return 1;
  }
  api::Log("info", "listening on http://" + config->bind + ":" + std::to_string((*server)->port()));
  if ((*server)->metrics_port() != 0) {
    api::Log("info", "metrics on http://" + config->bind + ":" +
                         std::to_string((*server)->metrics_port()) + "/metrics");
  }

  // Housekeeping: erase contact data past retention, drop stale holds and
  // idempotency records; make today's overdue appointments no-shows, so
  // their desk time goes back to the walk-in queue within a minute.
  std::mutex sweep_mutex;
  std::condition_variable sweep_cv;
  bool stopping = false;
  std::thread sweeper([&] {
    std::unique_lock<std::mutex> lock(sweep_mutex);
    while (!sweep_cv.wait_for(lock, kSweepEvery, [&] { return stopping; })) {
      auto cutoff = clock->Now() - std::chrono::hours(24) * config->retention_days;
      auto erased = (*store)->ErasePersonalData(cutoff);
      if (erased.ok() && *erased > 0) {
        Log("erased contact data of " + std::to_string(*erased) + " appointment(s)");
      }
      lock.unlock();
      auto released = app.ReleaseNoShows();
      lock.lock();
      if (!released.ok()) {
        Log("no-show release: " + released.status().message());
      } else if (*released > 0) {
        Log("released " + std::to_string(*released) + " no-show appointment(s)");
      }
    }
  });

  // The hourly lead-time sample (evaluation): every replica asks each
  // minute; the first to claim the hour samples, the others do nothing.
  std::thread sampler([&] {
    std::unique_lock<std::mutex> lock(sweep_mutex);
    while (!sweep_cv.wait_for(lock, std::chrono::minutes(1), [&] { return stopping; })) {
      lock.unlock();
      auto sampled = app.SampleLeadTimes();
      lock.lock();
      if (!sampled.ok()) Log("lead-time sample failed: " + sampled.status().message());
    }
  });

  // The waitlist (api/store.h, Wish): lapsed holds and offers are offered
  // on, ended wishes erased, every few seconds.
  std::thread waitlist_sweeper([&] {
    std::unique_lock<std::mutex> lock(sweep_mutex);
    while (!sweep_cv.wait_for(lock, kWaitlistSweepEvery, [&] { return stopping; })) {
      lock.unlock();
      app.SweepWaitlist();
      lock.lock();
    }
  });

  // Configuration written through other replicas: poll the versions. A
  // failure is logged when it begins and when it ends, not every 250 ms.
  std::thread config_poller([&] {
    std::string last_error;
    std::unique_lock<std::mutex> lock(sweep_mutex);
    while (!sweep_cv.wait_for(lock, api::kConfigPollInterval, [&] { return stopping; })) {
      lock.unlock();
      Status s = app.RefreshCatalog();
      lock.lock();
      std::string error = s.ok() ? "" : s.message();
      if (error != last_error) {
        Log(error.empty() ? "configuration reload works again"
                          : "configuration reload failed: " + error);
        last_error = error;
      }
    }
  });

  std::thread worker_thread;
  if (worker) {
    worker_thread = std::thread([&] { worker->Run(); });
    Log("notification worker running in-process");
  }

  int sig = 0;
  sigwait(&stop_signals, &sig);
  Log(std::string("stopping on ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT"));
  app.SetReady(false);
  if (config->drain_seconds > 0) {
    // Draining: /readyz says 503, so the Service takes this replica out of
    // its endpoints, while requests already on their way are still served.
    // A second signal ends the wait.
    Log("draining for " + std::to_string(config->drain_seconds) + " s");
    const timespec wait{config->drain_seconds, 0};
    (void)sigtimedwait(&stop_signals, nullptr, &wait);
  }
  std::thread([] {
    std::this_thread::sleep_for(kShutdownBound);
    std::fputs("{\"msg\":\"shutdown timed out; exiting\"}\n", stderr);
    std::_Exit(0);
  }).detach();
  {
    std::lock_guard<std::mutex> lock(sweep_mutex);
    stopping = true;
  }
  sweep_cv.notify_all();
  sweeper.join();
  config_poller.join();
  sampler.join();
  waitlist_sweeper.join();
  if (worker) {
    worker->Stop();  // finishes the job in hand, hands the rest of its batch back
    worker_thread.join();
  }
  (*server)->Shutdown();
  Log("stopped");
  return 0;
}
