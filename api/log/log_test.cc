#include "api/log/log.h"

#include <doctest/doctest.h>

#include "api/log/request_id.h"

namespace termin::api {

TEST_CASE("log: a JSON line has level, ts, msg and escaped fields in order") {
  std::string line = FormatLogLine(LogFormat::kJson, "2026-12-07T16:00:00.000Z", "info", "request",
                                   {{"request_id", "a\"b\\c\n"}, {"status", 201}, {"ms", 1.5}});
  CHECK(line ==
        "{\"level\":\"info\",\"ts\":\"2026-12-07T16:00:00.000Z\",\"msg\":\"request\","
        "\"request_id\":\"a\\\"b\\\\c\\n\",\"status\":201,\"ms\":1.500}");
  CHECK(FormatLogLine(LogFormat::kJson, "t", "warn", "x", {{"k", std::string("\x01")}}) ==
        "{\"level\":\"warn\",\"ts\":\"t\",\"msg\":\"x\",\"k\":\"\\u0001\"}");
}

TEST_CASE("log: a text line is for people") {
  CHECK(FormatLogLine(LogFormat::kText, "T", "warn", "redis unreachable",
                      {{"route", "/v1/holds"}, {"detail", "a b"}}) ==
        "T WARN \"redis unreachable\" route=/v1/holds detail=\"a b\"");
  LogFormat f = LogFormat::kJson;
  CHECK(ParseLogFormat("text", &f));
  CHECK(f == LogFormat::kText);
  CHECK_FALSE(ParseLogFormat("xml", &f));
}

TEST_CASE("log: ScrubContact takes out addresses and phone numbers") {
  CHECK(ScrubContact("550 5.1.1 <erika.mustermann@example.org>: unknown") ==
        "550 5.1.1 <<address>>: unknown");
  CHECK(ScrubContact("gateway: +49 (0)7361 52-1234 unreachable") == "gateway: <number> unreachable");
  CHECK(ScrubContact("timeout after 10000 ms, attempt 3") == "timeout after 10000 ms, attempt 3");
  CHECK(ScrubContact("HTTP 503 from 10.0.0.5:8080") == "HTTP 503 from 10.0.0.5:8080");
  CHECK(ScrubContact("") == "");
}

TEST_CASE("log: Rfc3339UtcNow") {
  std::string ts = Rfc3339UtcNow();
  REQUIRE(ts.size() == 24);
  CHECK(ts[4] == '-');
  CHECK(ts[10] == 'T');
  CHECK(ts[19] == '.');
  CHECK(ts.back() == 'Z');
}

TEST_CASE("request id: X-Request-Id, then traceparent, else new") {
  CHECK(RequestIdFor(std::string("abc-123"), std::nullopt) == "abc-123");
  const std::string tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  CHECK(RequestIdFor(std::nullopt, tp) == "4bf92f3577b34da6a3ce929d0e0e4736");
  // an invalid X-Request-Id falls through to the traceparent
  CHECK(RequestIdFor(std::string("has space"), tp) == "4bf92f3577b34da6a3ce929d0e0e4736");
  CHECK(RequestIdFor(std::string(65, 'a'), tp) == "4bf92f3577b34da6a3ce929d0e0e4736");
  CHECK(RequestIdFor(std::string(64, 'a'), tp) == std::string(64, 'a'));
  CHECK(RequestIdFor(std::string("\x7f"), std::nullopt).size() == 32);
  CHECK(RequestIdFor(std::string(""), std::nullopt).size() == 32);
  CHECK(NewRequestId() != NewRequestId());
  CHECK_FALSE(TraceIdOf("00-00000000000000000000000000000000-00f067aa0ba902b7-01"));
  CHECK_FALSE(TraceIdOf("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"));
  CHECK_FALSE(TraceIdOf("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
  CHECK_FALSE(TraceIdOf("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"));
  CHECK_FALSE(TraceIdOf("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x"));
  CHECK(TraceIdOf("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-later"));
}

}  // namespace termin::api
