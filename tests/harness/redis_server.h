// A throw-away redis-server for tests of the Redis store: loopback only, no
// persistence (--save '' --appendonly no), on a free port, stopped with
// SIGTERM at the end. Ready once it answers PING.
//
// Thread safety: Start/Stop from one thread; port() from any.
#ifndef TERMIN_TESTS_HARNESS_REDIS_SERVER_H_
#define TERMIN_TESTS_HARNESS_REDIS_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "tests/harness/subprocess.h"

namespace termin::testing {

// The Debian redis-server binary's path, or "" if it is not installed.
std::string FindRedisServer();

class RedisServer {
 public:
  // nullptr and *error when redis-server is missing or does not come up
  // within 10 s.
  static std::unique_ptr<RedisServer> Start(std::string* error);

  int port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }
  // One command in RESP, the raw reply ("+PONG\r\n"); "" on failure.
  std::string Command(const std::vector<std::string>& args) const;
  std::optional<ExitInfo> Stop();

 private:
  RedisServer(int port, Subprocess process) : port_(port), process_(std::move(process)) {}
  int port_;
  Subprocess process_;
};

}  // namespace termin::testing

#endif  // TERMIN_TESTS_HARNESS_REDIS_SERVER_H_
