#include "api/domain/claims_cache.h"

#include <algorithm>
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

Result<ClaimsCache::Snapshot> ClaimsCache::Fetch(const std::string& office, Interval range,
                                                 SteadyTime not_before,
                                                 const std::function<Result<DeskClaims>()>& read) {
  if (!enabled()) {
    auto started = std::chrono::steady_clock::now();
    auto r = read();
    if (!r.ok()) return r.status();
    return Snapshot{std::make_shared<const DeskClaims>(std::move(r).value()), started};
  }
  Key key{office, {range.begin, range.end}};
  std::unique_lock<std::mutex> lock(mutex_);
  if (auto it = entries_.find(key); it != entries_.end() && it->second.read_at >= not_before) {
    return Snapshot{it->second.claims, it->second.read_at};
  }
  auto log = logs_.find(office);
  if (log != logs_.end()) not_before = std::max(not_before, log->second.forgotten_at);
  if (auto it = flights_.find(key); it != flights_.end() && it->second->started >= not_before) {
    std::shared_ptr<Flight> flight = it->second;
    flight_done_.wait(lock, [&] { return flight->done; });
    return flight->result;
  }
  auto flight = std::make_shared<Flight>();
  flight->started = std::chrono::steady_clock::now();
  flights_[key] = flight;
  lock.unlock();
  Result<DeskClaims> r = read();
  lock.lock();
  if (r.ok()) {
    auto claims = std::make_shared<const DeskClaims>(std::move(r).value());
    PutLocked(key, claims, flight->started);
    auto it = entries_.find(key);
    if (it != entries_.end() && it->second.read_at == flight->started) {
      claims = it->second.claims;  // kept, with own claims it may have missed
    }
    flight->result = Snapshot{std::move(claims), flight->started};
  } else {
    flight->result = r.status();
  }
  flight->done = true;
  if (auto it = flights_.find(key); it != flights_.end() && it->second == flight) flights_.erase(it);
  lock.unlock();
  flight_done_.notify_all();
  return flight->result;
}

void ClaimsCache::Put(const std::string& office, Interval range, DeskClaims claims,
                      SteadyTime read_at) {
  if (!enabled()) return;
  auto shared = std::make_shared<const DeskClaims>(std::move(claims));
  std::lock_guard<std::mutex> lock(mutex_);
  PutLocked(Key{office, {range.begin, range.end}}, std::move(shared), read_at);
}

void ClaimsCache::PutLocked(const Key& key, std::shared_ptr<const DeskClaims> shared,
                            SteadyTime read_at) {
  auto log = logs_.find(key.first);
  if (log != logs_.end()) {
    if (read_at < log->second.forgotten_at) return;  // read before this process freed a claim
    // Own claims written after the read began: it may have missed them.
    std::shared_ptr<DeskClaims> patched;
    for (auto it = log->second.claims.rbegin(); it != log->second.claims.rend() && it->at >= read_at;
         ++it) {
      const auto& [begin, end] = key.second;
      if (!(it->claim.begin < end && begin < it->claim.end)) continue;
      if (!patched) patched = std::make_shared<DeskClaims>(*shared);
      IntervalSet& set = (*patched)[it->desk];
      set = set.Union(IntervalSet::FromSorted({it->claim}));
    }
    if (patched) shared = std::move(patched);
  }
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
  auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mutex_);
  OfficeLog& log = logs_[office];
  while (!log.claims.empty() && now - log.claims.front().at >= options_.max_age) log.claims.pop_front();
  log.claims.push_back(OwnClaim{now, desk, claim});
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
  logs_[office].forgotten_at = std::chrono::steady_clock::now();
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
