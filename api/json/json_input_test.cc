#include "api/json/json_input.h"

#include <doctest/doctest.h>

namespace termin::api {
namespace {

Status Parse(std::string_view body, std::vector<FieldError>* errors = nullptr) {
  rapidjson::Document doc;
  return ParseJsonBody(body, doc, errors);
}

}  // namespace

TEST_CASE("well-formed bodies parse") {
  CHECK(Parse(R"({"a":1,"b":[true,null,"x"]})").ok());
  CHECK(Parse("[]").ok());
}

TEST_CASE("malformed bodies are InvalidArgument with a message") {
  std::vector<FieldError> errors;
  Status s = Parse(R"({"a":)", &errors);
  CHECK(s.code() == StatusCode::kInvalidArgument);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message.find("malformed JSON") != std::string::npos);
  CHECK_FALSE(Parse("").ok());
  CHECK_FALSE(Parse("{} {}").ok());      // trailing garbage
  CHECK_FALSE(Parse("{'a':1}").ok());    // not JSON quotes
  CHECK_FALSE(Parse("[NaN]").ok());
  CHECK_FALSE(Parse("[1e400]").ok());    // beyond double range
}

TEST_CASE("deep nesting is refused before parsing, without recursion") {
  std::string deep(10000, '[');
  deep += std::string(10000, ']');
  CHECK(JsonNestingDepth(deep, kMaxJsonDepth) == kMaxJsonDepth + 1);
  CHECK_FALSE(Parse(deep).ok());
  std::string ok_depth(kMaxJsonDepth, '[');
  ok_depth += std::string(kMaxJsonDepth, ']');
  CHECK(Parse(ok_depth).ok());
  // Brackets inside strings do not count.
  CHECK(JsonNestingDepth(R"({"a":"[[[[[[\"[[["})", 5) == 1);
}

TEST_CASE("strings must be valid UTF-8 without lone surrogates") {
  CHECK_FALSE(Parse("{\"a\":\"\xC0\xAF\"}").ok());   // overlong '/'
  CHECK_FALSE(Parse("{\"a\":\"\xFF\"}").ok());
  CHECK_FALSE(Parse(R"({"a":"\ud800"})").ok());      // lone high surrogate
  CHECK(Parse(R"({"a":"\ud83d\ude00 \u00fc"})").ok());
  CHECK(Parse("{\"a\":\"Stra\xC3\x9F" "e\"}").ok());
}

TEST_CASE("ObjectReader collects wrong types, missing and unknown fields") {
  rapidjson::Document doc;
  REQUIRE(ParseJsonBody(R"({"name":5,"count":"x","big":18446744073709551616,"extra":1,"list":["a",2]})",
                        doc, nullptr).ok());
  std::vector<FieldError> errors;
  ObjectReader r(doc, "", &errors);
  CHECK_FALSE(r.String("name", true, 10));
  CHECK_FALSE(r.Int("count", true, 0, 10));
  CHECK_FALSE(r.Int("big", true, 0, 1000));
  CHECK_FALSE(r.String("missing", true, 10));
  CHECK_FALSE(r.StringArray("list", true, 5, 10));
  r.Finish();
  std::vector<std::string> fields;
  for (const auto& e : errors) fields.push_back(e.field);
  CHECK(fields == std::vector<std::string>{"name", "count", "big", "missing", "list[1]", "extra"});
}

TEST_CASE("ObjectReader reports repeated keys, NUL and nested paths") {
  rapidjson::Document doc;
  REQUIRE(ParseJsonBody(R"({"a":"x","a":"y","c":{"d":"\u0000"}})", doc, nullptr).ok());
  std::vector<FieldError> errors;
  ObjectReader r(doc, "", &errors);
  CHECK(r.String("a", true, 10));
  const rapidjson::Value* c = r.Object("c", true);
  REQUIRE(c);
  ObjectReader inner(*c, "c", &errors);
  CHECK_FALSE(inner.String("d", true, 10));
  inner.Finish();
  r.Finish();
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].field == "c.d");
  CHECK(errors[1].field == "a");
  CHECK(errors[1].message == "appears more than once");
}

TEST_CASE("ObjectReader checks ranges and lengths") {
  rapidjson::Document doc;
  REQUIRE(ParseJsonBody(R"({"n":11,"s":"abcdef","b":"true"})", doc, nullptr).ok());
  std::vector<FieldError> errors;
  ObjectReader r(doc, "", &errors);
  CHECK_FALSE(r.Int("n", true, 0, 10));
  CHECK_FALSE(r.String("s", true, 5));
  CHECK_FALSE(r.Bool("b", true));
  r.Finish();
  CHECK(errors.size() == 3);
}

}  // namespace termin::api
