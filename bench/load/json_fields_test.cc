#include "bench/load/json_fields.h"

#include <doctest/doctest.h>

#include "bench/load/api_connection.h"

namespace termin::bench {

TEST_CASE("ReadTopFields: strings and integers of the top level only") {
  auto f = ReadTopFields(R"({"id":"h1","version":7,"nested":{"id":"x"},"ok":true})");
  REQUIRE(f);
  CHECK(f->String("id") == "h1");
  CHECK(f->Int("version") == 7);
  CHECK_FALSE(f->String("nested"));
  CHECK_FALSE(f->Int("ok"));
  CHECK_FALSE(ReadTopFields("[1,2]"));
  CHECK_FALSE(ReadTopFields("{\"id\":"));
}

TEST_CASE("ReadSlotStarts: every start of every day") {
  auto s = ReadSlotStarts(R"({"services":["a"],"days":[
    {"date":"2026-12-01","office":"o","slots":[{"start":"A","free":1},{"start":"B","free":2}]},
    {"date":"2026-12-02","office":"o","slots":[{"start":"C","free":1}]}]})");
  REQUIRE(s);
  CHECK(*s == std::vector<std::string>{"A", "B", "C"});
  CHECK_FALSE(ReadSlotStarts(R"({"days":[{"slots":[{"free":1}]}]})"));
}

TEST_CASE("Quoted escapes what JSON needs") {
  CHECK(Quoted("a\"b\\c") == R"("a\"b\\c")");
}

TEST_CASE("ParseTargets") {
  auto t = ParseTargets("127.0.0.1:8081,localhost:9");
  REQUIRE(t.ok());
  REQUIRE(t->size() == 2);
  CHECK((*t)[0].host == "127.0.0.1");
  CHECK((*t)[0].port == 8081);
  CHECK((*t)[1].port == 9);
  CHECK_FALSE(ParseTargets("").ok());
  CHECK_FALSE(ParseTargets("127.0.0.1").ok());
  CHECK_FALSE(ParseTargets("127.0.0.1:0").ok());
  CHECK_FALSE(ParseTargets("127.0.0.1:80x").ok());
  CHECK_FALSE(ParseTargets(":80").ok());
}

}  // namespace termin::bench
