// Personal data and secrets never reach the server's logs: after a full
// booking flow with unmistakable contact data, the whole log of that server
// (read after it stopped, so everything is flushed) holds none of it.
#include <fstream>
#include <sstream>

#include <doctest/doctest.h>

#include "tests/blackbox/helpers.h"

namespace termin::testing {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST_CASE("no names, e-mails, phones, secrets or keys in the server log") {
  ApiServerOptions options;
  options.name = "privacy";
  std::string error;
  auto server = ApiServer::Start(options, &error);
  REQUIRE_MESSAGE(server != nullptr, error);
  const HttpClient& api = server->client();
  const std::vector<std::string> kurz = {"kurz"};
  const std::string tag = UniqueTag();
  const std::string name = "Datenschutzprobe Zyxw" + tag;
  const std::string email = "probe" + tag + "@example.org";
  const std::string phone = "+49 30 " + tag;

  auto slots = FreeSlots(api, kOfficeMitte, kurz, DayFromToday(3), DayFromToday(3));
  REQUIRE(slots.size() > 10);
  Response hold = api.Post("/v1/holds", HoldBody(kOfficeMitte, kurz, slots[0].start));
  REQUIRE_MESSAGE(hold.status == 201, hold.Summary());
  Response appt = api.Post("/v1/appointments", "{\"hold_id\":" + Q(hold.Str("id")) + ",\"hold_secret\":" +
                                                   Q(hold.Str("secret")) + ",\"contact\":" +
                                                   ContactJson(name, email, phone) + "}");
  REQUIRE_MESSAGE(appt.status == 201, appt.Summary());
  const std::string ref = appt.Str("reference");
  const std::string secret = appt.Str("manage_secret");
  CHECK(api.Get("/v1/appointments/" + ref + "/ics?secret=" + secret).status == 200);
  CHECK(api.Get("/v1/appointments/" + ref, {{"X-Manage-Secret", secret}}).status == 200);
  CHECK(api.Get("/v1/hotline/appointments?name=" + UrlEncode(name), Bearer(kHotlineAllKey)).status == 200);
  CHECK(api.Get("/v1/hotline/appointments?phone=" + UrlEncode(phone), Bearer(kHotlineAllKey)).status == 200);
  CHECK(api.Post("/v1/hotline/appointments/" + ref + "/notes", "{\"text\":" + Q("Notiz " + name) + "}",
                 Bearer(kHotlineAllKey))
            .status == 200);
  // Failures log too: a confirm that fails validation with the same data.
  CHECK(api.Post("/v1/appointments", "{\"hold_id\":\"x\",\"hold_secret\":" + Q(secret) +
                                         ",\"contact\":" + ContactJson(name, email, phone, "xx") + "}")
            .status == 400);
  // The request id: the client's, a traceparent's trace id, or a new one.
  Response with_id = api.Get("/v1/appointments/" + ref,
                             {{"X-Manage-Secret", secret}, {"X-Request-Id", "probe-" + tag}});
  CHECK(with_id.Header("X-Request-Id") == "probe-" + tag);
  Response traced = api.Get("/v1/offices", {{"traceparent",
                                             "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}});
  CHECK(traced.Header("X-Request-Id") == "4bf92f3577b34da6a3ce929d0e0e4736");
  Response bad_id = api.Get("/v1/offices", {{"X-Request-Id", std::string(65, 'x')}});
  CHECK(bad_id.Header("X-Request-Id").size() == 32);
  CHECK(api.Get("/no/such/path").Header("X-Request-Id").size() == 32);
  CHECK(api.Post("/v1/appointments/" + ref + "/cancel", "{}", {{"X-Manage-Secret", secret}}).status == 200);

  auto stopped = server->Stop(10000);
  REQUIRE(stopped.has_value());
  CHECK(stopped->clean());
  const std::string log = ReadFile(server->process().log_path());
  CHECK(!log.empty());  // it does log (one access line per request)
  for (const std::string& secret_thing :
       {name, std::string("Zyxw") + tag, email, phone, UrlEncode(phone), secret, hold.Str("secret"),
        std::string(kHotlineAllKey)}) {
    INFO("must not be logged: " << secret_thing);
    CHECK(log.find(secret_thing) == std::string::npos);
  }
  // JSON lines: level, ts (RFC 3339 UTC), msg first; a request's line names
  // the route template (never the path with the reference), status and ms.
  std::istringstream lines(log);
  std::string line;
  int requests = 0;
  bool probe_line = false;
  while (std::getline(lines, line)) {
    INFO("log line: " << line);
    CHECK(line.rfind("{\"level\":\"", 0) == 0);
    CHECK(line.find("\",\"ts\":\"20") != std::string::npos);
    CHECK(line.back() == '}');
    if (line.find("\"msg\":\"request\"") == std::string::npos) continue;
    ++requests;
    CHECK(line.find("\"request_id\":\"") != std::string::npos);
    CHECK(line.find("\"status\":") != std::string::npos);
    CHECK(line.find("\"ms\":") != std::string::npos);
    if (line.find("\"request_id\":\"probe-" + tag + "\"") != std::string::npos) {
      probe_line = line.find("\"route\":\"/v1/appointments/{reference}\"") != std::string::npos &&
                   line.find("\"status\":200") != std::string::npos;
    }
  }
  CHECK(requests >= 10);
  CHECK(probe_line);
}

}  // namespace
}  // namespace termin::testing
