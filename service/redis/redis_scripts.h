// The Lua scripts of the Redis store: one script per booking step.
//
// Each script runs atomically inside Redis (no other command runs between its
// first and its last call), so "check the desk is free, then write the claim"
// is one indivisible step even with many API replicas. Every key a script
// touches is passed in KEYS[] and carries the same {o:<office>} hash tag, so
// the script is valid on Redis Cluster too. The texts, each with the reasoning
// why it is correct, are in redis_scripts.cc; docs/redis.md lists their KEYS
// and ARGV.
//
// Reply convention: every script returns an array whose first element is a
// word: OK, CONFLICT, NOTFOUND, GONE, STALE (the office configuration changed
// since the caller loaded it), PRECOND (state forbids the step, or the
// id is in use), MAXED (a hold extended as often as allowed), RETRY (the caller's snapshot of which desk an appointment
// sits on moved: read again and retry), MISMATCH/INPROGRESS/STARTED/REPLAY
// (idempotency). Scripts return before their first write whenever they refuse,
// except for the lazy removal of expired hold claims, which changes nothing
// anyone can observe.
//
// Thread safety: the data is immutable; any thread may read it.
#ifndef TERMIN_SERVICE_REDIS_REDIS_SCRIPTS_H_
#define TERMIN_SERVICE_REDIS_REDIS_SCRIPTS_H_

#include <string>
#include <vector>

namespace termin::service {

enum class RedisScript {
  kReadClaims = 0,     // live claims of an office's desks over a range
  kPlaceHold,          // overlap check + hold with TTL and fencing version
  kReleaseHold,        // owner deletes a hold
  kExtendHold,         // owner gives a live hold more time (bounded)
  kConfirmHold,        // hold -> appointment + outbox jobs
  kCreateAppointment,  // overlap check + appointment (+ ticket) + outbox jobs
  kCancel,             // frees the claim + outbox jobs
  kMove,               // new claim checked and written, old released + jobs
  kCheckIn,            // status + ticket of the day
  kAddNote,            // appends a staff note
  kPutOfficeConfig,    // compare-and-set config + cancellations + jobs
  kPutServiceConfig,   // document + version
  kTouchOfficeConfig,  // a new office config version, document unchanged
  kIdemBegin,          // first use / replay / mismatch of an Idempotency-Key
  kIdemFinish,         // stores the first response
  kEraseContact,       // drops contact data of one finished visit
  kPurgeClaims,        // drops claims of expired holds of one desk
  kTakeToken,          // fair use: one token of a client's bucket
  kAdmitOpenHold,      // fair use: one more open hold of a client
  kQueueRead,          // the office's day: entries, desks, calls, durations
  kQueueCalls,         // the call display's lines
  kQueueIssue,         // a walk-in ticket, if the queue did not move
  kQueueDesk,          // a desk opened / closed / closing time moved
  kQueueCall,          // call next: pick and mark in one step
  kQueueStep,          // recall, start, done, no-show, requeue, transfer
  kMarkNoShow,         // an overdue confirmed appointment -> no_show
  kAddWish,            // the waitlist: a new wish and its indexes
  kWithdrawWish,       // the waitlist: a wish erased (its live offer released and offered on)
  kOfferReleased,      // the waitlist's sweep of one office: lapsed places offered, ended wishes erased
  kConfirmOptIn,       // double opt-in: preconfirmed -> confirmed, its claim kept + jobs
  kReleaseJoin,        // a release's pre-queue: the client's ticket, or a new one
  kReleaseRead,        // a release's pre-queue: one ticket's place
  kIdentityAtLimit,    // fair use, read only: an identity's quota used up (a new wish)
  kCount               // not a script: the number of scripts
};

struct RedisScriptSource {
  const char* name;  // for error messages and docs
  std::string text;  // the common prelude followed by the step's body (read_claims: body only)
};

// Indexed by RedisScript. `tallies` false: without the evaluation tallies
// (RedisOptions::tallies; only for measuring what they cost).
const std::vector<RedisScriptSource>& RedisScripts(bool tallies = true);

}  // namespace termin::service

#endif  // TERMIN_SERVICE_REDIS_REDIS_SCRIPTS_H_
