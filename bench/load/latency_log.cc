#include "bench/load/latency_log.h"

#include <algorithm>

#include "bench/harness.h"

namespace termin::bench {

void LatencyLog::Merge(const LatencyLog& other) {
  micros_.insert(micros_.end(), other.micros_.begin(), other.micros_.end());
}

double LatencyLog::QuantileMicros(double q) const { return Quantile(micros_, q); }

double LatencyLog::MaxMicros() const {
  return micros_.empty() ? 0 : *std::max_element(micros_.begin(), micros_.end());
}

}  // namespace termin::bench
