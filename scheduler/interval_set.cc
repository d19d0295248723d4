// Interval set arithmetic. Every binary operation is one forward merge over
// both sorted operands; results are built already normalized, so no step
// sorts or re-merges.
#include "scheduler/interval_set.h"

#include <algorithm>

namespace termin {
namespace {

// Appends [b, e) to a sorted, normalized list, merging with its last member
// when they overlap or touch. Requires b >= out->back().begin.
void AppendMerged(std::vector<Interval>* out, Instant b, Instant e) {
  if (e <= b) return;
  if (!out->empty() && b <= out->back().end) {
    if (e > out->back().end) out->back().end = e;
    return;
  }
  out->push_back({b, e});
}

// floor(a / b) for b > 0, as an exact integer division.
std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && (a < 0)) --q;
  return q;
}

}  // namespace

IntervalSet IntervalSet::FromUnsorted(std::vector<Interval> intervals) {
  std::sort(intervals.begin(), intervals.end(),
            [](const Interval& a, const Interval& b) { return a.begin < b.begin; });
  return FromSorted(intervals);
}

IntervalSet IntervalSet::FromSorted(const std::vector<Interval>& intervals) {
  IntervalSet set;
  set.intervals_.reserve(intervals.size());
  for (const Interval& iv : intervals) AppendMerged(&set.intervals_, iv.begin, iv.end);
  return set;
}

Minutes IntervalSet::TotalLength() const {
  Minutes total{0};
  for (const Interval& iv : intervals_) total += iv.length();
  return total;
}

IntervalSet IntervalSet::Union(const IntervalSet& other) const {
  IntervalSet out;
  out.intervals_.reserve(intervals_.size() + other.intervals_.size());
  auto a = intervals_.begin();
  auto b = other.intervals_.begin();
  while (a != intervals_.end() || b != other.intervals_.end()) {
    const bool take_a =
        b == other.intervals_.end() || (a != intervals_.end() && a->begin <= b->begin);
    const Interval& next = take_a ? *a++ : *b++;
    AppendMerged(&out.intervals_, next.begin, next.end);
  }
  return out;
}

IntervalSet IntervalSet::Intersect(const IntervalSet& other) const {
  IntervalSet out;
  auto a = intervals_.begin();
  auto b = other.intervals_.begin();
  while (a != intervals_.end() && b != other.intervals_.end()) {
    const Instant lo = std::max(a->begin, b->begin);
    const Instant hi = std::min(a->end, b->end);
    if (lo < hi) out.intervals_.push_back({lo, hi});  // pieces of disjoint sets never touch
    // Advance whichever ends first; the other may still meet the next one.
    if (a->end < b->end) {
      ++a;
    } else {
      ++b;
    }
  }
  return out;
}

IntervalSet IntervalSet::Subtract(const IntervalSet& other) const {
  IntervalSet out;
  out.intervals_.reserve(intervals_.size());
  auto b = other.intervals_.begin();
  for (const Interval& a : intervals_) {
    Instant cursor = a.begin;
    // Skip holes that end before this interval starts; they cannot touch
    // later intervals either, since both lists are sorted.
    while (b != other.intervals_.end() && b->end <= cursor) ++b;
    auto hole = b;
    while (hole != other.intervals_.end() && hole->begin < a.end) {
      if (hole->begin > cursor) out.intervals_.push_back({cursor, hole->begin});
      cursor = std::max(cursor, hole->end);
      if (hole->end > a.end) break;  // this hole may also cover the next interval
      ++hole;
    }
    b = hole;
    if (cursor < a.end) out.intervals_.push_back({cursor, a.end});
  }
  return out;
}

bool IntervalSet::Overlaps(const Interval& iv) const {
  if (iv.empty()) return false;
  // The first member that ends after iv begins is the only candidate.
  auto it = std::upper_bound(intervals_.begin(), intervals_.end(), iv.begin,
                             [](Instant t, const Interval& m) { return t < m.end; });
  return it != intervals_.end() && it->begin < iv.end;
}

std::optional<Interval> IntervalSet::Containing(const Interval& iv) const {
  // The last member that begins at or before iv.begin is the only candidate.
  auto it = std::upper_bound(intervals_.begin(), intervals_.end(), iv.begin,
                             [](Instant t, const Interval& m) { return t < m.begin; });
  if (it == intervals_.begin()) return std::nullopt;
  --it;
  if (it->Contains(iv)) return *it;
  return std::nullopt;
}

void IntervalSet::AppendGridStarts(Minutes step, Minutes phase, Minutes length,
                                   std::vector<Instant>* out) const {
  const std::int64_t st = step.count();
  if (st <= 0 || length.count() < 0) return;
  const std::int64_t ph = phase.count();
  for (const Interval& iv : intervals_) {
    const std::int64_t b = iv.begin.time_since_epoch().count();
    // The last start whose [s, s + length) fits; a zero length still needs
    // s inside the interval.
    const std::int64_t stop =
        iv.end.time_since_epoch().count() - std::max<std::int64_t>(length.count(), 1);
    // First s >= b with s ≡ ph (mod st).
    for (std::int64_t s = ph + FloorDiv(b - ph + st - 1, st) * st; s <= stop; s += st) {
      out->push_back(Instant{Minutes{s}});
    }
  }
}

}  // namespace termin
