// Recent claim reads, per office and range, that a booking step tries first.
//
// Why: with the Redis store every ReadClaims is a script that walks every
// desk's claims over the day; in the steady booking load that read, not the
// write, was most of Redis's work, and it grows as the day fills. A booking
// step needs the claims only to *propose* a desk: the store's write checks
// overlap itself ("the core proposes, the store disposes"). So a snapshot a
// moment old is good enough to propose from, and the write is the proof.
//
// What a snapshot may and may not decide (api/booking.cc, Booker::ClaimLoop):
//   - the start looks free in it: propose the desk and write; if the store
//     says Conflict, read fresh and try again (as for any lost race);
//   - the start looks taken in it: never answered from the snapshot; the
//     step reads fresh and decides on that (a claim may have lapsed or been
//     cancelled since);
// so a snapshot can cost a retry, never a wrong answer. Claims this process
// writes are added to its snapshots at once; claims of other replicas show
// up when the snapshot is read again, at most `max_age` later.
//
// Memory: at most `max_entries` snapshots; a full cache first drops the ones
// past `max_age`, then everything (it refills from the next reads).
//
// Thread safety: every method may be called from many threads at once.
#ifndef TERMIN_API_CLAIMS_CACHE_H_
#define TERMIN_API_CLAIMS_CACHE_H_

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "api/store.h"

namespace termin::api {

class ClaimsCache {
 public:
  using SteadyTime = std::chrono::steady_clock::time_point;

  struct Options {
    std::chrono::milliseconds max_age{1000};  // 0: the cache is off
    std::size_t max_entries = 4096;
  };

  explicit ClaimsCache(Options options) : options_(options) {}

  bool enabled() const { return options_.max_age.count() > 0; }

  // The snapshot of `office` over exactly `range`, if one was put less than
  // max_age before `now`; else null.
  std::shared_ptr<const DeskClaims> Get(const std::string& office, Interval range,
                                        SteadyTime now) const;

  // Records a fresh read (taken at `read_at`).
  void Put(const std::string& office, Interval range, DeskClaims claims, SteadyTime read_at);

  // Adds a claim this process has just written to every snapshot of
  // `office` whose range it overlaps.
  void AddClaim(const std::string& office, const std::string& desk, Interval claim);

  std::size_t size() const;

 private:
  struct Entry {
    SteadyTime read_at;
    std::shared_ptr<const DeskClaims> claims;
  };
  using Key = std::pair<std::string, std::pair<Instant, Instant>>;

  Options options_;
  mutable std::mutex mutex_;
  std::map<Key, Entry> entries_;  // guarded by mutex_
};

}  // namespace termin::api

#endif  // TERMIN_API_CLAIMS_CACHE_H_
