// MemoryJobQueue: the JobQueue for the embedded single-process setup.
//
// It takes due jobs from any Store with TakeDueJobs and keeps their
// in-flight, retry and dead-letter state in this process's memory. That is
// only as durable as the process: right for the embedded MemoryStore, whose
// outbox dies with the process anyway; for several workers or crash safety
// use RedisJobQueue. Job ids are "m<n>".
//
// Thread safety: every method may be called from many threads at once.
#ifndef TERMIN_SERVICE_MEMORY_JOB_QUEUE_MEMORY_H_
#define TERMIN_SERVICE_MEMORY_JOB_QUEUE_MEMORY_H_

#include <map>
#include <memory>
#include <mutex>

#include "service/job_queue.h"

namespace termin::service {

class MemoryJobQueue final : public JobQueue {
 public:
  explicit MemoryJobQueue(std::shared_ptr<api::Store> store) : store_(std::move(store)) {}

  Result<std::vector<ClaimedJob>> Claim(api::TimePoint now, std::chrono::milliseconds lease,
                                        std::size_t limit) override;
  Status Ack(const ClaimedJob& job) override;
  Status Retry(const ClaimedJob& job, api::TimePoint at) override;
  Status Bury(const ClaimedJob& job, api::TimePoint now, const std::string& error) override;
  Result<std::vector<DeadLetter>> ListDeadLetters(std::size_t limit) override;
  Status Requeue(const std::string& id, api::TimePoint now) override;
  Result<QueueStats> Stats(api::TimePoint now) override;

 private:
  struct Entry {
    api::OutboxJob job;
    api::TimePoint next;   // next attempt (waiting) or lease deadline (in flight)
    bool in_flight = false;
    std::string lease;
    int attempts = 0;
  };
  // Moves the store's due jobs into entries_. Needs mutex_.
  Status PullDue(api::TimePoint now);
  // The entry `job` names if its lease is still `job.lease`. Needs mutex_.
  Entry* Leased(const ClaimedJob& job);

  std::shared_ptr<api::Store> store_;
  std::mutex mutex_;
  std::map<std::string, Entry> entries_;       // GUARDED_BY(mutex_), by id
  std::map<std::string, DeadLetter> dead_;     // GUARDED_BY(mutex_), by id
  long long next_id_ = 1;                      // GUARDED_BY(mutex_)
  long long next_lease_ = 1;                   // GUARDED_BY(mutex_)
};

}  // namespace termin::service

#endif  // TERMIN_SERVICE_MEMORY_JOB_QUEUE_MEMORY_H_
