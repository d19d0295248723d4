#include "service/store_factory.h"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "service/memory_store.h"
#include "service/redis_connection.h"
#include "service/redis_keys.h"
#include "service/redis_store.h"

namespace termin::service {
namespace {

using api::AppointmentRecord;
using api::Booking;
using api::ConfigDocument;
using api::ConfigVersions;
using api::HoldRecord;
using api::JobPlan;
using api::OutboxJob;

std::string ReplyText(const redisReply& r) {
  if (r.type == REDIS_REPLY_STRING || r.type == REDIS_REPLY_STATUS) return std::string(r.str, r.len);
  if (r.type == REDIS_REPLY_INTEGER) return std::to_string(r.integer);
  return "";
}

Status CheckReply(const redisReply& r, const char* what) {
  if (r.type == REDIS_REPLY_ERROR) return ErrorReplyStatus(r, what);
  return Status::Ok();
}

// The Redis store plus GetConfigVersions, which RedisStore does not offer
// (yet): every other call goes straight through. The versions are read from
// the keys RedisStore writes (redis_keys.h): the set of offices, each
// office's `cfg` hash field `ver`, and the service version hash. Two round
// trips: SMEMBERS, then one pipeline of HGETs and HGETALL. Each key is read
// on its own, so the command is valid on Redis Cluster too; the snapshot is
// not atomic across offices, which is harmless: a replica that reads a
// version moving between the two trips reloads again on its next poll.
//
// Why a decorator here and not a method of RedisStore: the Redis store's
// author was still at work when this was needed; the method belongs there
// and this class can go once it is.
class SharedConfigRedisStore final : public api::Store {
 public:
  SharedConfigRedisStore(std::unique_ptr<RedisStore> inner, std::unique_ptr<RedisPool> pool,
                         std::string key_prefix)
      : inner_(std::move(inner)), pool_(std::move(pool)), keys_(std::move(key_prefix)) {}

  Result<ConfigVersions> GetConfigVersions() override {
    auto lease = pool_->Acquire();
    if (!lease.ok()) return lease.status();
    auto members = lease->Command({"SMEMBERS", keys_.Offices()});
    if (!members.ok()) return members.status();
    if (Status s = CheckReply(**members, "SMEMBERS"); !s.ok()) return s;
    std::vector<std::string> offices;
    std::vector<std::vector<std::string>> commands;
    if ((*members)->type == REDIS_REPLY_ARRAY) {
      for (std::size_t i = 0; i < (*members)->elements; ++i) {
        std::string id = ReplyText(*(*members)->element[i]);
        if (!RedisKeys::ValidId(id)) continue;
        commands.push_back({"HGET", keys_.OfficeConfig(id), "ver"});
        offices.push_back(std::move(id));
      }
    }
    commands.push_back({"HGETALL", keys_.ServiceVersions()});
    auto replies = lease->Pipeline(commands);
    if (!replies.ok()) return replies.status();
    ConfigVersions out;
    for (std::size_t i = 0; i < replies->size(); ++i) {
      const redisReply& r = *(*replies)[i];
      if (Status s = CheckReply(r, "HGET"); !s.ok()) return s;
      if (i < offices.size()) {
        if (r.type == REDIS_REPLY_NIL) continue;  // an office with claims but no config
        out.offices[offices[i]] = std::strtoull(ReplyText(r).c_str(), nullptr, 10);
      } else if (r.type == REDIS_REPLY_ARRAY) {
        for (std::size_t j = 0; j + 1 < r.elements; j += 2) {
          out.services[ReplyText(*r.element[j])] =
              std::strtoull(ReplyText(*r.element[j + 1]).c_str(), nullptr, 10);
        }
      }
    }
    return out;
  }

  // --- Everything else: the Redis store itself. ---
  Result<api::DeskClaims> ReadClaims(const std::string& office_id, Interval range) override {
    return inner_->ReadClaims(office_id, range);
  }
  Result<HoldRecord> PlaceHold(HoldRecord hold) override {
    return inner_->PlaceHold(std::move(hold));
  }
  Result<HoldRecord> GetHold(const std::string& hold_id) override {
    return inner_->GetHold(hold_id);
  }
  Status ReleaseHold(const std::string& hold_id, const std::string& secret_hash) override {
    return inner_->ReleaseHold(hold_id, secret_hash);
  }
  Result<AppointmentRecord> ConfirmHold(const std::string& hold_id, const std::string& secret_hash,
                                        std::optional<std::uint64_t> version,
                                        AppointmentRecord appointment,
                                        const JobPlan& plan) override {
    return inner_->ConfirmHold(hold_id, secret_hash, version, std::move(appointment), plan);
  }
  Result<AppointmentRecord> CreateAppointment(AppointmentRecord appointment,
                                              const std::string& ticket_day,
                                              std::vector<OutboxJob> jobs) override {
    return inner_->CreateAppointment(std::move(appointment), ticket_day, std::move(jobs));
  }
  Result<AppointmentRecord> GetAppointment(const std::string& reference) override {
    return inner_->GetAppointment(reference);
  }
  Result<AppointmentRecord> CancelAppointment(const std::string& reference,
                                              const std::string& reason,
                                              std::vector<OutboxJob> jobs) override {
    return inner_->CancelAppointment(reference, reason, std::move(jobs));
  }
  Result<AppointmentRecord> MoveAppointment(const std::string& reference, Booking to,
                                            std::vector<OutboxJob> jobs) override {
    return inner_->MoveAppointment(reference, std::move(to), std::move(jobs));
  }
  Result<AppointmentRecord> CheckIn(const std::string& reference,
                                    const std::string& ticket_day) override {
    return inner_->CheckIn(reference, ticket_day);
  }
  Result<AppointmentRecord> AddNote(const std::string& reference, api::Note note) override {
    return inner_->AddNote(reference, std::move(note));
  }
  Result<std::vector<AppointmentRecord>> FindAppointments(
      const api::AppointmentQuery& query) override {
    return inner_->FindAppointments(query);
  }
  Result<std::vector<AppointmentRecord>> ListActiveAppointments(const std::string& office_id,
                                                                Instant from) override {
    return inner_->ListActiveAppointments(office_id, from);
  }
  Result<ConfigDocument> GetOfficeConfig(const std::string& office_id) override {
    return inner_->GetOfficeConfig(office_id);
  }
  Result<std::uint64_t> PutOfficeConfig(const std::string& office_id, const std::string& document,
                                        std::uint64_t expected_version,
                                        const std::vector<std::string>& cancel,
                                        std::vector<OutboxJob> jobs) override {
    return inner_->PutOfficeConfig(office_id, document, expected_version, cancel, std::move(jobs));
  }
  Result<std::map<std::string, ConfigDocument>> GetServiceConfigs() override {
    return inner_->GetServiceConfigs();
  }
  Result<std::uint64_t> PutServiceConfig(const std::string& service_id,
                                         const std::string& document) override {
    return inner_->PutServiceConfig(service_id, document);
  }
  Result<api::IdempotencyBegin> BeginIdempotent(const std::string& key,
                                                const std::string& request_hash,
                                                std::chrono::seconds ttl) override {
    return inner_->BeginIdempotent(key, request_hash, ttl);
  }
  Status FinishIdempotent(const std::string& key, const api::StoredResponse& response) override {
    return inner_->FinishIdempotent(key, response);
  }
  Status AbandonIdempotent(const std::string& key) override {
    return inner_->AbandonIdempotent(key);
  }
  Result<std::vector<OutboxJob>> TakeDueJobs(api::TimePoint now, std::size_t limit) override {
    return inner_->TakeDueJobs(now, limit);
  }
  Result<std::vector<OutboxJob>> PendingJobs() override { return inner_->PendingJobs(); }
  Result<std::size_t> ErasePersonalData(api::TimePoint cutoff) override {
    return inner_->ErasePersonalData(cutoff);
  }
  Status Ping() override { return inner_->Ping(); }

 private:
  std::unique_ptr<RedisStore> inner_;
  std::unique_ptr<RedisPool> pool_;  // its own connection: the poll never waits for bookings
  RedisKeys keys_;
};

}  // namespace

Result<std::shared_ptr<api::Store>> OpenStore(const std::string& spec,
                                              std::shared_ptr<const api::Clock> clock,
                                              StoreOptions options) {
  if (spec == "memory") {
    return std::shared_ptr<api::Store>(std::make_shared<MemoryStore>(std::move(clock)));
  }
  if (spec.rfind("redis://", 0) == 0) {
    auto redis_options = ParseRedisUrl(spec);
    if (!redis_options.ok()) return redis_options.status();
    redis_options->pool_size = std::max<std::size_t>(1, options.connections);
    auto store = RedisStore::Connect(*redis_options, std::move(clock));
    if (!store.ok()) return store.status();
    RedisOptions poll_options = *redis_options;
    poll_options.pool_size = 1;
    auto pool = RedisPool::Create(poll_options);
    if (!pool.ok()) return pool.status();
    return std::shared_ptr<api::Store>(std::make_shared<SharedConfigRedisStore>(
        std::move(store).value(), std::move(pool).value(), redis_options->key_prefix));
  }
  return Status::InvalidArgument("unknown store \"" + spec +
                                 "\" (use memory or redis://host:port)");
}

}  // namespace termin::service
