// Sends every raw request of tests/corpus/*.txt over a plain TCP socket and
// checks that the server answers (unless the entry allows a silent close),
// never with a 5xx, that error answers are problem+json with type, title and
// status, and that the server is alive after each one.
#include <dirent.h>

#include <algorithm>
#include <cstdio>

#include <doctest/doctest.h>

#include "tests/harness/api_server.h"
#include "tests/harness/city.h"
#include "tests/harness/corpus.h"
#include "tests/harness/raw_http.h"
#include "tests/harness/test_keys.h"

namespace termin::testing {
namespace {

std::vector<std::string> CorpusFiles() {
  std::vector<std::string> files;
  if (DIR* dir = ::opendir("tests/corpus")) {
    while (dirent* e = ::readdir(dir)) {
      std::string name = e->d_name;
      if (name.size() > 4 && name.ends_with(".txt")) files.push_back("tests/corpus/" + name);
    }
    ::closedir(dir);
  }
  std::sort(files.begin(), files.end());
  return files;
}

bool IsProblemBody(const RawResponse& r, std::string* why) {
  std::string type = r.Header("content-type");
  if (type.rfind("application/problem+json", 0) != 0) {
    *why = "content type '" + type + "' is not application/problem+json";
    return false;
  }
  rapidjson::Document doc;
  doc.Parse(r.body.c_str(), r.body.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    *why = "body is not a JSON object";
    return false;
  }
  if (!doc.HasMember("type") || !doc["type"].IsString() || !doc.HasMember("title") ||
      !doc["title"].IsString() || !doc.HasMember("status") || !doc["status"].IsInt()) {
    *why = "problem lacks type/title/status";
    return false;
  }
  if (doc["status"].GetInt() != r.status) {
    *why = "problem status differs from the HTTP status";
    return false;
  }
  return true;
}

TEST_CASE("bad-input corpus: every raw request gets a sane answer and the server survives") {
  ApiServer& server = SharedServer();
  const int port = server.port();
  const HttpClient& api = server.client();

  // Real values, so the bad part of each request is the only bad part.
  const std::string tomorrow = AddDays(LocalToday("Europe/Berlin"), 3);
  auto slots = FreeSlots(api, kOfficeMitte, {"kurz"}, tomorrow, tomorrow);
  REQUIRE(!slots.empty());
  const std::map<std::string, std::string> vars = {
      {"office", kOfficeMitte}, {"service", "kurz"}, {"start", slots[0].start},
      {"date", tomorrow},       {"host", "127.0.0.1:" + std::to_string(port)},
      {"admin-key", kAdminKey}, {"hotline-key", kHotlineAllKey}, {"kiosk-key", kKioskMitteKey}};

  int run = 0, answered = 0, silent = 0;
  const auto files = CorpusFiles();
  REQUIRE_MESSAGE(!files.empty(), "no tests/corpus/*.txt (run from the source root)");
  for (const auto& file : files) {
    std::string error;
    auto entries = ReadCorpusFile(file, &error);
    REQUIRE_MESSAGE(error.empty(), error);
    for (const auto& entry : entries) {
      INFO(entry.file << ":" << entry.line << " \"" << entry.name << "\"");
      std::string bytes = ExpandCorpusText(entry.text, vars, &error);
      REQUIRE_MESSAGE(error.empty(), error);
      RawOptions options;
      options.half_close = entry.expect == Expect::kMaybe;
      options.timeout = std::chrono::milliseconds(10000);
      RawResponse r = SendRaw(port, bytes, options);
      ++run;
      REQUIRE_MESSAGE(r.connected, r.error);
      if (!r.answered) {
        ++silent;
        CHECK_MESSAGE(entry.expect == Expect::kMaybe, "no response: " << r.error);
      } else {
        ++answered;
        INFO("answer: " << r.status_line << " " << r.body.substr(0, 300));
        CHECK(r.status >= 100);
        CHECK(r.status < 500);
        if (entry.expect == Expect::k4xx) {
          CHECK(r.status >= 400);
          CHECK(r.status <= 499);
        }
        CHECK(r.body.find("root:x:0:0") == std::string::npos);  // no file of the machine
        if (r.status >= 400 && r.complete && !r.body.empty()) {
          std::string why;
          CHECK_MESSAGE(IsProblemBody(r, &why), why);
        }
      }
      // Still alive and well.
      Response health = api.Get("/healthz");
      REQUIRE_MESSAGE(health.status == 200, "server down after this entry: " << health.Summary()
                                                << "\n" << server.process().LogTail());
    }
  }
  MESSAGE("bad-input corpus: " << run << " entries run, " << answered << " answered, " << silent
                               << " closed without an answer");
  std::printf("bad-input corpus: %d entries run\n", run);
  CHECK(run >= 60);
  // Nothing was booked by any of them.
  int free_after = 0;
  for (const auto& s : FreeSlots(api, kOfficeMitte, {"kurz"}, tomorrow, tomorrow)) {
    if (s.start == slots[0].start) free_after = s.free;
  }
  CHECK(free_after == slots[0].free);
}

}  // namespace
}  // namespace termin::testing
