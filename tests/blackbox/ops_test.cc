// Operations endpoints and HTTP behaviour: /healthz, /readyz, /metrics, 405
// with Allow, 404 for unknown paths, keep-alive, Connection: close, answers
// larger than the socket takes at once (the server writes responses itself,
// api/http/pistache_server.cc), pipelined and split requests (the server cuts
// requests apart itself), and SIGTERM ending the process with exit code 0
// within 10 s even with a client connected.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cstring>
#include <optional>
#include <string_view>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "tests/blackbox/helpers.h"
#include "tests/harness/raw_http.h"

namespace termin::testing {
namespace {

TEST_CASE("healthz, readyz and metrics") {
  const HttpClient& api = SharedServer().client();
  Response health = api.Get("/healthz");
  REQUIRE(health.status == 200);
  CHECK(health.MediaType() == "application/json");
  CHECK(health.Str("status") == "ok");
  Response ready = api.Get("/readyz");
  CHECK(ready.status == 200);

  // Some traffic first, so the counters have samples.
  api.Get("/v1/offices");
  api.Get("/v1/no-such-thing");
  Response metrics = api.Get("/metrics");
  REQUIRE(metrics.status == 200);
  CHECK(metrics.MediaType() == "text/plain");
  CHECK(metrics.content_type.find("version=0.0.4") != std::string::npos);
  CHECK(metrics.body.find("# TYPE termin_") != std::string::npos);
  CHECK(metrics.body.find("termin_http_requests_total") != std::string::npos);
  CHECK(metrics.body.find("termin_http_request_duration_seconds") != std::string::npos);
  // Labels carry route templates, never raw paths with ids or secrets.
  CHECK(metrics.body.find("/v1/offices") != std::string::npos);
  CHECK(metrics.body.find("no-such-thing") == std::string::npos);
}

TEST_CASE("unknown paths are 404 and wrong methods 405 with Allow, both problem+json") {
  const HttpClient& api = SharedServer().client();
  for (const char* path : {"/v1/nothing-here", "/", "/v2/offices", "/v1/offices/a/b/c"}) {
    Response r = api.Get(path);
    INFO(path << ": " << r.Summary());
    CHECK(r.status == 404);
    CHECK(r.ProblemSlug() == "not-found");
  }
  struct Case {
    const char* method;
    const char* path;
    const char* allowed;
  };
  for (const Case& c : {Case{"DELETE", "/v1/offices", "GET"}, Case{"POST", "/v1/offices", "GET"},
                        Case{"GET", "/v1/holds", "POST"}, Case{"PUT", "/healthz", "GET"},
                        Case{"PATCH", "/v1/services", "GET"},
                        Case{"GET", "/v1/appointments/ABCD-2345/cancel", "POST"}}) {
    Response r = api.Send(c.method, c.path, "", "", {});
    INFO(c.method << " " << c.path << ": " << r.Summary());
    CHECK(r.status == 405);
    CHECK(r.ProblemSlug() == "method-not-allowed");
    CHECK(r.Header("Allow").find(c.allowed) != std::string::npos);
  }
  // Problem titles follow Accept-Language.
  Response de = api.Get("/v1/nothing-here", {{"Accept-Language", "de"}});
  Response en = api.Get("/v1/nothing-here", {{"Accept-Language", "en-GB,en;q=0.9"}});
  CHECK(de.Str("title") != en.Str("title"));
}

TEST_CASE("HTTP/1.1 connections are kept alive") {
  const int port = SharedServer().port();
  const std::string one = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  // Pistache closes unless told otherwise (DESIGN.md): we must say keep-alive.
  RawResponse r = SendRaw(port, one);
  REQUIRE(r.complete);
  CHECK(r.status == 200);
  std::string connection = r.Header("connection");
  for (auto& ch : connection) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  CHECK(connection != "close");
}

TEST_CASE("Connection: close is answered, then the server closes its side") {
  const int port = SharedServer().port();
  for (const char* request : {"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                              "GET /healthz HTTP/1.0\r\n\r\n"}) {
    RawOptions o;
    o.timeout = std::chrono::milliseconds(3000);
    // Never complete before EOF: SendRaw then stops at the server's close,
    // or at the deadline if the server kept the connection open.
    o.complete = [](const std::string&) { return false; };
    RawResponse r = SendRaw(port, request, o);
    INFO(std::string(request));
    CHECK(r.raw.starts_with("HTTP/1."));
    CHECK(r.raw.find(" 200 OK\r\n") != std::string::npos);
    CHECK(r.raw.ends_with("{\"status\":\"ok\"}"));
    CHECK(r.error == "connection closed before a complete response");
  }
}

// A blocking socket with a small receive buffer on 127.0.0.1:port.
int SlowReader(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int small = 4096;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// The length of the answer at the start of `raw` (head and Content-Length
// body): 0 while it is incomplete, npos if its head has no Content-Length.
std::size_t AnswerLength(std::string_view raw) {
  auto head_end = raw.find("\r\n\r\n");
  if (head_end == std::string_view::npos) return 0;
  std::string head(raw.substr(0, head_end));
  for (auto& ch : head) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  auto at = head.find("content-length: ");
  if (at == std::string::npos) return std::string_view::npos;
  std::size_t length = head_end + 4 + std::stoul(head.substr(at + 16));
  return raw.size() >= length ? length : 0;
}

// Reads one response with a Content-Length body from `buffered` + fd.
std::optional<std::string> ReadOne(int fd, std::string& buffered) {
  for (;;) {
    std::size_t length = AnswerLength(buffered);
    if (length == std::string_view::npos) return std::nullopt;
    if (length > 0) {
      std::string one = buffered.substr(0, length);
      buffered.erase(0, length);
      return one;
    }
    char chunk[65536];
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return std::nullopt;
    buffered.append(chunk, static_cast<std::size_t>(n));
  }
}

// The answers in `raw`, each with a Content-Length body, as far as they are
// complete: status and content type of each.
struct Answer {
  int status = 0;
  std::string content_type;
};
std::vector<Answer> SplitAnswers(const std::string& raw) {
  std::vector<Answer> answers;
  std::string_view rest(raw);
  for (;;) {
    std::size_t length = AnswerLength(rest);
    if (length == 0 || length == std::string_view::npos || !rest.starts_with("HTTP/")) return answers;
    std::string head(rest.substr(0, rest.find("\r\n\r\n")));
    for (auto& ch : head) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    Answer answer;
    answer.status = std::atoi(head.c_str() + head.find(' ') + 1);
    auto type_at = head.find("content-type: ");
    if (type_at != std::string::npos) {
      answer.content_type = head.substr(type_at + 14, head.find("\r\n", type_at) - type_at - 14);
    }
    answers.push_back(answer);
    rest.remove_prefix(length);
  }
}

// Sends `bytes` at once and reads until `want` answers arrived (or a second
// passed without more), so that extra or missing answers show.
std::vector<Answer> Exchange(int port, const std::string& bytes, std::size_t want) {
  RawOptions o;
  o.timeout = std::chrono::milliseconds(5000);
  o.complete = [want](const std::string& raw) { return SplitAnswers(raw).size() >= want; };
  RawResponse r = SendRaw(port, bytes, o);
  return SplitAnswers(r.raw);
}

TEST_CASE("pipelined requests in one send are all answered, in order") {
  const int port = SharedServer().port();
  struct Call {
    const char* path;
    int status;
  };
  const Call calls[] = {{"/healthz", 200}, {"/v1/offices", 200}, {"/v1/no-such-thing", 404}};
  for (std::size_t count : {2, 10}) {
    std::string bytes;
    std::vector<int> expected;
    for (std::size_t i = 0; i < count; ++i) {
      const Call& c = calls[i % 3];
      bytes += std::string("GET ") + c.path + " HTTP/1.1\r\nHost: x\r\n\r\n";
      expected.push_back(c.status);
    }
    auto answers = Exchange(port, bytes, count);
    std::vector<int> statuses;
    for (const auto& a : answers) statuses.push_back(a.status);
    INFO(count << " pipelined requests");
    CHECK(statuses == expected);
  }
}

TEST_CASE("a pipelined POST with a body and a GET after it are both answered, in order") {
  const int port = SharedServer().port();
  const std::string bytes =
      "POST /v1/holds HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 2\r\n\r\n{}"
      "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  auto answers = Exchange(port, bytes, 2);
  REQUIRE(answers.size() == 2);
  CHECK(answers[0].status == 400);
  CHECK(answers[0].content_type.starts_with("application/problem+json"));
  CHECK(answers[1].status == 200);
}

TEST_CASE("a request split mid-head and mid-body over several sends is answered once") {
  int fd = SlowReader(SharedServer().port());
  REQUIRE(fd >= 0);
  // The POST's pieces, then a GET split in its request line.
  const char* pieces[] = {"POST /v1/ho",
                          "lds HTTP/1.1\r\nHost: x\r\nContent-Ty",
                          "pe: application/json\r\nContent-Length: 2\r\n\r",
                          "\n{",
                          "}GET /heal",
                          "thz HTTP/1.1\r\nHost: x\r\n",
                          "\r\n"};
  bool sent_all = true;
  for (const char* piece : pieces) {
    std::size_t n = std::strlen(piece);
    sent_all = sent_all && ::send(fd, piece, n, MSG_NOSIGNAL) == static_cast<ssize_t>(n);
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
  }
  std::string buffered;
  auto first = ReadOne(fd, buffered);
  auto second = ReadOne(fd, buffered);
  // Nothing more comes.
  pollfd p{fd, POLLIN, 0};
  bool more = buffered.size() > 0 || ::poll(&p, 1, 300) > 0;
  ::close(fd);
  CHECK(sent_all);
  REQUIRE(first.has_value());
  CHECK(first->starts_with("HTTP/1.1 400 "));
  REQUIRE(second.has_value());
  CHECK(second->starts_with("HTTP/1.1 200 OK\r\n"));
  CHECK(second->ends_with("{\"status\":\"ok\"}"));
  CHECK_FALSE(more);
}

TEST_CASE("a head that does not end within --max-head is refused with 431 problem+json") {
  const int port = SharedServer().port();
  // 1 MiB and 16 KiB of a header that never ends: far more than the server
  // holds of a head (--max-head, 64 KiB by default).
  const std::string bytes =
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Filler: " + std::string((1 << 20) + 16384, 'a');
  RawOptions o;
  o.timeout = std::chrono::milliseconds(5000);
  RawResponse r = SendRaw(port, bytes, o);
  INFO(r.status_line << " " << r.error);
  REQUIRE(r.answered);
  CHECK(r.status == 431);
  CHECK(r.Header("content-type").starts_with("application/problem+json"));
  CHECK(r.body.find("request head is too large") != std::string::npos);
  CHECK(SharedServer().client().Get("/healthz").status == 200);
}

TEST_CASE("a request with bare LF line endings is refused at once with problem+json") {
  RawOptions o;
  o.timeout = std::chrono::milliseconds(3000);
  RawResponse r = SendRaw(SharedServer().port(), "GET /healthz HTTP/1.1\nHost: x\n\n", o);
  REQUIRE_MESSAGE(r.complete, r.error);
  CHECK(r.status == 400);
  CHECK(r.Header("content-type").starts_with("application/problem+json"));
}

TEST_CASE("answers larger than the socket takes arrive whole and in order") {
  const HttpClient& api = SharedServer().client();
  const std::string big_path = "/v1/availability?services=kurz&from=" + DayFromToday(1) +
                               "&to=" + DayFromToday(60);
  Response expected = api.Get(big_path);
  REQUIRE_MESSAGE(expected.status == 200, expected.Summary());
  REQUIRE(expected.body.size() > 100 * 1024);
  // Enough big answers, unread, to pass the kernel's largest send buffer
  // (net.ipv4.tcp_wmem: 4 MiB) twice over: the server then meets a full
  // socket, hands the rest to Pistache's queue, and must queue every later
  // answer of this connection behind it.
  const std::size_t count = std::min<std::size_t>(200, 8 * 1024 * 1024 / expected.body.size() + 1);
  int fd = SlowReader(SharedServer().port());
  REQUIRE(fd >= 0);
  const std::string big = "GET " + big_path + " HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string small = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  // All requests in one send: the server reads many of them at once and
  // must answer each (it cuts requests apart itself; Pistache 0.0.5 alone
  // dropped every request after the first of a read).
  std::string all;
  for (std::size_t i = 0; i < count; ++i) all += big;
  all += small;
  const bool sent_all = ::send(fd, all.data(), all.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(all.size());
  std::this_thread::sleep_for(std::chrono::milliseconds(200));

  std::string buffered;
  std::size_t whole = 0;
  for (std::size_t i = 0; i < count; ++i) {
    auto one = ReadOne(fd, buffered);
    if (!one || !one->starts_with("HTTP/1.1 200 OK\r\n") || !one->ends_with(expected.body)) break;
    ++whole;
  }
  auto last = ReadOne(fd, buffered);
  ::close(fd);
  CHECK(sent_all);
  CHECK(whole == count);
  REQUIRE(last.has_value());
  CHECK(last->ends_with("{\"status\":\"ok\"}"));
  CHECK(buffered.empty());
}

TEST_CASE("SIGTERM ends the server with exit code 0 within 10 s, also with an idle client") {
  ApiServerOptions options;
  options.name = "sigterm";
  std::string error;
  auto server = ApiServer::Start(options, &error);
  REQUIRE_MESSAGE(server != nullptr, error);
  CHECK(server->client().Get("/v1/offices").status == 200);
  // An idle keep-alive connection must not hold up the shutdown.
  std::thread idle([port = server->port()] {
    RawOptions o;
    o.timeout = std::chrono::milliseconds(15000);
    SendRaw(port, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x", o);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto stopped = server->Stop(10000);
  idle.join();
  REQUIRE_MESSAGE(stopped.has_value(), "still running 10 s after SIGTERM\n" << server->process().LogTail());
  CHECK_MESSAGE(stopped->clean(), stopped->Describe() << "\n" << server->process().LogTail());
  CHECK(stopped->took < std::chrono::seconds(10));
  // The port is free again: a second server can take it.
  CHECK(SendRaw(server->port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").connected == false);
}

// A rolling update: with --drain-seconds the replica answers /readyz 503 at
// once after SIGTERM, so its endpoint is removed, but goes on serving the
// requests still sent to it for that long; then it stops cleanly.
TEST_CASE("SIGTERM with --drain-seconds: readiness goes first, requests are still served, then it stops") {
  ApiServerOptions options;
  options.name = "drain";
  options.extra_args = {"--drain-seconds", "2"};
  std::string error;
  auto server = ApiServer::Start(options, &error);
  REQUIRE_MESSAGE(server != nullptr, error);
  CHECK(server->client().Get("/readyz").status == 200);
  const auto signalled = std::chrono::steady_clock::now();
  REQUIRE(::kill(server->process().pid(), SIGTERM) == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(server->client().Get("/readyz").status == 503);
  CHECK(server->client().Get("/v1/offices").status == 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  CHECK(server->client().Get("/v1/offices").status == 200);  // 1.3 s in: still draining
  // It ends by itself (a second signal would end the drain at once).
  std::optional<ExitInfo> stopped;
  while (!(stopped = server->process().Poll()) &&
         std::chrono::steady_clock::now() - signalled < std::chrono::seconds(12)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const auto took = std::chrono::steady_clock::now() - signalled;
  REQUIRE_MESSAGE(stopped.has_value(), "still running after the drain\n" << server->process().LogTail());
  CHECK_MESSAGE(stopped->clean(), stopped->Describe() << "\n" << server->process().LogTail());
  CHECK(took >= std::chrono::milliseconds(1900));
  CHECK(took < std::chrono::seconds(12));
}

}  // namespace
}  // namespace termin::testing
