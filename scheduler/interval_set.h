// Interval sets over UTC instants: the arithmetic of free and busy time.
//
// An IntervalSet is a sorted vector of disjoint, non-adjacent, non-empty
// half-open intervals [begin, end). Every operation keeps that invariant and
// runs in time linear in the sizes of its operands (a merge of two sorted
// lists), so a desk's free time over 60 days costs a few hundred steps.
//
// Thread safety: a const IntervalSet may be read from many threads at once.
#ifndef TERMIN_SCHEDULER_INTERVAL_SET_H_
#define TERMIN_SCHEDULER_INTERVAL_SET_H_

#include <optional>
#include <vector>

#include "scheduler/time.h"

namespace termin {

struct Interval {
  Instant begin;  // inclusive
  Instant end;    // exclusive

  Minutes length() const { return end - begin; }
  bool empty() const { return end <= begin; }
  bool Overlaps(const Interval& o) const { return begin < o.end && o.begin < end; }
  bool Contains(const Interval& o) const { return begin <= o.begin && o.end <= end; }
  friend bool operator==(const Interval&, const Interval&) = default;
};

class IntervalSet {
 public:
  IntervalSet() = default;

  // Normalizes any list: sorts, drops empty intervals, merges overlapping and
  // adjacent ones. O(n log n).
  static IntervalSet FromUnsorted(std::vector<Interval> intervals);
  // Takes a list that is already sorted by begin (may overlap or touch). O(n).
  static IntervalSet FromSorted(const std::vector<Interval>& intervals);

  const std::vector<Interval>& intervals() const { return intervals_; }
  bool empty() const { return intervals_.empty(); }
  std::size_t size() const { return intervals_.size(); }
  Minutes TotalLength() const;

  IntervalSet Union(const IntervalSet& other) const;
  IntervalSet Intersect(const IntervalSet& other) const;
  IntervalSet Subtract(const IntervalSet& other) const;

  // True if some member interval overlaps `iv`.
  bool Overlaps(const Interval& iv) const;
  // The member interval that wholly contains `iv`, if any (binary search).
  std::optional<Interval> Containing(const Interval& iv) const;

  // The starts s with s ≡ phase (mod step), measured in minutes since the
  // epoch, such that [s, s + length) lies inside one member interval; sorted.
  // Appended to *out.
  void AppendGridStarts(Minutes step, Minutes phase, Minutes length,
                        std::vector<Instant>* out) const;

  friend bool operator==(const IntervalSet&, const IntervalSet&) = default;

 private:
  std::vector<Interval> intervals_;
};

}  // namespace termin

#endif  // TERMIN_SCHEDULER_INTERVAL_SET_H_
