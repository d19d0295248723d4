#include "api/http/connections.h"

#include <algorithm>

#include <doctest/doctest.h>

namespace termin::api {
namespace {

using namespace std::chrono_literals;
using Clock = ConnectionTable::Clock;

ConnectionTable::Limits Small() {
  ConnectionTable::Limits l;
  l.max_total = 3;
  l.max_per_address = 2;
  l.header_timeout = 10s;
  l.idle_timeout = 60s;
  l.refused_linger = 1s;
  return l;
}

}  // namespace

TEST_CASE("connections: per-address cap refuses, refused ones do not count") {
  ConnectionTable t(Small());
  const auto now = Clock::now();
  CHECK(t.Open(10, "a", now).admitted);
  CHECK(t.Open(11, "a", now).admitted);
  auto third = t.Open(12, "a", now);
  CHECK_FALSE(third.admitted);
  CHECK(third.evict.empty());
  CHECK(t.at_address("a") == 2);
  t.Close(10);
  CHECK(t.at_address("a") == 1);
  CHECK(t.Open(13, "a", now).admitted);
  t.Close(12);  // the refused one: counts stay true
  CHECK(t.at_address("a") == 2);
  CHECK(t.size() == 2);
}

TEST_CASE("connections: over the total cap the idlest without a request under way is evicted") {
  ConnectionTable t(Small());
  const auto now = Clock::now();
  CHECK(t.Open(1, "a", now).admitted);
  CHECK(t.Open(2, "b", now + 1s).admitted);
  CHECK(t.Open(3, "c", now + 2s).admitted);
  t.Touch(1, true, now + 3s);  // 1 has a request arriving: not evicted although oldest
  auto d = t.Open(4, "d", now + 4s);
  CHECK(d.admitted);
  REQUIRE(d.evict.size() == 1);
  CHECK(d.evict[0] == 2);
  CHECK(t.size() == 3);
  CHECK(t.at_address("b") == 0);
  // All busy: the new one is refused, nobody evicted.
  t.Touch(3, true, now + 5s);
  t.Touch(4, true, now + 5s);
  auto e = t.Open(5, "e", now + 6s);
  CHECK_FALSE(e.admitted);
  CHECK(e.evict.empty());
  // A refused connection is evicted before anyone else, and a refused
  // newcomer never evicts a served connection.
  t.Touch(3, false, now + 7s);
  auto f = t.Open(6, "f", now + 8s);
  REQUIRE(f.evict.size() == 1);
  CHECK(f.evict[0] == 5);
  CHECK(f.admitted);
}

TEST_CASE("connections: header timeout, idle timeout and refused linger are due") {
  ConnectionTable t(Small());
  const auto now = Clock::now();
  t.Open(1, "a", now);
  t.Open(2, "b", now);
  t.Open(3, "a", now);
  t.Open(4, "a", now);  // refused
  t.Touch(1, true, now);
  t.Touch(1, true, now + 5s);  // still the same request: its clock does not restart
  auto names = [&](Clock::time_point at) {
    std::vector<int> fds;
    for (const auto& x : t.Due(at)) fds.push_back(x.fd);
    std::sort(fds.begin(), fds.end());
    return fds;
  };
  CHECK(names(now + 500ms).empty());
  CHECK(names(now + 1s) == std::vector<int>{4});
  CHECK(names(now + 10s) == std::vector<int>{1, 4});
  t.Touch(1, false, now + 9s);  // the request completed
  CHECK(names(now + 10s) == std::vector<int>{4});
  CHECK(names(now + 60s) == std::vector<int>{2, 3, 4});
  CHECK(names(now + 69s) == std::vector<int>{1, 2, 3, 4});
}

}  // namespace termin::api
