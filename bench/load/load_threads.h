// Runs one load thread per connection and starts them all at once.
//
// Each thread opens its connection to targets[i % targets.size()] and proves
// it with GET /healthz *before* the start, so the measured window holds no
// TCP handshakes and, for the rush, 500 citizens really press the button in
// the same instant ("midnight"). The clock starts when the last thread is
// ready and stops when the last one has finished.
//
// Thread safety: RunConnections is called from one thread; `body` runs on
// `connections` threads at once and must only touch its own index's state.
#ifndef TERMIN_BENCH_LOAD_LOAD_THREADS_H_
#define TERMIN_BENCH_LOAD_LOAD_THREADS_H_

#include <functional>
#include <vector>

#include "bench/load/api_connection.h"
#include "scheduler/status.h"

namespace termin::bench {

struct RunTiming {
  double seconds = 0;  // from the common start to the last thread's end
};

// Unavailable if some connection could not say hello (the server is not
// there); then `body` runs on no thread.
Result<RunTiming> RunConnections(const std::vector<Target>& targets, int connections,
                                 const std::function<void(ApiConnection&, int index)>& body);

}  // namespace termin::bench

#endif  // TERMIN_BENCH_LOAD_LOAD_THREADS_H_
