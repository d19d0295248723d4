// Hostile clients (#17) against a real termin-api: valid UTF-8 in every
// JSON answer.
#include <string>

#include <doctest/doctest.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "tests/blackbox/helpers.h"
#include "tests/harness/raw_http.h"

namespace termin::testing {
namespace {

std::string Get(const std::string& target, const std::string& extra = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "\r\n";
}

}  // namespace

TEST_CASE("invalid UTF-8 from the query is never written raw into JSON") {
  const int port = SharedServer().port();
  RawResponse r = SendRaw(port, Get("/v1/availability?services=%FF%FE&office=%C0%AF&from=x&to=y",
                                    "Connection: close\r\n"));
  REQUIRE(r.complete);
  CHECK(r.status == 400);
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(r.body.c_str(), r.body.size());
  CHECK_MESSAGE(!doc.HasParseError(), rapidjson::GetParseError_En(doc.GetParseError()));
}

}  // namespace termin::testing
