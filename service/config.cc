#include "service/config.h"

#include <fstream>
#include <sstream>
#include <thread>

#include <CLI/CLI.hpp>

#include "api/json/json_input.h"
#include "api/security/limits.h"

namespace termin::service {

Status ApplyConfigJson(const std::string& json, ApiConfig& config) {
  rapidjson::Document doc;
  std::vector<api::FieldError> errors;
  if (Status s = api::ParseJsonBody(json, doc, &errors); !s.ok()) return s;
  api::ObjectReader r(doc, "", &errors);
  if (auto v = r.Int("port", false, 0, 65535)) config.port = static_cast<std::uint16_t>(*v);
  if (auto v = r.String("bind", false, 100)) config.bind = *v;
  if (auto v = r.Int("threads", false, 0, 256)) config.threads = static_cast<int>(*v);
  if (auto v = r.String("store", false, 200)) config.store = *v;
  if (auto v = r.String("seed", false, 1000)) config.seed = *v;
  if (auto v = r.Int("max_body", false, 1024, 64 << 20)) config.max_body = static_cast<std::size_t>(*v);
  if (auto v = r.String("keys", false, 1000)) config.keys = *v;
  if (auto v = r.Int("hold_ttl_override_seconds", false, 0, 86400)) {
    config.hold_ttl_override_seconds = static_cast<int>(*v);
  }
  if (auto v = r.Int("retention_days", false, 1, 3650)) config.retention_days = static_cast<int>(*v);
  if (auto v = r.Int("audit_retention_days", false, 1, 3650)) {
    config.audit_retention_days = static_cast<int>(*v);
  }
  if (auto v = r.Int("claims_snapshot_ms", false, 0, 60000)) {
    config.claims_snapshot_ms = static_cast<int>(*v);
  }
  if (auto v = r.Int("claims_refusal_ms", false, 0, 10000)) {
    config.claims_refusal_ms = static_cast<int>(*v);
  }
  if (auto v = r.Int("public_requests_per_minute", false, 0, 1000000)) {
    config.public_requests_per_minute = static_cast<int>(*v);
  }
  if (auto v = r.Int("staff_requests_per_minute", false, 0, 1000000)) {
    config.staff_requests_per_minute = static_cast<int>(*v);
  }
  if (auto v = r.Int("open_holds_per_client", false, 0, 1000)) {
    config.open_holds_per_client = static_cast<int>(*v);
  }
  if (auto v = r.StringArray("trusted_proxies", false, 100, 50)) config.trusted_proxies = *v;
  if (auto v = r.String("client_ip_header", false, 100)) config.client_ip_header = *v;
  if (auto v = r.Bool("access_log", false)) config.access_log = *v;
  if (auto v = r.Int("metrics_port", false, 0, 65535)) {
    config.metrics_port = static_cast<std::uint16_t>(*v);
  }
  if (auto v = r.Int("max_connections", false, 1, 1000000)) {
    config.max_connections = static_cast<std::size_t>(*v);
  }
  if (auto v = r.Int("max_connections_per_ip", false, 1, 1000000)) {
    config.max_connections_per_ip = static_cast<std::size_t>(*v);
  }
  if (auto v = r.Int("max_head", false, 1024, 1 << 20)) config.max_head = static_cast<std::size_t>(*v);
  if (auto v = r.Int("held_budget", false, 1 << 16, std::int64_t{16} << 30)) {
    config.held_budget = static_cast<std::size_t>(*v);
  }
  if (auto v = r.Int("max_unsent", false, 1 << 16, std::int64_t{1} << 30)) {
    config.max_unsent = static_cast<std::size_t>(*v);
  }
  if (auto v = r.Int("header_timeout_ms", false, 100, 600000)) {
    config.header_timeout_ms = static_cast<int>(*v);
  }
  if (auto v = r.Int("idle_timeout_ms", false, 100, 3600000)) {
    config.idle_timeout_ms = static_cast<int>(*v);
  }
  if (auto v = r.Int("drain_seconds", false, 0, 300)) config.drain_seconds = static_cast<int>(*v);
  if (auto v = r.String("smtp", false, 1000)) config.smtp = *v;
  if (auto v = r.String("templates", false, 1000)) config.templates = *v;
  if (auto v = r.String("mail_from", false, 200)) config.mail_from = *v;
  if (auto v = r.String("base_url", false, 1000)) config.base_url = *v;
  if (auto v = r.String("link_key_file", false, 1000)) config.link_key_file = *v;
  if (auto v = r.String("web_root", false, 1000)) config.web_root = *v;
  r.Finish();
  if (!errors.empty()) {
    return Status::InvalidArgument("config: " + errors.front().field + ": " + errors.front().message);
  }
  return Status::Ok();
}

Result<std::string> ReadLinkKey(const std::string& path) {
  std::ifstream in(path);
  std::string key;
  if (!in || !std::getline(in, key)) return Status::InvalidArgument("cannot read the link key " + path);
  while (!key.empty() && (key.back() == '\r' || key.back() == ' ' || key.back() == '\t')) key.pop_back();
  if (key.size() < 32) {
    return Status::InvalidArgument("the link key in " + path + " is shorter than 32 characters");
  }
  return key;
}

Result<ApiConfig> ParseApiConfig(int argc, char** argv, bool* exit_now, int* exit_code) {
  *exit_now = false;
  *exit_code = 0;
  ApiConfig config;
  // The JSON file gives defaults that flags and environment override, so it
  // is read before CLI11 parses (CLI11 leaves unset options' variables alone).
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string path;
    if (arg == "--config" && i + 1 < argc) {
      path = argv[i + 1];
    } else if (arg.rfind("--config=", 0) == 0) {
      path = arg.substr(9);
    }
    if (path.empty()) continue;
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::NotFound("cannot read config file " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    if (Status s = ApplyConfigJson(ss.str(), config); !s.ok()) return s;
  }
  CLI::App app{"termin-api: the Termin booking API (embedded store, or Redis for replicas)"};
  std::string config_file;
  app.add_option("--config", config_file, "JSON file with settings (flags and env override it)");
  app.add_option("--port", config.port, "TCP port (0 = any free port)")
      ->envname("TERMIN_PORT")->capture_default_str();
  app.add_option("--bind", config.bind, "address to listen on")
      ->envname("TERMIN_BIND")->capture_default_str();
  app.add_option("--threads", config.threads, "worker threads (0 = hardware concurrency)")
      ->envname("TERMIN_THREADS")->check(CLI::Range(0, 256));
  app.add_option("--store", config.store,
                 "\"memory\" (embedded, one process), redis://[user:password@]host:port[/db], "
                 "redis+sentinel://host:port,.../master[/db] or redis+cluster://host:port,... "
                 "(shared by replicas; the password better in TERMIN_REDIS_PASSWORD_FILE)")
      ->envname("TERMIN_STORE")->capture_default_str();
  app.add_option("--seed", config.seed, "city JSON (offices, desks, services)")
      ->envname("TERMIN_SEED");
  app.add_option("--max-body", config.max_body, "largest request body in bytes")
      ->envname("TERMIN_MAX_BODY")->check(CLI::Range(1024, 64 << 20))->capture_default_str();
  app.add_option("--keys", config.keys, "API keys JSON (SHA-256 digests, roles, offices)")
      ->envname("TERMIN_KEYS");
  app.add_option("--hold-ttl-override-seconds", config.hold_ttl_override_seconds,
                 "hold TTL for every office, in seconds (tests); 0 = the offices' own")
      ->envname("TERMIN_HOLD_TTL_OVERRIDE_SECONDS")->check(CLI::Range(0, 86400));
  app.add_option("--claims-snapshot-ms", config.claims_snapshot_ms,
                 "how old a claims snapshot may be for a booking step to propose a desk from it "
                 "(the store's write still checks); 0 = read the claims for every step")
      ->envname("TERMIN_CLAIMS_SNAPSHOT_MS")->check(CLI::Range(0, 60000))->capture_default_str();
  app.add_option("--claims-refusal-ms", config.claims_refusal_ms,
                 "how old a claims snapshot may be for a 409 to rest on it (a place freed "
                 "meanwhile is refused at most this long); 0 = every 409 reads fresh")
      ->envname("TERMIN_CLAIMS_REFUSAL_MS")->check(CLI::Range(0, 10000))->capture_default_str();
  app.add_option("--retention-days", config.retention_days,
                 "days after a visit (or its cancellation) until contact data is erased")
      ->envname("TERMIN_RETENTION_DAYS")->check(CLI::Range(1, 3650))->capture_default_str();
  app.add_option("--audit-retention-days", config.audit_retention_days,
                 "days the audit log of staff and admin actions is kept (GET /v1/admin/audit)")
      ->envname("TERMIN_AUDIT_RETENTION_DAYS")->check(CLI::Range(1, 3650))->capture_default_str();
  app.add_option("--smtp", config.smtp,
                 "smtp://host:port: send notifications from a worker inside this process "
                 "(memory store only; with Redis run termin-worker)")
      ->envname("TERMIN_SMTP");
  app.add_option("--templates", config.templates, "message templates of the in-process worker")
      ->envname("TERMIN_TEMPLATES")->capture_default_str();
  app.add_option("--mail-from", config.mail_from, "sender address of the in-process worker")
      ->envname("TERMIN_MAIL_FROM")->capture_default_str();
  app.add_option("--link-key-file", config.link_key_file,
                 "file with the key of manage-link tokens in messages (shared with termin-worker)")
      ->envname("TERMIN_LINK_KEY_FILE");
  app.add_option("--base-url", config.base_url, "booking site, for links in messages")
      ->envname("TERMIN_BASE_URL")->capture_default_str();
  app.add_option("--public-requests-per-minute", config.public_requests_per_minute,
                 "fair use: requests a minute per client address (IPv6: per /64), as a burst "
                 "then a steady rate; 0 = no limit")
      ->envname("TERMIN_PUBLIC_REQUESTS_PER_MINUTE")->check(CLI::Range(0, 1000000))->capture_default_str();
  app.add_option("--staff-requests-per-minute", config.staff_requests_per_minute,
                 "fair use: requests a minute per staff key; 0 = no limit")
      ->envname("TERMIN_STAFF_REQUESTS_PER_MINUTE")->check(CLI::Range(0, 1000000))->capture_default_str();
  app.add_option("--open-holds-per-client", config.open_holds_per_client,
                 "fair use: holds one client address may have open at once; 0 = no limit")
      ->envname("TERMIN_OPEN_HOLDS_PER_CLIENT")->check(CLI::Range(0, 1000))->capture_default_str();
  app.add_option("--trusted-proxy", config.trusted_proxies,
                 "address or prefix (10.0.0.0/8) of a reverse proxy whose client-address header "
                 "is believed; repeat for several")
      ->envname("TERMIN_TRUSTED_PROXY")->delimiter(',');
  app.add_option("--client-ip-header", config.client_ip_header,
                 "the header in which trusted proxies pass the client's address")
      ->envname("TERMIN_CLIENT_IP_HEADER")->capture_default_str();
  app.add_option("--pow-key-file", config.pow_key_file,
                 "file with the key that signs proof-of-work challenges (the same for every "
                 "replica); without it the store's shared key (made once, kept in Redis)")
      ->envname("TERMIN_POW_KEY_FILE");
  app.add_option("--pow-maxnumber", config.pow_maxnumber,
                 "proof of work: the challenge's number range (a client tries half of it on average)")
      ->envname("TERMIN_POW_MAXNUMBER")->check(CLI::Range(std::int64_t{1000}, std::int64_t{100000000}))
      ->capture_default_str();
  app.add_option("--web-root", config.web_root,
                 "directory of the built web clients to serve (clients/web/dist)")
      ->envname("TERMIN_WEB_ROOT");
  app.add_option("--allowed-origin", config.allowed_origins,
                 "origin (scheme://host[:port]) whose pages may call the public API (CORS); "
                 "repeatable; never *")
      ->envname("TERMIN_ALLOWED_ORIGINS")->delimiter(',');
  app.add_option("--metrics-port", config.metrics_port,
                 "serve /metrics on this port only (the API port then answers 404 for it); "
                 "0 = on --port")
      ->envname("TERMIN_METRICS_PORT")->capture_default_str();
  app.add_option("--max-connections", config.max_connections,
                 "open connections in all (lowered to fit the descriptor limit); over it the "
                 "idlest connection is closed")
      ->envname("TERMIN_MAX_CONNECTIONS")->check(CLI::Range(1, 1000000))->capture_default_str();
  app.add_option("--max-connections-per-ip", config.max_connections_per_ip,
                 "open connections per client address (behind a proxy: the proxy's)")
      ->envname("TERMIN_MAX_CONNECTIONS_PER_IP")->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  app.add_option("--max-head", config.max_head, "largest request head in bytes (431 beyond)")
      ->envname("TERMIN_MAX_HEAD")->check(CLI::Range(1024, 1 << 20))->capture_default_str();
  app.add_option("--held-budget", config.held_budget,
                 "bytes all connections together may hold in unfinished requests (beyond 16 KiB "
                 "each); a connection that would exceed it gets a 503")
      ->envname("TERMIN_HELD_BUDGET")->check(CLI::Range(std::int64_t{1} << 16, std::int64_t{16} << 30))
      ->capture_default_str();
  app.add_option("--max-unsent", config.max_unsent,
                 "bytes of answers a connection may leave unread before it is no longer read")
      ->envname("TERMIN_MAX_UNSENT")->check(CLI::Range(std::int64_t{1} << 16, std::int64_t{1} << 30))
      ->capture_default_str();
  app.add_option("--header-timeout-ms", config.header_timeout_ms,
                 "a request head must arrive within this (408 after)")
      ->envname("TERMIN_HEADER_TIMEOUT_MS")->check(CLI::Range(100, 600000))->capture_default_str();
  app.add_option("--idle-timeout-ms", config.idle_timeout_ms,
                 "an unused keep-alive connection is closed after this")
      ->envname("TERMIN_IDLE_TIMEOUT_MS")->check(CLI::Range(100, 3600000))->capture_default_str();
  app.add_option("--drain-seconds", config.drain_seconds,
                 "after SIGTERM, answer /readyz 503 and go on serving this long before stopping "
                 "(a rolling update's endpoints follow readiness; a second signal stops at once)")
      ->envname("TERMIN_DRAIN_SECONDS")->check(CLI::Range(0, 300))->capture_default_str();
  app.add_option("--log-format", config.log_format,
                 "json (one JSON object per line, for a log collector) or text (for people)")
      ->envname("TERMIN_LOG_FORMAT")->check(CLI::IsMember({"json", "text"}))->capture_default_str();
  app.add_option("--redis-wait-replicas", config.redis_wait_replicas,
                 "after each booking step (hold, confirm, cancel, move) wait until this many "
                 "replicas have it (Redis WAIT); fewer in time is counted and logged, the answer "
                 "stands (docs/redis.md \"WAIT\"); 0 = do not wait")
      ->envname("TERMIN_REDIS_WAIT_REPLICAS")->check(CLI::Range(0, 16))->capture_default_str();
  app.add_option("--redis-wait-ms", config.redis_wait_ms,
                 "the longest WAIT per booking step, in ms (below the 1000 ms command timeout)")
      ->envname("TERMIN_REDIS_WAIT_MS")->check(CLI::Range(1, 900))->capture_default_str();
  bool no_access_log = false;
  app.add_flag("--no-access-log", no_access_log, "do not write an access log line per request");
  app.add_flag("--print-routes", config.print_routes,
               "print the route table (METHOD /path) and exit");
  app.add_flag("--check-config", config.check_config,
               "check the flags, environment and --config (the store address too, without "
               "connecting), then exit 0; files named are not opened (in a pod they are mounts)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    *exit_now = true;
    *exit_code = app.exit(e);
    return Status::InvalidArgument("");
  }
  if (no_access_log) config.access_log = false;
  if (config.redis_wait_replicas > 0 && config.store == "memory") {
    return Status::InvalidArgument("--redis-wait-replicas needs a Redis store (--store redis://...)");
  }
  if (const char* v = std::getenv("TERMIN_ACCESS_LOG"); v && std::string(v) == "0") {
    config.access_log = false;
  }
  if (!config.smtp.empty() && config.store != "memory") {
    return Status::InvalidArgument(
        "--smtp runs a worker inside termin-api, which only the memory store needs; with a "
        "Redis store run termin-worker beside the API replicas");
  }
  for (const auto& proxy : config.trusted_proxies) {
    if (!api::ParsePrefix(proxy)) {
      return Status::InvalidArgument("--trusted-proxy: not an address or prefix: " + proxy);
    }
  }
  if (config.threads == 0) {
    config.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  }
  return config;
}

}  // namespace termin::service
