#include "scheduler/interval_set.h"

#include <doctest/doctest.h>

#include <bitset>
#include <cstdlib>
#include <random>

namespace termin {
namespace {

Instant T(int minute) { return Instant{Minutes{minute}}; }
Interval Iv(int b, int e) { return {T(b), T(e)}; }
IntervalSet Set(std::vector<Interval> ivs) { return IntervalSet::FromUnsorted(std::move(ivs)); }

// Case count of every property test: 10,000 unless TERMIN_PROPERTY_CASES says.
int PropertyCases() {
  const char* env = std::getenv("TERMIN_PROPERTY_CASES");
  if (env != nullptr && std::atoi(env) > 0) return std::atoi(env);
  return 10000;
}

TEST_CASE("FromUnsorted normalizes: sorts, drops empties, merges overlapping and touching") {
  const IntervalSet s = Set({Iv(10, 20), Iv(5, 5), Iv(30, 40), Iv(15, 25), Iv(25, 28), Iv(50, 45)});
  CHECK(s.intervals() == std::vector<Interval>{Iv(10, 28), Iv(30, 40)});
  CHECK(s.TotalLength() == Minutes{28});
  CHECK(IntervalSet::FromSorted({Iv(0, 5), Iv(5, 6), Iv(6, 9), Iv(20, 21)}).intervals() ==
        std::vector<Interval>{Iv(0, 9), Iv(20, 21)});
  CHECK(IntervalSet().empty());
}

TEST_CASE("Union, Intersect and Subtract on a hand-made example") {
  const IntervalSet a = Set({Iv(0, 10), Iv(20, 30), Iv(40, 50)});
  const IntervalSet b = Set({Iv(5, 25), Iv(30, 35), Iv(45, 60)});
  CHECK(a.Union(b).intervals() == std::vector<Interval>{Iv(0, 35), Iv(40, 60)});
  CHECK(a.Intersect(b).intervals() == std::vector<Interval>{Iv(5, 10), Iv(20, 25), Iv(45, 50)});
  CHECK(a.Subtract(b).intervals() == std::vector<Interval>{Iv(0, 5), Iv(25, 30), Iv(40, 45)});
  CHECK(b.Subtract(a).intervals() == std::vector<Interval>{Iv(10, 20), Iv(30, 35), Iv(50, 60)});
  // One hole spanning several intervals.
  CHECK(a.Subtract(Set({Iv(8, 42)})).intervals() == std::vector<Interval>{Iv(0, 8), Iv(42, 50)});
}

TEST_CASE("Overlaps and Containing") {
  const IntervalSet a = Set({Iv(0, 10), Iv(20, 30)});
  CHECK(a.Overlaps(Iv(9, 11)));
  CHECK_FALSE(a.Overlaps(Iv(10, 20)));  // half-open: touching is not overlapping
  CHECK_FALSE(a.Overlaps(Iv(5, 5)));
  CHECK(a.Containing(Iv(20, 30)) == Iv(20, 30));
  CHECK(a.Containing(Iv(2, 3)) == Iv(0, 10));
  CHECK_FALSE(a.Containing(Iv(5, 21)).has_value());
  CHECK_FALSE(a.Containing(Iv(-5, 1)).has_value());
}

TEST_CASE("AppendGridStarts: starts on the phase where the length fits") {
  const IntervalSet a = Set({Iv(3, 31), Iv(40, 44)});
  std::vector<Instant> out;
  a.AppendGridStarts(Minutes{5}, Minutes{0}, Minutes{10}, &out);
  CHECK(out == std::vector<Instant>{T(5), T(10), T(15), T(20)});
  out.clear();
  a.AppendGridStarts(Minutes{5}, Minutes{2}, Minutes{4}, &out);
  // 42 is on the phase but 42 + 4 > 44; 40 + 4 fits but 40 is off the phase.
  CHECK(out == std::vector<Instant>{T(7), T(12), T(17), T(22), T(27)});
  // Negative instants and a phase larger than the step behave like mod.
  out.clear();
  Set({Iv(-20, -5)}).AppendGridStarts(Minutes{6}, Minutes{13}, Minutes{3}, &out);
  CHECK(out == std::vector<Instant>{T(-17), T(-11)});
}

// ---- Property test against a bitmap oracle --------------------------------

constexpr int kBits = 64;
using Bits = std::bitset<kBits>;

IntervalSet RandomSet(std::mt19937_64& rng, int base) {
  std::uniform_int_distribution<int> count(0, 5), pos(0, kBits), len(0, 12);
  std::vector<Interval> ivs;
  for (int n = count(rng); n > 0; --n) {
    const int b = pos(rng);
    const int e = std::min(kBits, b + len(rng));
    ivs.push_back(Iv(base + b, base + e));
  }
  return Set(std::move(ivs));
}

Bits ToBits(const IntervalSet& s, int base) {
  Bits bits;
  for (const Interval& iv : s.intervals()) {
    for (int m = iv.begin.time_since_epoch().count(); m < iv.end.time_since_epoch().count(); ++m) {
      bits.set(static_cast<std::size_t>(m - base));
    }
  }
  return bits;
}

bool Normalized(const IntervalSet& s) {
  const auto& v = s.intervals();
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i].empty()) return false;
    if (i > 0 && v[i - 1].end >= v[i].begin) return false;  // overlapping or touching
  }
  return true;
}

bool AllSet(const Bits& bits, int b, int e) {
  for (int m = b; m < e; ++m) {
    if (m < 0 || m >= kBits || !bits.test(static_cast<std::size_t>(m))) return false;
  }
  return true;
}

TEST_CASE("property: interval set laws hold against a bitmap oracle") {
  const int cases = PropertyCases();
  std::mt19937_64 seeds(20260329);
  for (int c = 0; c < cases; ++c) {
    const std::uint64_t seed = seeds();
    INFO("seed=" << seed);
    std::mt19937_64 rng(seed);
    const int base = std::uniform_int_distribution<int>(-500, 500)(rng);
    const IntervalSet a = RandomSet(rng, base), b = RandomSet(rng, base);
    const Bits ba = ToBits(a, base), bb = ToBits(b, base);

    REQUIRE(Normalized(a));
    REQUIRE(Normalized(b));
    const IntervalSet u = a.Union(b), i = a.Intersect(b), d = a.Subtract(b);
    REQUIRE(Normalized(u));
    REQUIRE(Normalized(i));
    REQUIRE(Normalized(d));
    CHECK(ToBits(u, base) == (ba | bb));
    CHECK(ToBits(i, base) == (ba & bb));
    CHECK(ToBits(d, base) == (ba & ~bb));
    CHECK(u == b.Union(a));
    CHECK(i == b.Intersect(a));
    CHECK(d.Intersect(b).empty());
    CHECK(d.Union(i) == a);
    CHECK(a.TotalLength().count() == static_cast<long>(ba.count()));
    CHECK(IntervalSet::FromSorted(a.intervals()) == a);

    // Overlaps / Containing on a random non-empty probe.
    std::uniform_int_distribution<int> pos(0, kBits - 1), len(1, 10);
    const int pb = pos(rng), pe = std::min(kBits, pb + len(rng));
    const Interval probe = Iv(base + pb, base + pe);
    CHECK(a.Overlaps(probe) == (ba & (ToBits(Set({probe}), base))).any());
    const auto holder = a.Containing(probe);
    CHECK(holder.has_value() == AllSet(ba, pb, pe));
    if (holder) {
      CHECK(holder->Contains(probe));
      CHECK(std::find(a.intervals().begin(), a.intervals().end(), *holder) != a.intervals().end());
    }

    // Grid starts vs brute force.
    const int step = std::uniform_int_distribution<int>(1, 9)(rng);
    const int phase = std::uniform_int_distribution<int>(-20, 20)(rng);
    const int length = std::uniform_int_distribution<int>(1, 8)(rng);
    std::vector<Instant> starts;
    a.AppendGridStarts(Minutes{step}, Minutes{phase}, Minutes{length}, &starts);
    std::vector<Instant> expected;
    for (int m = 0; m < kBits; ++m) {
      const int s = base + m;
      if (((s - phase) % step + step) % step == 0 && AllSet(ba, m, m + length)) {
        expected.push_back(T(s));
      }
    }
    CHECK(starts == expected);
  }
  MESSAGE("interval set laws: " << cases << " random cases");
}

}  // namespace
}  // namespace termin
