// One load thread's event loop: an epoll set of non-blocking sockets, each
// owned by a handler (a LoadConnection), plus a coarse timer tick.
//
// Why epoll and not a thread per connection: the load generator shares the
// 2 cores with the servers it measures. With 500 blocking threads every
// request cost a context switch pair and the scheduler's time; here one
// thread sleeps in epoll_wait, wakes with a batch of ready sockets and runs
// each connection's coroutine to its next request (bench/load/load_task.h).
// Sockets stay registered for reading while connected, so the steady state
// costs no epoll_ctl per request: one send, one epoll_wait share, one recv.
//
// Deadlines are checked by a tick every kTickMillis, not per socket timer:
// request timeouts are seconds long, 50 ms of slack costs nothing, and the
// hot path sets no timers.
//
// Thread safety: none; one loop per load thread, and every handler on it
// is called on that thread only.
#ifndef TERMIN_BENCH_LOAD_EVENT_LOOP_H_
#define TERMIN_BENCH_LOAD_EVENT_LOOP_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "scheduler/status.h"

namespace termin::bench {

class EventHandler {
 public:
  virtual ~EventHandler() = default;
  // `events`: EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP as epoll reported them.
  virtual void OnEvents(std::uint32_t events) = 0;
  // Called every tick with the current time, to expire deadlines.
  virtual void OnTick(std::chrono::steady_clock::time_point now) = 0;
};

class EventLoop {
 public:
  static constexpr int kTickMillis = 50;
  static constexpr std::size_t kReadBufferBytes = 64 * 1024;

  static Result<std::unique_ptr<EventLoop>> Create();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Sockets: register, change the events, unregister (closing a socket
  // unregisters it too). False when epoll_ctl refused.
  bool Watch(int fd, std::uint32_t events, EventHandler* handler);
  bool Change(int fd, std::uint32_t events, EventHandler* handler);

  // Handlers that get ticks; a handler must Untrack itself before it dies.
  void Track(EventHandler* handler);
  void Untrack(EventHandler* handler);

  // Dispatches events and ticks until `*running` is 0 (the bodies started
  // on this loop have all ended; see LoadTask::Start).
  void RunWhileRunning(const int* running);

  // Scratch space for reads; valid until the handler returns.
  char* read_buffer() { return read_buffer_.get(); }

 private:
  explicit EventLoop(int epoll_fd);

  int epoll_fd_;
  std::vector<EventHandler*> tracked_;
  std::unique_ptr<char[]> read_buffer_;
};

}  // namespace termin::bench

#endif  // TERMIN_BENCH_LOAD_EVENT_LOOP_H_
