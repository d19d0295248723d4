// A small timing harness: run a call many times, keep the wall time of each
// run, and report the median and the 90th percentile.
//
// Why our own and not Google Benchmark: the goal is stated per query
// ("under 200 µs per 60-day availability query on one core"), so what we want
// is the spread of single calls (median, p90) printed side by side for many
// cases in one table. One call of the things we measure takes tens to
// hundreds of microseconds, far above the resolution of steady_clock, so
// timing each call on its own is honest and needs no batching.
//
// Thread safety: plain functions and values; a Table is not shared.
#ifndef TERMIN_BENCH_HARNESS_H_
#define TERMIN_BENCH_HARNESS_H_

#include <chrono>
#include <cstddef>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace termin::bench {

// The q-quantile (0 <= q <= 1) of samples by linear interpolation between
// order statistics (the common "type 7" definition): the median of {1,2,3,4}
// is 2.5. Returns 0 for no samples.
double Quantile(std::vector<double> samples, double q);

struct Summary {
  std::size_t runs = 0;
  double median = 0;
  double p90 = 0;
  double min = 0;
  double max = 0;
  double mean = 0;
};
Summary Summarize(const std::vector<double>& samples);

// Keeps the compiler from dropping a computation whose result is unused.
template <typename T>
inline void DoNotOptimize(const T& value) {
  asm volatile("" : : "r,m"(value) : "memory");
}

// Calls `fn` `warmup` times untimed, then `runs` times, each timed on its own;
// returns the microseconds of each timed call.
template <typename F>
std::vector<double> TimeEachCall(F&& fn, int warmup, int runs) {
  for (int i = 0; i < warmup; ++i) fn();
  std::vector<double> micros;
  micros.reserve(static_cast<std::size_t>(runs));
  for (int i = 0; i < runs; ++i) {
    auto start = std::chrono::steady_clock::now();
    fn();
    auto stop = std::chrono::steady_clock::now();
    micros.push_back(std::chrono::duration<double, std::micro>(stop - start).count());
  }
  return micros;
}

// "12.3" with `decimals` digits after the point.
std::string Fixed(double value, int decimals);

// A plain text table: the first column left-aligned, the others right-aligned,
// each as wide as its widest cell.
class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  // A row with fewer cells than the header is padded with empty cells.
  void AddRow(std::vector<std::string> cells);
  // A horizontal rule between groups of rows.
  void AddRule();
  void Print(std::ostream& out) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;  // an empty row is a rule
};

}  // namespace termin::bench

#endif  // TERMIN_BENCH_HARNESS_H_
