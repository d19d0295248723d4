#include "service/redis/redis_connection.h"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string_view>
#include <thread>
#include <utility>

#include "api/log/log.h"

namespace termin::service {
namespace {

using Clock = std::chrono::steady_clock;

timeval ToTimeval(std::chrono::milliseconds d) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(d.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((d.count() % 1000) * 1000);
  return tv;
}

bool StartsWith(const redisReply& r, std::string_view word) {
  return r.str != nullptr && std::string_view(r.str, r.len).substr(0, word.size()) == word;
}

struct Argv {
  std::vector<const char*> ptrs;
  std::vector<size_t> lens;
  explicit Argv(const std::vector<std::string>& args) {
    ptrs.reserve(args.size());
    lens.reserve(args.size());
    for (const std::string& a : args) {
      ptrs.push_back(a.data());
      lens.push_back(a.size());
    }
  }
  int argc() const { return static_cast<int>(ptrs.size()); }
};

}  // namespace

void RedisReplyDeleter::operator()(redisReply* r) const {
  if (r) freeReplyObject(r);
}

Status ErrorReplyStatus(const redisReply& reply, const char* what) {
  static constexpr std::string_view kPassing[] = {"LOADING", "BUSY", "MASTERDOWN", "READONLY",
                                                  "OOM", "TRYAGAIN", "CLUSTERDOWN",
                                                  "NOREPLICAS"};
  for (std::string_view w : kPassing) {
    if (StartsWith(reply, w)) {
      return Status::Unavailable(std::string("the booking database is not ready (") + what + ")");
    }
  }
  return Status::Internal(std::string("the booking database refused ") + what);
}

namespace {

// %XX in the user-info part (a password may hold '@', ':' or '/').
bool PercentDecode(std::string_view in, std::string* out) {
  out->clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      *out += in[i];
      continue;
    }
    if (i + 2 >= in.size()) return false;
    int v = 0;
    auto [end, ec] = std::from_chars(in.data() + i + 1, in.data() + i + 3, v, 16);
    if (ec != std::errc() || end != in.data() + i + 3) return false;
    *out += static_cast<char>(v);
    i += 2;
  }
  return true;
}

}  // namespace

namespace {

// "host[:port]" with `default_port`; false if malformed.
bool ParseHostPort(std::string_view text, int default_port, std::string* host, int* port) {
  std::size_t colon = text.rfind(':');
  std::string_view h = colon == std::string_view::npos ? text : text.substr(0, colon);
  if (h.empty()) return false;
  *host = std::string(h);
  *port = default_port;
  if (colon == std::string_view::npos) return true;
  std::string_view digits = text.substr(colon + 1);
  int p = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), p);
  if (ec != std::errc() || end != digits.data() + digits.size() || p <= 0 || p > 65535) return false;
  *port = p;
  return true;
}

bool ParseDb(std::string_view db, int* out) {
  int d = 0;
  auto [end, ec] = std::from_chars(db.data(), db.data() + db.size(), d);
  if (ec != std::errc() || end != db.data() + db.size() || d < 0 || d > 15) return false;
  *out = d;
  return true;
}

}  // namespace

bool IsRedisUrl(const std::string& spec) {
  return spec.rfind("redis://", 0) == 0 || spec.rfind("redis+sentinel://", 0) == 0 ||
         spec.rfind("redis+cluster://", 0) == 0 || spec.rfind("rediss://", 0) == 0;
}

Result<RedisOptions> ParseRedisUrl(const std::string& url) {
  constexpr std::string_view kScheme = "redis://";
  constexpr std::string_view kSentinelScheme = "redis+sentinel://";
  constexpr std::string_view kClusterScheme = "redis+cluster://";
  const Status malformed = Status::InvalidArgument(
      "a Redis address looks like redis://[user:password@]host:port[/db], "
      "redis+sentinel://[user:password@]host:port,host:port,.../master[/db] or "
      "redis+cluster://[user:password@]host:port[,host:port...]");
  if (url.rfind("rediss://", 0) == 0) {
    return Status::InvalidArgument(
        "rediss:// (Redis over TLS) is not supported: Debian 12's hiredis 0.14 has no TLS. "
        "Run a TLS tunnel beside the process (stunnel or ghostunnel, in Kubernetes a sidecar) "
        "and give redis://127.0.0.1:<port> of the tunnel, or keep Redis on a private network; "
        "docs/deploy.md \"Redis TLS\"");
  }
  std::string_view rest(url);
  bool sentinel = false;
  bool cluster = false;
  if (rest.substr(0, kSentinelScheme.size()) == kSentinelScheme) {
    sentinel = true;
    rest.remove_prefix(kSentinelScheme.size());
  } else if (rest.substr(0, kClusterScheme.size()) == kClusterScheme) {
    cluster = true;
    rest.remove_prefix(kClusterScheme.size());
  } else if (rest.substr(0, kScheme.size()) == kScheme) {
    rest.remove_prefix(kScheme.size());
  } else {
    return malformed;
  }
  RedisOptions options;
  // user-info ends at the last '@' (an unescaped '@' in a password still works).
  if (std::size_t at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view info = rest.substr(0, at);
    rest.remove_prefix(at + 1);
    std::size_t colon = info.find(':');
    std::string_view user = info.substr(0, colon);
    std::string_view password = colon == std::string_view::npos ? "" : info.substr(colon + 1);
    if (!PercentDecode(user, &options.user) || !PercentDecode(password, &options.password)) {
      return Status::InvalidArgument("bad %-escape in the Redis user or password");
    }
    // redis://secret@host: one word is the password of the default user
    // (what redis-cli -u and most clients do).
    if (colon == std::string_view::npos) std::swap(options.user, options.password);
  }
  std::string_view path;
  if (std::size_t slash = rest.find('/'); slash != std::string_view::npos) {
    path = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  if (sentinel) {
    // path: master[/db]
    std::size_t slash = path.find('/');
    std::string_view master = path.substr(0, slash);
    if (master.empty()) return Status::InvalidArgument("redis+sentinel:// needs the primary's name: .../mymaster");
    options.sentinel_master = std::string(master);
    if (slash != std::string_view::npos && !path.substr(slash + 1).empty() &&
        !ParseDb(path.substr(slash + 1), &options.db)) {
      return Status::InvalidArgument("the Redis database number must be 0..15");
    }
    while (!rest.empty()) {
      std::size_t comma = rest.find(',');
      std::string_view one = rest.substr(0, comma);
      std::pair<std::string, int> hp;
      if (!ParseHostPort(one, 26379, &hp.first, &hp.second)) return malformed;
      options.sentinels.push_back(std::move(hp));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    if (options.sentinels.empty()) return malformed;
    return options;
  }
  if (cluster) {
    // Seed nodes only: the slot map names the others. Redis Cluster has
    // one database (0), so a path is refused rather than ignored.
    if (!path.empty()) {
      return Status::InvalidArgument("redis+cluster:// takes no database number (a cluster has only 0)");
    }
    options.cluster = true;
    while (!rest.empty()) {
      std::size_t comma = rest.find(',');
      std::pair<std::string, int> hp;
      if (!ParseHostPort(rest.substr(0, comma), 6379, &hp.first, &hp.second)) return malformed;
      options.cluster_seeds.push_back(std::move(hp));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    if (options.cluster_seeds.empty()) return malformed;
    options.host = options.cluster_seeds.front().first;
    options.port = options.cluster_seeds.front().second;
    return options;
  }
  if (!path.empty() && !ParseDb(path, &options.db)) {
    return Status::InvalidArgument("the Redis database number must be 0..15");
  }
  if (rest.empty()) return malformed;
  std::size_t colon = rest.rfind(':');
  if (colon != std::string_view::npos && !ParseHostPort(rest, 6379, &options.host, &options.port)) {
    return Status::InvalidArgument("the Redis port must be 1..65535");
  }
  if (colon == std::string_view::npos) options.host = std::string(rest);
  if (options.host.empty()) return malformed;
  return options;
}

Result<RedisOptions> RedisOptionsFromUrl(const std::string& url) {
  auto options = ParseRedisUrl(url);
  if (!options.ok()) return options;
  if (const char* user = std::getenv("TERMIN_REDIS_USER"); user && *user) options->user = user;
  if (const char* file = std::getenv("TERMIN_REDIS_PASSWORD_FILE"); file && *file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    if (!in.good() && !in.eof()) {
      return Status::InvalidArgument(std::string("cannot read TERMIN_REDIS_PASSWORD_FILE ") + file);
    }
    std::string password = ss.str();
    if (!password.empty() && password.back() == '\n') password.pop_back();
    if (!password.empty() && password.back() == '\r') password.pop_back();
    if (password.empty()) {
      return Status::InvalidArgument(std::string("TERMIN_REDIS_PASSWORD_FILE ") + file +
                                     " is empty or unreadable");
    }
    options->password = std::move(password);
  } else if (const char* pw = std::getenv("TERMIN_REDIS_PASSWORD"); pw && *pw) {
    options->password = pw;
  }
  return options;
}

// --- RedisPool -------------------------------------------------------------------

RedisPool::RedisPool(RedisOptions options) : options_(std::move(options)) {
  slots_.resize(std::max<std::size_t>(1, options_.pool_size));
}

RedisPool::~RedisPool() {
  for (Slot& s : slots_) {
    if (s.ctx) redisFree(s.ctx);
    for (NodeConn& n : s.nodes) redisFree(n.ctx);
  }
}

Result<std::unique_ptr<RedisPool>> RedisPool::Create(const RedisOptions& options) {
  if (options.port <= 0 || options.port > 65535) {
    return Status::InvalidArgument("the Redis port must be 1..65535");
  }
  if (options.key_prefix.find_first_of("{}") != std::string::npos) {
    return Status::InvalidArgument("the Redis key prefix must not contain braces");
  }
  if (options.connect_timeout.count() <= 0 || options.command_timeout.count() <= 0) {
    return Status::InvalidArgument("Redis timeouts must be positive");
  }
  std::unique_ptr<RedisPool> pool(new RedisPool(options));
  if (options.cluster) {
    if (options.db != 0) return Status::InvalidArgument("Redis Cluster has only database 0");
    // The slot map, then every primary once: a wrong password or a node we
    // cannot reach shows at start, and every primary has the scripts.
    if (Status s = pool->RefreshSlotMap(); !s.ok()) return s;
    if (!pool->MapComplete()) {
      return Status::Unavailable(
          "the Redis cluster does not serve every hash slot (CLUSTER SLOTS has gaps; "
          "is cluster_state ok?)");
    }
    for (const ClusterNode& node : pool->Primaries()) {
      auto c = pool->ConnectNode(node);
      if (!c.ok()) return c.status();
      pool->slots_[0].nodes.push_back({node.Address(), *c});
    }
    return pool;
  }
  redisContext* ctx = nullptr;
  if (Status s = pool->Connect(&ctx); !s.ok()) return s;
  pool->slots_[0].ctx = ctx;
  return pool;
}

// AUTH and SELECT on a fresh connection, before anything else is sent.
Status RedisPool::Authenticate(redisContext* c) const {
  auto run = [c](std::vector<std::string> args, const char* what) -> Status {
    Argv a(args);
    void* raw = redisCommandArgv(c, a.argc(), a.ptrs.data(), a.lens.data());
    if (raw == nullptr) return Status::Unavailable("the booking database is unreachable");
    RedisReply r(static_cast<redisReply*>(raw));
    if (r->type == REDIS_REPLY_ERROR) {
      // WRONGPASS / NOAUTH: a setting to fix, said plainly (never the password).
      return Status::Unavailable(std::string("the booking database refused ") + what + ": " +
                                 std::string(r->str, r->len));
    }
    return Status::Ok();
  };
  if (!options_.password.empty()) {
    std::vector<std::string> args = {"AUTH"};
    if (!options_.user.empty()) args.push_back(options_.user);
    args.push_back(options_.password);
    if (Status s = run(std::move(args), "the login (AUTH)"); !s.ok()) return s;
  }
  if (options_.db != 0) {
    if (Status s = run({"SELECT", std::to_string(options_.db)}, "SELECT"); !s.ok()) return s;
  }
  return Status::Ok();
}

namespace {

redisContext* Dial(const std::string& host, int port, std::chrono::milliseconds connect_timeout,
                   std::chrono::milliseconds command_timeout) {
  redisContext* c = redisConnectWithTimeout(host.c_str(), port, ToTimeval(connect_timeout));
  if (c == nullptr || c->err) {
    if (c) redisFree(c);
    return nullptr;
  }
  redisSetTimeout(c, ToTimeval(command_timeout));
  redisEnableKeepAlive(c);
  return c;
}

// True if the node says it is a primary (ROLE's first element "master").
bool IsPrimary(redisContext* c) {
  void* raw = redisCommand(c, "ROLE");
  if (raw == nullptr) return false;
  RedisReply r(static_cast<redisReply*>(raw));
  return r->type == REDIS_REPLY_ARRAY && r->elements > 0 && r->element[0]->type == REDIS_REPLY_STRING &&
         std::string_view(r->element[0]->str, r->element[0]->len) == "master";
}

}  // namespace

Result<redisContext*> RedisPool::ConnectPrimary() const {
  if (options_.sentinels.empty()) {
    redisContext* c = Dial(options_.host, options_.port, options_.connect_timeout, options_.command_timeout);
    if (c == nullptr) return Status::Unavailable("the booking database is unreachable");
    if (Status s = Authenticate(c); !s.ok()) {
      redisFree(c);
      return s;
    }
    return c;
  }
  // Ask each sentinel in turn; the first whose primary answers ROLE master wins.
  Status last = Status::Unavailable("no sentinel named a reachable primary");
  for (const auto& [host, port] : options_.sentinels) {
    redisContext* s = Dial(host, port, options_.connect_timeout, options_.command_timeout);
    if (s == nullptr) continue;
    void* raw = redisCommand(s, "SENTINEL get-master-addr-by-name %s", options_.sentinel_master.c_str());
    redisFree(s);
    if (raw == nullptr) continue;
    RedisReply r(static_cast<redisReply*>(raw));
    if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 || r->element[0]->type != REDIS_REPLY_STRING ||
        r->element[1]->type != REDIS_REPLY_STRING) {
      continue;  // unknown name, or an error: the next sentinel may know better
    }
    std::string primary(r->element[0]->str, r->element[0]->len);
    int primary_port = std::atoi(r->element[1]->str);
    redisContext* c = Dial(primary, primary_port, options_.connect_timeout, options_.command_timeout);
    if (c == nullptr) continue;
    if (Status a = Authenticate(c); !a.ok()) {
      redisFree(c);
      last = a;
      continue;
    }
    if (!IsPrimary(c)) {  // a demoted primary the sentinel has not caught up with
      redisFree(c);
      continue;
    }
    return c;
  }
  return last;
}

Status RedisPool::Connect(redisContext** out) {
  auto primary = ConnectPrimary();
  if (!primary.ok()) return primary.status();
  if (Status s = LoadScripts(*primary); !s.ok()) return s;
  *out = *primary;
  return Status::Ok();
}

Status RedisPool::LoadScripts(redisContext* c) {
  const auto& scripts = RedisScripts(options_.tallies);
  for (const RedisScriptSource& s : scripts) {
    const char* argv[] = {"SCRIPT", "LOAD", s.text.data()};
    size_t lens[] = {6, 4, s.text.size()};
    if (redisAppendCommandArgv(c, 3, argv, lens) != REDIS_OK) {
      redisFree(c);
      return Status::Unavailable("the booking database is unreachable");
    }
  }
  std::vector<std::string> shas;
  Status status;
  for (std::size_t i = 0; i < scripts.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(c, &raw) != REDIS_OK) {
      redisFree(c);
      return Status::Unavailable("the booking database is unreachable");
    }
    RedisReply r(static_cast<redisReply*>(raw));
    if (r->type != REDIS_REPLY_STRING) {
      if (status.ok()) {
        status = r->type == REDIS_REPLY_ERROR ? ErrorReplyStatus(*r, scripts[i].name)
                                              : Status::Internal("SCRIPT LOAD gave no digest");
      }
      continue;
    }
    shas.emplace_back(r->str, r->len);
  }
  if (!status.ok()) {
    redisFree(c);
    return status;
  }
  if (shas_.empty()) {
    shas_ = std::move(shas);  // only in Create, before any other thread sees the pool
  }
  return Status::Ok();
}

// --- Redis Cluster: the slot map ---------------------------------------------------

Result<redisContext*> RedisPool::ConnectNode(const ClusterNode& node) {
  redisContext* c = Dial(node.host, node.port, options_.connect_timeout, options_.command_timeout);
  if (c == nullptr) {
    return Status::Unavailable("the booking database is unreachable (cluster node " + node.Address() + ")");
  }
  if (Status s = Authenticate(c); !s.ok()) {
    redisFree(c);
    return s;
  }
  if (Status s = LoadScripts(c); !s.ok()) return s;
  return c;
}

Status RedisPool::RefreshSlotMap() {
  std::vector<ClusterNode> candidates = Primaries();
  for (const auto& [host, port] : options_.cluster_seeds) {
    ClusterNode seed{host, port};
    if (std::find(candidates.begin(), candidates.end(), seed) == candidates.end()) {
      candidates.push_back(seed);
    }
  }
  Status last = Status::Unavailable("no Redis cluster node answered CLUSTER SLOTS");
  for (const ClusterNode& node : candidates) {
    redisContext* c = Dial(node.host, node.port, options_.connect_timeout, options_.command_timeout);
    if (c == nullptr) continue;
    if (Status a = Authenticate(c); !a.ok()) {
      redisFree(c);
      last = a;
      continue;
    }
    void* raw = redisCommand(c, "CLUSTER SLOTS");
    redisFree(c);
    if (raw == nullptr) continue;
    RedisReply r(static_cast<redisReply*>(raw));
    if (r->type == REDIS_REPLY_ERROR) {
      // "ERR This instance has cluster support disabled": a plain Redis.
      last = Status::Unavailable("a seed of redis+cluster:// is no cluster node (" + node.Address() +
                                 ": " + std::string(r->str, r->len) + ")");
      continue;
    }
    auto map = SlotMap::FromClusterSlots(*r, node.host);
    if (!map.ok()) {
      last = map.status();
      continue;
    }
    std::lock_guard lock(map_mutex_);
    map_ = std::move(map).value();
    map_stale_ = false;
    map_read_ = Clock::now();
    return Status::Ok();
  }
  return last;
}

std::vector<ClusterNode> RedisPool::Primaries() {
  std::lock_guard lock(map_mutex_);
  return map_.nodes();
}

bool RedisPool::MapComplete() {
  std::lock_guard lock(map_mutex_);
  return map_.Complete();
}

void RedisPool::MarkMapStale() {
  std::lock_guard lock(map_mutex_);
  map_stale_ = true;
}

void RedisPool::NoteMoved(const Redirect& r) {
  moved_.fetch_add(1);
  std::lock_guard lock(map_mutex_);
  map_.Assign(r.slot, r.node);  // this slot at once; the rest with the next refresh
  map_stale_ = true;
}

Result<ClusterNode> RedisPool::NodeForSlot(int slot) {
  bool refresh = false;
  {
    std::lock_guard lock(map_mutex_);
    refresh = map_stale_ && Clock::now() - map_read_ > std::chrono::milliseconds(100);
  }
  // One thread reads the map again; the others route by the one they have
  // (a MOVED already pointed its slot at the new node).
  if (refresh && refresh_mutex_.try_lock()) {
    std::lock_guard unlock(refresh_mutex_, std::adopt_lock);
    if (Status s = RefreshSlotMap(); !s.ok()) {
      std::lock_guard lock(map_mutex_);
      map_read_ = Clock::now();  // try again in 100 ms, not on every command
    }
  }
  std::lock_guard lock(map_mutex_);
  const ClusterNode* node = map_.NodeOf(slot);
  if (node == nullptr) {
    map_stale_ = true;
    return Status::Unavailable("the booking database is not ready (no cluster node serves the slot)");
  }
  return *node;
}

Result<ClusterNode> RedisPool::AnyNode() {
  std::lock_guard lock(map_mutex_);
  if (map_.nodes().empty()) return Status::Unavailable("the booking database is unreachable");
  return map_.nodes().front();
}

Result<RedisPool::Lease> RedisPool::Acquire() {
  std::unique_lock lock(mutex_);
  const auto start = Clock::now();
  if (start < down_until_) return Status::Unavailable("the booking database is unreachable");
  const auto deadline = start + options_.command_timeout;
  std::size_t chosen = slots_.size();
  for (;;) {
    // Prefer a connected slot, so a healthy pool never reconnects needlessly.
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      if (slots_[i].busy) continue;
      const bool connected = slots_[i].ctx != nullptr || !slots_[i].nodes.empty();
      if (chosen == slots_.size() || connected) chosen = i;
      if (connected) break;
    }
    if (chosen != slots_.size()) break;
    if (freed_.wait_until(lock, deadline) == std::cv_status::timeout) {
      return Status::Unavailable("all booking database connections are busy");
    }
    if (Clock::now() < down_until_) return Status::Unavailable("the booking database is unreachable");
  }
  Slot& slot = slots_[chosen];
  slot.busy = true;
  // A cluster lease connects to each node when it first needs it (Conn).
  if (options_.cluster) return Lease(this, chosen, nullptr, std::exchange(slot.nodes, {}));
  redisContext* ctx = std::exchange(slot.ctx, nullptr);
  if (ctx != nullptr) return Lease(this, chosen, ctx);

  // Reconnect. While Redis is known to be healthy, any thread may connect
  // (a pool fills up under load). After a failure only one probe runs at a
  // time: it claims the backoff window before the (possibly slow) connect, so
  // everyone else fails fast meanwhile.
  const bool probe = !healthy_;
  if (probe) {
    backoff_ = backoff_.count() == 0 ? options_.reconnect_backoff_min
                                     : std::min(backoff_ * 2, options_.reconnect_backoff_max);
    down_until_ = Clock::now() + std::max(backoff_, options_.connect_timeout);
  }
  lock.unlock();
  Status s = Connect(&ctx);
  lock.lock();
  if (!s.ok()) {
    if (!probe) {
      backoff_ = options_.reconnect_backoff_min;
      healthy_ = false;
    }
    NoteReachable(false, s);
    down_until_ = Clock::now() + backoff_;
    slot.busy = false;
    freed_.notify_one();
    return s;
  }
  healthy_ = true;
  backoff_ = std::chrono::milliseconds(0);
  down_until_ = {};
  NoteReachable(true, s);
  return Lease(this, chosen, ctx);
}

void RedisPool::NoteReachable(bool reachable, const Status& why) {
  // Every failed probe and every request in the backoff would otherwise log:
  // one line at the first failed connect, one at the first good one after.
  if (!reachable && !outage_logged_) {
    outage_logged_ = true;
    outage_since_ = Clock::now();
    api::Log("error", "redis unreachable", {{"detail", why.message()}});
  } else if (reachable && outage_logged_) {
    outage_logged_ = false;
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - outage_since_);
    api::Log("info", "redis reachable again", {{"down_ms", static_cast<long long>(ms.count())}});
  }
}

void RedisPool::NoteWait(bool enough, long long acked) {
  if (!enough) short_waits_.fetch_add(1);
  std::lock_guard lock(mutex_);
  if (!enough && !short_wait_logged_) {
    short_wait_logged_ = true;
    short_waits_logged_ = short_waits_.load();
    api::Log("warn", "redis replicas behind: booking steps acknowledged by fewer replicas than asked",
             {{"wanted", options_.wait_replicas},
              {"acked", acked},
              {"wait_ms", static_cast<long long>(options_.wait_timeout.count())}});
  } else if (enough && short_wait_logged_) {
    short_wait_logged_ = false;
    api::Log("info", "redis replicas caught up",
             {{"short_steps",
               static_cast<long long>(short_waits_.load() - short_waits_logged_ + 1)}});
  }
}

void RedisPool::MarkSuspect() {
  std::lock_guard lock(mutex_);
  healthy_ = false;
}

void RedisPool::Release(std::size_t slot, redisContext* ctx, std::vector<NodeConn> nodes) {
  std::lock_guard lock(mutex_);
  slots_[slot].ctx = ctx;
  slots_[slot].nodes = std::move(nodes);
  slots_[slot].busy = false;
  freed_.notify_one();
}

// --- Lease ----------------------------------------------------------------------

RedisPool::Lease::Lease(Lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)), slot_(other.slot_),
      ctx_(std::exchange(other.ctx_, nullptr)), nodes_(std::exchange(other.nodes_, {})),
      last_node_(std::move(other.last_node_)) {}

RedisPool::Lease::~Lease() {
  if (pool_) pool_->Release(slot_, ctx_, std::move(nodes_));
}

Status RedisPool::Lease::Broken() {
  if (ctx_) {
    redisFree(ctx_);
    ctx_ = nullptr;
    pool_->MarkSuspect();
  }
  return Status::Unavailable("the booking database did not answer");
}

// A READONLY reply: this node was a primary and is a replica now (a
// failover). Its context goes, so the next lease finds the new primary.
void RedisPool::Lease::DropIfDemoted(const redisReply& r) {
  if (r.type == REDIS_REPLY_ERROR && StartsWith(r, "READONLY")) (void)Broken();
}

Result<RedisReply> RedisPool::Lease::Command(const std::vector<std::string>& args) {
  if (pool_->cluster()) return ClusterCommand(args);
  if (!ctx_) return Broken();
  Argv argv(args);
  void* raw = redisCommandArgv(ctx_, argv.argc(), argv.ptrs.data(), argv.lens.data());
  if (raw == nullptr) return Broken();
  RedisReply reply(static_cast<redisReply*>(raw));
  DropIfDemoted(*reply);
  return reply;
}

Result<std::vector<RedisReply>> RedisPool::Lease::Pipeline(
    const std::vector<std::vector<std::string>>& commands) {
  if (pool_->cluster()) return ClusterPipeline(commands);
  if (!ctx_) return Broken();
  for (const auto& args : commands) {
    Argv argv(args);
    if (redisAppendCommandArgv(ctx_, argv.argc(), argv.ptrs.data(), argv.lens.data()) != REDIS_OK) {
      return Broken();
    }
  }
  std::vector<RedisReply> replies;
  replies.reserve(commands.size());
  for (std::size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(ctx_, &raw) != REDIS_OK) return Broken();
    replies.emplace_back(static_cast<redisReply*>(raw));
  }
  for (const RedisReply& r : replies) DropIfDemoted(*r);
  return replies;
}

namespace {

std::vector<std::string> EvalShaArgv(const std::string& sha, const std::vector<std::string>& keys,
                                     const std::vector<std::string>& args) {
  std::vector<std::string> argv;
  argv.reserve(3 + keys.size() + args.size());
  argv.emplace_back("EVALSHA");
  argv.push_back(sha);
  argv.push_back(std::to_string(keys.size()));
  argv.insert(argv.end(), keys.begin(), keys.end());
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

}  // namespace

Result<std::vector<RedisReply>> RedisPool::Lease::PipelineEval(
    const std::vector<std::vector<std::string>>& before, RedisScript script,
    const std::vector<std::string>& keys, const std::vector<std::string>& args) {
  std::vector<std::vector<std::string>> commands = before;
  commands.push_back(EvalShaArgv(pool_->shas_[static_cast<std::size_t>(script)], keys, args));
  auto replies = Pipeline(commands);
  if (!replies.ok()) return replies;
  const redisReply& last = *replies->back();
  if (last.type == REDIS_REPLY_ERROR) {
    const RedisScriptSource& source =
        RedisScripts(pool_->options().tallies)[static_cast<std::size_t>(script)];
    if (!StartsWith(last, "NOSCRIPT")) return ErrorReplyStatus(last, source.name);
    auto again = EvalScript(script, keys, args);
    if (!again.ok()) return again.status();
    replies->back() = std::move(again).value();
  }
  WaitForReplicas(script);
  return replies;
}

Result<RedisReply> RedisPool::Lease::Eval(RedisScript script, const std::vector<std::string>& keys,
                                          const std::vector<std::string>& args) {
  auto reply = EvalScript(script, keys, args);
  if (reply.ok()) WaitForReplicas(script);
  return reply;
}

namespace {

// The steps a citizen or the hotline is told "booked", "moved", "cancelled"
// or "held" after: what WAIT guards.
bool IsBookingStep(RedisScript script) {
  switch (script) {
    case RedisScript::kPlaceHold:
    case RedisScript::kConfirmHold:
    case RedisScript::kCreateAppointment:
    case RedisScript::kCancel:
    case RedisScript::kMove:
    case RedisScript::kConfirmOptIn:
      return true;
    default:
      return false;
  }
}

}  // namespace

void RedisPool::Lease::WaitForReplicas(RedisScript script) {
  const RedisOptions& o = pool_->options();
  // (With a cluster ctx_ is unused: the WAIT goes to the node of the step, last_node_.)
  if (o.wait_replicas <= 0 || !IsBookingStep(script) || (ctx_ == nullptr && !pool_->cluster())) return;
  // A refused step wrote nothing; WAIT then answers at once (the replicas
  // already have this connection's earlier writes).
  auto r = Command({"WAIT", std::to_string(o.wait_replicas), std::to_string(o.wait_timeout.count())});
  long long acked = -1;
  if (r.ok() && (*r)->type == REDIS_REPLY_INTEGER) acked = (*r)->integer;
  pool_->NoteWait(acked >= o.wait_replicas, acked);
}

Result<RedisReply> RedisPool::Lease::EvalScript(RedisScript script,
                                                const std::vector<std::string>& keys,
                                                const std::vector<std::string>& args) {
  const RedisScriptSource& source =
      RedisScripts(pool_->options().tallies)[static_cast<std::size_t>(script)];
  std::vector<std::string> argv =
      EvalShaArgv(pool_->shas_[static_cast<std::size_t>(script)], keys, args);
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto reply = Command(argv);
    if (!reply.ok()) return reply;
    const redisReply& r = **reply;
    if (r.type != REDIS_REPLY_ERROR) return reply;
    if (!StartsWith(r, "NOSCRIPT") || attempt == 1) return ErrorReplyStatus(r, source.name);
    auto load = Command({"SCRIPT", "LOAD", source.text});
    if (!load.ok()) return load.status();
    if ((*load)->type != REDIS_REPLY_STRING) return ErrorReplyStatus(**load, source.name);
  }
  return Status::Internal("unreachable");
}

// --- Redis Cluster: routing ---------------------------------------------------------

Status RedisPool::Lease::Health() {
  if (!pool_->cluster()) {
    auto r = Command({"PING"});
    if (!r.ok()) return r.status();
    if ((*r)->type == REDIS_REPLY_ERROR) return ErrorReplyStatus(**r, "PING");
    if ((*r)->type != REDIS_REPLY_STATUS || std::string_view((*r)->str, (*r)->len) != "PONG") {
      return Status::Unavailable("the booking database did not answer");
    }
    return Status::Ok();
  }
  // Every primary must say ok: one that lost its quorum (or sees a slot
  // without a node) refuses commands with CLUSTERDOWN, so readiness must
  // not claim more than the cluster can serve.
  if (!pool_->MapComplete()) {
    pool_->MarkMapStale();
    return Status::Unavailable("the Redis cluster does not serve every hash slot");
  }
  for (const ClusterNode& node : pool_->Primaries()) {
    auto c = Conn(node);
    if (!c.ok()) {
      pool_->MarkMapStale();
      return c.status();
    }
    void* raw = redisCommand(*c, "CLUSTER INFO");
    if (raw == nullptr) {
      (void)DropNode(node.Address());
      pool_->MarkMapStale();
      return Status::Unavailable("the booking database did not answer (cluster node " + node.Address() + ")");
    }
    RedisReply r(static_cast<redisReply*>(raw));
    const bool ok = r->type == REDIS_REPLY_STRING &&
                    std::string_view(r->str, r->len).find("cluster_state:ok") != std::string_view::npos;
    if (!ok) {
      pool_->MarkMapStale();
      return Status::Unavailable("the Redis cluster is not ok (cluster_state at " + node.Address() + ")");
    }
  }
  return Status::Ok();
}

Status RedisPool::Lease::DropNode(const std::string& address) {
  for (auto it = nodes_.begin(); it != nodes_.end(); ++it) {
    if (it->address == address) {
      redisFree(it->ctx);
      nodes_.erase(it);
      break;
    }
  }
  pool_->MarkMapStale();  // a failover may have moved its slots
  return Status::Unavailable("the booking database did not answer");
}

Result<redisContext*> RedisPool::Lease::Conn(const ClusterNode& node) {
  const std::string address = node.Address();
  for (const NodeConn& n : nodes_) {
    if (n.address == address) return n.ctx;
  }
  auto c = pool_->ConnectNode(node);
  {
    std::lock_guard lock(pool_->mutex_);
    pool_->NoteReachable(c.ok(), c.ok() ? Status::Ok() : c.status());
  }
  if (!c.ok()) {
    pool_->MarkMapStale();
    return c.status();
  }
  nodes_.push_back({address, *c});
  return *c;
}

Result<ClusterNode> RedisPool::Lease::Target(const std::vector<std::string>& argv) {
  const std::vector<int> slots = CommandSlots(argv);
  for (int slot : slots) {
    if (slot != slots.front()) {
      // Redis would answer CROSSSLOT; say which command, it is a bug in the key layout.
      return Status::Internal("a " + (argv.empty() ? std::string() : argv[0]) +
                              " across hash slots (the key layout must keep one step in one slot)");
    }
  }
  if (!slots.empty()) return pool_->NodeForSlot(slots.front());
  if (!last_node_.empty()) {
    ClusterNode node;
    std::size_t colon = last_node_.rfind(':');
    node.host = last_node_.substr(0, colon);
    node.port = std::atoi(last_node_.c_str() + colon + 1);
    return node;
  }
  return pool_->AnyNode();
}

namespace {

constexpr int kMaxRedirects = 6;  // a slot moved twice while we asked, and some TRYAGAIN

bool IsClusterRetry(const redisReply& r) {
  return r.type == REDIS_REPLY_ERROR && r.str != nullptr &&
         (ParseRedirect(std::string_view(r.str, r.len)).has_value() || StartsWith(r, "TRYAGAIN"));
}

}  // namespace

Result<RedisReply> RedisPool::Lease::ClusterCommand(const std::vector<std::string>& args) {
  auto target = Target(args);
  if (!target.ok()) return target.status();
  ClusterNode node = *target;
  bool asking = false;
  Argv argv(args);
  for (int hop = 0; hop <= kMaxRedirects; ++hop) {
    auto ctx = Conn(node);
    if (!ctx.ok()) return ctx.status();
    redisContext* c = *ctx;
    void* raw = nullptr;
    if (asking) {
      // ASKING holds for the next command on this connection only.
      const char* asking_argv[] = {"ASKING"};
      size_t asking_len[] = {6};
      void* ok = nullptr;
      if (redisAppendCommandArgv(c, 1, asking_argv, asking_len) != REDIS_OK ||
          redisAppendCommandArgv(c, argv.argc(), argv.ptrs.data(), argv.lens.data()) != REDIS_OK ||
          redisGetReply(c, &ok) != REDIS_OK) {
        return DropNode(node.Address());
      }
      freeReplyObject(ok);
      if (redisGetReply(c, &raw) != REDIS_OK) raw = nullptr;
    } else {
      raw = redisCommandArgv(c, argv.argc(), argv.ptrs.data(), argv.lens.data());
    }
    if (raw == nullptr) return DropNode(node.Address());
    last_node_ = node.Address();
    RedisReply reply(static_cast<redisReply*>(raw));
    if (reply->type != REDIS_REPLY_ERROR || reply->str == nullptr) return reply;
    const std::string_view error(reply->str, reply->len);
    if (auto redirect = ParseRedirect(error)) {
      if (redirect->kind == Redirect::Kind::kMoved) {
        pool_->NoteMoved(*redirect);
        asking = false;
      } else {
        pool_->asks_.fetch_add(1);
        asking = true;
      }
      node = redirect->node;
      continue;
    }
    if (StartsWith(*reply, "TRYAGAIN") && hop < kMaxRedirects) {
      // A multi-key step whose keys are split by a migration in progress:
      // it ends within moments (MIGRATE moves keys in batches).
      std::this_thread::sleep_for(std::chrono::milliseconds(10 * (hop + 1)));
      auto again = Target(args);
      if (!again.ok()) return again.status();
      node = *again;
      asking = false;
      continue;
    }
    if (StartsWith(*reply, "CLUSTERDOWN") || StartsWith(*reply, "READONLY")) pool_->MarkMapStale();
    return reply;
  }
  return Status::Unavailable("the booking database is not ready (cluster slots moving)");
}

Result<std::vector<RedisReply>> RedisPool::Lease::ClusterPipeline(
    const std::vector<std::vector<std::string>>& commands) {
  std::vector<ClusterNode> targets;
  targets.reserve(commands.size());
  for (const auto& args : commands) {
    auto t = Target(args);
    if (!t.ok()) return t.status();
    targets.push_back(*t);
  }
  std::vector<RedisReply> replies(commands.size());
  std::vector<std::string> ran_on(commands.size());  // so WAIT follows the last command
  std::size_t begin = 0;
  while (begin < commands.size()) {
    std::size_t end = begin + 1;
    while (end < commands.size() && targets[end] == targets[begin]) ++end;
    const ClusterNode& node = targets[begin];
    auto ctx = Conn(node);
    if (!ctx.ok()) return ctx.status();
    for (std::size_t i = begin; i < end; ++i) {
      Argv argv(commands[i]);
      if (redisAppendCommandArgv(*ctx, argv.argc(), argv.ptrs.data(), argv.lens.data()) != REDIS_OK) {
        return DropNode(node.Address());
      }
    }
    for (std::size_t i = begin; i < end; ++i) {
      void* raw = nullptr;
      if (redisGetReply(*ctx, &raw) != REDIS_OK) return DropNode(node.Address());
      replies[i].reset(static_cast<redisReply*>(raw));
    }
    for (std::size_t i = begin; i < end; ++i) {
      ran_on[i] = node.Address();
      if (!IsClusterRetry(*replies[i])) continue;
      auto again = ClusterCommand(commands[i]);  // follows the redirect
      if (!again.ok()) return again.status();
      replies[i] = std::move(again).value();
      ran_on[i] = last_node_;
    }
    begin = end;
  }
  if (!ran_on.empty()) last_node_ = ran_on.back();
  return replies;
}

}  // namespace termin::service
