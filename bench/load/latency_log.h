// Latencies of many HTTP requests and their quantiles.
//
// Each load thread keeps its own LatencyLog (no locking on the hot path);
// the logs are merged once the threads have joined. Quantiles use the same
// definition as the core benchmarks (bench/harness.h: linear interpolation
// between order statistics), so p50/p99 here and there mean the same thing.
//
// Thread safety: none; one log per thread, merge after join.
#ifndef TERMIN_BENCH_LOAD_LATENCY_LOG_H_
#define TERMIN_BENCH_LOAD_LATENCY_LOG_H_

#include <cstddef>
#include <vector>

namespace termin::bench {

class LatencyLog {
 public:
  void Add(double micros) { micros_.push_back(micros); }
  void Merge(const LatencyLog& other);

  std::size_t count() const { return micros_.size(); }
  // q in [0, 1]; 0 for an empty log.
  double QuantileMicros(double q) const;
  double MaxMicros() const;

 private:
  std::vector<double> micros_;
};

}  // namespace termin::bench

#endif  // TERMIN_BENCH_LOAD_LATENCY_LOG_H_
