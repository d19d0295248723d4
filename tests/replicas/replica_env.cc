#include "tests/replicas/replica_env.h"

#include <hiredis/hiredis.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <thread>

#include "tests/harness/ports.h"
#include "tests/harness/redis_server.h"
#include "tests/harness/test_keys.h"

namespace termin::testing {
namespace {

std::string Text(const redisReply* r) {
  if (r == nullptr) return "";
  if (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS) return std::string(r->str, r->len);
  if (r->type == REDIS_REPLY_INTEGER) return std::to_string(r->integer);
  return "";
}

struct ReplyFree {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyFree>;

Reply Command(redisContext* ctx, const std::vector<std::string>& args) {
  if (ctx == nullptr) return nullptr;
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  return Reply(static_cast<redisReply*>(
      redisCommandArgv(ctx, static_cast<int>(argv.size()), argv.data(), lens.data())));
}

std::int64_t ToInt(const std::string& s) { return std::strtoll(s.c_str(), nullptr, 10); }

}  // namespace

// --- DurableRedis -------------------------------------------------------------------

std::unique_ptr<DurableRedis> DurableRedis::Start(bool aof, std::string* error) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    const int port = FreeLoopbackPort();
    if (port == 0) {
      *error = "no free loopback port";
      return nullptr;
    }
    std::string dir = TestLogDir() + "/redis-data-XXXXXX";
    if (::mkdtemp(dir.data()) == nullptr) {
      *error = "mkdtemp failed";
      return nullptr;
    }
    std::unique_ptr<DurableRedis> redis(new DurableRedis(port, dir, aof));
    if (redis->Launch(error)) return redis;
  }
  return nullptr;
}

DurableRedis::~DurableRedis() {
  if (process_) {
    ::kill(process_->pid(), SIGCONT);  // a paused server cannot die of SIGTERM
    (void)process_->SignalAndWait(SIGKILL, std::chrono::seconds(5));
  }
  // The data directory stays beside the logs (a failed run can be inspected).
}

bool DurableRedis::Launch(std::string* error) {
  const std::string binary = FindRedisServer();
  if (binary.empty()) {
    *error = "redis-server not installed (scripts/install-deps.sh installs it)";
    return false;
  }
  std::vector<std::string> argv = {binary, "--port", std::to_string(port_), "--bind", "127.0.0.1",
                                   "--dir", dir_, "--save", "", "--protected-mode", "yes"};
  if (aof_) {
    argv.insert(argv.end(), {"--appendonly", "yes", "--appendfsync", "always"});
  } else {
    argv.insert(argv.end(), {"--appendonly", "no"});
  }
  const std::string log = dir_ + "/redis-" + std::to_string(launches_++) + ".log";
  process_ = Subprocess::Start(argv, log, error);
  if (!process_) return false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto ended = process_->Poll()) {
      *error = "redis-server ended (" + ended->Describe() + "):\n" + process_->LogTail();
      process_.reset();
      return false;
    }
    if (Ping()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  *error = "redis-server did not answer PING within 10 s:\n" + process_->LogTail();
  return false;
}

void DurableRedis::Kill9() {
  if (process_) (void)process_->SignalAndWait(SIGKILL, std::chrono::seconds(5));
  process_.reset();
}

bool DurableRedis::Restart(std::string* error) {
  Kill9();
  // The port may linger for a moment after the kill: a few bounded tries.
  for (int attempt = 0; attempt < 20; ++attempt) {
    if (Launch(error)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

void DurableRedis::Pause() {
  if (process_) ::kill(process_->pid(), SIGSTOP);
}

void DurableRedis::Resume() {
  if (process_) ::kill(process_->pid(), SIGCONT);
}

bool DurableRedis::Ping() const {
  timeval tv{1, 0};
  redisContext* ctx = redisConnectWithTimeout("127.0.0.1", port_, tv);
  if (ctx == nullptr) return false;
  bool ok = false;
  if (!ctx->err) {
    redisSetTimeout(ctx, tv);
    Reply r = Command(ctx, {"PING"});
    ok = r && Text(r.get()) == "PONG";
  }
  redisFree(ctx);
  return ok;
}

// --- RedisView ----------------------------------------------------------------------

RedisView::RedisView(int port) {
  timeval tv{2, 0};
  ctx_ = redisConnectWithTimeout("127.0.0.1", port, tv);
  if (ctx_ != nullptr && ctx_->err) {
    redisFree(ctx_);
    ctx_ = nullptr;
  }
  if (ctx_ != nullptr) redisSetTimeout(ctx_, tv);
}

RedisView::~RedisView() {
  if (ctx_ != nullptr) redisFree(ctx_);
}

std::vector<std::string> RedisView::Scan(const std::string& pattern) {
  std::vector<std::string> keys;
  std::string cursor = "0";
  for (int rounds = 0; rounds < 100000; ++rounds) {
    Reply r = Command(ctx_, {"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2) break;
    cursor = Text(r->element[0]);
    const redisReply* batch = r->element[1];
    for (size_t i = 0; i < batch->elements; ++i) keys.push_back(Text(batch->element[i]));
    if (cursor == "0") break;
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

std::vector<StoredAppointment> RedisView::Appointments(const std::string& office) {
  std::vector<StoredAppointment> out;
  for (const std::string& key : Scan("{o:" + office + "}:a:*")) {
    Reply r = Command(ctx_, {"HGETALL", key});
    if (!r || r->type != REDIS_REPLY_ARRAY) continue;
    std::map<std::string, std::string> f;
    for (size_t i = 0; i + 1 < r->elements; i += 2) f[Text(r->element[i])] = Text(r->element[i + 1]);
    out.push_back({f["ref"], f["office"], f["desk"], f["status"], ToInt(f["start"]),
                   ToInt(f["claim_end"])});
  }
  return out;
}

std::vector<StoredClaim> RedisView::Claims(const std::string& office) {
  std::vector<StoredClaim> out;
  const std::string prefix = "{o:" + office + "}:c:";
  for (const std::string& key : Scan(prefix + "*")) {
    Reply r = Command(ctx_, {"ZRANGE", key, "0", "-1"});
    if (!r || r->type != REDIS_REPLY_ARRAY) continue;
    for (size_t i = 0; i < r->elements; ++i) {
      std::string m = Text(r->element[i]);
      StoredClaim c;
      c.desk = key.substr(prefix.size());
      std::istringstream in(m);
      std::string part;
      std::vector<std::string> parts;
      while (std::getline(in, part, ':')) parts.push_back(part);
      if (parts.size() < 5) continue;
      c.start = ToInt(parts[0]);
      c.end = ToInt(parts[1]);
      c.expires_ms = ToInt(parts[2]);
      c.kind = parts[3].empty() ? '?' : parts[3][0];
      c.id = parts[4];
      out.push_back(c);
    }
  }
  return out;
}

std::int64_t RedisView::ServerTimeMs() {
  Reply r = Command(ctx_, {"TIME"});
  if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2) return 0;
  return ToInt(Text(r->element[0])) * 1000 + ToInt(Text(r->element[1])) / 1000;
}

std::string RedisView::Run(const std::vector<std::string>& args) {
  Reply r = Command(ctx_, args);
  return Text(r.get());
}

std::vector<std::string> Overlaps(const std::vector<StoredAppointment>& appointments) {
  std::map<std::string, std::vector<const StoredAppointment*>> by_desk;
  for (const auto& a : appointments) {
    if (a.status == "cancelled") continue;
    by_desk[a.office + "/" + a.desk].push_back(&a);
  }
  std::vector<std::string> out;
  for (auto& [desk, list] : by_desk) {
    std::sort(list.begin(), list.end(),
              [](const auto* x, const auto* y) { return x->start < y->start; });
    for (size_t i = 1; i < list.size(); ++i) {
      if (list[i]->start < list[i - 1]->claim_end) {
        out.push_back(desk + ": " + list[i - 1]->reference + " and " + list[i]->reference);
      }
    }
  }
  return out;
}

// --- Replicas and targets -----------------------------------------------------------

RedisWithReplicas StartRedisWithReplicas(bool aof, int count, int hold_ttl_seconds,
                                         std::string* error) {
  RedisWithReplicas out;
  out.redis = DurableRedis::Start(aof, error);
  if (out.redis) out.replicas = StartReplicas(out.redis->url(), count, hold_ttl_seconds, error);
  return out;
}

std::vector<std::unique_ptr<ApiServer>> StartReplicas(const std::string& store, int count,
                                                      int hold_ttl_seconds, std::string* error) {
  std::vector<std::unique_ptr<ApiServer>> out;
  for (int i = 0; i < count; ++i) {
    ApiServerOptions options;
    options.store = store;
    options.hold_ttl_seconds = hold_ttl_seconds;
    options.name = "replica" + std::to_string(i);
    auto server = ApiServer::Start(options, error);
    if (!server) return {};
    out.push_back(std::move(server));
  }
  return out;
}

std::vector<Target> PickTargets(const HttpClient& api, const std::string& office,
                                const std::string& day, int count, std::chrono::minutes spacing) {
  std::vector<Target> out;
  int most = 0;
  auto slots = FreeSlots(api, office, {"kurz"}, day, day);
  for (const auto& s : slots) most = std::max(most, s.free);
  std::optional<std::chrono::sys_seconds> last;
  for (const auto& s : slots) {
    auto t = ParseRfc3339(s.start);
    if (!t || s.free != most) continue;
    if (last && *t < *last + spacing) continue;
    out.push_back({office, s.start, s.free});
    last = t;
    if (static_cast<int>(out.size()) == count) return out;
  }
  return {};
}

// --- Tally and the booking flow -----------------------------------------------------

void Tally::Add(int status) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++counts_[status];
}

int Tally::Count(int status) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = counts_.find(status);
  return it == counts_.end() ? 0 : it->second;
}

int Tally::FiveHundreds() const {
  std::lock_guard<std::mutex> lock(mutex_);
  int n = 0;
  for (const auto& [status, count] : counts_) {
    if (status >= 500) n += count;
  }
  return n;
}

int Tally::Total() const {
  std::lock_guard<std::mutex> lock(mutex_);
  int n = 0;
  for (const auto& [status, count] : counts_) n += count;
  return n;
}

std::string Tally::Describe() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string out;
  for (const auto& [status, count] : counts_) {
    if (!out.empty()) out += " ";
    out += (status == 0 ? std::string("none") : std::to_string(status)) + "x" +
           std::to_string(count);
  }
  return out.empty() ? "-" : out;
}

int HoldAndConfirm(const HttpClient& api, const std::string& office, const std::string& start,
                   const std::string& name, Tally& holds, Tally& confirms,
                   std::optional<Acknowledged>* ack) {
  Response hold = api.Post("/v1/holds", "{\"office\":" + Q(office) +
                                            ",\"services\":[\"kurz\"],\"start\":" + Q(start) + "}");
  holds.Add(hold.status);
  if (hold.status != 201) return hold.status;
  Response appt = api.Post("/v1/appointments",
                           "{\"hold_id\":" + Q(hold.Str("id")) + ",\"hold_secret\":" +
                               Q(hold.Str("secret")) + ",\"contact\":{\"name\":" + Q(name) +
                               ",\"email\":\"race@example.org\",\"language\":\"de\"}}");
  confirms.Add(appt.status);
  if (appt.status == 201) {
    *ack = Acknowledged{appt.Str("reference"), appt.Str("manage_secret"), office, start};
  }
  return hold.status;
}

double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace termin::testing
