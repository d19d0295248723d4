#include "service/redis/redis_test_server.h"

#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include "service/child_process.h"

namespace termin::service {
namespace {

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

bool Pings(int port) {
  timeval tv{0, 200000};
  redisContext* c = redisConnectWithTimeout("127.0.0.1", port, tv);
  bool ok = false;
  if (c && !c->err) {
    redisSetTimeout(c, tv);
    auto* r = static_cast<redisReply*>(redisCommand(c, "PING"));
    // A server started with --requirepass answers NOAUTH: it is up all the same.
    ok = r && ((r->type == REDIS_REPLY_STATUS && std::strcmp(r->str, "PONG") == 0) ||
               (r->type == REDIS_REPLY_ERROR && std::strncmp(r->str, "NOAUTH", 6) == 0));
    if (r) freeReplyObject(r);
  }
  if (c) redisFree(c);
  return ok;
}

}  // namespace

Result<std::unique_ptr<RedisTestServer>> RedisTestServer::Start(std::vector<std::string> extra) {
  ::signal(SIGPIPE, SIG_IGN);
  if (extra.empty()) extra = {"--save", "", "--appendonly", "no"};
  char tmpl[] = "/tmp/termin-redis-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return Status::Internal("mkdtemp failed");
  std::string dir = tmpl;
  Status last = Status::Internal("no free port");
  for (int attempt = 0; attempt < 5; ++attempt) {  // another process may take the port
    int port = FreePort();
    if (port == 0) continue;
    std::unique_ptr<RedisTestServer> s(new RedisTestServer(port, dir, extra));
    last = s->Launch();
    if (last.ok()) return s;
  }
  std::filesystem::remove_all(dir);
  return last;
}

RedisTestServer::~RedisTestServer() {
  (void)Kill();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

Status RedisTestServer::Launch() {
  std::vector<std::string> args = {"redis-server", "--port", std::to_string(port_), "--bind",
                                   "127.0.0.1", "--dir", dir_, "--daemonize", "no"};
  args.insert(args.end(), extra_.begin(), extra_.end());
  std::string log = dir_ + "/redis.log";
  pid_t pid = ::fork();
  if (pid < 0) return Status::Internal("fork failed");
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execvp("redis-server", argv.data());
    ::_exit(127);
  }
  pid_ = pid;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return Status::Unavailable("redis-server exited at start (see " + log + ")");
    }
    if (Pings(port_)) return Status::Ok();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  (void)Kill();
  return Status::Unavailable("redis-server did not answer within 5 s");
}

Status RedisTestServer::Kill() {
  if (pid_ < 0) return Status::Ok();
  if (!SignalAndReap(pid_, SIGKILL, std::chrono::seconds(5))) {
    return Status::Internal("redis-server did not end");
  }
  pid_ = -1;
  return Status::Ok();
}

Status RedisTestServer::Restart() {
  if (Status s = Kill(); !s.ok()) return s;
  return Launch();
}

}  // namespace termin::service
