// A real termin-api process for black-box tests: started on a free loopback
// port with the test city and the test keys, ready once GET /healthz answers
// 200, stopped with SIGTERM (bounded wait, then SIGKILL by the destructor).
//
// The binary path comes from CMake (TERMIN_API_BIN = $<TARGET_FILE:termin-api>)
// so the ASan build tests the ASan binary; paths are relative to the source
// root, where ctest runs the tests (TERMIN_SOURCE_DIR).
//
// Thread safety: Start/Stop from one thread; client() and port() may be used
// from many threads once started.
#ifndef TERMIN_TESTS_HARNESS_API_SERVER_H_
#define TERMIN_TESTS_HARNESS_API_SERVER_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/harness/http_client.h"
#include "tests/harness/redis_server.h"
#include "tests/harness/subprocess.h"

namespace termin::testing {

struct ApiServerOptions {
  std::string seed = "data/test-city.json";
  std::string keys = "tests/fixtures/keys.json";
  int hold_ttl_seconds = 0;  // > 0: --hold-ttl-override-seconds
  int threads = 4;
  // false: the fair-use limits are off (--...-per-minute 0 and so on);
  // true: termin-api's defaults, changed by extra_args.
  bool fair_use_limits = false;
  std::vector<std::string> extra_args;
  std::string name = "api";  // log file name part
  // The --store to use. "" = as the environment variable TERMIN_TEST_STORE
  // says: "redis" starts a throw-away redis-server (redis_server.h) owned by
  // this server, anything else is the embedded store. A "redis://..." value
  // is passed through (replicas sharing one Redis the test started).
  std::string store;
};

class ApiServer {
 public:
  // Starts the server and waits (up to 30 s) for /healthz 200. Retries on a
  // new port if the process ends early (the port was taken meanwhile).
  // nullptr and *error on failure (with the server's log tail).
  static std::unique_ptr<ApiServer> Start(const ApiServerOptions& options, std::string* error);

  int port() const { return port_; }
  const HttpClient& client() const { return client_; }
  Subprocess& process() { return process_; }

  // SIGTERM and a wait of at most `timeout_ms`; nullopt if it did not end.
  std::optional<ExitInfo> Stop(int timeout_ms = 10000);
  // True while the process runs (not reaped).
  bool Running();
  // The redis-server this server owns (TERMIN_TEST_STORE=redis), else null.
  RedisServer* redis() { return redis_.get(); }

  ~ApiServer();  // the process first, then its own redis-server

 private:
  ApiServer(int port, Subprocess process) : port_(port), client_(port), process_(std::move(process)) {}

  int port_;
  HttpClient client_;
  std::unique_ptr<RedisServer> redis_;  // declared before process_: outlives it
  Subprocess process_;
};

// The server shared by one test executable (default options), started on
// first use. Aborts the test run with a message if it cannot start.
ApiServer& SharedServer();
// Stops the shared server if it was started; nullopt if never started.
// Prints its log tail to stderr when the exit is not clean.
std::optional<ExitInfo> StopSharedServer(bool* started);

// The directory for server logs (created on demand).
std::string TestLogDir();

}  // namespace termin::testing

#endif  // TERMIN_TESTS_HARNESS_API_SERVER_H_
