#include "tests/harness/api_server.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "tests/harness/ports.h"

#ifndef TERMIN_API_BIN
#error "TERMIN_API_BIN must name the termin-api binary"
#endif
#ifndef TERMIN_TEST_LOG_DIR
#define TERMIN_TEST_LOG_DIR "/tmp"
#endif

namespace termin::testing {

std::string TestLogDir() {
  std::string dir = TERMIN_TEST_LOG_DIR;
  ::mkdir(dir.c_str(), 0755);
  return dir;
}

ApiServer::~ApiServer() = default;

std::unique_ptr<ApiServer> ApiServer::Start(const ApiServerOptions& options, std::string* error) {
  static std::atomic<int> counter{0};
  std::string store = options.store;
  std::unique_ptr<RedisServer> redis;
  if (store.empty()) {
    const char* env = std::getenv("TERMIN_TEST_STORE");
    if (env != nullptr && std::string(env) == "redis") {
      redis = RedisServer::Start(error);
      if (!redis) return nullptr;
      store = redis->url();
    }
  }
  for (int attempt = 0; attempt < 3; ++attempt) {
    const int port = FreeLoopbackPort();
    if (port == 0) {
      *error = "no free loopback port";
      return nullptr;
    }
    // TERMIN_TEST_API_BIN runs the tests against another build (e.g. an
    // older binary, to see a regression test fail on the code it guards).
    const char* bin_override = std::getenv("TERMIN_TEST_API_BIN");
    std::vector<std::string> argv = {bin_override && *bin_override ? bin_override : TERMIN_API_BIN,
                                     "--port", std::to_string(port),
                                     "--bind", "127.0.0.1",
                                     "--threads", std::to_string(options.threads),
                                     "--seed", options.seed,
                                     "--keys", options.keys};
    if (options.hold_ttl_seconds > 0) {
      argv.push_back("--hold-ttl-override-seconds");
      argv.push_back(std::to_string(options.hold_ttl_seconds));
    }
    if (!store.empty()) {
      argv.push_back("--store");
      argv.push_back(store);
    }
    if (!options.fair_use_limits) {
      // The tests send thousands of requests from one address: the
      // limits are tested by themselves (tests/blackbox/fair_use_test.cc).
      for (const char* flag : {"--public-requests-per-minute", "--staff-requests-per-minute",
                               "--open-holds-per-client"}) {
        argv.push_back(flag);
        argv.push_back("0");
      }
    }
    for (const auto& a : options.extra_args) argv.push_back(a);
    const std::string log = TestLogDir() + "/" + options.name + "-" + std::to_string(::getpid()) +
                            "-" + std::to_string(counter++) + ".log";
    auto proc = Subprocess::Start(argv, log, error);
    if (!proc) return nullptr;

    std::unique_ptr<ApiServer> server(new ApiServer(port, std::move(*proc)));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      if (auto ended = server->process_.Poll()) {
        *error = "termin-api ended during start-up (" + ended->Describe() + "), log " + log +
                 ":\n" + server->process_.LogTail();
        break;  // retry on another port
      }
      Response r = server->client_.Get("/healthz");
      if (r.status == 200) {
        server->redis_ = std::move(redis);
        return server;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (!server->process_.Poll()) {
      *error = "termin-api did not answer /healthz 200 within 30 s, log " + log + ":\n" +
               server->process_.LogTail();
      return nullptr;
    }
  }
  return nullptr;
}

std::optional<ExitInfo> ApiServer::Stop(int timeout_ms) {
  return process_.SignalAndWait(SIGTERM, std::chrono::milliseconds(timeout_ms));
}

bool ApiServer::Running() { return !process_.Poll().has_value(); }

namespace {

std::mutex g_shared_mu;
std::unique_ptr<ApiServer> g_shared;

}  // namespace

ApiServer& SharedServer() {
  std::lock_guard<std::mutex> lock(g_shared_mu);
  if (!g_shared) {
    std::string error;
    ApiServerOptions options;
    options.name = "shared";
    g_shared = ApiServer::Start(options, &error);
    if (!g_shared) {
      std::fprintf(stderr, "cannot start the shared termin-api: %s\n", error.c_str());
      std::exit(2);
    }
  }
  return *g_shared;
}

std::optional<ExitInfo> StopSharedServer(bool* started) {
  std::lock_guard<std::mutex> lock(g_shared_mu);
  *started = g_shared != nullptr;
  if (!g_shared) return std::nullopt;
  auto info = g_shared->Stop(10000);
  if (!info || !info->clean()) {
    std::fprintf(stderr, "shared termin-api did not stop cleanly (%s); log tail:\n%s\n",
                 info ? info->Describe().c_str() : "still running after 10 s",
                 g_shared->process().LogTail(8000).c_str());
  }
  g_shared.reset();
  return info;
}

}  // namespace termin::testing
