// A real redis-server for tests: started on a free loopback port in a fresh
// temporary directory, with no persistence unless asked, and killed when the
// object goes. Stop() and Restart() (same port, same directory) let tests
// take Redis away and bring it back under a live store.
//
// The child gets SIGKILL if the test process dies (PR_SET_PDEATHSIG), so a
// crashed test leaves no server behind. Start() also ignores SIGPIPE in the
// test process, as termin-api's main does (see redis_connection.h).
//
// Thread safety: one thread drives a RedisTestServer.
#ifndef TERMIN_SERVICE_REDIS_REDIS_TEST_SERVER_H_
#define TERMIN_SERVICE_REDIS_REDIS_TEST_SERVER_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "scheduler/status.h"

namespace termin::service {

class RedisTestServer {
 public:
  // `extra` is appended to the command line, e.g. {"--appendonly", "yes"};
  // the default is {"--save", "", "--appendonly", "no"}. Waits up to 5 s for
  // PING to answer.
  static Result<std::unique_ptr<RedisTestServer>> Start(std::vector<std::string> extra = {});
  ~RedisTestServer();
  RedisTestServer(const RedisTestServer&) = delete;
  RedisTestServer& operator=(const RedisTestServer&) = delete;

  int port() const { return port_; }
  const std::string& dir() const { return dir_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

  // SIGKILL (a crash, not a clean shutdown) and reap, bounded.
  Status Kill();
  // Starts again on the same port and directory; waits for PING.
  Status Restart();

 private:
  RedisTestServer(int port, std::string dir, std::vector<std::string> extra)
      : port_(port), dir_(std::move(dir)), extra_(std::move(extra)) {}
  Status Launch();

  int port_;
  std::string dir_;
  std::vector<std::string> extra_;
  pid_t pid_ = -1;
};

// A Redis Cluster for tests: `primaries` redis-server processes with
// --cluster-enabled yes (each its own directory and nodes.conf) on free
// loopback ports, joined with `redis-cli --cluster create ...
// --cluster-replicas 0 --cluster-yes`, ready once every node answers
// cluster_state:ok. Killed when the object goes. The slot helpers move one
// slot from its node to another as `redis-cli --cluster reshard` does, in
// two halves so that a test can act in between (ASK) and after (MOVED).
//
// Thread safety: one thread drives a RedisTestCluster.
class RedisTestCluster {
 public:
  // With `replicas` > 0, that many replicas per primary (redis-cli
  // --cluster-replicas), ready once every replica's link to its primary is up.
  static Result<std::unique_ptr<RedisTestCluster>> Start(int primaries = 3, int replicas = 0);
  RedisTestCluster(const RedisTestCluster&) = delete;
  RedisTestCluster& operator=(const RedisTestCluster&) = delete;

  // redis+cluster://127.0.0.1:<port>,... (every node a seed).
  std::string url() const;
  std::vector<int> ports() const;
  // The port of the primary serving `slot`, as the node on ports()[0] sees it; 0 if unknown.
  int PortOfSlot(int slot) const;

  // SETSLOT IMPORTING on `to_port`, MIGRATING on the slot's owner, and
  // MIGRATE of every key of the slot: from now on the owner answers ASK for
  // the slot's keys (they are on `to_port` already).
  Status BeginMigration(int slot, int to_port);
  // SETSLOT NODE on every node: the slot belongs to `to_port`; clients that
  // still route to the old owner get MOVED.
  Status FinishMigration(int slot, int to_port);
  // SIGKILL of node `index` (a crash; no replica takes over).
  Status KillNode(std::size_t index) { return nodes_.at(index)->Kill(); }
  Status KillPort(int port);

 private:
  RedisTestCluster() = default;

  std::vector<std::unique_ptr<RedisTestServer>> nodes_;
};

// The cluster shared by the tests of one process (started on first use and
// killed at exit); aborts the process with a message if it cannot start.
RedisTestCluster& SharedTestCluster();

}  // namespace termin::service

#endif  // TERMIN_SERVICE_REDIS_REDIS_TEST_SERVER_H_
