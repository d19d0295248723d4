#include "bench/load/load_threads.h"

#include <atomic>
#include <chrono>
#include <latch>
#include <memory>
#include <thread>

namespace termin::bench {

Result<RunTiming> RunConnections(const std::vector<Target>& targets, int connections,
                                 const std::function<void(ApiConnection&, int index)>& body) {
  if (targets.empty() || connections <= 0) return Status::InvalidArgument("nothing to run");
  std::latch ready(connections + 1);  // every connection said hello (or failed to)
  std::latch start_gate(1);           // opened by this thread once `go` is decided
  std::atomic<bool> go{false};
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(connections));
  for (int i = 0; i < connections; ++i) {
    threads.emplace_back([&, i] {
      ApiConnection conn(targets[static_cast<std::size_t>(i) % targets.size()]);
      if (conn.Get("/healthz").status != 200) failed.fetch_add(1);
      ready.count_down();
      start_gate.wait();
      if (go.load()) body(conn, i);
    });
  }
  ready.arrive_and_wait();
  go.store(failed.load() == 0);
  auto start = std::chrono::steady_clock::now();
  start_gate.count_down();
  for (auto& t : threads) t.join();
  RunTiming timing;
  timing.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (failed.load() > 0) {
    return Status::Unavailable(std::to_string(failed.load()) + " of " +
                               std::to_string(connections) + " connections got no /healthz");
  }
  return timing;
}

}  // namespace termin::bench
