#include "tests/harness/redis_server.h"

#include <doctest/doctest.h>

namespace termin::testing {
namespace {

TEST_CASE("a throw-away redis-server starts on loopback, stores, and stops") {
  std::string error;
  auto redis = RedisServer::Start(&error);
  REQUIRE_MESSAGE(redis != nullptr, error);
  CHECK(redis->Command({"SET", "termin:test", "42"}) == "+OK\r\n");
  CHECK(redis->Command({"GET", "termin:test"}) == "$2\r\n42\r\n");
  CHECK(redis->Command({"GET", "termin:missing"}) == "$-1\r\n");
  CHECK(redis->Command({"INCR", "termin:test"}) == ":43\r\n");
  auto stopped = redis->Stop();
  REQUIRE(stopped.has_value());
  CHECK(stopped->clean());
}

}  // namespace
}  // namespace termin::testing
