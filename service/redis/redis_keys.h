// The Redis key layout of the Termin store: one function per key, so the
// layout lives in one place and docs/redis.md can be held against it.
//
// Every key of one office carries the hash tag {o:<office-id>}: Redis
// Cluster hashes only the part between the first '{' and the next '}', so all
// keys a booking step touches fall into one hash slot and one Lua script may
// touch them all (the same holds on a single Redis and under Sentinel). Keys
// not tied to an office (the hold and reference indexes, idempotency records,
// service configurations, the office list) live outside any office's tag and
// are never written by the same script as an office key.
//
// An optional prefix (e.g. "termin:") goes in front of every key so that
// several deployments or test cases can share one Redis. It must not contain
// '{' or '}', which would move the hash tag.
//
// Thread safety: immutable after construction; const methods from any thread.
#ifndef TERMIN_SERVICE_REDIS_REDIS_KEYS_H_
#define TERMIN_SERVICE_REDIS_REDIS_KEYS_H_

#include <string>
#include <string_view>

namespace termin::service {

class RedisKeys {
 public:
  explicit RedisKeys(std::string prefix) : prefix_(std::move(prefix)) {}

  // True if `id` can be used inside a key: not empty, no braces (they would
  // move the hash tag), no control characters.
  static bool ValidId(std::string_view id);

  // --- Keys of one office (hash tag {o:<office>}) ----------------------------
  std::string OfficeConfig(std::string_view office) const;   // hash {doc, ver}
  std::string Desks(std::string_view office) const;          // set of desk ids with claims
  std::string Claims(std::string_view office, std::string_view desk) const;  // zset
  std::string ClaimMax(std::string_view office) const;
  std::string Wish(std::string_view office, std::string_view wish_id) const;  // the waitlist
  std::string Wishes(std::string_view office) const;                          // zset id -> created       // hash desk -> longest claim (min)
  std::string HoldVersion(std::string_view office) const;    // counter: fencing numbers
  std::string Hold(std::string_view office, std::string_view hold_id) const;  // hash
  std::string Appointment(std::string_view office, std::string_view ref) const;  // hash
  std::string Notes(std::string_view office, std::string_view ref) const;    // list of JSON
  std::string Appointments(std::string_view office) const;   // set of references
  std::string Active(std::string_view office) const;         // zset ref by visit end (min)
  std::string Tickets(std::string_view office, std::string_view day) const;  // counter
  std::string Outbox(std::string_view office) const;         // zset job by due (ms)
  std::string OutboxSeq(std::string_view office) const;      // counter: job ids
  std::string StepMarker(std::string_view office, std::string_view token) const;  // string: ref
  // The office's day (api/store.h, QueueDay; redis_scripts.cc, queue_read).
  std::string Queue(std::string_view office, std::string_view day) const;         // hash ver, seq
  std::string QueueEntries(std::string_view office, std::string_view day) const;  // hash ticket -> JSON
  std::string QueueDesks(std::string_view office, std::string_view day) const;    // hash desk -> JSON
  std::string QueueCalls(std::string_view office, std::string_view day) const;    // list of JSON
  std::string QueueDurations(std::string_view office) const;  // hash service key -> "m,m,..."
  // Evaluation tallies of a local day (api/tally.h): hash field -> count,
  // written by the booking and queue scripts (ev_key), never expiring.
  std::string Tallies(std::string_view office, std::string_view day) const;
  // A release's pre-queue (api/store.h, ReleaseTicket), `part` one of
  // "z" (zset ticket -> order), "c" (hash client -> ticket), "t" (hash
  // ticket -> client), "n" (counter of late tickets).
  std::string ReleaseQueue(std::string_view office, std::string_view day,
                           std::string_view part) const;
  // The audit log of an office ("*": city-wide): stream, MINID-trimmed.
  std::string Audit(std::string_view office) const;

  // --- Keys outside any office -------------------------------------------------
  std::string HoldIndex(std::string_view hold_id) const;     // string: office id
  std::string RefIndex(std::string_view ref) const;          // string: office id
  std::string Idempotency(std::string_view key) const;       // hash
  // Fair-use counters of a client (named by a digest of its bucket name).
  std::string TokenBucket(std::string_view digest) const;    // hash t, at
  std::string OpenHolds(std::string_view digest) const;      // zset hold id -> lapses at
  // An identity's appointments at an office (fair use): zset ref -> end.
  std::string Identity(std::string_view office, std::string_view digest) const;
  std::string ServiceDocs() const;                           // hash id -> document
  std::string ServiceVersions() const;                       // hash id -> version
  std::string Offices() const;
  std::string Secret(std::string_view name) const;           // string: a shared secret                               // set of office ids
  std::string DataFormat() const;                            // string: layout version
  std::string Once(std::string_view slot) const;             // string: claimed (SET NX PX)

 private:
  std::string OfficeKey(std::string_view office, std::string_view rest) const;

  std::string prefix_;
};

}  // namespace termin::service

#endif  // TERMIN_SERVICE_REDIS_REDIS_KEYS_H_
