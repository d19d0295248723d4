// Runs many load connections on a few load threads and starts them all at
// once.
//
// Connection i goes to targets[i % targets.size()] and to load thread
// i % load_threads; each load thread runs an EventLoop over its share
// (bench/load/event_loop.h), so 500 connections need 500 sockets, not 500
// threads. Every connection proves itself with GET /healthz *before* the
// start, so the measured window holds no TCP handshakes and, for the rush,
// 500 citizens really press the button in the same instant ("midnight").
// The clock starts when the last load thread is ready and stops when the
// last one has finished.
//
// `body(conn, i)` makes connection i's coroutine (bench/load/load_task.h);
// it is called on i's load thread after the start, and the coroutine runs
// there.
//
// Thread safety: RunConnections is called from one thread; `body` is called
// on several load threads at once, and each body must only touch its own
// index's state.
#ifndef TERMIN_BENCH_LOAD_LOAD_THREADS_H_
#define TERMIN_BENCH_LOAD_LOAD_THREADS_H_

#include <functional>
#include <vector>

#include "bench/load/api_connection.h"
#include "bench/load/load_connection.h"
#include "bench/load/load_task.h"
#include "scheduler/status.h"

namespace termin::bench {

struct RunTiming {
  double seconds = 0;  // from the common start to the last thread's end
};

using ConnectionBody = std::function<LoadTask(LoadConnection& conn, int index)>;

// Unavailable if some connection could not say hello (the server is not
// there); then no body runs. InvalidArgument for no targets, connections
// or load threads.
Result<RunTiming> RunConnections(const std::vector<Target>& targets, int connections,
                                 int load_threads, const ConnectionBody& body);

}  // namespace termin::bench

#endif  // TERMIN_BENCH_LOAD_LOAD_THREADS_H_
