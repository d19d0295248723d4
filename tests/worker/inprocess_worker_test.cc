// termin-api with the embedded store and --smtp runs the notification worker
// in its own process (the embedded outbox is out of termin-worker's reach):
// a booking's confirmation reaches a real SMTP server (the sink), and SIGTERM
// still ends the process cleanly with the worker thread running.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <unistd.h>
#include <string>

#include "service/notify/worker_test_servers.h"
#include "tests/harness/api_server.h"
#include "tests/harness/test_keys.h"

namespace termin::service {
namespace {

using namespace std::chrono_literals;
using testing::ApiServer;
using testing::ApiServerOptions;
using testing::Bearer;
using testing::Response;

TEST_CASE("termin-api on the memory store with --smtp sends a booking's confirmation") {
  auto sink = SmtpTestSink::Start("tests/worker/smtp_sink.py");
  REQUIRE_MESSAGE(sink.ok(), sink.status().message());
  // The manage-link key, as a deployment keeps it: a file only the API
  // (and the worker) can read.
  const std::filesystem::path key_file =
      std::filesystem::temp_directory_path() / ("termin-link-key-" + std::to_string(::getpid()));
  std::ofstream(key_file) << "inprocess-test-link-key-0123456789abcdefghij\n";
  ApiServerOptions options;
  options.store = "memory";
  options.name = "inprocess-worker";
  options.extra_args = {"--smtp", (*sink)->url(), "--templates", "service/templates",
                        "--mail-from", "termine@test.example", "--link-key-file", key_file.string()};
  std::string error;
  auto server = ApiServer::Start(options, &error);
  REQUIRE_MESSAGE(server, error);
  const auto& api = server->client();

  Response next = api.Get("/v1/availability/next?services=kurz&offices=" +
                          std::string(testing::kOfficeMitte) + "&limit=1");
  REQUIRE_MESSAGE(next.status == 200, next.Summary());
  REQUIRE(next.json["slots"].Size() == 1);
  const std::string start = next.json["slots"][0]["start"].GetString();
  Response booked = api.Post(
      "/v1/hotline/appointments",
      "{\"office\":\"" + std::string(testing::kOfficeMitte) + "\",\"services\":[\"kurz\"],\"start\":\"" +
          start + "\",\"contact\":{\"name\":\"Erika Mustermann\",\"email\":\"erika@example.org\"}}",
      Bearer(testing::kHotlineAllKey));
  REQUIRE_MESSAGE(booked.status == 201, booked.Summary());
  const std::string reference = booked.Str("reference");

  // The worker polls once a second when idle; allow a generous bound.
  auto mails = (*sink)->WaitFor(1, 15s);
  REQUIRE_MESSAGE(mails.size() == 1, "no confirmation arrived; API log: " << server->process().LogTail());
  CHECK(mails[0].from == "termine@test.example");
  REQUIRE(mails[0].to.size() == 1);
  CHECK(mails[0].to[0].find("erika@example.org") != std::string::npos);
  CHECK(mails[0].text.find(reference) != std::string::npos);
  CHECK(mails[0].message_id.find(reference + "@") != std::string::npos);
  CHECK(mails[0].ics.find("UID:" + reference) != std::string::npos);

  // The manage link opens the appointment with what it carries: the token
  // in the fragment stands in for the manage secret the worker never saw.
  std::smatch link;
  const std::regex kLink("/manage#ref=([A-Z0-9-]+)&secret=(l1\\.[A-Za-z0-9_-]+)&lang=de");
  REQUIRE_MESSAGE(std::regex_search(mails[0].text, link, kLink), mails[0].text);
  CHECK(link[1] == reference);
  const std::string token = link[2];
  Response opened = api.Get("/v1/appointments/" + reference, {{"X-Manage-Secret", token}});
  CHECK_MESSAGE(opened.status == 200, opened.Summary());
  CHECK(opened.Str("reference") == reference);
  CHECK(api.Get("/v1/appointments/" + reference + "/ics?secret=" + token).status == 200);
  std::string forged = token;
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  Response refused = api.Get("/v1/appointments/" + reference, {{"X-Manage-Secret", forged}});
  CHECK(refused.status == 404);
  CHECK(refused.IsProblem());

  // Nothing is buried; the admin route sees the in-process queue.
  Response dead = api.Get("/v1/admin/dead-letters", Bearer(testing::kAdminKey));
  REQUIRE_MESSAGE(dead.status == 200, dead.Summary());
  CHECK(dead.json["items"].Size() == 0);

  // The worker logs job ids and references, never names or addresses.
  const std::string log = server->process().LogTail(1 << 20);
  CHECK(log.find("erika") == std::string::npos);
  CHECK(log.find("Mustermann") == std::string::npos);
  CHECK(log.find(token) == std::string::npos);
  std::filesystem::remove(key_file);

  auto exit = server->Stop(10000);
  REQUIRE(exit.has_value());
  CHECK_MESSAGE(exit->clean(), exit->Describe());
}

}  // namespace
}  // namespace termin::service
