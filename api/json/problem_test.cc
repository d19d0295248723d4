#include "api/json/problem.h"

#include <doctest/doctest.h>

#include <rapidjson/document.h>

namespace termin::api {

TEST_CASE("problems render as RFC 9457 problem+json") {
  Problem p = MakeProblem("bad-request", "invalid hold request");
  p.errors.push_back({"start", "is required"});
  HttpResponse r = RenderProblem(p, Language::kEn);
  CHECK(r.status == 400);
  CHECK(r.content_type == "application/problem+json");
  rapidjson::Document doc;
  doc.Parse(r.body.c_str());
  REQUIRE(doc.IsObject());
  CHECK(std::string(doc["type"].GetString()) == "https://termin.example/problems/bad-request");
  CHECK(std::string(doc["title"].GetString()) == "Bad request");
  CHECK(doc["status"].GetInt() == 400);
  CHECK(std::string(doc["detail"].GetString()) == "invalid hold request");
  CHECK(std::string(doc["errors"][0]["field"].GetString()) == "start");
  CHECK_FALSE(doc.HasMember("alternatives"));
}

TEST_CASE("titles follow the language") {
  CHECK(ProblemTitle("slot-taken", Language::kDe) == "Termin bereits vergeben");
  CHECK(ProblemTitle("slot-taken", Language::kEn) == "Slot taken");
}

TEST_CASE("every slug has its status") {
  CHECK(ProblemStatus("unauthorized") == 401);
  CHECK(ProblemStatus("forbidden") == 403);
  CHECK(ProblemStatus("not-found") == 404);
  CHECK(ProblemStatus("method-not-allowed") == 405);
  CHECK(ProblemStatus("slot-taken") == 409);
  CHECK(ProblemStatus("conflict") == 409);
  CHECK(ProblemStatus("hold-expired") == 410);
  CHECK(ProblemStatus("payload-too-large") == 413);
  CHECK(ProblemStatus("unsupported-media-type") == 415);
  CHECK(ProblemStatus("unprocessable") == 422);
  CHECK(ProblemStatus("too-many-requests") == 429);
  CHECK(ProblemStatus("unavailable") == 503);
  CHECK(ProblemStatus("no-such-slug") == 500);
}

TEST_CASE("a 500 never carries its detail") {
  HttpResponse r = RenderProblem(MakeProblem("internal", "segfault in foo.cc:12"), Language::kDe);
  CHECK(r.status == 500);
  CHECK(r.body.find("foo.cc") == std::string::npos);
  CHECK(r.body.find("An internal error occurred.") != std::string::npos);
}

TEST_CASE("statuses map to slugs") {
  CHECK(ProblemFromStatus(Status::Gone("x")).slug == "hold-expired");
  CHECK(ProblemFromStatus(Status::FailedPrecondition("x")).slug == "conflict");
  CHECK(ProblemFromStatus(Status::Unprocessable("x")).slug == "unprocessable");
  CHECK(ProblemFromStatus(Status::Internal("secret detail")).detail == "An internal error occurred.");
}

TEST_CASE("slot-taken always lists alternatives, 405 carries Allow") {
  Problem p = MakeProblem("slot-taken", "taken");
  p.has_alternatives = true;
  CHECK(RenderProblem(p, Language::kDe).body.find("\"alternatives\":[]") != std::string::npos);
  Problem m = MakeProblem("method-not-allowed", "no");
  m.allow = "GET, POST";
  HttpResponse r = RenderProblem(m, Language::kDe);
  REQUIRE(r.headers.size() == 1);
  CHECK(r.headers[0] == std::make_pair(std::string("Allow"), std::string("GET, POST")));
}

}  // namespace termin::api
