#include "tests/harness/city.h"

#include <doctest/doctest.h>

namespace termin::testing {
namespace {

TEST_CASE("RFC 3339 parsing with offsets") {
  auto a = ParseRfc3339("2026-12-01T09:30:00+01:00");
  auto b = ParseRfc3339("2026-12-01T08:30:00Z");
  REQUIRE(a.has_value());
  REQUIRE(b.has_value());
  CHECK(*a == *b);
  CHECK(IcsUtc(*a) == "20261201T083000Z");
  CHECK(*ParseRfc3339("2026-07-01T10:00:00+02:00") == *ParseRfc3339("2026-07-01T08:00:00Z"));
  CHECK(*ParseRfc3339("2026-01-01T00:30:00-01:00") == *ParseRfc3339("2026-01-01T01:30:00Z"));
  CHECK(!ParseRfc3339("2026-02-30T10:00:00Z").has_value());
  CHECK(!ParseRfc3339("2026-12-01T09:30:00").has_value());
  CHECK(!ParseRfc3339("2026-12-01").has_value());
  CHECK(!ParseRfc3339("2026-12-01T09:30:00+0100").has_value());
}

TEST_CASE("date arithmetic") {
  CHECK(AddDays("2026-02-28", 1) == "2026-03-01");
  CHECK(AddDays("2028-02-28", 1) == "2028-02-29");
  CHECK(AddDays("2026-01-01", -1) == "2025-12-31");
  CHECK(AddDays("garbage", 1).empty());
  CHECK(LocalToday("Europe/Berlin").size() == 10);
  int m = LocalMinuteOfDay("Europe/Berlin");
  CHECK(m >= 0);
  CHECK(m < 24 * 60);
}

}  // namespace
}  // namespace termin::testing
