// Recent claim reads, per office and range, that a booking step tries first.
//
// Why: with the Redis store every ReadClaims is a script that walks every
// desk's claims over the day; in the steady booking load that read, not the
// write, was most of Redis's work, and it grows as the day fills. A booking
// step needs the claims only to *propose* a desk: the store's write checks
// overlap itself ("the core proposes, the store disposes"). So a snapshot a
// moment old is good enough to propose from, and the write is the proof.
//
// What a snapshot may and may not decide (api/domain/booking.cc, Booker::ClaimLoop):
//   - the start looks free in it: propose the desk and write; if the store
//     says Conflict, read fresh and try again (as for any lost race); a
//     snapshot up to BookingOptions::claims_snapshot_max_age (5 s) old;
//   - the start looks taken in it: a 409 only if the snapshot is younger
//     than BookingOptions::claims_refusal_max_age (200 ms), else the step
//     reads fresh and decides on that (a claim may have lapsed or been
//     cancelled since). So a place freed in the last 200 ms may be refused
//     once more: a bounded staleness every read answer has anyway (the
//     place can be taken or freed while the 409 travels), which lets a
//     midnight rush of thousands of refusals per second cost a few reads a
//     second instead of one or two per refusal.
// A snapshot never lets two bookings share a place: only the store's
// checked write books. Claims this process writes are added to its
// snapshots at once; claims of other replicas show up when the snapshot is
// read again.
//
// Memory: at most `max_entries` snapshots; a full cache first drops the ones
// past `max_age`, then everything (it refills from the next reads).
//
// Thread safety: every method may be called from many threads at once.
#ifndef TERMIN_API_DOMAIN_CLAIMS_CACHE_H_
#define TERMIN_API_DOMAIN_CLAIMS_CACHE_H_

#include <chrono>
#include <condition_variable>
#include <functional>
#include <cstddef>
#include <deque>
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

  struct Snapshot {
    std::shared_ptr<const DeskClaims> claims;  // null: none young enough
    SteadyTime read_at;
  };

  // The snapshot of `office` over exactly `range`, if one was put less than
  // max_age before `now`; else one with null claims.
  Snapshot Get(const std::string& office, Interval range, SteadyTime now) const;

  // A snapshot of `office` over `range` whose read began at or after
  // `not_before`: the one held, else the one being read by another thread
  // (waited for), else read now by `read` and kept. So a thousand requests
  // that need the same claims at once cause one read, not a thousand (a
  // rush's first instant). With the cache off, `read` every time. The
  // read's error, if it fails, goes to every waiter.
  Result<Snapshot> Fetch(const std::string& office, Interval range, SteadyTime not_before,
                         const std::function<Result<DeskClaims>()>& read);

  // Records a fresh read (taken at `read_at`).
  void Put(const std::string& office, Interval range, DeskClaims claims, SteadyTime read_at);

  // Adds a claim this process has just written to every snapshot of
  // `office` whose range it overlaps.
  void AddClaim(const std::string& office, const std::string& desk, Interval claim);

  // Drops every snapshot of `office`: this process freed a claim there
  // (cancel, move, released hold, office change), and its own next step
  // must not be refused on the claim it just freed.
  void ForgetOffice(const std::string& office);

  std::size_t size() const;

 private:
  struct Entry {
    SteadyTime read_at;
    std::shared_ptr<const DeskClaims> claims;
  };
  // A read in progress; waiters hold it until it is done.
  struct Flight {
    SteadyTime started;
    bool done = false;                // guarded by the cache's mutex_
    Result<Snapshot> result = Status::Unavailable("not read yet");
  };
  using Key = std::pair<std::string, std::pair<Instant, Instant>>;

  // A claim this process wrote, kept for max_age: a read that began before
  // it was written may lack it, and gets it added when it is put.
  struct OwnClaim {
    SteadyTime at;
    std::string desk;
    Interval claim;
  };
  struct OfficeLog {
    SteadyTime forgotten_at{};     // reads begun before this are not kept
    std::deque<OwnClaim> claims;   // by `at`
  };

  void PutLocked(const Key& key, std::shared_ptr<const DeskClaims> claims, SteadyTime read_at);

  Options options_;
  mutable std::mutex mutex_;
  std::condition_variable flight_done_;
  std::map<Key, Entry> entries_;                     // guarded by mutex_
  std::map<Key, std::shared_ptr<Flight>> flights_;  // guarded by mutex_
  std::map<std::string, OfficeLog> logs_;           // guarded by mutex_
};

}  // namespace termin::api

#endif  // TERMIN_API_DOMAIN_CLAIMS_CACHE_H_
