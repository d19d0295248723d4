#include "bench/load/latency_log.h"

#include <doctest/doctest.h>

namespace termin::bench {

TEST_CASE("LatencyLog: quantiles over merged per-thread logs") {
  LatencyLog a, b, all;
  CHECK(all.QuantileMicros(0.5) == 0);
  for (int i = 1; i <= 50; ++i) a.Add(i);
  for (int i = 51; i <= 100; ++i) b.Add(i);
  all.Merge(a);
  all.Merge(b);
  CHECK(all.count() == 100);
  CHECK(all.QuantileMicros(0.5) == doctest::Approx(50.5));
  CHECK(all.QuantileMicros(0.99) == doctest::Approx(99.01));
  CHECK(all.MaxMicros() == 100);
}

TEST_CASE("LatencyLog: one slow request shows in p99, not in p50") {
  LatencyLog log;
  for (int i = 0; i < 98; ++i) log.Add(1000);
  log.Add(50000);
  log.Add(60000);
  CHECK(log.QuantileMicros(0.5) == 1000);
  CHECK(log.QuantileMicros(0.99) > 49000);
}

}  // namespace termin::bench
