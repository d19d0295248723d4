// What the replica and fault tests share: a redis-server they can kill -9,
// pause (SIGSTOP) and restart on the same port and data directory; a direct
// hiredis view of what Redis holds (read independently of the API and of
// RedisStore's code); several termin-api replicas on one Redis; and a
// client that races for places and tallies the answers.
//
// Everything runs on loopback; every wait is bounded.
//
// Thread safety: DurableRedis and RedisView from one thread; Tally from many.
#ifndef TERMIN_TESTS_REPLICAS_REPLICA_ENV_H_
#define TERMIN_TESTS_REPLICAS_REPLICA_ENV_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "tests/harness/api_server.h"
#include "tests/harness/city.h"
#include "tests/harness/http_client.h"
#include "tests/harness/subprocess.h"

struct redisContext;

namespace termin::testing {

// A redis-server on a fixed loopback port with its own data directory.
// With `aof`, every write is appended and fsynced before the reply
// (appendonly yes, appendfsync always: deploy/redis.conf's setting), so a
// restart after kill -9 finds every acknowledged write.
class DurableRedis {
 public:
  // nullptr and *error if it does not answer PING within 10 s.
  static std::unique_ptr<DurableRedis> Start(bool aof, std::string* error);
  ~DurableRedis();

  int port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

  const std::string& dir() const { return dir_; }  // its data directory
  void Kill9();                             // SIGKILL and reap
  bool Restart(std::string* error);         // same port, same directory
  void Pause();                             // SIGSTOP: connections hang
  void Resume();                            // SIGCONT
  bool Ping() const;

 private:
  DurableRedis(int port, std::string dir, bool aof) : port_(port), dir_(std::move(dir)), aof_(aof) {}
  bool Launch(std::string* error);

  int port_;
  std::string dir_;
  bool aof_;
  int launches_ = 0;
  std::optional<Subprocess> process_;
};

// An appointment as Redis holds it ({o:X}:a:<ref> hash; times in minutes).
struct StoredAppointment {
  std::string reference, office, desk, status;
  std::int64_t start = 0, claim_end = 0;
};

// A claim member of a desk's sorted set: "<start>:<end>:<expires_ms>:<h|a>:<id>".
struct StoredClaim {
  std::string desk;
  std::int64_t start = 0, end = 0, expires_ms = 0;
  char kind = '?';
  std::string id;
};

// A synchronous hiredis connection (2 s timeouts) for checking what Redis holds.
class RedisView {
 public:
  explicit RedisView(int port);
  ~RedisView();
  RedisView(const RedisView&) = delete;
  RedisView& operator=(const RedisView&) = delete;

  bool ok() const { return ctx_ != nullptr; }
  std::vector<StoredAppointment> Appointments(const std::string& office);
  std::vector<StoredClaim> Claims(const std::string& office);
  std::int64_t ServerTimeMs();
  // Any command; its reply as text ("" for arrays, nil or no reply).
  std::string Run(const std::vector<std::string>& args);

 private:
  std::vector<std::string> Scan(const std::string& pattern);
  redisContext* ctx_ = nullptr;
};

// Pairs of appointments on one desk whose claims overlap (should be none),
// described for failure messages.
std::vector<std::string> Overlaps(const std::vector<StoredAppointment>& appointments);

// Replicas of termin-api on one Redis (`store` = its URL).
std::vector<std::unique_ptr<ApiServer>> StartReplicas(const std::string& store, int count,
                                                      int hold_ttl_seconds, std::string* error);

// A redis-server and `count` replicas on it: how most replica tests begin.
// If either does not start, *error says why and `replicas` is short of
// `count`.
struct RedisWithReplicas {
  std::unique_ptr<DurableRedis> redis;
  std::vector<std::unique_ptr<ApiServer>> replicas;
};
RedisWithReplicas StartRedisWithReplicas(bool aof, int count, int hold_ttl_seconds,
                                         std::string* error);

// A place to race for: a start at an office and how many desks are free there.
struct Target {
  std::string office;
  std::string start;
  int places = 0;
};

// `count` starts at `office` on `day` for service kurz, each at least
// `spacing` after the previous one (so no two share a desk interval), each
// with every desk free. Empty if the day does not have that many.
std::vector<Target> PickTargets(const HttpClient& api, const std::string& office,
                                const std::string& day, int count, std::chrono::minutes spacing);

// Counts of answers by status (0 = no answer: connection refused or reset).
class Tally {
 public:
  void Add(int status);
  int Count(int status) const;
  int FiveHundreds() const;  // every 5xx
  int Total() const;
  std::string Describe() const;

 private:
  mutable std::mutex mutex_;
  std::map<int, int> counts_;  // GUARDED_BY(mutex_)
};

// A confirmed appointment as its client saw it (201).
struct Acknowledged {
  std::string reference;
  std::string manage_secret;
  std::string office;
  std::string start;
};

// Hold then confirm, both on `api`; fills *ack on a 201 confirm. Statuses go
// to the tallies. Returns the hold's status.
int HoldAndConfirm(const HttpClient& api, const std::string& office, const std::string& start,
                   const std::string& name, Tally& holds, Tally& confirms,
                   std::optional<Acknowledged>* ack);

// Seconds since `t0`, for reports.
double SecondsSince(std::chrono::steady_clock::time_point t0);

}  // namespace termin::testing

#endif  // TERMIN_TESTS_REPLICAS_REPLICA_ENV_H_
