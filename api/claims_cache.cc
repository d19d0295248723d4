#include "api/claims_cache.h"

#include <vector>

namespace termin::api {

ClaimsCache::Snapshot ClaimsCache::Get(const std::string& office, Interval range,
                                       SteadyTime now) const {
  if (!enabled()) return {};
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(Key{office, {range.begin, range.end}});
  if (it == entries_.end() || now - it->second.read_at >= options_.max_age) return {};
  return Snapshot{it->second.claims, it->second.read_at};
}

void ClaimsCache::Put(const std::string& office, Interval range, DeskClaims claims,
                      SteadyTime read_at) {
  if (!enabled()) return;
  auto shared = std::make_shared<const DeskClaims>(std::move(claims));
  std::lock_guard<std::mutex> lock(mutex_);
  Key key{office, {range.begin, range.end}};
  if (entries_.size() >= options_.max_entries && !entries_.count(key)) {
    std::erase_if(entries_, [&](const auto& e) { return read_at - e.second.read_at >= options_.max_age; });
    if (entries_.size() >= options_.max_entries) entries_.clear();
  }
  Entry& e = entries_[key];
  if (e.claims && e.read_at > read_at) return;  // a newer read won the race
  e = Entry{read_at, std::move(shared)};
}

void ClaimsCache::AddClaim(const std::string& office, const std::string& desk, Interval claim) {
  if (!enabled()) return;
  IntervalSet add = IntervalSet::FromSorted({claim});
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = entries_.lower_bound(Key{office, {Instant::min(), Instant::min()}});
       it != entries_.end() && it->first.first == office; ++it) {
    const auto& [begin, end] = it->first.second;
    if (!(claim.begin < end && begin < claim.end)) continue;
    // Copy on write: readers keep the snapshot they were given.
    auto next = std::make_shared<DeskClaims>(*it->second.claims);
    IntervalSet& set = (*next)[desk];
    set = set.Union(add);
    it->second.claims = std::move(next);
  }
}

void ClaimsCache::ForgetOffice(const std::string& office) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto first = entries_.lower_bound(Key{office, {Instant::min(), Instant::min()}});
  auto last = first;
  while (last != entries_.end() && last->first.first == office) ++last;
  entries_.erase(first, last);
}

std::size_t ClaimsCache::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size();
}

}  // namespace termin::api
