// LoadConnection's state machine against a scripted HTTP server on a
// loopback port: real sockets, real epoll, the server misbehaving on cue.
#include "bench/load/load_connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench/load/load_task.h"

namespace termin::bench {
namespace {

using namespace std::chrono_literals;

// What the server does with the next request it reads.
enum class Act {
  kAnswer,       // a keep-alive answer in one write
  kTrickle,      // the same answer one byte at a time, 2 ms apart
  kClose,        // close without answering
  kAnswerClose,  // answer with `Connection: close`, then close
  kGarbage,      // something that is not HTTP, then keep the socket open
  kTwoAnswers,   // two answers to one request
  kSilent,       // never answer (until the client gives up and closes)
};

std::string Answer(const std::string& path, bool close) {
  std::string body = "{\"path\":\"" + path + "\"}";
  return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: " +
         std::string(close ? "Close" : "Keep-Alive") +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// Serves one connection at a time, each request by the next Act of the
// script; records every request head and body as received. Every wait is
// bounded (poll with a timeout, a stop flag checked between).
class ScriptedServer {
 public:
  explicit ScriptedServer(std::vector<Act> script) : script_(std::move(script)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(listen_fd_ >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(listen_fd_, 16) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~ScriptedServer() {
    stop_ = true;
    thread_.join();
    ::close(listen_fd_);
  }

  int port() const { return port_; }
  int accepted() const { return accepted_.load(); }
  std::vector<std::string> requests() {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }

 private:
  bool WaitReadable(int fd) {
    while (!stop_) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 20) > 0) return true;
    }
    return false;
  }

  void Serve() {
    while (!stop_ && next_ < script_.size()) {
      if (!WaitReadable(listen_fd_)) return;
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) continue;
      ++accepted_;
      ServeConnection(fd);
      ::close(fd);
    }
  }

  // Returns when the connection is to be closed.
  void ServeConnection(int fd) {
    std::string in;
    char buf[4096];
    while (next_ < script_.size()) {
      std::size_t head_end;
      while ((head_end = in.find("\r\n\r\n")) == std::string::npos) {
        if (!WaitReadable(fd)) return;
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) return;
        in.append(buf, static_cast<std::size_t>(n));
      }
      std::size_t length = 0;
      auto cl = in.find("Content-Length: ");
      if (cl != std::string::npos && cl < head_end) length = std::stoul(in.substr(cl + 16));
      while (in.size() < head_end + 4 + length) {
        if (!WaitReadable(fd)) return;
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) return;
        in.append(buf, static_cast<std::size_t>(n));
      }
      std::string request = in.substr(0, head_end + 4 + length);
      in.erase(0, request.size());
      {
        std::lock_guard<std::mutex> lock(mutex_);
        requests_.push_back(request);
      }
      std::string path = request.substr(request.find(' ') + 1);
      path = path.substr(0, path.find(' '));
      Act act = script_[next_++];
      auto send_all = [fd](const std::string& s) {
        ::send(fd, s.data(), s.size(), MSG_NOSIGNAL);
      };
      switch (act) {
        case Act::kAnswer:
          send_all(Answer(path, false));
          break;
        case Act::kTrickle:
          for (char c : Answer(path, false)) {
            send_all(std::string(1, c));
            std::this_thread::sleep_for(2ms);
          }
          break;
        case Act::kClose:
          return;
        case Act::kAnswerClose:
          send_all(Answer(path, true));
          return;
        case Act::kGarbage:
          send_all("SMTP/1.0 hello\r\n\r\n");
          break;
        case Act::kTwoAnswers:
          send_all(Answer(path, false) + Answer(path, false));
          break;
        case Act::kSilent:
          // Until the client closes (recv 0) or the test ends.
          while (WaitReadable(fd)) {
            if (::recv(fd, buf, sizeof buf, 0) <= 0) return;
          }
          return;
      }
    }
  }

  std::vector<Act> script_;
  std::size_t next_ = 0;  // the server thread's only
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::mutex mutex_;
  std::vector<std::string> requests_;
  std::thread thread_;
};

struct Seen {
  Reply reply;
  LoadConnection::State state;  // right after the reply
  std::size_t connects;
};

// GETs each path in turn on `conn`, records what came back.
LoadTask Sequence(LoadConnection& conn, std::vector<std::string> paths, std::vector<Seen>* seen) {
  for (const std::string& path : paths) {
    Reply r = co_await conn.Get(path);
    seen->push_back(Seen{std::move(r), conn.state(), conn.connects()});
  }
}

LoadConnectionOptions Short() {
  LoadConnectionOptions o;
  o.connect_timeout = 1000ms;
  o.reply_timeout = 300ms;
  return o;
}

std::vector<Seen> Run(int port, std::vector<std::string> paths,
                      LoadConnectionOptions options = Short()) {
  auto loop = EventLoop::Create();
  REQUIRE(loop.ok());
  LoadConnection conn(**loop, Target{"127.0.0.1", port}, options);
  std::vector<Seen> seen;
  LoadTask task = Sequence(conn, std::move(paths), &seen);
  int running = 1;
  task.Start(&running);
  (*loop)->RunWhileRunning(&running);
  CHECK(task.done());
  return seen;
}

std::string Body(const std::string& path) { return "{\"path\":\"" + path + "\"}"; }

}  // namespace

TEST_CASE("connection: keep-alive, one TCP connection for many requests, the request as sent") {
  ScriptedServer server({Act::kAnswer, Act::kAnswer, Act::kAnswer});
  auto seen = Run(server.port(), {"/a", "/b?x=1", "/c"});
  REQUIRE(seen.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(seen[i].reply.status == 200);
    CHECK(seen[i].state == LoadConnection::State::kIdle);
    CHECK(seen[i].connects == 1);
    CHECK(seen[i].reply.micros > 0);
  }
  CHECK(seen[1].reply.body == Body("/b?x=1"));
  CHECK(server.accepted() == 1);
  auto requests = server.requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[1] == "GET /b?x=1 HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(server.port()) +
                           "\r\nConnection: keep-alive\r\n\r\n");
}

TEST_CASE("connection: a POST sends head, extra header and body together") {
  ScriptedServer server({Act::kAnswer});
  auto loop = EventLoop::Create();
  REQUIRE(loop.ok());
  LoadConnection conn(**loop, Target{"127.0.0.1", server.port()}, Short());
  std::vector<Reply> replies;
  auto body = [](LoadConnection& c, std::vector<Reply>* out) -> LoadTask {
    out->push_back(co_await c.PostJson("/v1/holds", "{\"x\":1}", "Authorization", "Bearer k"));
  };
  LoadTask task = body(conn, &replies);
  int running = 1;
  task.Start(&running);
  (*loop)->RunWhileRunning(&running);
  REQUIRE(replies.size() == 1);
  CHECK(replies[0].status == 200);
  auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0] == "POST /v1/holds HTTP/1.1\r\nHost: 127.0.0.1:" +
                           std::to_string(server.port()) +
                           "\r\nConnection: keep-alive\r\nAuthorization: Bearer k\r\n"
                           "Content-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"x\":1}");
}

TEST_CASE("connection: an answer trickled byte by byte is one reply, timed to its last byte") {
  ScriptedServer server({Act::kTrickle, Act::kAnswer});
  // The trickle takes ~2 ms per byte, several hundred ms in all, more on a
  // busy machine under ASan: a reply timeout far above it.
  LoadConnectionOptions patient = Short();
  patient.reply_timeout = 10000ms;
  auto seen = Run(server.port(), {"/slow", "/fast"}, patient);
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].reply.status == 200);
  CHECK(seen[0].reply.body == Body("/slow"));
  std::size_t bytes = Answer("/slow", false).size();
  CHECK(seen[0].reply.micros >= static_cast<double>(bytes - 1) * 2000.0);
  CHECK(seen[1].reply.status == 200);
  CHECK(seen[1].connects == 1);
}

TEST_CASE("connection: the server closes mid-request: an error, then a fresh connection") {
  ScriptedServer server({Act::kClose, Act::kAnswer, Act::kAnswer});
  auto seen = Run(server.port(), {"/lost", "/again", "/more"});
  REQUIRE(seen.size() == 3);
  CHECK(seen[0].reply.status == 0);
  CHECK(seen[0].state == LoadConnection::State::kClosed);
  CHECK(seen[1].reply.status == 200);
  CHECK(seen[1].reply.body == Body("/again"));
  CHECK(seen[1].connects == 2);
  CHECK(seen[2].connects == 2);
  CHECK(server.accepted() == 2);
}

TEST_CASE("connection: `Connection: close` is an answer, and the next request reconnects") {
  ScriptedServer server({Act::kAnswerClose, Act::kAnswer});
  auto seen = Run(server.port(), {"/bye", "/hello"});
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].reply.status == 200);
  CHECK(seen[0].state == LoadConnection::State::kClosed);
  CHECK(seen[1].reply.status == 200);
  CHECK(seen[1].connects == 2);
}

TEST_CASE("connection: garbage or an unasked-for second answer is an error, then reconnect") {
  ScriptedServer server({Act::kGarbage, Act::kTwoAnswers, Act::kAnswer});
  auto seen = Run(server.port(), {"/g", "/two", "/ok"});
  REQUIRE(seen.size() == 3);
  CHECK(seen[0].reply.status == 0);
  CHECK(seen[1].reply.status == 0);
  CHECK(seen[1].connects == 2);
  CHECK(seen[2].reply.status == 200);
  CHECK(seen[2].connects == 3);
}

TEST_CASE("connection: no answer within the reply timeout is an error, bounded in time") {
  ScriptedServer server({Act::kSilent, Act::kAnswer});
  auto t0 = std::chrono::steady_clock::now();
  auto seen = Run(server.port(), {"/void", "/after"});
  auto took = std::chrono::steady_clock::now() - t0;
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].reply.status == 0);
  CHECK(seen[0].reply.micros >= 300000.0);
  CHECK(took < 3s);
  CHECK(seen[1].reply.status == 200);
  CHECK(seen[1].connects == 2);
}

TEST_CASE("connection: nobody listening: every request fails at once, nothing hangs") {
  int port;
  {
    // A port that was free a moment ago and has no listener now.
    ScriptedServer gone({});
    port = gone.port();
  }
  auto seen = Run(port, {"/a", "/b"});
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].reply.status == 0);
  CHECK(seen[1].reply.status == 0);
  CHECK(seen[1].state == LoadConnection::State::kClosed);
  CHECK(seen[1].connects == 2);
}

}  // namespace termin::bench
