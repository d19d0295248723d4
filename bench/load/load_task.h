// The sequence of requests one load connection runs (a web booking's hold
// then confirm, a rush's attempts, ...), written as a C++20 coroutine:
//
//   LoadTask Body(LoadConnection& conn, ...) {
//     Reply hold = co_await conn.PostJson("/v1/holds", body);
//     if (hold.status == 201) Reply confirm = co_await conn.PostJson(...);
//   }
//
// The code reads like the blocking client it replaced, but each `co_await`
// returns to the load thread's event loop, which runs hundreds of such
// bodies on one OS thread (bench/load/event_loop.h).
//
// A LoadTask starts suspended; Start() runs it up to its first wait. When
// the body ends, the counter given to Start() is decremented, so the event
// loop knows when all of its bodies are done without polling each one.
// The frame is destroyed with the LoadTask (after the body ended, or never
// started). A body must not throw: an escaped exception ends the process.
//
// Thread safety: a LoadTask and its body belong to one load thread.
#ifndef TERMIN_BENCH_LOAD_LOAD_TASK_H_
#define TERMIN_BENCH_LOAD_LOAD_TASK_H_

#include <coroutine>
#include <exception>
#include <utility>

namespace termin::bench {

class LoadTask {
 public:
  struct promise_type {
    int* running = nullptr;  // decremented when the body ends

    LoadTask get_return_object() {
      return LoadTask(std::coroutine_handle<promise_type>::from_promise(*this));
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    struct FinalAwaiter {
      bool await_ready() noexcept { return false; }
      void await_suspend(std::coroutine_handle<promise_type> h) noexcept {
        if (h.promise().running != nullptr) --*h.promise().running;
      }
      void await_resume() noexcept {}
    };
    FinalAwaiter final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() { std::terminate(); }
  };

  LoadTask(LoadTask&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  LoadTask& operator=(LoadTask&& other) noexcept {
    if (this != &other) {
      if (handle_) handle_.destroy();
      handle_ = std::exchange(other.handle_, {});
    }
    return *this;
  }
  LoadTask(const LoadTask&) = delete;
  LoadTask& operator=(const LoadTask&) = delete;
  ~LoadTask() {
    if (handle_) handle_.destroy();
  }

  // Runs the body to its first co_await; `*running` was counted up by the
  // caller and is counted down when the body ends.
  void Start(int* running) {
    handle_.promise().running = running;
    handle_.resume();
  }
  bool done() const { return handle_ && handle_.done(); }

 private:
  explicit LoadTask(std::coroutine_handle<promise_type> h) : handle_(h) {}
  std::coroutine_handle<promise_type> handle_;
};

}  // namespace termin::bench

#endif  // TERMIN_BENCH_LOAD_LOAD_TASK_H_
