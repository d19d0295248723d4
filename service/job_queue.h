// JobQueue: how the notification worker takes jobs from the store's outbox.
//
// The store's outbox (api/store.h) only hands jobs out once (TakeDueJobs):
// a worker that dies after taking a job loses it. The queue adds what a
// worker fleet needs on top of the same outbox:
//   - Claim: atomically moves due jobs to an in-flight set with a lease
//     deadline (visibility timeout). A job whose lease ran out without an Ack
//     (its worker crashed or hung) is claimed again by whoever asks next.
//   - Ack: the job is done (sent, or deliberately dropped); it is forgotten.
//   - Retry: the job failed for a passing reason; it waits until `at`.
//   - Bury: the job failed for good (or too often): it goes to the
//     dead-letter set, from where an admin lists it and may Requeue it.
// Each claim carries a lease token. Ack/Retry/Bury with a token that is no
// longer the job's (the lease ran out and another worker claimed it) change
// nothing and answer Gone, so a slow worker cannot undo a faster one's work.
//
// Delivery is at-least-once: a worker that sent a message and died before
// its Ack leaves the job to be claimed and sent again (docs/notifications.md).
//
// Implementations: RedisJobQueue (job_queue_redis.h, on the Redis store's
// outbox keys) and MemoryJobQueue (job_queue_memory.h, over any Store's
// TakeDueJobs, for the embedded single-process setup).
//
// Thread safety: every method may be called from many threads at once.
#ifndef TERMIN_SERVICE_JOB_QUEUE_H_
#define TERMIN_SERVICE_JOB_QUEUE_H_

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "api/clock.h"
#include "api/store.h"
#include "scheduler/status.h"

namespace termin::service {

// One claimed job.
struct ClaimedJob {
  std::string id;       // stable for the job's whole life in the queue ("<office>:<seq>")
  api::OutboxJob job;   // as written by the booking step (due = its original due time)
  int attempt = 1;      // 1 on the first claim, counting claims whose lease ran out
  std::string lease;    // this claim's token
};

struct DeadLetter {
  std::string id;
  api::OutboxJob job;
  int attempts = 0;
  api::TimePoint dead_at;
  std::string error;  // why the last attempt failed; never personal data
};

struct QueueStats {
  std::size_t waiting = 0;    // not yet claimed (due or not), including retries
  std::size_t due = 0;        // waiting and due now
  std::size_t in_flight = 0;  // claimed, lease running
  std::size_t dead = 0;       // dead letters
  // The original due time of the oldest job that is due and not yet sent
  // (waiting or in flight); nullopt if there is none.
  std::optional<api::TimePoint> oldest_due;
};

class JobQueue {
 public:
  virtual ~JobQueue() = default;

  // Up to `limit` jobs due at `now` (first those whose lease ran out, then
  // by due time), each leased until now + lease.
  virtual Result<std::vector<ClaimedJob>> Claim(api::TimePoint now, std::chrono::milliseconds lease,
                                                std::size_t limit) = 0;
  virtual Status Ack(const ClaimedJob& job) = 0;
  virtual Status Retry(const ClaimedJob& job, api::TimePoint at) = 0;
  virtual Status Bury(const ClaimedJob& job, api::TimePoint now, const std::string& error) = 0;

  // Dead letters, oldest first.
  virtual Result<std::vector<DeadLetter>> ListDeadLetters(std::size_t limit) = 0;
  // Moves a dead letter back to the queue, due at `now`, attempts reset.
  // NotFound if there is no dead letter with that id.
  virtual Status Requeue(const std::string& id, api::TimePoint now) = 0;

  virtual Result<QueueStats> Stats(api::TimePoint now) = 0;
  // Counters about the backing service, as Store::Counters (the Redis
  // queue: termin_redis_redirects_total{kind}). None by default.
  virtual std::vector<api::StoreCounter> Counters() { return {}; }
};

}  // namespace termin::service

#endif  // TERMIN_SERVICE_JOB_QUEUE_H_
