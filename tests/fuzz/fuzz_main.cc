// termin-fuzz: a seeded mutation fuzzer for the request screen, the head
// reader, the JSON decoders and the handlers behind them, the city-file
// decoder and the time-zone footer parser (#17).
//
// Seeds are the bad-input corpus (tests/corpus/*.txt, expanded with real
// values of the test city), the test city file and a few POSIX TZ strings.
// Each round takes a seed, mutates it (byte flips, insertions of tokens
// that parsers care about, deletions, duplications, splices with another
// seed, truncation) and feeds it:
//   - as raw request bytes to ScreenRequestHead, and when the screen lets
//     the head through, to ParseRequestHead and App::Handle over an
//     embedded store: the answer must be a status below 500 with a JSON
//     body that parses as valid UTF-8 (problem+json for every 4xx);
//   - as a city file to ParseCatalog, as a zone footer to
//     ParsePosixZoneRule: no crash.
// Crashes and sanitizer reports end the process (the ASan build runs this
// in make test); a broken invariant prints the input and exits 1.
//
// Usage (from the source root): termin-fuzz [--seconds N] [--seed S]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "api/app.h"
#include "api/security/auth.h"
#include "api/domain/catalog.h"
#include "api/http/request_screen.h"
#include "scheduler/time.h"
#include "scheduler/zone_rules.h"
#include "service/memory/memory_store.h"
#include "tests/harness/corpus.h"
#include "tests/harness/test_keys.h"

namespace termin::testing {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Printable(const std::string& bytes) {
  std::string out;
  for (unsigned char c : bytes.substr(0, 4000)) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

class Fuzzer {
 public:
  explicit Fuzzer(unsigned seed) : rng_(seed) {}

  bool LoadSeeds(std::string* error) {
    const std::map<std::string, std::string> vars = {
        {"office", kOfficeMitte},       {"service", "kurz"},
        {"start", "2026-12-03T09:00:00+01:00"},
        {"date", "2026-12-03"},         {"host", "127.0.0.1:8080"},
        {"admin-key", kAdminKey},       {"hotline-key", kHotlineAllKey},
        {"kiosk-key", kKioskMitteKey}};
    for (const auto& entry : std::filesystem::directory_iterator("tests/corpus")) {
      if (entry.path().extension() != ".txt") continue;
      auto entries = ReadCorpusFile(entry.path().string(), error);
      if (!error->empty()) return false;
      for (const auto& e : entries) {
        std::string bytes = ExpandCorpusText(e.text, vars, error);
        if (!error->empty()) return false;
        requests_.push_back(std::move(bytes));
      }
    }
    // Well-formed requests too, so that mutations reach the handlers.
    const std::string hold = "{\"office\":\"test-mitte\",\"services\":[\"kurz\"],\"start\":\"2026-12-03T09:00:00+01:00\"}";
    requests_.push_back("POST /v1/holds HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
                        std::to_string(hold.size()) + "\r\n\r\n" + hold);
    requests_.push_back("GET /v1/availability?office=test-mitte&services=kurz&from=2026-12-02&to=2026-12-09 HTTP/1.1\r\nHost: x\r\n\r\n");
    requests_.push_back(std::string("GET /v1/hotline/appointments?name=M%C3%BCller HTTP/1.1\r\nAuthorization: Bearer ") +
                        kHotlineAllKey + "\r\n\r\n");
    city_ = ReadFile("data/test-city.json");
    zones_ = {"CET-1CEST,M3.5.0,M10.5.0/3", "<+0530>-5:30", "EST5EDT,M3.2.0,M11.1.0",
              "<-03>3<-02>,M3.5.0/-2,M10.5.0/-1", "AEST-10AEDT,M10.1.0,M4.1.0/3", "XXX3YYY,J60/25,300/-1"};
    if (requests_.empty() || city_.empty()) {
      *error = "no seeds (run from the source root)";
      return false;
    }
    return true;
  }

  bool MakeApp(std::string* error) {
    clock_ = std::make_shared<api::ManualClock>(api::ToTimePoint(*ParseInstant("2026-12-01T06:00:00Z")));
    store_ = std::make_shared<service::MemoryStore>(clock_);
    auto catalog = api::ParseCatalog(city_);
    auto keys = api::KeyTable::Parse(ReadFile("tests/fixtures/keys.json"));
    if (!catalog.ok() || !keys.ok()) {
      *error = "cannot load data/test-city.json or tests/fixtures/keys.json";
      return false;
    }
    api::ApiOptions options;
    options.access_log = false;
    app_ = std::make_unique<api::App>(store_, clock_, std::move(catalog).value(),
                                      std::move(keys).value(), options);
    if (!app_->SeedStore().ok()) {
      *error = "cannot seed the store";
      return false;
    }
    return true;
  }

  // One round; false if an invariant broke (`why` says which).
  bool Round(std::string* input, std::string* why) {
    const unsigned pick = Below(10);
    if (pick < 8) {
      *input = Mutate(requests_[Below(requests_.size())], requests_);
      return Request(*input, why);
    }
    if (pick == 8) {
      *input = Mutate(city_, {city_});
      (void)api::ParseCatalog(*input);
      return true;
    }
    *input = Mutate(zones_[Below(zones_.size())], zones_);
    if (auto rule = ParsePosixZoneRule(*input)) {
      (void)RuleInfoAt(*rule, date::sys_seconds{std::chrono::seconds{static_cast<long>(Below(4000000000u))}});
    }
    return true;
  }

  std::size_t handled() const { return handled_; }

 private:
  std::size_t Below(std::size_t n) { return n == 0 ? 0 : std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }

  std::string Mutate(std::string s, const std::vector<std::string>& pool) {
    static const char* kTokens[] = {"\r\n", "\r\n\r\n", "%", "%FF", "%00", "\xff", "\xc3", "\xed\xa0\x80", "{", "}",
                                    "[", "]", "\"", ":", ",", "0", "-1", "1e999", "99999999999999999999",
                                    "\\u0000", "\\ud800", "null", "true", " ", "\t", "/", "?", "&", "=", "..",
                                    "Content-Length: 5\r\n", "Transfer-Encoding: chunked\r\n", "Host: a:b\r\n"};
    const int steps = 1 + static_cast<int>(Below(4));
    for (int i = 0; i < steps; ++i) {
      const std::size_t at = Below(s.size() + 1);
      switch (Below(7)) {
        case 0:
          if (!s.empty()) s[Below(s.size())] ^= static_cast<char>(1u << Below(8));
          break;
        case 1:
          s.insert(at, 1, static_cast<char>(Below(256)));
          break;
        case 2:
          s.insert(at, kTokens[Below(std::size(kTokens))]);
          break;
        case 3:
          s.erase(at, Below(16) + 1);
          break;
        case 4:
          if (!s.empty()) {
            const std::size_t from = Below(s.size());
            s.insert(at, s.substr(from, Below(64) + 1));
          }
          break;
        case 5: {
          const std::string& other = pool[Below(pool.size())];
          const std::size_t from = Below(other.size() + 1);
          s = s.substr(0, at) + other.substr(from);
          break;
        }
        default:
          s.resize(at);
          break;
      }
    }
    return s;
  }

  bool Request(const std::string& bytes, std::string* why) {
    const std::size_t head_end = bytes.find("\r\n\r\n");
    const std::string_view head = head_end == std::string::npos
                                      ? std::string_view(bytes)
                                      : std::string_view(bytes).substr(0, head_end + 4);
    api::ScreenResult screen = api::ScreenRequestHead(head, 4096);
    if (head_end == std::string::npos || screen.reject) return true;
    api::HttpRequest request;
    api::ParseRequestHead(head, request);
    request.peer = "192.0.2.1";
    request.body = bytes.substr(head_end + 4, screen.content_length);
    api::HttpResponse out = app_->Handle(request);
    ++handled_;
    if (out.status < 100 || out.status >= 500) {
      *why = "status " + std::to_string(out.status) + ": " + out.body;
      return false;
    }
    const bool json = out.content_type.rfind("application/json", 0) == 0 ||
                      out.content_type.rfind("application/problem+json", 0) == 0;
    if (out.status >= 400 && out.content_type.rfind("application/problem+json", 0) != 0) {
      *why = "a " + std::to_string(out.status) + " that is not problem+json: " + out.content_type;
      return false;
    }
    if (json) {
      rapidjson::Document d;
      d.Parse<rapidjson::kParseValidateEncodingFlag>(out.body.c_str(), out.body.size());
      if (d.HasParseError()) {
        *why = "answer is not valid UTF-8 JSON: " + out.body.substr(0, 300);
        return false;
      }
    }
    return true;
  }

  std::mt19937_64 rng_;
  std::vector<std::string> requests_;
  std::vector<std::string> zones_;
  std::string city_;
  std::shared_ptr<api::ManualClock> clock_;
  std::shared_ptr<service::MemoryStore> store_;
  std::unique_ptr<api::App> app_;
  std::size_t handled_ = 0;

 public:
  // A fresh embedded store now and then, so memory stays flat over a long run.
  bool Reset(std::string* error) { return MakeApp(error); }
};

}  // namespace
}  // namespace termin::testing

int main(int argc, char** argv) {
  double seconds = 10;
  unsigned seed = static_cast<unsigned>(std::random_device{}());
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--seconds") == 0) {
      seconds = std::atof(argv[i + 1]);
    } else if (std::strcmp(argv[i], "--seed") == 0) {
      seed = static_cast<unsigned>(std::strtoul(argv[i + 1], nullptr, 10));
    } else {
      std::cerr << "usage: termin-fuzz [--seconds N] [--seed S]\n";
      return 2;
    }
  }
  termin::testing::Fuzzer fuzzer(seed);
  std::string error;
  if (!fuzzer.LoadSeeds(&error) || !fuzzer.MakeApp(&error)) {
    std::cerr << "termin-fuzz: " << error << "\n";
    return 2;
  }
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  std::size_t rounds = 0;
  while (std::chrono::steady_clock::now() < until) {
    std::string input, why;
    if (!fuzzer.Round(&input, &why)) {
      std::cerr << "termin-fuzz: seed " << seed << ", round " << rounds << ": " << why
                << "\ninput: " << termin::testing::Printable(input) << "\n";
      return 1;
    }
    ++rounds;
    if (rounds % 20000 == 0 && !fuzzer.Reset(&error)) {
      std::cerr << "termin-fuzz: " << error << "\n";
      return 2;
    }
  }
  std::cout << "termin-fuzz: seed " << seed << ": " << rounds << " inputs, " << fuzzer.handled()
            << " reached the handlers, 0 failures\n";
  return 0;
}
