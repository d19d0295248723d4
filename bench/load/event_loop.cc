#include "bench/load/event_loop.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

namespace termin::bench {
namespace {

constexpr int kMaxEventsPerWait = 256;

}  // namespace

Result<std::unique_ptr<EventLoop>> EventLoop::Create() {
  int fd = ::epoll_create1(EPOLL_CLOEXEC);
  if (fd < 0) return Status::Unavailable(std::string("epoll_create1: ") + std::strerror(errno));
  return std::unique_ptr<EventLoop>(new EventLoop(fd));
}

EventLoop::EventLoop(int epoll_fd)
    : epoll_fd_(epoll_fd), read_buffer_(std::make_unique<char[]>(kReadBufferBytes)) {}

EventLoop::~EventLoop() { ::close(epoll_fd_); }

bool EventLoop::Watch(int fd, std::uint32_t events, EventHandler* handler) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = handler;
  return ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) == 0;
}

bool EventLoop::Change(int fd, std::uint32_t events, EventHandler* handler) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = handler;
  return ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) == 0;
}

void EventLoop::Track(EventHandler* handler) { tracked_.push_back(handler); }

void EventLoop::Untrack(EventHandler* handler) {
  tracked_.erase(std::remove(tracked_.begin(), tracked_.end(), handler), tracked_.end());
}

void EventLoop::RunWhileRunning(const int* running) {
  using Clock = std::chrono::steady_clock;
  const auto tick = std::chrono::milliseconds(kTickMillis);
  epoll_event events[kMaxEventsPerWait];
  auto next_tick = Clock::now() + tick;
  while (*running > 0) {
    int n = ::epoll_wait(epoll_fd_, events, kMaxEventsPerWait, kTickMillis);
    // EINTR: a signal (e.g. a profiler's); nothing to dispatch, tick below.
    for (int i = 0; i < n; ++i) {
      static_cast<EventHandler*>(events[i].data.ptr)->OnEvents(events[i].events);
    }
    auto now = Clock::now();
    if (now >= next_tick) {
      next_tick = now + tick;
      // By index: a tick may end a request whose body then runs; bodies do
      // not create or destroy handlers, but be safe against growth anyway.
      for (std::size_t i = 0; i < tracked_.size(); ++i) tracked_[i]->OnTick(now);
    }
  }
}

}  // namespace termin::bench
