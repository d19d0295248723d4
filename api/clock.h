// The wall clock, injected.
//
// The core never reads a clock; the API and the stores read this one, so
// tests can move time by hand (hold expiry, personal-data erasure) instead of
// sleeping. Times are UTC at millisecond resolution: hold TTLs may be seconds.
//
// Thread safety: Now() may be called from many threads at once; ManualClock's
// setters too.
#ifndef TERMIN_API_CLOCK_H_
#define TERMIN_API_CLOCK_H_

#include <atomic>
#include <chrono>

#include "scheduler/time.h"

namespace termin::api {

using TimePoint = std::chrono::sys_time<std::chrono::milliseconds>;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override {
    return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  }
};

// A clock that only moves when told to (tests).
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start) : ms_(start.time_since_epoch().count()) {}
  TimePoint Now() const override {
    return TimePoint(std::chrono::milliseconds(ms_.load(std::memory_order_relaxed)));
  }
  void Set(TimePoint t) { ms_.store(t.time_since_epoch().count(), std::memory_order_relaxed); }
  void Advance(std::chrono::milliseconds d) { ms_.fetch_add(d.count(), std::memory_order_relaxed); }

 private:
  std::atomic<long long> ms_;
};

// The minute an instant falls in (the core's resolution), rounded down.
inline Instant ToInstant(TimePoint t) { return std::chrono::floor<Minutes>(t); }
inline TimePoint ToTimePoint(Instant t) { return std::chrono::time_point_cast<std::chrono::milliseconds>(t); }

}  // namespace termin::api

#endif  // TERMIN_API_CLOCK_H_
