// Connections to Redis: a fixed pool of hiredis contexts with timeouts,
// fail-fast while Redis is down, reconnection with backoff, and EVALSHA of
// the store's scripts.
//
// A hiredis context is not thread-safe, so a context is only ever used by the
// thread that leased it (RedisPool::Lease); leases are handed out from a
// fixed set of slots, and a thread waits (bounded by the command timeout) for
// a free slot. A context that saw an I/O error or a timeout is dropped: its
// reply stream can no longer be trusted. The slot reconnects on its next
// lease. After a failed connect the whole pool is "down" for a backoff that
// doubles from reconnect_backoff_min to reconnect_backoff_max: meanwhile every
// lease fails at once with Unavailable instead of waiting for a connect
// timeout, and one lease after the backoff probes again. When Redis is back,
// the probe succeeds and service resumes; nobody restarts anything.
//
// With Sentinel (RedisOptions::sentinels), every new connection first asks
// the sentinels in turn for the primary of `sentinel_master` (SENTINEL
// get-master-addr-by-name) and keeps it only if it says ROLE master, so a
// failover is followed without a restart: the old primary's connections
// fail (I/O error, or READONLY once it is demoted, which drops the context
// too) and the next lease asks the sentinels again.
//
// With Redis Cluster (RedisOptions::cluster), the pool reads the slot map
// (CLUSTER SLOTS) from the seed nodes and routes every command to the
// primary of its key's hash slot (redis_cluster.h); a lease keeps one
// connection per node it has talked to, and gives them back together. A
// MOVED reply points the slot at the node it names, marks the map stale (it
// is read again, at most every 100 ms, by the next command) and sends the
// command there; an ASK reply (a slot being migrated) sends ASKING and the
// command to the named node once, without touching the map; TRYAGAIN (keys
// of one step split across a migration) is retried a few times after a short
// pause. An I/O error drops that node's connection and marks the map stale,
// so a failover's new primary is found by the next command. A command
// without a key (WAIT, SCRIPT LOAD, PING) goes to the node this lease spoke
// to last: WAIT thus waits for the replicas of the node the booking step ran
// on. Commands of one Pipeline go in runs of consecutive commands for the
// same node; a redirected command of a run is sent again after its run. A
// command whose keys are in different slots is refused before it is sent.
//
// Each new connection loads every script (SCRIPT LOAD, pipelined): a Redis
// that restarted has an empty script cache. A NOSCRIPT reply (SCRIPT FLUSH,
// failover to a replica that never saw the scripts) reloads and retries once.
//
// The process must ignore SIGPIPE (termin-api's main does): hiredis writes
// with write(2), and a write to a connection Redis closed raises it.
//
// Thread safety: RedisPool is safe to use from many threads; a Lease belongs
// to one thread.
#ifndef TERMIN_SERVICE_REDIS_REDIS_CONNECTION_H_
#define TERMIN_SERVICE_REDIS_REDIS_CONNECTION_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "scheduler/status.h"
#include "service/redis/redis_cluster.h"
#include "service/redis/redis_scripts.h"

struct redisContext;
struct redisReply;

namespace termin::service {

struct RedisOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  // AUTH on every new connection when password is set: "AUTH user password"
  // with an ACL user, "AUTH password" (the default user) without.
  std::string user;
  std::string password;
  int db = 0;  // SELECT on every new connection when not 0
  // Redis Sentinel: host:port of each sentinel and the name of the watched
  // primary; host and port above are then unused. Empty: a plain Redis.
  std::vector<std::pair<std::string, int>> sentinels;
  std::string sentinel_master;
  // Redis Cluster: host:port of some nodes (seeds) to read the slot map
  // from; host and port above are then the first seed. db must be 0.
  bool cluster = false;
  std::vector<std::pair<std::string, int>> cluster_seeds;
  std::chrono::milliseconds connect_timeout{500};
  std::chrono::milliseconds command_timeout{1000};  // also the wait for a free connection
  std::size_t pool_size = 8;                        // e.g. the number of API worker threads
  std::string key_prefix;                           // in front of every key; no '{' or '}'
  std::chrono::milliseconds reconnect_backoff_min{50};
  std::chrono::milliseconds reconnect_backoff_max{2000};
  // How long an expired hold is still known (so a late confirm gets Gone
  // rather than NotFound) before Redis deletes it.
  std::chrono::milliseconds hold_retention{std::chrono::hours(1)};
  // Evaluation tallies in the booking scripts (api/tally.h). Off only to
  // measure what they cost (termin-api --bench-no-tallies).
  bool tallies = true;
  // Durability: after each booking step (place_hold, confirm_hold,
  // create_appointment, cancel, move, confirm_opt_in) send WAIT
  // wait_replicas wait_timeout on the same connection. 0 = no WAIT (the
  // default). A short count does not change the answer (the step is
  // written on the primary; a 503 would make the client retry a booking
  // that exists): it is counted (short_waits) and logged once when it starts
  // and once when it ends. docs/redis.md "WAIT".
  int wait_replicas = 0;
  std::chrono::milliseconds wait_timeout{0};
};

// Parses "redis://[user[:password]@]host[:port][/db]" (port defaults to
// 6379, db to 0), "redis+sentinel://[user[:password]@]host[:port][,host[:port]...]/master[/db]"
// (sentinels, port 26379 by default; the password is the data nodes', the
// sentinels are asked without one) or
// "redis+cluster://[user[:password]@]host[:port][,host[:port]...]" (seed
// nodes of a Redis Cluster, port 6379 by default; user and password apply
// to every node; no db) into options, keeping the other fields at
// their defaults. User and password are percent-decoded. InvalidArgument if
// malformed.
Result<RedisOptions> ParseRedisUrl(const std::string& url);

// True for "redis://...", "redis+sentinel://..." and "redis+cluster://..."
// (what ParseRedisUrl reads),
// and for "rediss://", which ParseRedisUrl refuses with a message that says
// why (no TLS in Debian 12's hiredis 0.14) and what to do instead.
bool IsRedisUrl(const std::string& spec);

// ParseRedisUrl, then the password from the environment, so that it never
// has to stand in argv (where ps and the pod spec show it):
// TERMIN_REDIS_PASSWORD_FILE (a mounted secret; one trailing newline is
// dropped) or else TERMIN_REDIS_PASSWORD; TERMIN_REDIS_USER sets the ACL
// user. The environment wins over the URL. Used by every program that takes
// --store. InvalidArgument if the file cannot be read.
Result<RedisOptions> RedisOptionsFromUrl(const std::string& url);

struct RedisReplyDeleter {
  void operator()(redisReply* r) const;
};
using RedisReply = std::unique_ptr<redisReply, RedisReplyDeleter>;

// Status for a Redis error reply: Unavailable for states that pass (LOADING,
// BUSY, MASTERDOWN, READONLY, OOM, TRYAGAIN, CLUSTERDOWN, NOREPLICAS), Internal
// otherwise.
Status ErrorReplyStatus(const redisReply& reply, const char* what);

class RedisPool {
 public:
  class Lease;

  // Connects one context and loads the scripts; Unavailable if Redis cannot
  // be reached now.
  static Result<std::unique_ptr<RedisPool>> Create(const RedisOptions& options);
  ~RedisPool();
  RedisPool(const RedisPool&) = delete;
  RedisPool& operator=(const RedisPool&) = delete;

  // A connected context for this thread, or Unavailable (Redis down, or no
  // free slot within the command timeout).
  Result<Lease> Acquire();

  const RedisOptions& options() const { return options_; }
  bool cluster() const { return options_.cluster; }
  // Booking steps whose WAIT saw fewer replicas than wait_replicas.
  std::uint64_t short_waits() const { return short_waits_.load(); }
  // Redis Cluster redirects followed, by kind.
  std::uint64_t moved_redirects() const { return moved_.load(); }
  std::uint64_t ask_redirects() const { return asks_.load(); }

 private:
  struct NodeConn {
    std::string address;  // "host:port" of a cluster node
    redisContext* ctx = nullptr;
  };
  struct Slot {
    redisContext* ctx = nullptr;  // null = must (re)connect; unused with a cluster
    std::vector<NodeConn> nodes;  // with a cluster: this slot's connections
    bool busy = false;
  };

  explicit RedisPool(RedisOptions options);
  // Connects `*ctx` and loads the scripts (fills shas_ on first use).
  Status Connect(redisContext** ctx);
  // A context on the current primary: options_.host:port, or the one the
  // sentinels name (checked with ROLE). Authenticated and SELECTed.
  Result<redisContext*> ConnectPrimary() const;
  Status Authenticate(redisContext* ctx) const;
  // SCRIPT LOAD of every script on `c` (fills shas_ on first use); frees `c` on failure.
  Status LoadScripts(redisContext* c);
  // Cluster: a connection to `node`, authenticated, with the scripts loaded.
  Result<redisContext*> ConnectNode(const ClusterNode& node);
  // Cluster: reads CLUSTER SLOTS from a known node or a seed.
  Status RefreshSlotMap();
  // Cluster: the primary of `slot`, after a refresh if the map is stale.
  Result<ClusterNode> NodeForSlot(int slot);
  // Cluster: any primary (for a keyless command on a fresh lease).
  Result<ClusterNode> AnyNode();
  std::vector<ClusterNode> Primaries();  // of the current map
  bool MapComplete();
  void NoteMoved(const Redirect& r);
  void MarkMapStale();
  void Release(std::size_t slot, redisContext* ctx, std::vector<NodeConn> nodes);
  void MarkSuspect();  // after an I/O error: reconnect by single probes
  void NoteWait(bool enough, long long acked);
  // One log line when Redis stops answering connects, one when it answers again.
  void NoteReachable(bool reachable, const Status& why);  // under mutex_

  const RedisOptions options_;
  std::vector<std::string> shas_;  // written once in Create, read-only after

  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<Slot> slots_;                                  // GUARDED_BY(mutex_)
  std::chrono::steady_clock::time_point down_until_{};       // GUARDED_BY(mutex_)
  std::chrono::milliseconds backoff_{0};                     // GUARDED_BY(mutex_)
  bool healthy_ = true;                                      // GUARDED_BY(mutex_)
  bool outage_logged_ = false;                               // GUARDED_BY(mutex_)
  std::chrono::steady_clock::time_point outage_since_{};     // GUARDED_BY(mutex_)
  std::atomic<std::uint64_t> short_waits_{0};
  std::atomic<std::uint64_t> moved_{0};
  std::atomic<std::uint64_t> asks_{0};
  // Cluster: the slot map. Refreshed by one thread at a time (refresh_mutex_,
  // taken with try_lock: the others route by the map they have).
  std::mutex map_mutex_;
  SlotMap map_;                                              // GUARDED_BY(map_mutex_)
  bool map_stale_ = false;                                   // GUARDED_BY(map_mutex_)
  std::chrono::steady_clock::time_point map_read_{};         // GUARDED_BY(map_mutex_)
  std::mutex refresh_mutex_;
  std::uint64_t short_waits_logged_ = 0;                     // GUARDED_BY(mutex_)
  bool short_wait_logged_ = false;                           // GUARDED_BY(mutex_)
};

class RedisPool::Lease {
 public:
  Lease(Lease&& other) noexcept;
  Lease& operator=(Lease&&) = delete;
  Lease(const Lease&) = delete;
  ~Lease();

  // One command. Error replies come back as replies; I/O errors and
  // timeouts as Unavailable (the outcome of a write is then unknown).
  Result<RedisReply> Command(const std::vector<std::string>& argv);
  // Several commands in one round trip; replies in order.
  Result<std::vector<RedisReply>> Pipeline(const std::vector<std::vector<std::string>>& commands);
  // EVALSHA of a script; reloads and retries once on NOSCRIPT. An error reply
  // becomes a Status (ErrorReplyStatus).
  Result<RedisReply> Eval(RedisScript script, const std::vector<std::string>& keys,
                          const std::vector<std::string>& args);
  // Readiness: PING; with a cluster, every slot has a primary and every
  // primary answers CLUSTER INFO with cluster_state:ok.
  Status Health();
  // `before`, then EVALSHA of `script`, in one round trip (one AOF fsync for
  // all of them with appendfsync always). Replies of `before` in order, then
  // the script's. Error replies of `before` come back as replies; the
  // script's as a Status, as Eval. On NOSCRIPT only the script is sent again
  // (after SCRIPT LOAD): `before` runs exactly once.
  Result<std::vector<RedisReply>> PipelineEval(const std::vector<std::vector<std::string>>& before,
                                               RedisScript script,
                                               const std::vector<std::string>& keys,
                                               const std::vector<std::string>& args);

 private:
  friend class RedisPool;
  Lease(RedisPool* pool, std::size_t slot, redisContext* ctx, std::vector<NodeConn> nodes = {})
      : pool_(pool), slot_(slot), ctx_(ctx), nodes_(std::move(nodes)) {}
  Status Broken();  // drops the context after an I/O error
  // Cluster: one command, routed and redirected; a pipeline in runs per node.
  Result<RedisReply> ClusterCommand(const std::vector<std::string>& argv);
  Result<std::vector<RedisReply>> ClusterPipeline(const std::vector<std::vector<std::string>>& commands);
  Result<ClusterNode> Target(const std::vector<std::string>& argv);
  Result<redisContext*> Conn(const ClusterNode& node);
  Status DropNode(const std::string& address);  // after an I/O error on it
  void DropIfDemoted(const redisReply& r);
  Result<RedisReply> EvalScript(RedisScript script, const std::vector<std::string>& keys,
                                const std::vector<std::string>& args);
  void WaitForReplicas(RedisScript script);  // after a booking step, if configured

  RedisPool* pool_;
  std::size_t slot_;
  redisContext* ctx_;
  std::vector<NodeConn> nodes_;  // cluster: one connection per node
  std::string last_node_;        // cluster: where the last command went
};

}  // namespace termin::service

#endif  // TERMIN_SERVICE_REDIS_REDIS_CONNECTION_H_
