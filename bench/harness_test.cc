#include "bench/harness.h"

#include <sstream>

#include <doctest/doctest.h>

namespace termin::bench {

TEST_CASE("Quantile interpolates between order statistics") {
  CHECK(Quantile({}, 0.5) == 0);
  CHECK(Quantile({7}, 0.9) == 7);
  CHECK(Quantile({4, 1, 3, 2}, 0.5) == doctest::Approx(2.5));
  CHECK(Quantile({4, 1, 3, 2}, 0.9) == doctest::Approx(3.7));
  CHECK(Quantile({4, 1, 3, 2}, 0.0) == 1);
  CHECK(Quantile({4, 1, 3, 2}, 1.0) == 4);
  std::vector<double> hundred;
  for (int i = 100; i >= 1; --i) hundred.push_back(i);
  CHECK(Quantile(hundred, 0.9) == doctest::Approx(90.1));
}

TEST_CASE("Summarize gives median, p90, min, max and mean") {
  const Summary s = Summarize({10, 30, 20, 50, 40});
  CHECK(s.runs == 5);
  CHECK(s.median == 30);
  CHECK(s.p90 == doctest::Approx(46));
  CHECK(s.min == 10);
  CHECK(s.max == 50);
  CHECK(s.mean == 30);
}

TEST_CASE("TimeEachCall times every run and calls warm-up runs too") {
  int calls = 0;
  auto micros = TimeEachCall([&calls] { ++calls; }, 3, 7);
  CHECK(calls == 10);
  REQUIRE(micros.size() == 7);
  for (double m : micros) CHECK(m >= 0);
}

TEST_CASE("Table aligns columns and draws rules") {
  Table t({"case", "µs"});
  t.AddRow({"a", "1.5"});
  t.AddRule();
  t.AddRow({"longer", "12.25"});
  std::ostringstream out;
  t.Print(out);
  CHECK(out.str() ==
        "case       µs\n"
        "-------------\n"
        "a         1.5\n"
        "-------------\n"
        "longer  12.25\n");
  CHECK(Fixed(3.14159, 2) == "3.14");
}

}  // namespace termin::bench
