// RedisJobQueue: the JobQueue on the Redis store's outbox keys.
//
// The booking scripts (redis_scripts.cc) write each job as a member
// "<seq>:<type>:<due_ms>:<reference>" of the office's outbox ZSET
// ({o:<office>}:ob), scored by due time. This queue adds, under the same
// hash tag so that each step is one Lua script on one slot:
//   {o:<office>}:ob:run    ZSET  member -> lease deadline (ms): in flight
//   {o:<office>}:ob:lease  HASH  member -> lease token of the current claim
//   {o:<office>}:ob:tries  HASH  member -> claims so far (attempts)
//   {o:<office>}:ob:dead   ZSET  member -> when it was buried (ms)
//   {o:<office>}:ob:err    HASH  member -> the last error of a dead letter
// A retry puts the member back into the outbox scored by its next attempt
// time; the member keeps its original due time, which is what the worker
// judges reminders by. Job ids are "<office>:<seq>".
//
// The offices with an outbox are found through the store's office set
// (RedisKeys::Offices). Scripts are sent with EVAL (they are short and a
// claim serves a whole batch).
//
// Thread safety: every method may be called from many threads at once (each
// call leases its own connection from the pool).
#ifndef TERMIN_SERVICE_REDIS_JOB_QUEUE_REDIS_H_
#define TERMIN_SERVICE_REDIS_JOB_QUEUE_REDIS_H_

#include <memory>
#include <string>

#include "service/job_queue.h"
#include "service/redis/redis_connection.h"
#include "service/redis/redis_keys.h"

namespace termin::service {

class RedisJobQueue final : public JobQueue {
 public:
  // Connects with its own pool (the options' key_prefix must match the
  // store's). Unavailable if Redis cannot be reached now.
  static Result<std::unique_ptr<RedisJobQueue>> Connect(RedisOptions options);

  Result<std::vector<ClaimedJob>> Claim(api::TimePoint now, std::chrono::milliseconds lease,
                                        std::size_t limit) override;
  Status Ack(const ClaimedJob& job) override;
  Status Retry(const ClaimedJob& job, api::TimePoint at) override;
  Status Bury(const ClaimedJob& job, api::TimePoint now, const std::string& error) override;
  Result<std::vector<DeadLetter>> ListDeadLetters(std::size_t limit) override;
  Status Requeue(const std::string& id, api::TimePoint now) override;
  Result<QueueStats> Stats(api::TimePoint now) override;
  std::vector<api::StoreCounter> Counters() override;

 private:
  RedisJobQueue(std::unique_ptr<RedisPool> pool, RedisKeys keys)
      : pool_(std::move(pool)), keys_(std::move(keys)) {}

  struct JobKeys {
    std::string outbox, run, lease, tries, dead, err;
  };
  JobKeys KeysOf(const std::string& office) const;
  // Splits "<office>:<seq>" and finds the member; false if malformed.
  static bool SplitId(const std::string& id, std::string* office, std::string* seq);

  std::unique_ptr<RedisPool> pool_;
  RedisKeys keys_;
};

}  // namespace termin::service

#endif  // TERMIN_SERVICE_REDIS_JOB_QUEUE_REDIS_H_
