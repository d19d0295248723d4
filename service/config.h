// Configuration of termin-api: flags, environment, and an optional JSON file.
//
// Precedence, highest first: command-line flag, environment variable
// (TERMIN_PORT, TERMIN_BIND, ...), the --config JSON file, the default.
// The JSON file holds the same names as the flags, with underscores:
// {"port": 8080, "bind": "0.0.0.0", "seed": "data/demo-city.json", ...}.
//
// Thread safety: plain values and functions; call from main.
#ifndef TERMIN_SERVICE_CONFIG_H_
#define TERMIN_SERVICE_CONFIG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "scheduler/status.h"

namespace termin::service {

struct ApiConfig {
  std::uint16_t port = 8080;
  std::string bind = "0.0.0.0";
  int threads = 0;                 // 0 = hardware concurrency
  std::string store = "memory";    // "memory" | "redis://host:port"
  std::string seed;                // city JSON
  std::size_t max_body = 65536;    // bytes
  std::string keys;                // API keys JSON (SHA-256 digests)
  int hold_ttl_override_seconds = 0;  // 0 = the offices' own TTLs
  int retention_days = 30;         // contact data kept after the visit
  int audit_retention_days = 365;  // the audit log of staff and admin actions is kept this long
  int claims_snapshot_ms = 5000;   // api/domain/claims_cache.h; 0 = off
  int claims_refusal_ms = 200;     // api/domain/claims_cache.h; 0 = every 409 reads fresh
  // Proof of work for holds (api/security/pow.h; offices opt in by their rules).
  std::string pow_key_file;          // the challenge-signing key, one for all replicas
  std::int64_t pow_maxnumber = 50000;  // numbers a client tries: half of it on average
  // Fair use (api/security/limits.h); 0 = no limit.
  int public_requests_per_minute = 600;  // per client address (IPv6: per /64)
  int staff_requests_per_minute = 6000;  // per staff key
  int open_holds_per_client = 2;         // per client address
  std::vector<std::string> trusted_proxies;  // their client-address header is believed
  std::string client_ip_header = "X-Forwarded-For";
  bool access_log = true;
  std::string log_format = "json";     // json | text (api/log/log.h)
  int redis_wait_replicas = 0;         // WAIT n after each booking step; 0 = none
  int redis_wait_ms = 100;             // WAIT's timeout; below the command timeout (1000 ms)
  bool print_routes = false;
  bool check_config = false;       // parse and check the settings, then exit 0
  // Hostile clients (api/http_server.h, docs/api.md "Limits").
  std::uint16_t metrics_port = 0;      // 0 = /metrics on --port
  std::size_t max_connections = 10000; // lowered to fit the descriptor limit
  std::size_t max_connections_per_ip = 256;
  std::size_t max_head = 65536;        // bytes of request line + headers
  std::size_t held_budget = 32u << 20; // bytes of unfinished requests, all connections
  std::size_t max_unsent = 1u << 20;   // bytes of unread answers per connection
  int header_timeout_ms = 10000;       // a request head must arrive within this
  int idle_timeout_ms = 120000;        // an unused keep-alive connection is closed
  int drain_seconds = 0;               // after SIGTERM: /readyz 503 but still serving, this long
  // The in-process notification worker (embedded store only; with Redis,
  // termin-worker runs beside the API): empty smtp = no worker.
  std::string smtp;                // smtp://host:port or smtps://host:port
  std::string templates = "service/templates";
  std::string mail_from = "termine@example.de";
  std::string base_url = "https://termine.example.de";  // links in messages
  // The key of the tokens in notifications' manage links (api/security/secrets.h,
  // ManageLinkToken), the same file for termin-api and termin-worker; ""
  // = links without a token (the page then asks for the booking's link).
  std::string link_key_file;
  std::string web_root;            // built web clients (clients/web/dist); "" = none
  std::vector<std::string> allowed_origins;  // CORS for the public API; never "*"
};

// Parses argv (and the environment, and --config). On --help, prints usage
// and returns a Status with an empty message and code kOk-like semantics:
// *exit_now is set, with the exit code in *exit_code.
Result<ApiConfig> ParseApiConfig(int argc, char** argv, bool* exit_now, int* exit_code);

// The manage-link key in `path`: its first line, at least 32 characters
// (e.g. `openssl rand -base64 48`). InvalidArgument otherwise.
Result<std::string> ReadLinkKey(const std::string& path);

// Applies a JSON config document onto `config` (unknown keys are errors).
Status ApplyConfigJson(const std::string& json, ApiConfig& config);

}  // namespace termin::service

#endif  // TERMIN_SERVICE_CONFIG_H_
