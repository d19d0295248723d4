#include "tests/harness/corpus.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include <doctest/doctest.h>

namespace termin::testing {
namespace {

TEST_CASE("corpus text: escapes, variables, repeat, body length") {
  std::string error;
  const std::map<std::string, std::string> vars = {{"office", "test-mitte"}};
  CHECK(ExpandCorpusText("GET / HTTP/1.1\\r\\n\\r\\n", vars, &error) == "GET / HTTP/1.1\r\n\r\n");
  CHECK(ExpandCorpusText("a\\x00b\\xC0\\xAF", vars, &error) == std::string("a\0b\xC0\xAF", 5));
  CHECK(ExpandCorpusText("{{office}}/{{repeat 3 ab}}", vars, &error) == "test-mitte/ababab");
  CHECK(ExpandCorpusText("{{repeat 2 \\x7d}}", vars, &error) == "}}");
  CHECK(ExpandCorpusText("\\{{office}}", vars, &error) == "{{office}}");
  CHECK(error.empty());
  std::string req = ExpandCorpusText(
      "POST / HTTP/1.1\\r\\nContent-Length: {{body-length}}\\r\\n\\r\\n{{repeat 1000 x}}", vars, &error);
  CHECK(req == "POST / HTTP/1.1\r\nContent-Length: 1000\r\n\r\n" + std::string(1000, 'x'));

  ExpandCorpusText("{{nope}}", vars, &error);
  CHECK(error.find("unknown macro") != std::string::npos);
  error.clear();
  ExpandCorpusText("\\q", vars, &error);
  CHECK(!error.empty());
  error.clear();
  ExpandCorpusText("\\x4", vars, &error);
  CHECK(!error.empty());
  error.clear();
  ExpandCorpusText("{{repeat 3 a", vars, &error);
  CHECK(!error.empty());
}

TEST_CASE("corpus files: entries, expectations, comments") {
  const std::string path = "/tmp/termin-corpus-test-" + std::to_string(::getpid()) + ".txt";
  {
    std::ofstream out(path);
    out << "# comment\n\n=== 4xx first one\nGET / HTTP/1.1\\r\\n\nHost: x\\r\\n\\r\\n\n"
        << "# between\n=== maybe second\n\\x00\n=== any third\nA\n";
  }
  std::string error;
  auto entries = ReadCorpusFile(path, &error);
  REQUIRE(error.empty());
  REQUIRE(entries.size() == 3);
  CHECK(entries[0].name == "first one");
  CHECK(entries[0].expect == Expect::k4xx);
  CHECK(entries[0].text == "GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n");
  CHECK(entries[1].expect == Expect::kMaybe);
  CHECK(entries[2].expect == Expect::kAny);
  CHECK(entries[2].line == 9);
  {
    std::ofstream out(path);
    out << "=== 5xx wrong\nX\n";
  }
  ReadCorpusFile(path, &error);
  CHECK(error.find("unknown expectation") != std::string::npos);
  std::remove(path.c_str());
}

TEST_CASE("the repository's corpus files parse and expand") {
  const std::map<std::string, std::string> vars = {
      {"office", "o"}, {"service", "s"}, {"start", "t"}, {"date", "d"}, {"host", "h"},
      {"admin-key", "a"}, {"hotline-key", "h"}, {"kiosk-key", "k"}};
  int count = 0;
  for (const char* file : {"tests/corpus/json.txt", "tests/corpus/http.txt", "tests/corpus/paths.txt"}) {
    std::string error;
    auto entries = ReadCorpusFile(file, &error);
    REQUIRE_MESSAGE(error.empty(), error);
    for (const auto& e : entries) {
      INFO(e.file << ":" << e.line);
      error.clear();
      ExpandCorpusText(e.text, vars, &error);
      CHECK_MESSAGE(error.empty(), error);
      CHECK(!e.text.empty());
      ++count;
    }
  }
  CHECK(count >= 60);
}

}  // namespace
}  // namespace termin::testing
