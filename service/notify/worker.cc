#include "service/notify/worker.h"

#include <algorithm>
#include <cstdio>
#include <random>

#include "api/log/log.h"
#include "service/notify/mail_message.h"

namespace termin::service {

std::chrono::milliseconds BackoffDelay(int attempt, std::chrono::milliseconds base,
                                       std::chrono::milliseconds max, double unit) {
  // Doubling stops at the cap; the shift is bounded so it cannot overflow.
  long long d = base.count();
  for (int i = 1; i < attempt && d < max.count(); ++i) d *= 2;
  d = std::min(d, static_cast<long long>(max.count()));
  unit = std::clamp(unit, 0.0, 1.0);
  long long half = d / 2;
  return std::chrono::milliseconds(half + static_cast<long long>(static_cast<double>(d - half) * unit));
}

Decision Decide(const api::OutboxJob& job, const api::AppointmentRecord& a,
                const api::OfficeInfo& office, api::TimePoint now) {
  using S = api::AppointmentStatus;
  if (a.contact_erased) return {false, "contact_erased"};
  if (a.contact.email.empty() && a.contact.phone.empty()) return {false, "no_contact"};
  switch (job.type) {
    case api::JobType::kConfirmation:
      if (a.status != S::kConfirmed && a.status != S::kCheckedIn) return {false, "not_booked"};
      return {true, ""};
    case api::JobType::kMoved:
      if (a.status != S::kConfirmed) return {false, "not_booked"};
      return {true, ""};
    case api::JobType::kReminder: {
      if (a.status != S::kConfirmed) return {false, "not_booked"};
      if (!a.contact.reminders) return {false, "no_consent"};
      api::TimePoint start = api::ToTimePoint(a.booking.start);
      if (now >= start) return {false, "visit_passed"};
      auto offset = std::chrono::duration_cast<std::chrono::milliseconds>(start - job.due);
      bool fits = std::any_of(office.reminder_offsets.begin(), office.reminder_offsets.end(),
                              [&](Minutes m) { return offset == m; });
      if (!fits) return {false, "stale_reminder"};
      return {true, ""};
    }
    case api::JobType::kCancelled:
    case api::JobType::kCancelledByOffice:
      if (a.status != S::kCancelled) return {false, "not_cancelled"};
      return {true, ""};
    case api::JobType::kWaitlistOffer:  // OfferAsVisit checked the offer is open
      return {true, ""};
    case api::JobType::kOptIn:  // double opt-in: while the booking waits for it
      if (a.status != S::kPreconfirmed) return {false, "not_preconfirmed"};
      return {true, ""};
  }
  return {false, "unknown_kind"};
}

Worker::Worker(WorkerDeps deps, WorkerOptions options)
    : deps_(std::move(deps)), options_(std::move(options)) {}

void Worker::Stop() {
  stop_.store(true);
  std::lock_guard<std::mutex> lock(wait_mutex_);
  wake_.notify_all();
}

void Worker::Log(const ClaimedJob& job, const char* outcome, const std::string& detail) {
  // Job id, kind and reference only: never names, addresses or phone numbers.
  // A gateway's or mail relay's error text may quote the recipient
  // ("550 <erika@example.org>: unknown"), so the detail goes through
  // api::ScrubContact first.
  const bool bad = std::string_view(outcome) == "dead_letter" || std::string_view(outcome) == "lost";
  const char* level = bad ? "error" : std::string_view(outcome) == "retry" ? "warn" : "info";
  const std::string safe = api::ScrubContact(detail);
  if (safe.empty()) {
    api::Log(level, "job",
             {{"id", job.id}, {"kind", JobKindName(job.job.type)}, {"reference", job.job.reference},
              {"attempt", job.attempt}, {"outcome", outcome}});
  } else {
    api::Log(level, "job",
             {{"id", job.id}, {"kind", JobKindName(job.job.type)}, {"reference", job.job.reference},
              {"attempt", job.attempt}, {"outcome", outcome}, {"detail", safe}});
  }
}

Result<api::AppointmentRecord> Worker::OfferAsVisit(const std::string& hold_id) {
  auto hold = deps_.store->GetHold(hold_id);
  if (!hold.ok()) return hold.status();
  if (hold->wish_id.empty() || hold->voided || hold->expires_at <= deps_.clock->Now()) {
    return Status::Gone("the offer is closed");
  }
  auto wish = deps_.store->GetWish(hold->wish_id);
  if (!wish.ok()) {
    if (wish.status().code() == StatusCode::kNotFound) return Status::Gone("the wish ended");
    return wish.status();
  }
  api::AppointmentRecord v;
  v.reference = hold->id;
  v.status = api::AppointmentStatus::kConfirmed;
  v.booking = hold->booking;
  v.contact = wish->contact;
  v.closed_at = hold->expires_at;  // the offer's end, for {{offer_until}}
  return v;
}

Result<api::OfficeInfo> Worker::OfficeFor(const std::string& office_id) {
  // An office edited through the admin API lives in the store; the seed
  // catalogue knows the rest.
  auto doc = deps_.store->GetOfficeConfig(office_id);
  if (!doc.ok()) return doc.status();
  if (doc->version > 0) {
    auto parsed = api::ParseOfficeJson(doc->document, deps_.catalog->services);
    if (parsed.ok()) return parsed;
  }
  const api::OfficeInfo* o = deps_.catalog->FindOffice(office_id);
  if (!o) return Status::NotFound("unknown office");
  return *o;
}

Worker::Outcome Worker::Fail(const ClaimedJob& job, const std::string& error, bool permanent,
                             const std::vector<std::string>& channels) {
  api::TimePoint now = deps_.clock->Now();
  if (permanent || job.attempt >= options_.max_attempts) {
    Status s = deps_.queue->Bury(job, now, error);
    delivered_.erase(job.id);
    if (!s.ok()) {
      Log(job, "lost", s.message());
      return Outcome::kLost;
    }
    if (deps_.metrics) {
      for (const auto& c : channels) deps_.metrics->DeadLettered(c);
    }
    Log(job, "dead_letter", error);
    return Outcome::kBuried;
  }
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  double unit = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
  auto delay = BackoffDelay(job.attempt, options_.backoff_base, options_.backoff_max, unit);
  Status s = deps_.queue->Retry(job, now + delay);
  if (!s.ok()) {
    delivered_.erase(job.id);
    Log(job, "lost", s.message());
    return Outcome::kLost;
  }
  Log(job, "retry", error + " (next in " + std::to_string(delay.count()) + " ms)");
  return Outcome::kRetried;
}

Worker::Outcome Worker::Handle(const ClaimedJob& job) {
  auto skip = [&](const std::string& reason) {
    Status s = deps_.queue->Ack(job);
    delivered_.erase(job.id);
    if (!s.ok()) {
      Log(job, "lost", s.message());
      return Outcome::kLost;
    }
    if (deps_.metrics) deps_.metrics->Skipped(reason);
    Log(job, "skipped", reason);
    return Outcome::kSkipped;
  };
  // A waitlist offer names its offer-hold: the visit offered, sent to the
  // wish's contact while the offer is open (api/store.h, Wish).
  auto a = job.job.type == api::JobType::kWaitlistOffer ? OfferAsVisit(job.job.reference)
                                                        : deps_.store->GetAppointment(job.job.reference);
  if (!a.ok()) {
    if (a.status().code() == StatusCode::kNotFound) return skip("no_appointment");
    if (a.status().code() == StatusCode::kGone) return skip("offer_closed");
    return Fail(job, "store: " + a.status().message(), false, {});
  }
  auto office = OfficeFor(a->booking.office_id);
  if (!office.ok()) {
    if (office.status().code() == StatusCode::kNotFound) return skip("unknown_office");
    return Fail(job, "store: " + office.status().message(), false, {});
  }
  api::TimePoint now = deps_.clock->Now();
  Decision d = Decide(job.job, *a, *office, now);
  if (!d.send) return skip(d.reason);
  // Reminders sent, bounced and dead-lettered are evaluation figures
  // (api/tally.h: rm), counted on the office's local day of sending.
  const bool reminder = job.job.type == api::JobType::kReminder;
  auto tally = [&](const char* what) {
    if (!reminder) return;
    const std::string day = FormatDate(LocalDayOf(api::ToInstant(now), office->schedule.zone));
    (void)deps_.store->AddTallies(office->id, day, {{std::string("rm:") + what, 1}});
  };
  auto fail = [&](const std::string& error, bool permanent, const std::vector<std::string>& on) {
    Outcome o = Fail(job, error, permanent, on);
    if (o == Outcome::kBuried) tally("dead");
    return o;
  };

  std::vector<std::string> channels;
  if (!a->contact.email.empty() && deps_.mail) channels.push_back("email");
  if (!a->contact.phone.empty() && deps_.sms) channels.push_back("sms");
  if (channels.empty()) return skip("no_channel");

  auto n = ComposeNotification(*deps_.templates, job.job, *a, *office, *deps_.catalog,
                               options_.compose, now);
  if (!n.ok()) return fail("compose: " + n.status().message(), true, channels);

  std::set<std::string>& done = delivered_[job.id];
  std::vector<std::string> passing;    // failed, may pass
  std::vector<std::string> refused;    // failed for good
  std::string error;
  for (const std::string& channel : channels) {
    if (done.count(channel)) continue;
    Status s;
    if (channel == "email") {
      s = deps_.mail->Send(options_.mail_from, a->contact.email,
                           BuildMailMessage(*n, options_.mail_from, a->contact.email, now));
    } else if (n->sms.empty()) {
      s = Status::InvalidArgument("the SMS does not fit two parts");  // compose left it out
    } else {
      s = deps_.sms->Send(n->message_id, a->contact.phone, n->sms);
    }
    if (s.ok()) {
      done.insert(channel);
      if (deps_.metrics) deps_.metrics->Sent(channel);
      continue;
    }
    if (deps_.metrics) deps_.metrics->Failed(channel);
    if (!error.empty()) error += "; ";
    error += channel + ": " + s.message();
    (s.code() == StatusCode::kInvalidArgument ? refused : passing).push_back(channel);
  }
  if (!passing.empty()) return fail(error, false, passing);
  bool any_sent = !done.empty();
  delivered_.erase(job.id);
  if (!refused.empty()) tally("bounced");
  if (!any_sent) return fail(error, true, refused);
  Status s = deps_.queue->Ack(job);
  if (!s.ok()) {
    Log(job, "lost", s.message());
    return Outcome::kLost;
  }
  if (!refused.empty() && deps_.metrics) {
    for (const auto& c : refused) deps_.metrics->DeadLettered(c);
  }
  tally("sent");
  Log(job, "sent", error);
  return Outcome::kSent;
}

Result<BatchResult> Worker::RunOnce() {
  BatchResult r;
  auto claimed = deps_.queue->Claim(deps_.clock->Now(), options_.lease, options_.batch);
  if (!claimed.ok()) return claimed.status();
  r.claimed = claimed->size();
  std::size_t i = 0;
  for (; i < claimed->size() && !stop_.load(); ++i) {
    switch (Handle((*claimed)[i])) {
      case Outcome::kSent: ++r.sent; break;
      case Outcome::kSkipped: ++r.skipped; break;
      case Outcome::kRetried: ++r.retried; break;
      case Outcome::kBuried: ++r.buried; break;
      case Outcome::kLost: ++r.lost; break;
    }
  }
  // Stopping: hand the jobs we did not start back at once rather than
  // letting their leases run out. The attempt they were charged stays.
  for (; i < claimed->size(); ++i) {
    Status ignored = deps_.queue->Retry((*claimed)[i], deps_.clock->Now());
    (void)ignored;
  }
  // Keep delivered_ bounded even if other workers took over our retries.
  if (delivered_.size() > 10000) delivered_.clear();
  return r;
}

void Worker::UpdateQueueMetrics() {
  if (!deps_.metrics) return;
  api::TimePoint now = deps_.clock->Now();
  auto st = deps_.queue->Stats(now);
  if (st.ok()) deps_.metrics->SetQueue(*st, now);
}

void Worker::Run() {
  auto last_stats = std::chrono::steady_clock::now() - std::chrono::hours(1);
  // An outage fails every poll: one line when claims start failing, one
  // when they work again, not one per poll.
  long long failed_polls = 0;
  while (!stop_.load()) {
    auto r = RunOnce();
    if (!r.ok()) {
      if (failed_polls++ == 0) {
        api::Log("error", "claim failed", {{"detail", api::ScrubContact(r.status().message())}});
      }
    } else if (failed_polls > 0) {
      api::Log("info", "claims work again", {{"failed_polls", failed_polls}});
      failed_polls = 0;
    }
    auto now = std::chrono::steady_clock::now();
    if (now - last_stats >= std::chrono::seconds(1)) {
      UpdateQueueMetrics();
      last_stats = now;
    }
    bool busy = r.ok() && r->claimed == options_.batch;
    if (!busy) {
      std::unique_lock<std::mutex> lock(wait_mutex_);
      wake_.wait_for(lock, options_.poll, [this] { return stop_.load(); });
    }
  }
}

}  // namespace termin::service
