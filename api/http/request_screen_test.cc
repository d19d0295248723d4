#include "api/http/request_screen.h"

#include <doctest/doctest.h>

namespace termin::api {

TEST_CASE("ordinary requests pass the screen") {
  CHECK_FALSE(ScreenRequestHead("GET /v1/offices HTTP/1.1\r\nHost: x\r\n\r\n", 100).reject);
  CHECK_FALSE(ScreenRequestHead("POST /v1/holds HTTP/1.1\r\nContent-Type: application/json; "
                                "charset=utf-8\r\nContent-Length: 42\r\n\r\n{",
                                100).reject);
  CHECK_FALSE(ScreenRequestHead("GET /v1/off", 100).reject);  // incomplete: Pistache waits
}

TEST_CASE("bad Content-Length, Transfer-Encoding, media types and sizes are refused") {
  auto slug = [](std::string_view head) { return ScreenRequestHead(head, 100).slug; };
  CHECK(slug("POST /x HTTP/1.1\r\nContent-Length: -1\r\n\r\n") == "bad-request");
  CHECK(slug("POST /x HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n") == "bad-request");
  CHECK(slug("POST /x HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n") == "bad-request");
  CHECK(slug("POST /x HTTP/1.1\r\nContent-Length: 101\r\n\r\n") == "payload-too-large");
  CHECK(slug("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n") == "bad-request");
  CHECK(slug("POST /x HTTP/1.1\r\nContent-Type: application/jsonx\r\n\r\n") == "unsupported-media-type");
  CHECK(slug("POST /x HTTP/1.1\r\nno colon here\r\n\r\n") == "bad-request");
  CHECK(slug("GARBAGE\r\n\r\n") == "bad-request");
  CHECK(slug("GET /x HTTP/1.2\r\n\r\n") == "bad-request");  // Pistache would answer text/plain
  CHECK(slug("GET /x HTTP/2.0\r\n\r\n") == "bad-request");
  CHECK(slug("GET /x HTTP/1.1 \r\n\r\n") == "bad-request");
  CHECK_FALSE(ScreenRequestHead("GET /x HTTP/1.0\r\n\r\n", 100).reject);
}

TEST_CASE("an accepted head says how long its body is") {
  CHECK(ScreenRequestHead("GET /x HTTP/1.1\r\nHost: x\r\n\r\n", 100).content_length == 0);
  CHECK(ScreenRequestHead("POST /x HTTP/1.1\r\ncontent-length:  42 \r\n\r\n", 100).content_length == 42);
  CHECK(ScreenRequestHead("POST /x HTTP/1.1\r\nContent-Length: 7\r\nContent-Length: 7\r\n\r\n", 100)
            .content_length == 7);
}

TEST_CASE("bare LF line endings are refused, also before the head ends") {
  auto slug = [](std::string_view head) { return ScreenRequestHead(head, 100).slug; };
  CHECK(slug("GET /healthz HTTP/1.1\nHost: x\n\n") == "bad-request");
  CHECK(slug("GET /healthz HTTP/1.1\n") == "bad-request");
  CHECK(slug("GET /healthz HTTP/1.1\r\nHost: x\nX-A: b\r\n\r\n") == "bad-request");
  // A body is not a head: LF there is fine.
  CHECK_FALSE(ScreenRequestHead("POST /x HTTP/1.1\r\nContent-Length: 3\r\n\r\n{\n}", 100).reject);
}

TEST_CASE("unknown methods are routed for 405 or 404") {
  auto r = ScreenRequestHead("BREW /v1/offices?x=1 HTTP/1.1\r\nHost: x\r\n\r\n", 100);
  CHECK(r.reject);
  CHECK(r.unknown_method);
  CHECK(r.method == "BREW");
  CHECK(r.path == "/v1/offices");
  CHECK(ScreenRequestHead("get /v1/offices HTTP/1.1\r\n\r\n", 100).unknown_method);
}

}  // namespace termin::api
