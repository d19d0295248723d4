#include "service/redis/redis_test_server.h"

#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
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
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);  // a failed attempt's destructor removed it
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
  if (std::find(extra_.begin(), extra_.end(), "--cluster-enabled") != extra_.end()) {
    // The cluster bus would be port + 10000, beyond 65535 for many
    // ephemeral ports (or taken): a free port of its own.
    args.insert(args.end(), {"--cluster-port", std::to_string(FreePort())});
  }
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

// --- RedisTestCluster ------------------------------------------------------------

namespace {

struct ReplyFree {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyFree>;

// One command on a fresh connection to 127.0.0.1:port; null if no answer.
Reply Send(int port, const std::vector<std::string>& args) {
  timeval tv{5, 0};
  redisContext* c = redisConnectWithTimeout("127.0.0.1", port, tv);
  if (c == nullptr || c->err) {
    if (c) redisFree(c);
    return nullptr;
  }
  redisSetTimeout(c, tv);
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const std::string& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* r = static_cast<redisReply*>(
      redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data()));
  redisFree(c);
  return Reply(r);
}

std::string Text(const Reply& r) {
  return r && r->str != nullptr ? std::string(r->str, r->len) : std::string();
}

Status Expect(const Reply& r, const std::string& what) {
  if (!r) return Status::Unavailable(what + ": no answer");
  if (r->type == REDIS_REPLY_ERROR) return Status::Internal(what + ": " + Text(r));
  return Status::Ok();
}

// Runs argv (searched in PATH) with its output into `log`; the exit code, or -1.
int Run(std::vector<std::string> args, const std::string& log, std::chrono::seconds within) {
  pid_t pid = ::fork();
  if (pid < 0) return -1;
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
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  (void)SignalAndReap(pid, SIGKILL, std::chrono::seconds(2));
  return -1;
}

}  // namespace

Result<std::unique_ptr<RedisTestCluster>> RedisTestCluster::Start(int primaries, int replicas) {
  std::unique_ptr<RedisTestCluster> cluster(new RedisTestCluster());
  for (int i = 0; i < primaries * (1 + replicas); ++i) {
    // A short node timeout keeps a test's failover quick; nodes.conf lives
    // in the node's own directory (--dir).
    auto node = RedisTestServer::Start({"--save", "", "--appendonly", "no", "--cluster-enabled", "yes",
                                        "--cluster-config-file", "nodes.conf",
                                        "--cluster-node-timeout", "2000"});
    if (!node.ok()) return node.status();
    cluster->nodes_.push_back(std::move(node).value());
  }
  std::vector<std::string> create = {"redis-cli", "--cluster", "create"};
  for (int port : cluster->ports()) create.push_back("127.0.0.1:" + std::to_string(port));
  create.insert(create.end(), {"--cluster-replicas", std::to_string(replicas), "--cluster-yes"});
  const std::string log = cluster->nodes_.front()->dir() + "/cluster-create.log";
  if (int rc = Run(create, log, std::chrono::seconds(30)); rc != 0) {
    return Status::Unavailable("redis-cli --cluster create failed (exit " + std::to_string(rc) +
                               "; see " + log + ")");
  }
  // Every node must agree before the first client asks.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  for (int port : cluster->ports()) {
    for (;;) {
      if (Text(Send(port, {"CLUSTER", "INFO"})).find("cluster_state:ok") != std::string::npos) break;
      if (std::chrono::steady_clock::now() > deadline) {
        return Status::Unavailable("the test cluster did not reach cluster_state:ok in 15 s");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (replicas == 0) continue;
    // A replica can take over only once it has synchronised.
    for (;;) {
      const std::string info = Text(Send(port, {"INFO", "replication"}));
      if (info.find("role:master") != std::string::npos ||
          info.find("master_link_status:up") != std::string::npos) {
        break;
      }
      if (std::chrono::steady_clock::now() > deadline) {
        return Status::Unavailable("a replica of the test cluster did not synchronise in 15 s");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  return cluster;
}

Status RedisTestCluster::KillPort(int port) {
  for (auto& n : nodes_) {
    if (n->port() == port) return n->Kill();
  }
  return Status::NotFound("no node on that port");
}

std::vector<int> RedisTestCluster::ports() const {
  std::vector<int> out;
  for (const auto& n : nodes_) out.push_back(n->port());
  return out;
}

std::string RedisTestCluster::url() const {
  std::string url = "redis+cluster://";
  for (const auto& n : nodes_) {
    if (url.back() != '/') url += ",";
    url += "127.0.0.1:" + std::to_string(n->port());
  }
  return url;
}

int RedisTestCluster::PortOfSlot(int slot) const {
  Reply r = Send(nodes_.front()->port(), {"CLUSTER", "SLOTS"});
  if (!r || r->type != REDIS_REPLY_ARRAY) return 0;
  for (std::size_t i = 0; i < r->elements; ++i) {
    const redisReply& range = *r->element[i];
    if (range.elements < 3) continue;
    if (range.element[0]->integer <= slot && slot <= range.element[1]->integer) {
      return static_cast<int>(range.element[2]->element[1]->integer);
    }
  }
  return 0;
}

Status RedisTestCluster::BeginMigration(int slot, int to_port) {
  const int from_port = PortOfSlot(slot);
  if (from_port == 0 || from_port == to_port) return Status::InvalidArgument("no such move");
  const std::string from_id = Text(Send(from_port, {"CLUSTER", "MYID"}));
  const std::string to_id = Text(Send(to_port, {"CLUSTER", "MYID"}));
  const std::string s = std::to_string(slot);
  if (Status st = Expect(Send(to_port, {"CLUSTER", "SETSLOT", s, "IMPORTING", from_id}), "IMPORTING"); !st.ok()) {
    return st;
  }
  if (Status st = Expect(Send(from_port, {"CLUSTER", "SETSLOT", s, "MIGRATING", to_id}), "MIGRATING"); !st.ok()) {
    return st;
  }
  for (;;) {
    Reply keys = Send(from_port, {"CLUSTER", "GETKEYSINSLOT", s, "100"});
    if (Status st = Expect(keys, "GETKEYSINSLOT"); !st.ok()) return st;
    if (keys->elements == 0) return Status::Ok();
    std::vector<std::string> migrate = {"MIGRATE", "127.0.0.1", std::to_string(to_port), "", "0", "5000",
                                        "KEYS"};
    for (std::size_t i = 0; i < keys->elements; ++i) {
      migrate.emplace_back(keys->element[i]->str, keys->element[i]->len);
    }
    if (Status st = Expect(Send(from_port, migrate), "MIGRATE"); !st.ok()) return st;
  }
}

RedisTestCluster& SharedTestCluster() {
  static std::unique_ptr<RedisTestCluster> cluster = [] {
    auto c = RedisTestCluster::Start(3);
    if (!c.ok()) {
      std::fprintf(stderr, "cannot start the Redis test cluster: %s\n", c.status().message().c_str());
      std::abort();
    }
    return std::move(c).value();
  }();
  return *cluster;
}

Status RedisTestCluster::FinishMigration(int slot, int to_port) {
  const std::string to_id = Text(Send(to_port, {"CLUSTER", "MYID"}));
  const std::string s = std::to_string(slot);
  // The new owner first, as redis-cli does: then the old one stops serving.
  std::vector<int> order = {to_port};
  for (int p : ports()) {
    if (p != to_port) order.push_back(p);
  }
  for (int p : order) {
    if (Status st = Expect(Send(p, {"CLUSTER", "SETSLOT", s, "NODE", to_id}), "SETSLOT NODE"); !st.ok()) {
      return st;
    }
  }
  return Status::Ok();
}

}  // namespace termin::service
