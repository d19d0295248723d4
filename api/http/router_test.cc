#include "api/http/router.h"

#include <doctest/doctest.h>

namespace termin::api {
namespace {

Handler Named(std::string name) {
  return [name](const Call&) {
    HttpResponse r;
    r.body = name;
    return r;
  };
}

Router Table() {
  Router r;
  r.Add("GET", "/v1/offices", Named("list"));
  r.Add("GET", "/v1/offices/{officeId}", Named("get"));
  r.Add("PUT", "/v1/offices/{officeId}", Named("put"));
  r.Add("POST", "/v1/appointments/{reference}/cancel", Named("cancel"));
  return r;
}

}  // namespace

TEST_CASE("routes match by method and segments, with parameters") {
  Router r = Table();
  auto l = r.Find("GET", "/v1/offices/aalen-rathaus");
  REQUIRE(l.route);
  CHECK(l.route->path == "/v1/offices/{officeId}");
  CHECK(l.params.at("officeId") == "aalen-rathaus");
  auto c = r.Find("POST", "/v1/appointments/K7QM-4XPR/cancel");
  REQUIRE(c.route);
  CHECK(c.params.at("reference") == "K7QM-4XPR");
}

TEST_CASE("a known path with another method gives the Allow list") {
  Router r = Table();
  auto l = r.Find("DELETE", "/v1/offices/x");
  CHECK_FALSE(l.route);
  CHECK(l.allow == "GET, PUT");
  CHECK(r.Find("POST", "/v1/offices").allow == "GET");
}

TEST_CASE("unknown and odd paths match nothing") {
  Router r = Table();
  for (const char* path : {"/v1/office", "/v1/offices/", "//v1//offices", "/v1/offices/a/b", "",
                           "v1/offices", "/v1/../etc/passwd", "/v1/offices/%2F", "/v1/offices/%zz"}) {
    auto l = r.Find("GET", path);
    CHECK_MESSAGE(!l.route, path);
    CHECK_MESSAGE(l.allow.empty(), path);
  }
}

TEST_CASE("parameters are percent-decoded") {
  Router r = Table();
  auto l = r.Find("GET", "/v1/offices/a%2Db");
  REQUIRE(l.route);
  CHECK(l.params.at("officeId") == "a-b");
  CHECK(PercentDecode("a+b") == std::optional<std::string>("a+b"));
  CHECK(DecodeQueryComponent("a+b%2Cc") == std::optional<std::string>("a b,c"));
  CHECK_FALSE(PercentDecode("%"));
  CHECK_FALSE(PercentDecode("%4"));
  CHECK_FALSE(PercentDecode("%00"));
}

TEST_CASE("the table lists every route") {
  CHECK(Table().List() == std::vector<std::string>{"GET /v1/offices", "GET /v1/offices/{officeId}",
                                                   "PUT /v1/offices/{officeId}",
                                                   "POST /v1/appointments/{reference}/cancel"});
}

TEST_CASE("a path parameter longer than its limit matches no route (#17)") {
  Router r = Table();
  r.LimitParam("reference", 40);
  CHECK(r.Find("POST", "/v1/appointments/" + std::string(40, 'K') + "/cancel").route);
  CHECK_FALSE(r.Find("POST", "/v1/appointments/" + std::string(41, 'K') + "/cancel").route);
  // Counted after decoding: 40 escaped bytes are 40, not 120.
  std::string escaped;
  for (int i = 0; i < 40; ++i) escaped += "%4B";
  CHECK(r.Find("POST", "/v1/appointments/" + escaped + "/cancel").route);
  // A megabyte is refused without being decoded; unnamed parameters default to 200.
  CHECK_FALSE(r.Find("POST", "/v1/appointments/" + std::string(1 << 20, 'K') + "/cancel").route);
  CHECK(r.Find("GET", "/v1/offices/" + std::string(200, 'a')).route);
  CHECK_FALSE(r.Find("GET", "/v1/offices/" + std::string(201, 'a')).route);
}

}  // namespace termin::api
