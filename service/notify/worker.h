// The notification worker: claims due jobs from the JobQueue, checks each
// against the appointment as it is now, sends it by e-mail and/or SMS, and
// acknowledges, retries or buries it.
//
// What is sent, judged at send time (Decide):
//   confirmation  while the visit is confirmed or checked in
//   moved         while the visit is confirmed
//   reminder      while the visit is confirmed, the citizen agreed to
//                 reminders, the visit is still ahead (a reminder that fell
//                 due while every worker was down goes out late only then),
//                 and the job was made for the visit's current start: the
//                 start minus the job's due time is one of the office's
//                 reminder offsets (a reminder of a visit that was moved
//                 since finds no offset that fits and is dropped)
//   cancelled*    while the visit is cancelled
// and never once the contact data was erased. A job that is not sent is
// acknowledged and counted as skipped, with the reason.
//
// Failures: a channel that refuses for good (InvalidArgument) is given up;
// one that may pass (Unavailable) makes the job retry after BackoffDelay; at
// the max_attempts-th attempt the job goes to the dead-letter set. Channels
// delivered in an earlier attempt of this process are not sent again on a
// retry; after a crash they may be (at-least-once).
//
// Thread safety: one thread drives a Worker (RunOnce/Run); Stop() may be
// called from any thread. Several Workers (threads or processes) may share
// one queue.
#ifndef TERMIN_SERVICE_NOTIFY_WORKER_H_
#define TERMIN_SERVICE_NOTIFY_WORKER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "api/domain/catalog.h"
#include "api/clock.h"
#include "api/store.h"
#include "service/job_queue.h"
#include "service/notify/mail_smtp.h"
#include "service/notify/sms_gateway.h"
#include "service/notify/worker_message.h"
#include "service/notify/worker_metrics.h"
#include "service/notify/worker_templates.h"

namespace termin::service {

struct WorkerOptions {
  std::size_t batch = 20;                          // jobs per claim
  std::chrono::milliseconds lease{60000};          // visibility timeout of a claim
  int max_attempts = 8;                            // then the dead-letter set
  std::chrono::milliseconds backoff_base{2000};    // first retry after about this
  std::chrono::milliseconds backoff_max{std::chrono::minutes(30)};
  std::chrono::milliseconds poll{1000};            // wait when nothing is due
  std::string mail_from = "termine@example.de";
  ComposeOptions compose;
};

struct WorkerDeps {
  std::shared_ptr<api::Store> store;
  std::shared_ptr<JobQueue> queue;
  std::shared_ptr<const api::Clock> clock;
  std::shared_ptr<const api::Catalog> catalog;
  std::shared_ptr<const TemplateSet> templates;
  std::shared_ptr<MailSender> mail;       // null: no e-mail
  std::shared_ptr<SmsSender> sms;         // null: no SMS
  std::shared_ptr<WorkerMetrics> metrics; // null: not counted
};

// Delay before retry number `attempt` (1 = after the first failure):
// base * 2^(attempt-1), capped at max, then "equal jitter": a uniform draw
// in [d/2, d] (`unit` in [0, 1)), so that jobs that failed together (the SMTP
// server was down) do not all come back in the same instant.
std::chrono::milliseconds BackoffDelay(int attempt, std::chrono::milliseconds base,
                                       std::chrono::milliseconds max, double unit);

struct Decision {
  bool send = false;
  std::string reason;  // why not (a metric label): "not_booked", "stale_reminder", ...
};
Decision Decide(const api::OutboxJob& job, const api::AppointmentRecord& a,
                const api::OfficeInfo& office, api::TimePoint now);

struct BatchResult {
  std::size_t claimed = 0;
  std::size_t sent = 0;     // jobs with at least one message delivered
  std::size_t skipped = 0;
  std::size_t retried = 0;
  std::size_t buried = 0;
  std::size_t lost = 0;     // lease ran out before we finished (another worker has it)
};

class Worker {
 public:
  Worker(WorkerDeps deps, WorkerOptions options);

  // Claims one batch and handles it. Stops between jobs once Stop() was
  // called; jobs not yet started are handed back (due now).
  Result<BatchResult> RunOnce();
  // RunOnce until Stop(); waits `poll` between empty batches.
  void Run();
  void Stop();
  bool stopping() const { return stop_.load(); }

  // Refreshes the queue gauges (also done by Run after every batch).
  void UpdateQueueMetrics();

 private:
  enum class Outcome { kSent, kSkipped, kRetried, kBuried, kLost };
  Outcome Handle(const ClaimedJob& job);
  Outcome Fail(const ClaimedJob& job, const std::string& error, bool permanent,
               const std::vector<std::string>& channels);
  Result<api::OfficeInfo> OfficeFor(const std::string& office_id);
  // A waitlist offer as the visit it offers, to the wish's contact; Gone
  // once the offer lapsed or was answered.
  Result<api::AppointmentRecord> OfferAsVisit(const std::string& hold_id);
  void Log(const ClaimedJob& job, const char* outcome, const std::string& detail);

  WorkerDeps deps_;
  WorkerOptions options_;
  std::atomic<bool> stop_{false};
  std::mutex wait_mutex_;
  std::condition_variable wake_;
  // Channels already delivered for a job that is being retried by this
  // process (job id -> channels), so a retry does not repeat them.
  std::map<std::string, std::set<std::string>> delivered_;
};

}  // namespace termin::service

#endif  // TERMIN_SERVICE_NOTIFY_WORKER_H_
