// DeadLetters: what the admin routes need of the notification queue.
//
// A notification job that failed for good (or too often) is a dead letter
// (docs/notifications.md). Admins list them and put one back into the queue
// (GET /v1/admin/dead-letters, POST /v1/admin/dead-letters/{id}/requeue).
// The queue itself lives in service/ (service/job_queue.h), which api/ must
// not depend on; service/ implements this interface over its JobQueue and
// hands it to the App (App::SetDeadLetters).
//
// Thread safety: implementations must allow calls from many threads at once.
#ifndef TERMIN_API_DEAD_LETTERS_H_
#define TERMIN_API_DEAD_LETTERS_H_

#include <cstddef>
#include <string>
#include <vector>

#include "api/clock.h"
#include "api/store.h"
#include "scheduler/status.h"

namespace termin::api {

struct DeadLetterView {
  std::string id;      // the queue's job id, e.g. "test-mitte:17"
  OutboxJob job;       // kind, reference, original due time
  int attempts = 0;    // claims it had before it was buried
  TimePoint dead_at;   // when it was buried
  std::string error;   // why the last attempt failed; never personal data
};

class DeadLetters {
 public:
  virtual ~DeadLetters() = default;

  // At most `limit` dead letters, oldest first. Unavailable if the queue's
  // storage cannot be reached.
  virtual Result<std::vector<DeadLetterView>> List(std::size_t limit) = 0;
  // Puts the dead letter back into the queue, due at `now`, attempts reset.
  // NotFound if there is no dead letter with that id.
  virtual Status Requeue(const std::string& id, TimePoint now) = 0;
};

}  // namespace termin::api

#endif  // TERMIN_API_DEAD_LETTERS_H_
