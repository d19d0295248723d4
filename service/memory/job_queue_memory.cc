#include "service/memory/job_queue_memory.h"

#include <algorithm>

namespace termin::service {

Status MemoryJobQueue::PullDue(api::TimePoint now) {
  auto taken = store_->TakeDueJobs(now, 10000);
  if (!taken.ok()) return taken.status();
  for (api::OutboxJob& j : *taken) {
    Entry e;
    e.next = j.due;
    e.job = std::move(j);
    entries_.emplace("m" + std::to_string(next_id_++), std::move(e));
  }
  return Status::Ok();
}

Result<std::vector<ClaimedJob>> MemoryJobQueue::Claim(api::TimePoint now,
                                                      std::chrono::milliseconds lease,
                                                      std::size_t limit) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (Status s = PullDue(now); !s.ok()) return s;
  // Lapsed leases first, then waiting jobs by their next attempt time.
  std::vector<std::pair<std::string, Entry*>> ready;
  for (auto& [id, e] : entries_) {
    if (e.next <= now) ready.emplace_back(id, &e);
  }
  std::stable_sort(ready.begin(), ready.end(), [](const auto& a, const auto& b) {
    if (a.second->in_flight != b.second->in_flight) return a.second->in_flight;
    return a.second->next < b.second->next;
  });
  std::vector<ClaimedJob> out;
  for (auto& [id, e] : ready) {
    if (out.size() >= limit) break;
    e->in_flight = true;
    e->next = now + lease;
    e->lease = "l" + std::to_string(next_lease_++);
    ++e->attempts;
    out.push_back(ClaimedJob{id, e->job, e->attempts, e->lease});
  }
  return out;
}

MemoryJobQueue::Entry* MemoryJobQueue::Leased(const ClaimedJob& job) {
  auto it = entries_.find(job.id);
  if (it == entries_.end() || !it->second.in_flight || it->second.lease != job.lease) return nullptr;
  return &it->second;
}

Status MemoryJobQueue::Ack(const ClaimedJob& job) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!Leased(job)) return Status::Gone("the job's lease ran out");
  entries_.erase(job.id);
  return Status::Ok();
}

Status MemoryJobQueue::Retry(const ClaimedJob& job, api::TimePoint at) {
  std::lock_guard<std::mutex> lock(mutex_);
  Entry* e = Leased(job);
  if (!e) return Status::Gone("the job's lease ran out");
  e->in_flight = false;
  e->lease.clear();
  e->next = at;
  return Status::Ok();
}

Status MemoryJobQueue::Bury(const ClaimedJob& job, api::TimePoint now, const std::string& error) {
  std::lock_guard<std::mutex> lock(mutex_);
  Entry* e = Leased(job);
  if (!e) return Status::Gone("the job's lease ran out");
  dead_[job.id] = DeadLetter{job.id, e->job, e->attempts, now, error};
  entries_.erase(job.id);
  return Status::Ok();
}

Result<std::vector<DeadLetter>> MemoryJobQueue::ListDeadLetters(std::size_t limit) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<DeadLetter> out;
  for (const auto& [id, d] : dead_) out.push_back(d);
  std::sort(out.begin(), out.end(),
            [](const DeadLetter& a, const DeadLetter& b) { return a.dead_at < b.dead_at; });
  if (out.size() > limit) out.resize(limit);
  return out;
}

Status MemoryJobQueue::Requeue(const std::string& id, api::TimePoint now) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = dead_.find(id);
  if (it == dead_.end()) return Status::NotFound("no such dead letter");
  Entry e;
  e.job = it->second.job;
  e.next = now;
  entries_[id] = std::move(e);
  dead_.erase(it);
  return Status::Ok();
}

Result<QueueStats> MemoryJobQueue::Stats(api::TimePoint now) {
  auto pending = store_->PendingJobs();
  if (!pending.ok()) return pending.status();
  std::lock_guard<std::mutex> lock(mutex_);
  QueueStats st;
  for (const api::OutboxJob& j : *pending) {
    ++st.waiting;
    if (j.due <= now) {
      ++st.due;
      if (!st.oldest_due || j.due < *st.oldest_due) st.oldest_due = j.due;
    }
  }
  for (const auto& [id, e] : entries_) {
    if (e.in_flight) {
      ++st.in_flight;
    } else {
      ++st.waiting;
      if (e.next <= now) ++st.due;
    }
    if ((e.in_flight || e.next <= now) && (!st.oldest_due || e.job.due < *st.oldest_due)) {
      st.oldest_due = e.job.due;
    }
  }
  st.dead = dead_.size();
  return st;
}

}  // namespace termin::service
