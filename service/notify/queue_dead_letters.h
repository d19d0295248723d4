// QueueDeadLetters: the admin routes' view (api/dead_letters.h) of a
// JobQueue's dead letters. api/ cannot see service/job_queue.h; this adapter
// is what termin-api hands to App::SetDeadLetters.
//
// Thread safety: as the JobQueue it wraps (every JobQueue is thread-safe).
#ifndef TERMIN_SERVICE_NOTIFY_QUEUE_DEAD_LETTERS_H_
#define TERMIN_SERVICE_NOTIFY_QUEUE_DEAD_LETTERS_H_

#include <memory>
#include <utility>

#include "api/dead_letters.h"
#include "service/job_queue.h"

namespace termin::service {

class QueueDeadLetters final : public api::DeadLetters {
 public:
  explicit QueueDeadLetters(std::shared_ptr<JobQueue> queue) : queue_(std::move(queue)) {}

  Result<std::vector<api::DeadLetterView>> List(std::size_t limit) override {
    auto letters = queue_->ListDeadLetters(limit);
    if (!letters.ok()) return letters.status();
    std::vector<api::DeadLetterView> out;
    out.reserve(letters->size());
    for (DeadLetter& d : *letters) {
      out.push_back({std::move(d.id), std::move(d.job), d.attempts, d.dead_at, std::move(d.error)});
    }
    return out;
  }
  Status Requeue(const std::string& id, api::TimePoint now) override {
    return queue_->Requeue(id, now);
  }

 private:
  std::shared_ptr<JobQueue> queue_;
};

}  // namespace termin::service

#endif  // TERMIN_SERVICE_NOTIFY_QUEUE_DEAD_LETTERS_H_
