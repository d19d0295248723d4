// termin-worker: sends the notification jobs the booking steps write into
// the Redis outbox (confirmation, reminders, move and cancellation notices)
// by e-mail and SMS. Several may run against one Redis; see
// docs/notifications.md.
//
//   termin-worker --store redis://127.0.0.1:6379 --smtp smtp://127.0.0.1:2525
//     --sms-url http://127.0.0.1:9000/sms --seed data/demo-city.json
//     --metrics-port 9100 --poll-ms 200
//
// Every flag has an environment fallback (TERMIN_WORKER_<FLAG>, e.g.
// TERMIN_WORKER_SMTP_PASSWORD). Prints "worker ready" to stderr when it
// polls. On SIGTERM or SIGINT it finishes the job in hand, hands the rest of
// its batch back and exits 0.
#include <signal.h>

#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <thread>

#include "api/domain/catalog.h"
#include "api/log/log.h"
#include "service/config.h"
#include "service/redis/job_queue_redis.h"
#include "service/redis/redis_connection.h"
#include "service/redis/redis_store.h"
#include "service/stop_signals.h"
#include "service/notify/worker.h"

int main(int argc, char** argv) {
  using namespace termin;
  using namespace termin::service;
  const sigset_t stop_signals = BlockStopSignals();

  std::string store = "redis://127.0.0.1:6379";
  std::string key_prefix;
  std::string seed;
  std::string templates_dir = "service/templates";
  SmtpOptions smtp;
  smtp.url.clear();
  bool smtp_insecure = false;
  long long smtp_timeout_ms = 10000;
  SmsOptions sms;
  WorkerOptions opts;
  long long poll_ms = 1000, lease_ms = 60000, backoff_ms = 2000, backoff_max_ms = 1800000;
  int metrics_port = 9100;
  std::string metrics_bind = "127.0.0.1";
  bool check_config = false;
  std::string log_format = "json";

  CLI::App app{"termin-worker: sends confirmation, reminder, move and cancellation messages"};
  auto env = [](const char* n) { return std::string("TERMIN_WORKER_") + n; };
  app.add_option("--store", store, "redis://[user:password@]host:port[/db] (the Redis the API writes to; the password "
                 "better in TERMIN_REDIS_PASSWORD_FILE)")->envname(env("STORE"));
  app.add_option("--key-prefix", key_prefix, "key prefix, as the API's")->envname(env("KEY_PREFIX"));
  app.add_option("--seed", seed, "city JSON (offices, services)")->envname(env("SEED"))->required();
  app.add_option("--templates", templates_dir, "directory of the message templates")->envname(env("TEMPLATES"));
  app.add_option("--smtp", smtp.url, "smtp://host:port or smtps://host:port; empty = no e-mail")->envname(env("SMTP"));
  app.add_option("--smtp-starttls", smtp.starttls, "none | try | require")->envname(env("SMTP_STARTTLS"));
  app.add_option("--smtp-user", smtp.user, "SMTP login")->envname(env("SMTP_USER"));
  app.add_option("--smtp-password", smtp.password, "SMTP password (prefer the environment)")->envname(env("SMTP_PASSWORD"));
  app.add_flag("--smtp-insecure", smtp_insecure, "do not verify the TLS certificate")->envname(env("SMTP_INSECURE"));
  app.add_option("--smtp-timeout-ms", smtp_timeout_ms, "per message")->envname(env("SMTP_TIMEOUT_MS"));
  app.add_option("--mail-from", opts.mail_from, "sender address")->envname(env("MAIL_FROM"));
  app.add_option("--sms-url", sms.url, "http://host:port/path of the SMS gateway; empty = no SMS")->envname(env("SMS_URL"));
  app.add_option("--sms-secret", sms.secret, "HMAC key for the gateway (prefer the environment)")->envname(env("SMS_SECRET"));
  app.add_option("--base-url", opts.compose.base_url, "booking site, for links in messages")->envname(env("BASE_URL"));
  std::string link_key_file;
  app.add_option("--link-key-file", link_key_file, "file with the key of manage-link tokens (termin-api's)")->envname(env("LINK_KEY_FILE"));
  app.add_option("--message-domain", opts.compose.domain, "domain of Message-IDs")->envname(env("MESSAGE_DOMAIN"));
  app.add_option("--metrics-port", metrics_port, "GET /metrics; 0 = any free port, -1 = off")->envname(env("METRICS_PORT"));
  app.add_option("--metrics-bind", metrics_bind, "address of the metrics listener (0.0.0.0 in a pod)")->envname(env("METRICS_BIND"));
  app.add_option("--poll-ms", poll_ms, "wait between polls when idle")->envname(env("POLL_MS"));
  app.add_option("--batch", opts.batch, "jobs per claim")->envname(env("BATCH"));
  app.add_option("--lease-ms", lease_ms, "visibility timeout of a claimed job")->envname(env("LEASE_MS"));
  app.add_option("--max-attempts", opts.max_attempts, "attempts before the dead-letter set")->envname(env("MAX_ATTEMPTS"));
  app.add_option("--backoff-ms", backoff_ms, "first retry delay (doubles, with jitter)")->envname(env("BACKOFF_MS"));
  app.add_option("--backoff-max-ms", backoff_max_ms, "longest retry delay")->envname(env("BACKOFF_MAX_MS"));
  app.add_option("--log-format", log_format, "json (one JSON object per line) or text (for people)")
      ->envname("TERMIN_LOG_FORMAT")->check(CLI::IsMember({"json", "text"}))->capture_default_str();
  app.add_flag("--check-config", check_config,
               "check the flags and environment (addresses parsed, nothing connected, files "
               "not opened: in a pod they are mounts), then exit 0");
  CLI11_PARSE(app, argc, argv);
  {
    api::LogFormat format = api::LogFormat::kJson;
    (void)api::ParseLogFormat(log_format, &format);  // checked by the parser
    api::SetLogFormat(format);
  }

  if (!link_key_file.empty() && !check_config) {  // --check-config opens no files
    auto key = ReadLinkKey(link_key_file);
    if (!key.ok()) {
      std::cerr << "termin-worker: " << key.status().message() << "\n";
      return 2;
    }
    opts.compose.link_key = std::move(key).value();
    opts.compose.offer_key = opts.compose.link_key;
  }
  if (!IsRedisUrl(store)) {
    std::cerr << "termin-worker: --store must be redis://[user:password@]host:port[/db] or redis+sentinel://host:port,.../master or redis+cluster://host:port,... (the embedded store lives "
                 "inside termin-api; run the worker there)\n";
    return 2;
  }
  if (opts.batch == 0 || opts.max_attempts < 1 || poll_ms < 1 || lease_ms < 1000 || backoff_ms < 1 ||
      backoff_max_ms < backoff_ms) {
    std::cerr << "termin-worker: batch, attempts, poll, lease (>= 1000 ms) and backoff must be positive\n";
    return 2;
  }
  if (check_config) {
    // The same checks as below, minus files and connections.
    auto redis = RedisOptionsFromUrl(store);
    if (!redis.ok()) {
      std::cerr << "termin-worker: --store: " << redis.status().message() << "\n";
      return 2;
    }
    if (!smtp.url.empty()) {
      if (auto m = SmtpMailer::Create(smtp); !m.ok()) {
        std::cerr << "termin-worker: " << m.status().message() << "\n";
        return 2;
      }
    }
    if (!sms.url.empty()) {
      if (auto g = HttpSmsGateway::Create(sms, std::make_shared<api::SystemClock>()); !g.ok()) {
        std::cerr << "termin-worker: " << g.status().message() << "\n";
        return 2;
      }
    }
    if (smtp.url.empty() && sms.url.empty()) {
      std::cerr << "termin-worker: neither --smtp nor --sms-url given: nothing could be sent\n";
      return 2;
    }
    if (metrics_port > 65535 || metrics_port < -1) {
      std::cerr << "termin-worker: --metrics-port must be -1..65535\n";
      return 2;
    }
    std::cerr << "termin-worker: configuration ok\n";
    return 0;
  }
  opts.poll = std::chrono::milliseconds(poll_ms);
  opts.lease = std::chrono::milliseconds(lease_ms);
  opts.backoff_base = std::chrono::milliseconds(backoff_ms);
  opts.backoff_max = std::chrono::milliseconds(backoff_max_ms);

  auto clock = std::make_shared<api::SystemClock>();
  std::vector<api::FieldError> errors;
  auto catalog = api::LoadCatalogFile(seed, &errors);
  if (!catalog.ok()) {
    std::cerr << "termin-worker: " << seed << ": " << catalog.status().message() << "\n";
    return 2;
  }
  auto templates = TemplateSet::Load(templates_dir);
  if (!templates.ok()) {
    std::cerr << "termin-worker: " << templates.status().message() << "\n";
    return 2;
  }
  auto redis = RedisOptionsFromUrl(store);
  if (!redis.ok()) {
    std::cerr << "termin-worker: " << redis.status().message() << "\n";
    return 2;
  }
  redis->key_prefix = key_prefix;
  redis->pool_size = 2;

  WorkerDeps deps;
  deps.clock = clock;
  deps.catalog = std::make_shared<api::Catalog>(std::move(catalog).value());
  deps.templates = std::make_shared<TemplateSet>(std::move(templates).value());
  deps.metrics = std::make_shared<WorkerMetrics>();
  // Redis may not be up yet (the pod started first): retry the connect with
  // a bounded wait rather than crash-looping.
  for (int attempt = 0;; ++attempt) {
    auto s = RedisStore::Connect(*redis, clock);
    auto q = s.ok() ? RedisJobQueue::Connect(*redis) : Result<std::unique_ptr<RedisJobQueue>>(s.status());
    if (s.ok() && q.ok()) {
      deps.store = std::move(s).value();
      deps.queue = std::move(q).value();
      // The pools' WAIT and Redis Cluster redirect counts on the worker's /metrics.
      deps.metrics->SetExternal([store = deps.store, queue = deps.queue] {
        return RedisCountersText({store->Counters(), queue->Counters()});
      });
      break;
    }
    if (attempt >= 30) {
      std::cerr << "termin-worker: cannot reach " << store << "\n";
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  if (opts.compose.offer_key.empty()) {
    // No link key file: the offer links are signed with the store's key, as
    // termin-api's are (its --link-key-file, if given, must be given here too).
    auto key = deps.store->SharedSecret(std::string(api::kOfferKeySecret));
    if (!key.ok()) {
      std::cerr << "termin-worker: the offer-link key from the store: " << key.status().message() << "\n";
      return 1;
    }
    opts.compose.offer_key = std::move(key).value();
  }
  if (!smtp.url.empty()) {
    smtp.verify_peer = !smtp_insecure;
    smtp.timeout = std::chrono::milliseconds(smtp_timeout_ms);
    auto m = SmtpMailer::Create(smtp);
    if (!m.ok()) {
      std::cerr << "termin-worker: " << m.status().message() << "\n";
      return 2;
    }
    deps.mail = std::move(m).value();
  }
  if (!sms.url.empty()) {
    auto g = HttpSmsGateway::Create(sms, clock);
    if (!g.ok()) {
      std::cerr << "termin-worker: " << g.status().message() << "\n";
      return 2;
    }
    deps.sms = std::move(g).value();
  }
  if (!deps.mail && !deps.sms) {
    std::cerr << "termin-worker: neither --smtp nor --sms-url given: nothing could be sent\n";
    return 2;
  }

  std::unique_ptr<MetricsServer> metrics_server;
  if (metrics_port >= 0) {
    auto ms = MetricsServer::Start(deps.metrics.get(), metrics_bind, metrics_port);
    if (!ms.ok()) {
      std::cerr << "termin-worker: " << ms.status().message() << "\n";
      return 2;
    }
    metrics_server = std::move(ms).value();
    api::Log("info", "metrics on http://" + metrics_bind + ":" +
                         std::to_string(metrics_server->port()) + "/metrics");
  }

  Worker worker(deps, opts);
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    worker.Stop();
  });
  api::Log("info", "worker ready");
  worker.Run();
  // Run returned because of Stop(): the waiter has its signal already.
  waiter.join();
  metrics_server.reset();
  api::Log("info", "worker stopped");
  return 0;
}
