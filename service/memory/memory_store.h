// The embedded store: everything in this process's memory.
//
// The default for a single process. Each office has its own shard with its
// own mutex; every Store step locks the shard(s) it touches for its whole
// check-and-write, which is what makes it atomic (a move across offices
// locks both shards at once, with std::scoped_lock's deadlock avoidance).
// Lookups by reference or hold id go through small indexes under their own
// mutex, always taken after a shard mutex, never before one while holding it.
//
// Claims per desk are kept in a multimap by start. Expired holds stay in it
// until a sweep or a write that meets them removes them; they never count as
// claims (the clock decides). Hold records stay kHoldGrace after expiry, so a
// late confirm is told Gone rather than NotFound.
//
// Nothing survives a restart: for several replicas or persistence, use the
// Redis store.
//
// Thread safety: all methods may be called from many threads at once.
#ifndef TERMIN_SERVICE_MEMORY_MEMORY_STORE_H_
#define TERMIN_SERVICE_MEMORY_MEMORY_STORE_H_

#include <chrono>
#include <deque>
#include <map>
#include <set>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "api/clock.h"
#include "api/store.h"

namespace termin::service {

using api::AppointmentQuery;
using api::AppointmentRecord;
using api::Booking;
using api::ConfigDocument;
using api::DeskClaims;
using api::HoldRecord;
using api::JobPlan;
using api::IdempotencyBegin;
using api::Note;
using api::OutboxJob;
using api::StoredResponse;
using api::TimePoint;

inline constexpr std::chrono::hours kHoldGrace{1};
// Idempotency records kept at most (each a hash key and one answer).
inline constexpr std::size_t kMaxIdempotencyEntries = 100000;
// Clients whose fair-use counters are kept at most (token buckets, and
// clients with open holds, each); beyond that the ones that tell nothing
// (full buckets, lapsed holds) go first, then the oldest.
inline constexpr std::size_t kMaxLimitClients = 100000;

class MemoryStore final : public api::Store {
 public:
  // `tallies` false leaves out the evaluation tallies (api/tally.h): only
  // to measure what they cost (bench_evaluation).
  explicit MemoryStore(std::shared_ptr<const api::Clock> clock, bool tallies = true);
  ~MemoryStore() override;

  Result<DeskClaims> ReadClaims(const std::string& office_id, Interval range) override;
  Result<DeskClaims> ReadPublicClaims(const std::string& office_id, Interval range,
                                      std::chrono::milliseconds released_delay) override;
  Result<HoldRecord> PlaceHold(HoldRecord hold) override;
  Result<HoldRecord> GetHold(const std::string& hold_id) override;
  Result<HoldRecord> ExtendHold(const std::string& hold_id, const std::string& secret_hash,
                                std::chrono::milliseconds ttl, int max_extensions) override;
  Status ReleaseHold(const std::string& hold_id, const std::string& secret_hash) override;
  Result<AppointmentRecord> ConfirmHold(const std::string& hold_id, const std::string& secret_hash,
                                        std::optional<std::uint64_t> version,
                                        AppointmentRecord appointment,
                                        const JobPlan& plan, const api::StepKey& key = {}) override;
  Result<AppointmentRecord> CreateAppointment(AppointmentRecord appointment,
                                              const std::string& ticket_day,
                                              std::vector<OutboxJob> jobs,
                                              const api::StepKey& key = {},
                                              const api::QueueFence& fence = {}) override;
  Result<std::string> StepResult(const std::string& office_id, const std::string& token) override;
  Result<AppointmentRecord> GetAppointment(const std::string& reference) override;
  Result<AppointmentRecord> CancelAppointment(const std::string& reference,
                                              const std::string& reason,
                                              std::vector<OutboxJob> jobs,
                                              const api::StepKey& key = {}) override;
  Result<AppointmentRecord> MoveAppointment(const std::string& reference, Booking to,
                                            std::vector<OutboxJob> jobs,
                                            const api::StepKey& key = {},
                                            const api::QueueFence& fence = {}) override;
  Result<AppointmentRecord> CheckIn(const std::string& reference,
                                    const std::string& ticket_day) override;
  Result<AppointmentRecord> AddNote(const std::string& reference, Note note) override;
  Result<std::vector<AppointmentRecord>> FindAppointments(const AppointmentQuery& query) override;
  Result<std::vector<AppointmentRecord>> ListActiveAppointments(const std::string& office_id,
                                                                Instant from) override;
  Result<ConfigDocument> GetOfficeConfig(const std::string& office_id) override;
  Result<api::OfficeChangeOutcome> PutOfficeConfig(const std::string& office_id,
                                                   const api::OfficeChange& change) override;
  Result<std::uint64_t> TouchOfficeConfig(const std::string& office_id) override;
  Result<std::map<std::string, ConfigDocument>> GetServiceConfigs() override;
  Result<std::uint64_t> PutServiceConfig(const std::string& service_id,
                                         const std::string& document) override;
  Result<IdempotencyBegin> BeginIdempotent(const std::string& key, const std::string& request_hash,
                                           std::chrono::seconds ttl,
                                           std::chrono::milliseconds lease = std::chrono::seconds(5)) override;
  Status FinishIdempotent(const std::string& key, const StoredResponse& response) override;
  Status AbandonIdempotent(const std::string& key) override;
  Result<api::LimitDecision> TakeToken(const std::string& bucket, int capacity,
                                       std::chrono::milliseconds period) override;
  Result<api::LimitDecision> AdmitOpenHold(const std::string& bucket, const std::string& hold_id,
                                           int max, std::chrono::milliseconds ttl) override;
  Status ForgetOpenHold(const std::string& bucket, const std::string& hold_id) override;
  Result<api::QueueDay> ReadQueue(const std::string& office_id, const std::string& day) override;
  Result<api::QueueCalls> ReadQueueCalls(const std::string& office_id, const std::string& day) override;
  Result<api::QueueEntry> IssueTicket(const std::string& office_id, const std::string& day,
                                      api::QueueEntry walk_in, std::uint64_t expected_version) override;
  Result<api::QueueDesk> SetQueueDesk(const std::string& office_id, const std::string& day,
                                      api::QueueDesk desk) override;
  Result<api::QueueEntry> CallNext(const std::string& office_id, const std::string& day,
                                   const std::string& desk, const std::vector<std::string>& can_do,
                                   TimePoint now) override;
  Result<api::QueueEntry> DeskStep(const std::string& office_id, const std::string& day,
                                   const std::string& desk, api::DeskAction action, TimePoint now,
                                   const std::string& to_desk = "") override;
  Result<AppointmentRecord> MarkNoShow(const std::string& reference, Instant latest_start) override;
  Result<std::vector<OutboxJob>> TakeDueJobs(TimePoint now, std::size_t limit) override;
  Result<std::vector<OutboxJob>> PendingJobs() override;
  Result<std::size_t> ErasePersonalData(TimePoint cutoff) override;
  Result<std::map<std::string, std::map<std::string, std::int64_t>>> ReadTallies(
      const std::string& office_id, const std::string& from_day, const std::string& to_day) override;
  Status AddTallies(const std::string& office_id, const std::string& day,
                    const std::map<std::string, std::int64_t>& fields) override;
  Result<bool> ClaimOnce(const std::string& slot, std::chrono::milliseconds ttl) override;
  Status AppendAudit(const std::string& office_id, const api::AuditEntry& entry,
                     std::chrono::milliseconds keep) override;
  Result<std::vector<api::AuditEntry>> ReadAudit(const std::string& office_id, api::TimePoint from,
                                                 api::TimePoint to, std::size_t limit) override;
  Result<AppointmentRecord> ConfirmOptIn(const std::string& reference,
                                         std::vector<OutboxJob> jobs) override;
  Result<api::Wish> AddWish(api::Wish wish) override;
  Result<api::Wish> GetWish(const std::string& wish_id) override;
  Status WithdrawWish(const std::string& wish_id, const std::string& secret_hash) override;
  Result<bool> IdentityAtLimit(const std::string& office_id, const std::vector<std::string>& identities,
                               const std::vector<std::string>& services, int limit) override;
  Result<std::size_t> OfferReleased(const std::string& office_id) override;

  Result<api::ReleaseTicket> JoinReleaseQueue(const std::string& office_id, const std::string& day,
                                              const std::string& client,
                                              const std::string& ticket_id,
                                              std::optional<std::uint64_t> order,
                                              std::chrono::milliseconds keep) override;
  Result<api::ReleaseTicket> GetReleaseTicket(const std::string& office_id, const std::string& day,
                                              const std::string& ticket_id) override;
  Result<std::int64_t> ReleaseQueueSize(const std::string& office_id,
                                        const std::string& day) override;
  Result<std::string> SharedSecret(const std::string& name) override;
  Status Ping() override;

 private:
  struct Shard;
  // The waitlist's matching (api/store.h, Wish), with `shard` locked: offers
  // the freed place of timeline entry `entry_id` at `begin` on `desk` (a
  // released place or a lapsed hold) to the oldest waiting wish it suits;
  // true if it did, with *rest the start of what is left of the place.
  bool OfferPlace(Shard& shard, const std::string& office, const std::string& desk, Instant begin,
                  const std::string& entry_id, TimePoint now, std::optional<Instant>* rest);
  // OfferPlace, then again for what is left of the place; how many offers.
  std::size_t OfferFreed(Shard& shard, const std::string& office, const std::string& desk,
                         Instant begin, const std::string& entry_id, TimePoint now);
  // OfferPlace for every freed place overlapping `iv` on `desk` (what a
  // public hold meets).
  void OfferMet(Shard& shard, const std::string& office, const std::string& desk, Interval iv,
                TimePoint now);
  struct IdempotencyEntry {
    std::string request_hash;
    bool done = false;
    StoredResponse response;
    TimePoint expires_at;
    TimePoint lease_until;  // while not done: its request is taken to be running until then
  };

  Shard& ShardFor(const std::string& office_id);
  Shard* FindShard(const std::string& office_id);
  // The office of a reference / hold id, "" if unknown.
  std::string OfficeOfReference(const std::string& reference);
  std::string OfficeOfHold(const std::string& hold_id);
  // The shard that holds this hold or appointment; nullptr if unknown.
  Shard* ShardOfHold(const std::string& hold_id);
  Shard* ShardOfReference(const std::string& reference);
  void AppendJobs(std::vector<OutboxJob> jobs);

  std::shared_ptr<const api::Clock> clock_;
  const bool tallies_;

  std::shared_mutex shards_mutex_;
  std::map<std::string, std::unique_ptr<Shard>> shards_;  // guarded by shards_mutex_

  std::mutex index_mutex_;  // taken after a shard mutex, never before
  // A release's pre-queue (JoinReleaseQueue), by "<office> <day>".
  struct ReleaseQueue {
    std::map<std::string, std::string> ticket_of;              // client -> ticket
    std::map<std::string, std::pair<double, std::string>> by_ticket;  // ticket -> order, client
    std::set<std::pair<double, std::string>> order;            // (order, ticket)
    std::int64_t late = 0;
    TimePoint kept_until;
  };
  std::mutex release_mutex_;
  std::map<std::string, ReleaseQueue> release_queues_;  // guarded by release_mutex_
  std::mutex secrets_mutex_;
  std::map<std::string, std::string> secrets_;  // SharedSecret
  std::map<std::string, std::string> reference_office_;  // guarded by index_mutex_
  std::map<std::string, std::string> hold_office_;       // guarded by index_mutex_

  std::mutex outbox_mutex_;
  std::multimap<TimePoint, OutboxJob> outbox_;  // guarded by outbox_mutex_

  std::mutex once_mutex_;
  std::map<std::string, TimePoint> once_;  // guarded by once_mutex_: slot -> claimed until

  std::mutex audit_mutex_;
  std::map<std::string, std::deque<api::AuditEntry>> audit_;  // guarded by audit_mutex_; by office

  std::mutex config_mutex_;
  std::map<std::string, ConfigDocument> services_;  // guarded by config_mutex_

  std::mutex idempotency_mutex_;
  std::map<std::string, IdempotencyEntry> idempotency_;  // guarded by idempotency_mutex_

  struct TokenBucket {
    double tokens = 0;
    TimePoint at;
    std::chrono::milliseconds period{0};
  };
  std::mutex limits_mutex_;
  std::map<std::string, TokenBucket> buckets_;                            // guarded by limits_mutex_
  std::map<std::string, std::map<std::string, TimePoint>> open_holds_;  // guarded by limits_mutex_
};

}  // namespace termin::service

#endif  // TERMIN_SERVICE_MEMORY_MEMORY_STORE_H_
