#include "api/domain/claims_cache.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace termin::api {
namespace {

using namespace std::chrono_literals;

Instant At(int minutes) { return Instant(Minutes(28000000 + minutes)); }
Interval Range(int from, int to) { return Interval{At(from), At(to)}; }

DeskClaims OneClaim(const std::string& desk, int from, int to) {
  return DeskClaims{{desk, IntervalSet::FromSorted({Range(from, to)})}};
}

TEST_CASE("claims cache: a snapshot serves exactly its office and range, and only while young") {
  ClaimsCache cache(ClaimsCache::Options{1000ms, 16});
  auto t0 = std::chrono::steady_clock::time_point{} + 1h;
  cache.Put("o1", Range(0, 1440), OneClaim("a", 60, 70), t0);
  auto got = cache.Get("o1", Range(0, 1440), t0 + 999ms).claims;
  REQUIRE(got != nullptr);
  CHECK(cache.Get("o1", Range(0, 1440), t0 + 999ms).read_at == t0);
  CHECK(got->at("a").Overlaps(Range(65, 66)));
  CHECK(cache.Get("o1", Range(0, 1440), t0 + 1000ms).claims == nullptr);  // too old
  CHECK(cache.Get("o2", Range(0, 1440), t0).claims == nullptr);           // other office
  CHECK(cache.Get("o1", Range(0, 1439), t0).claims == nullptr);           // other range
  // An older read finishing late does not replace a newer one.
  cache.Put("o1", Range(0, 1440), DeskClaims{}, t0 - 10ms);
  CHECK(cache.Get("o1", Range(0, 1440), t0).claims->count("a") == 1);
}

TEST_CASE("claims cache: own writes join the snapshots they overlap; readers keep their copy") {
  ClaimsCache cache(ClaimsCache::Options{1000ms, 16});
  auto t0 = std::chrono::steady_clock::time_point{} + 1h;
  cache.Put("o1", Range(0, 1440), OneClaim("a", 60, 70), t0);
  cache.Put("o1", Range(1440, 2880), DeskClaims{}, t0);
  cache.Put("o2", Range(0, 1440), DeskClaims{}, t0);
  auto before = cache.Get("o1", Range(0, 1440), t0).claims;
  cache.AddClaim("o1", "b", Range(100, 110));
  auto after = cache.Get("o1", Range(0, 1440), t0).claims;
  REQUIRE(after != nullptr);
  CHECK(after->at("b").Overlaps(Range(105, 106)));
  CHECK(after->at("a").Overlaps(Range(65, 66)));
  CHECK(before->count("b") == 0);  // copy on write
  CHECK(cache.Get("o1", Range(1440, 2880), t0).claims->empty());  // another day
  CHECK(cache.Get("o2", Range(0, 1440), t0).claims->empty());     // another office
  cache.ForgetOffice("o1");
  CHECK(cache.Get("o1", Range(0, 1440), t0).claims == nullptr);
  CHECK(cache.Get("o1", Range(1440, 2880), t0).claims == nullptr);
  CHECK(cache.Get("o2", Range(0, 1440), t0).claims != nullptr);
}

TEST_CASE("claims cache: bounded; a full cache drops old snapshots first; max_age 0 is off") {
  ClaimsCache cache(ClaimsCache::Options{1000ms, 4});
  auto t0 = std::chrono::steady_clock::time_point{} + 1h;
  for (int i = 0; i < 3; ++i) cache.Put("old" + std::to_string(i), Range(0, 1), {}, t0);
  cache.Put("young", Range(0, 1), {}, t0 + 1500ms);
  cache.Put("new", Range(0, 1), {}, t0 + 2000ms);  // full: the three old ones go
  CHECK(cache.size() == 2);
  CHECK(cache.Get("young", Range(0, 1), t0 + 2000ms).claims != nullptr);
  for (int i = 0; i < 3; ++i) cache.Put("more" + std::to_string(i), Range(0, 1), {}, t0 + 2000ms);
  CHECK(cache.size() <= 4);

  ClaimsCache off(ClaimsCache::Options{0ms, 4});
  CHECK(!off.enabled());
  off.Put("o1", Range(0, 1), {}, t0);
  CHECK(off.Get("o1", Range(0, 1), t0).claims == nullptr);
  CHECK(off.size() == 0);
}

TEST_CASE("claims cache: concurrent fetches of the same claims share one read") {
  ClaimsCache cache(ClaimsCache::Options{1000ms, 16});
  std::atomic<int> reads{0};
  auto slow_read = [&]() -> Result<DeskClaims> {
    ++reads;
    std::this_thread::sleep_for(100ms);
    return OneClaim("a", 60, 70);
  };
  auto before = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  std::atomic<int> answered{0};
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&] {
      auto s = cache.Fetch("o1", Range(0, 1440), before - 1s, slow_read);
      if (s.ok() && s->claims && s->claims->count("a") == 1) ++answered;
    });
  }
  for (auto& t : threads) t.join();
  CHECK(answered == 16);
  CHECK(reads == 1);
  // Held and young enough: no read. Asked for a read begun later: a read.
  CHECK(cache.Fetch("o1", Range(0, 1440), before, slow_read).ok());
  CHECK(reads == 1);
  CHECK(cache.Fetch("o1", Range(0, 1440), std::chrono::steady_clock::now(), slow_read).ok());
  CHECK(reads == 2);
  // A failed read reaches its caller and keeps nothing.
  auto failed = cache.Fetch("o2", Range(0, 1440), before,
                            [] { return Result<DeskClaims>(Status::Unavailable("down")); });
  CHECK(failed.status().code() == StatusCode::kUnavailable);
  CHECK(cache.Get("o2", Range(0, 1440), std::chrono::steady_clock::now()).claims == nullptr);
}

TEST_CASE("claims cache: a read begun before a forget or an own claim does not undo it") {
  ClaimsCache cache(ClaimsCache::Options{1000ms, 16});
  auto t0 = std::chrono::steady_clock::now();
  cache.ForgetOffice("o1");
  cache.Put("o1", Range(0, 1440), OneClaim("a", 60, 70), t0);  // read before the forget
  CHECK(cache.Get("o1", Range(0, 1440), std::chrono::steady_clock::now()).claims == nullptr);
  auto t1 = std::chrono::steady_clock::now();
  cache.AddClaim("o1", "b", Range(100, 110));
  cache.Put("o1", Range(0, 1440), OneClaim("a", 60, 70), t1);  // began before the claim
  auto got = cache.Get("o1", Range(0, 1440), std::chrono::steady_clock::now()).claims;
  REQUIRE(got != nullptr);
  CHECK(got->count("b") == 1);
  CHECK(got->at("b").Overlaps(Range(105, 106)));
}

}  // namespace
}  // namespace termin::api
