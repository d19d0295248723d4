#include "api/security/auth.h"

#include <doctest/doctest.h>

#include "api/security/secrets.h"

namespace termin::api {
namespace {

std::string Entry(const std::string& key, const std::string& rest) {
  return "{\"sha256\":\"" + Sha256Hex(key) + "\"," + rest + "}";
}

TEST_CASE("desk keys: one office, optionally one desk; only desk keys name a desk") {
  auto table = KeyTable::Parse("[" + Entry("d1", "\"role\":\"desk\",\"offices\":[\"o\"]") + "," +
                               Entry("d2", "\"role\":\"desk\",\"offices\":[\"o\"],\"desk\":\"a\"") + "]");
  REQUIRE_MESSAGE(table.ok(), table.status().message());
  auto any = table->Authenticate(std::string("Bearer d1"));
  REQUIRE(any.ok());
  CHECK(any->role == Role::kDesk);
  CHECK(any->ActsFor("a"));
  CHECK(any->ActsFor("b"));
  auto one = table->Authenticate(std::string("Bearer d2"));
  REQUIRE(one.ok());
  CHECK(one->ActsFor("a"));
  CHECK_FALSE(one->ActsFor("b"));
  CHECK(one->Covers("o"));
  CHECK_FALSE(one->Covers("p"));
  CHECK_FALSE(RequireRole(*one, Role::kKiosk).ok());

  CHECK_FALSE(KeyTable::Parse("[" + Entry("x", "\"role\":\"desk\"") + "]").ok());
  CHECK_FALSE(KeyTable::Parse("[" + Entry("x", "\"role\":\"desk\",\"offices\":[\"o\",\"p\"]") + "]").ok());
  CHECK_FALSE(KeyTable::Parse("[" + Entry("x", "\"role\":\"kiosk\",\"offices\":[\"o\"],\"desk\":\"a\"") + "]").ok());
  CHECK_FALSE(KeyTable::Parse("[" + Entry("x", "\"role\":\"clerk\",\"offices\":[\"o\"]") + "]").ok());
}

}  // namespace
}  // namespace termin::api
