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

}  // namespace termin::service

#endif  // TERMIN_SERVICE_REDIS_REDIS_TEST_SERVER_H_
