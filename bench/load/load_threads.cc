#include "bench/load/load_threads.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <latch>
#include <memory>
#include <thread>

namespace termin::bench {
namespace {

// Connections of one load thread that say hello at the same time. 500 SYNs
// at once can overflow a listen backlog (Pistache's is 128): a dropped SYN
// is retried after 1 s, then 3 s, past the connect timeout. 64 at a time
// per thread connect in a few milliseconds all the same.
constexpr std::size_t kHellosAtOnce = 64;

// Says hello on conns[first], conns[first + stride], ... one after another.
LoadTask HelloChain(std::vector<std::unique_ptr<LoadConnection>>* conns, std::size_t first,
                    std::size_t stride, std::atomic<int>* failed) {
  for (std::size_t i = first; i < conns->size(); i += stride) {
    Reply r = co_await (*conns)[i]->Get("/healthz");
    if (r.status != 200) failed->fetch_add(1);
  }
}

}  // namespace

Result<RunTiming> RunConnections(const std::vector<Target>& targets, int connections,
                                 int load_threads, const ConnectionBody& body) {
  if (targets.empty() || connections <= 0 || load_threads <= 0) {
    return Status::InvalidArgument("nothing to run");
  }
  load_threads = std::min(load_threads, connections);
  std::latch ready(load_threads + 1);  // every thread's connections said hello (or failed to)
  std::latch start_gate(1);            // opened by this thread once `go` is decided
  std::atomic<bool> go{false};
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(load_threads));
  for (int t = 0; t < load_threads; ++t) {
    threads.emplace_back([&, t] {
      std::vector<int> indices;
      for (int i = t; i < connections; i += load_threads) indices.push_back(i);
      auto loop = EventLoop::Create();
      if (!loop.ok()) {
        failed.fetch_add(static_cast<int>(indices.size()));
        ready.count_down();
        start_gate.wait();
        return;
      }
      std::vector<std::unique_ptr<LoadConnection>> conns;
      for (int i : indices) {
        conns.push_back(std::make_unique<LoadConnection>(
            **loop, targets[static_cast<std::size_t>(i) % targets.size()]));
      }

      int running = 0;
      std::vector<LoadTask> hellos;
      std::size_t chains = std::min(kHellosAtOnce, conns.size());
      for (std::size_t c = 0; c < chains; ++c) hellos.push_back(HelloChain(&conns, c, chains, &failed));
      for (LoadTask& h : hellos) {
        ++running;
        h.Start(&running);
      }
      (*loop)->RunWhileRunning(&running);

      ready.count_down();
      start_gate.wait();
      if (!go.load()) return;
      std::vector<LoadTask> bodies;
      bodies.reserve(conns.size());
      for (std::size_t k = 0; k < conns.size(); ++k) bodies.push_back(body(*conns[k], indices[k]));
      for (LoadTask& b : bodies) {
        ++running;
        b.Start(&running);
      }
      (*loop)->RunWhileRunning(&running);
      // Bodies end before their connections and the loop (reverse order of
      // declaration: bodies, then conns, then the loop).
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
