#include "tests/harness/redis_server.h"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "tests/harness/api_server.h"
#include "tests/harness/ports.h"
#include "tests/harness/raw_http.h"

namespace termin::testing {

std::string FindRedisServer() {
  for (const char* path : {"/usr/bin/redis-server", "/usr/local/bin/redis-server"}) {
    if (::access(path, X_OK) == 0) return path;
  }
  return "";
}

std::unique_ptr<RedisServer> RedisServer::Start(std::string* error) {
  const std::string binary = FindRedisServer();
  if (binary.empty()) {
    *error = "redis-server not installed (scripts/install-deps.sh installs it)";
    return nullptr;
  }
  for (int attempt = 0; attempt < 3; ++attempt) {
    const int port = FreeLoopbackPort();
    const std::string log = TestLogDir() + "/redis-" + std::to_string(port) + ".log";
    auto proc = Subprocess::Start({binary, "--port", std::to_string(port), "--bind", "127.0.0.1",
                                   "--save", "", "--appendonly", "no", "--protected-mode", "yes"},
                                  log, error);
    if (!proc) return nullptr;
    std::unique_ptr<RedisServer> server(new RedisServer(port, std::move(*proc)));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      if (server->process_.Poll()) break;  // port taken: try another
      if (server->Command({"PING"}) == "+PONG\r\n") return server;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    *error = "redis-server did not answer PING:\n" + server->process_.LogTail();
  }
  return nullptr;
}

std::string RedisServer::Command(const std::vector<std::string>& args) const {
  std::string resp = "*" + std::to_string(args.size()) + "\r\n";
  for (const auto& a : args) resp += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  RawOptions options;
  options.timeout = std::chrono::milliseconds(2000);
  // Simple replies (+OK, -ERR, :1) end with the first CRLF; a bulk string
  // ($n) after n more bytes and a CRLF. Arrays are not needed here.
  options.complete = [](const std::string& data) {
    size_t eol = data.find("\r\n");
    if (eol == std::string::npos) return false;
    if (data[0] != '$') return true;
    long n = std::atol(data.c_str() + 1);
    return n < 0 || data.size() >= eol + 2 + static_cast<size_t>(n) + 2;
  };
  RawResponse r = SendRaw(port_, resp, options);
  return r.complete ? r.raw : std::string();
}

std::optional<ExitInfo> RedisServer::Stop() {
  return process_.SignalAndWait(SIGTERM, std::chrono::milliseconds(10000));
}

}  // namespace termin::testing
