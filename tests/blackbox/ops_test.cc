// Operations endpoints and HTTP behaviour: /healthz, /readyz, /metrics, 405
// with Allow, 404 for unknown paths, keep-alive, and SIGTERM ending the
// process with exit code 0 within 10 s even with a client connected.
#include <signal.h>

#include <cctype>
#include <thread>

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

}  // namespace
}  // namespace termin::testing
