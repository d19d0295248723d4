#include "bench/load/http_response_parser.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace termin::bench {
namespace {

// What termin-api (Pistache 0.0.5) sent on the wire, byte for byte.
const std::string kHealthz =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: Keep-Alive\r\n"
    "Content-Length: 15\r\n\r\n{\"status\":\"ok\"}";
const std::string kConflictBody = "{\"type\":\"slot-taken\",\"x\":1}";
const std::string kConflict =
    "HTTP/1.1 409 Conflict\r\nContent-Type: application/problem+json\r\n"
    "Connection: Keep-Alive\r\nContent-Length: " + std::to_string(kConflictBody.size()) +
    "\r\n\r\n" + kConflictBody;
const std::string kEmpty = "HTTP/1.1 204 No Content\r\nConnection: Keep-Alive\r\n\r\n";

// Feeds `pieces` in order and collects every whole answer.
struct Collected {
  std::vector<ParsedResponse> answers;
  bool error = false;
  std::string why;
};
Collected FeedAll(const std::vector<std::string>& pieces) {
  Collected out;
  ResponseParser parser;
  for (const std::string& piece : pieces) {
    std::string_view rest = piece;
    while (!rest.empty()) {
      auto step = parser.Feed(rest);
      REQUIRE(step.used <= rest.size());
      rest.remove_prefix(step.used);
      if (step.state == ResponseParser::State::kError) {
        out.error = true;
        out.why = parser.error();
        return out;
      }
      if (step.state == ResponseParser::State::kDone) {
        out.answers.push_back(parser.response());
        parser.Reset();
      } else {
        CHECK(rest.empty());  // kNeedMore uses everything it was given
      }
    }
  }
  return out;
}

}  // namespace

TEST_CASE("parser: one answer in one read") {
  auto c = FeedAll({kHealthz});
  REQUIRE_FALSE(c.error);
  REQUIRE(c.answers.size() == 1);
  CHECK(c.answers[0].status == 200);
  CHECK(c.answers[0].body == "{\"status\":\"ok\"}");
  CHECK_FALSE(c.answers[0].close);
}

TEST_CASE("parser: an answer split at every byte boundary, and byte by byte") {
  const std::string wire = kConflict;
  for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
    CAPTURE(cut);
    auto c = FeedAll({wire.substr(0, cut), wire.substr(cut)});
    REQUIRE_FALSE(c.error);
    REQUIRE(c.answers.size() == 1);
    CHECK(c.answers[0].status == 409);
    CHECK(c.answers[0].body == kConflictBody);
  }
  std::vector<std::string> bytes;
  for (char ch : wire) bytes.emplace_back(1, ch);
  auto c = FeedAll(bytes);
  REQUIRE(c.answers.size() == 1);
  CHECK(c.answers[0].body == kConflictBody);
}

TEST_CASE("parser: several answers in one read, and split anywhere across them") {
  const std::string wire = kHealthz + kEmpty + kConflict + kHealthz;
  auto check = [](const Collected& c) {
    REQUIRE_FALSE(c.error);
    REQUIRE(c.answers.size() == 4);
    CHECK(c.answers[0].status == 200);
    CHECK(c.answers[1].status == 204);
    CHECK(c.answers[1].body.empty());
    CHECK(c.answers[2].status == 409);
    CHECK(c.answers[3].body == "{\"status\":\"ok\"}");
  };
  check(FeedAll({wire}));
  for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
    CAPTURE(cut);
    check(FeedAll({wire.substr(0, cut), wire.substr(cut)}));
  }
}

TEST_CASE("parser: Connection: close, header case and white space") {
  auto c = FeedAll({"HTTP/1.1 400 Bad Request\r\ncontent-length:  2 \r\nCONNECTION: Close\r\n\r\nab"});
  REQUIRE_FALSE(c.error);
  REQUIRE(c.answers.size() == 1);
  CHECK(c.answers[0].status == 400);
  CHECK(c.answers[0].close);
  CHECK(c.answers[0].body == "ab");
  // A status line without reason phrase is legal.
  auto bare = FeedAll({"HTTP/1.1 201\r\nContent-Length: 0\r\n\r\n"});
  REQUIRE_FALSE(bare.error);
  CHECK(bare.answers.at(0).status == 201);
}

TEST_CASE("parser: bad input is an error, not a guess") {
  const char* bad[] = {
      "HTTP/2 200 OK\r\n\r\n",                                          // not HTTP/1.x
      "HTTX/1.1 200 OK\r\n\r\n",                                        // not HTTP
      "HTTP/1.1 2x0 OK\r\n\r\n",                                        // status not a number
      "HTTP/1.1 099 Low\r\n\r\n",                                       // status below 100
      "HTTP/1.1 2000 OK\r\n\r\n",                                       // four digits
      "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",                       // header without colon
      "HTTP/1.1 200 OK\r\n: empty name\r\n\r\n",                        // empty name
      "HTTP/1.1 200 OK\r\nX: a\r\n folded\r\n\r\n",                     // obsolete folding
      "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",                  // negative
      "HTTP/1.1 200 OK\r\nContent-Length: 12abc\r\n\r\n",               // junk
      "HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n",                     // empty
      "HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n",         // too large
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc",  // disagree
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n",
  };
  for (const char* wire : bad) {
    CAPTURE(wire);
    auto c = FeedAll({wire});
    CHECK(c.error);
    CHECK_FALSE(c.why.empty());
    CHECK(c.answers.empty());
  }
}

TEST_CASE("parser: a head that never ends is an error once it is too long") {
  ResponseParser parser;
  std::string junk(1024, 'a');
  auto step = parser.Feed("HTTP/1.1 200 OK\r\n");
  REQUIRE(step.state == ResponseParser::State::kNeedMore);
  int fed = 0;
  while (step.state == ResponseParser::State::kNeedMore && fed < 100) {
    step = parser.Feed(junk);
    ++fed;
  }
  CHECK(step.state == ResponseParser::State::kError);
  CHECK(fed <= 17);
  // Stays an error until Reset, then reads a good answer again.
  CHECK(parser.Feed(kHealthz).state == ResponseParser::State::kError);
  parser.Reset();
  auto good = parser.Feed(kHealthz);
  CHECK(good.state == ResponseParser::State::kDone);
  CHECK(good.used == kHealthz.size());
}

TEST_CASE("parser: a body cut short stays incomplete") {
  ResponseParser parser;
  auto step = parser.Feed(kHealthz.substr(0, kHealthz.size() - 1));
  CHECK(step.state == ResponseParser::State::kNeedMore);
  step = parser.Feed("}");
  CHECK(step.state == ResponseParser::State::kDone);
  CHECK(parser.response().body == "{\"status\":\"ok\"}");
}

}  // namespace termin::bench
