// RedisStore: the Store on Redis, for several API replicas sharing state.
//
// Every booking step is one Lua script (redis_scripts.cc) that checks and
// writes atomically on keys of one office's hash slot (redis_keys.h). Hold
// expiry is judged by the Redis server's clock inside the scripts, so all
// replicas agree on when a hold lapses; the store's injected clock only turns
// a hold's expires_at into a TTL and stamps closed_at. The HoldRecord
// returned by PlaceHold carries the expiry as Redis will apply it.
//
// Limits, on purpose:
// - MoveAppointment stays within one office: a move to another office would
//   touch two hash slots, which no single script may do. It answers
//   Unprocessable; the API cancels and books anew for such a move.
// - Reference and hold-id indexes (ref:<R>, hold:<id>) live outside the
//   office slot and are written just before the step's script (SET NX, which
//   also makes references unique across offices) and removed again if the
//   script refuses. A crash between the two leaves an index that points to
//   nothing: lookups answer NotFound, nothing else is affected.
// - A command that times out has an unknown outcome (Unavailable); the
//   client retries with its Idempotency-Key.
//
// While Redis is unreachable every call fails fast with Unavailable and
// Ping() says so; when it is back, calls succeed again (redis_connection.h).
//
// Thread safety: every method may be called from many threads at once.
#ifndef TERMIN_SERVICE_REDIS_REDIS_STORE_H_
#define TERMIN_SERVICE_REDIS_REDIS_STORE_H_

#include <chrono>
#include <map>
#include <memory>
#include <mutex>

#include "api/clock.h"
#include "api/store.h"
#include "service/redis/redis_connection.h"
#include "service/redis/redis_keys.h"

namespace termin::service {

class RedisStore final : public api::Store {
 public:
  // The layout of the keys and records this release reads and writes
  // (docs/data-format.md, "Redis data format version"). Stored in the key
  // `<prefix>format`; a release that changes the layout raises it and
  // migrates in Connect.
  static constexpr int kDataFormatVersion = 1;

  // Connects, loads the scripts and checks the data format version: an
  // empty database (or one from before the version key, which is layout 1)
  // is marked with kDataFormatVersion; a newer or unreadable version is
  // FailedPrecondition, so an old release never writes over a newer layout
  // (a rollback after a migration must restore the backup taken before it).
  // `clock` defaults to the system clock.
  // Unavailable if Redis cannot be reached now; InvalidArgument for bad options.
  static Result<std::unique_ptr<RedisStore>> Connect(
      RedisOptions options, std::shared_ptr<const api::Clock> clock = nullptr);

  RedisStore(const RedisStore&) = delete;
  RedisStore& operator=(const RedisStore&) = delete;

  Result<api::DeskClaims> ReadClaims(const std::string& office_id, Interval range) override;
  Result<api::DeskClaims> ReadPublicClaims(const std::string& office_id, Interval range,
                                           std::chrono::milliseconds released_delay) override;
  Result<api::HoldRecord> PlaceHold(api::HoldRecord hold) override;
  Result<api::HoldRecord> GetHold(const std::string& hold_id) override;
  Result<api::HoldRecord> ExtendHold(const std::string& hold_id, const std::string& secret_hash,
                                     std::chrono::milliseconds ttl, int max_extensions) override;
  Status ReleaseHold(const std::string& hold_id, const std::string& secret_hash) override;
  Result<api::AppointmentRecord> ConfirmHold(const std::string& hold_id,
                                             const std::string& secret_hash,
                                             std::optional<std::uint64_t> version,
                                             api::AppointmentRecord appointment,
                                             const api::JobPlan& plan,
                                             const api::StepKey& key = {}) override;
  Result<api::AppointmentRecord> CreateAppointment(api::AppointmentRecord appointment,
                                                   const std::string& ticket_day,
                                                   std::vector<api::OutboxJob> jobs,
                                                   const api::StepKey& key = {},
                                                   const api::QueueFence& fence = {}) override;
  Result<std::string> StepResult(const std::string& office_id, const std::string& token) override;
  Result<std::string> ReserveReference() override;
  Result<api::AppointmentRecord> GetAppointment(const std::string& reference) override;
  Result<api::AppointmentRecord> CancelAppointment(const std::string& reference,
                                                   const std::string& reason,
                                                   std::vector<api::OutboxJob> jobs,
                                                   const api::StepKey& key = {}) override;
  Result<api::AppointmentRecord> MoveAppointment(const std::string& reference, api::Booking to,
                                                 std::vector<api::OutboxJob> jobs,
                                                 const api::StepKey& key = {},
                                                 const api::QueueFence& fence = {}) override;
  Result<api::AppointmentRecord> CheckIn(const std::string& reference,
                                         const std::string& ticket_day) override;
  Result<api::AppointmentRecord> AddNote(const std::string& reference, api::Note note) override;

  Result<std::vector<api::AppointmentRecord>> FindAppointments(
      const api::AppointmentQuery& query) override;
  Result<std::vector<api::AppointmentRecord>> ListActiveAppointments(const std::string& office_id,
                                                                     Instant from) override;

  Result<api::ConfigDocument> GetOfficeConfig(const std::string& office_id) override;
  Result<api::OfficeChangeOutcome> PutOfficeConfig(const std::string& office_id,
                                                   const api::OfficeChange& change) override;
  Result<std::uint64_t> TouchOfficeConfig(const std::string& office_id) override;
  Result<std::map<std::string, api::ConfigDocument>> GetServiceConfigs() override;
  // Two round trips: SMEMBERS of the offices, then one pipeline of each
  // office's `cfg` `ver` and the service versions. Each key is read on its
  // own (valid on Redis Cluster); the snapshot is not atomic across offices,
  // which is harmless: a version that moves between the trips is reloaded
  // on the next poll.
  Result<api::ConfigVersions> GetConfigVersions() override;
  Result<std::uint64_t> PutServiceConfig(const std::string& service_id,
                                         const std::string& document) override;

  Result<api::IdempotencyBegin> BeginIdempotent(const std::string& key,
                                                const std::string& request_hash,
                                                std::chrono::seconds ttl,
                                                std::chrono::milliseconds lease = std::chrono::seconds(5)) override;
  Status FinishIdempotent(const std::string& key, const api::StoredResponse& response) override;
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
                                   api::TimePoint now) override;
  Result<api::QueueEntry> DeskStep(const std::string& office_id, const std::string& day,
                                   const std::string& desk, api::DeskAction action, api::TimePoint now,
                                   const std::string& to_desk = "") override;
  Result<api::AppointmentRecord> MarkNoShow(const std::string& reference, Instant latest_start) override;
  Result<std::vector<api::OutboxJob>> TakeDueJobs(api::TimePoint now, std::size_t limit) override;
  Result<std::vector<api::OutboxJob>> PendingJobs() override;
  Result<std::size_t> ErasePersonalData(api::TimePoint cutoff) override;
  Result<std::map<std::string, std::map<std::string, std::int64_t>>> ReadTallies(
      const std::string& office_id, const std::string& from_day, const std::string& to_day) override;
  Status AddTallies(const std::string& office_id, const std::string& day,
                    const std::map<std::string, std::int64_t>& fields) override;
  Result<bool> ClaimOnce(const std::string& slot, std::chrono::milliseconds ttl) override;
  Status AppendAudit(const std::string& office_id, const api::AuditEntry& entry,
                     std::chrono::milliseconds keep) override;
  Result<std::vector<api::AuditEntry>> ReadAudit(const std::string& office_id, api::TimePoint from,
                                                 api::TimePoint to, std::size_t limit) override;

  Result<api::AppointmentRecord> ConfirmOptIn(const std::string& reference,
                                         std::vector<api::OutboxJob> jobs) override;
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
  // termin_redis_wait_short_total, termin_redis_redirects_total{kind}.
  std::vector<api::StoreCounter> Counters() override;

 private:
  Status CheckDataFormat();
  RedisStore(std::unique_ptr<RedisPool> pool, std::shared_ptr<const api::Clock> clock);

  // True (once) if `ref` came from ReserveReference within the reservation.
  bool TakeReserved(const std::string& ref);

  std::unique_ptr<RedisPool> pool_;
  std::shared_ptr<const api::Clock> clock_;
  RedisKeys keys_;

  // References reserved in Redis (ref: index set to "" with a TTL, in
  // batches: one round trip per kReserveBatch bookings), waiting here or
  // handed out; each with the time its reservation was made.
  std::mutex reserved_mutex_;
  std::vector<std::pair<std::string, std::chrono::steady_clock::time_point>> reserved_;
  std::map<std::string, std::chrono::steady_clock::time_point> handed_out_;
};

}  // namespace termin::service

#endif  // TERMIN_SERVICE_REDIS_REDIS_STORE_H_
