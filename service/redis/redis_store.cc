#include "service/redis/redis_store.h"

#include <hiredis/hiredis.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <set>
#include <string_view>
#include <utility>

#include "api/security/secrets.h"
#include "service/redis/redis_records.h"

namespace termin::service {
namespace {

using api::AppointmentRecord;
using api::AppointmentStatus;
using api::HoldRecord;
using api::OutboxJob;
using Lease = RedisPool::Lease;

// How many times a step re-reads an appointment's desk when it moved between
// the read and the script (RETRY). Moves are rare; three is plenty.
constexpr int kRetryAttempts = 3;
// Ticket counters outlive their day by a margin (time zones, late kiosks).
constexpr std::chrono::milliseconds kTicketKeyTtl = std::chrono::hours(72);
// Commands per pipelined batch in scans.
constexpr std::size_t kBatch = 200;
// Reserved references (ReserveReference): the ref: entry's TTL; a handed-out
// one counts as reserved only this long after its reservation (the rest is
// margin for a slow step); reserved per round trip; handed out at most.
constexpr std::chrono::milliseconds kReservationTtl = std::chrono::hours(1);
constexpr std::chrono::minutes kReservedUse{50};
constexpr std::size_t kReserveBatch = 32;
constexpr std::size_t kMaxHandedOut = 4096;

std::string_view Str(const redisReply& r) {
  if (r.type == REDIS_REPLY_STRING || r.type == REDIS_REPLY_STATUS) return {r.str, r.len};
  return {};
}

// A local day "YYYY-MM-DD" as the queue keys name it.
bool ValidDay(const std::string& day) { return day.size() == 10 && RedisKeys::ValidId(day); }

bool IsNil(const redisReply& r) { return r.type == REDIS_REPLY_NIL; }

long long Int(const redisReply& r) {
  if (r.type == REDIS_REPLY_INTEGER) return r.integer;
  long long v = 0;
  std::string_view s = Str(r);
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

FieldMap Fields(const redisReply& r) {
  FieldMap f;
  if (r.type != REDIS_REPLY_ARRAY) return f;
  for (std::size_t i = 0; i + 1 < r.elements; i += 2) {
    f.emplace(std::string(Str(*r.element[i])), std::string(Str(*r.element[i + 1])));
  }
  return f;
}

std::vector<std::string> Strings(const redisReply& r) {
  std::vector<std::string> v;
  if (r.type != REDIS_REPLY_ARRAY) return v;
  v.reserve(r.elements);
  for (std::size_t i = 0; i < r.elements; ++i) v.emplace_back(Str(*r.element[i]));
  return v;
}

// The word a script answered with (see redis_scripts.h).
std::string_view Word(const redisReply& r) {
  if (r.type != REDIS_REPLY_ARRAY || r.elements == 0) return {};
  return Str(*r.element[0]);
}

// Maps a refusal word to the Store's error; `what` names the object.
Status Refusal(std::string_view word, const char* what) {
  if (word == "CONFLICT") return Status::Conflict("the time is taken");
  if (word == "NOTFOUND") return Status::NotFound(std::string("no such ") + what);
  if (word == "GONE") return Status::Gone("the hold expired");
  if (word == "PRECOND") return Status::FailedPrecondition(std::string("the ") + what + " does not allow this step");
  if (word == "STALE") return Status::Aborted("the office configuration changed since it was loaded");
  if (word == "QSTALE") return Status::Aborted("the day's queue moved since the step was judged");
  if (word == "VOID") return Status::Gone("an office change removed the held start");
  if (word == "MAXED") return Status::ResourceExhausted("the hold was extended as often as allowed");
  if (word == "QUOTA") return Status::ResourceExhausted("these contact details have enough appointments here");
  return Status::Internal("unexpected answer from the booking database");
}

Status CheckReply(const Result<RedisReply>& r) {
  if (!r.ok()) return r.status();
  if ((*r)->type == REDIS_REPLY_ERROR) return ErrorReplyStatus(**r, "a command");
  return Status::Ok();
}

Status CheckReplies(const Result<std::vector<RedisReply>>& r) {
  if (!r.ok()) return r.status();
  for (const RedisReply& one : *r) {
    if (one->type == REDIS_REPLY_ERROR) return ErrorReplyStatus(*one, "a command");
  }
  return Status::Ok();
}

void AppendJobs(const std::vector<OutboxJob>& jobs, std::vector<std::string>* args) {
  for (const OutboxJob& j : jobs) {
    args->push_back(std::to_string(JobTypeNumber(j.type)));
    args->push_back(j.reference);
    args->push_back(MillisText(j.due));
  }
}

// ARGV tail for plan_jobs (redis_scripts.cc).
void AppendJobPlan(const api::JobPlan& plan, std::vector<std::string>* args) {
  if (!plan.reachable) {
    args->push_back("");
    return;
  }
  args->push_back(std::to_string(JobTypeNumber(plan.first)));
  args->push_back(MillisText(plan.first_due));
  args->push_back(std::to_string(JobTypeNumber(api::JobType::kReminder)));
  for (Minutes offset : plan.reminder_offsets) args->push_back(std::to_string(offset.count()));
}

Result<AppointmentRecord> ReadAppointment(Lease& lease, const RedisKeys& keys,
                                          const std::string& office, const std::string& ref);

// ARGV for a step marker's TTL ('0': no Idempotency-Key, no marker).
std::string MarkerTtl(const api::StepKey& key) {
  if (key.empty()) return "0";
  return std::to_string(std::chrono::milliseconds(key.ttl).count());
}

bool ValidJobs(const std::vector<OutboxJob>& jobs) {
  return std::all_of(jobs.begin(), jobs.end(),
                     [](const OutboxJob& j) { return !j.reference.empty(); });
}

// Appointment from a script's {OK, HGETALL, LRANGE} answer.
Result<AppointmentRecord> RecordFromReply(const redisReply& r) {
  if (r.type != REDIS_REPLY_ARRAY || r.elements < 3) {
    return Status::Internal("unexpected answer from the booking database");
  }
  return ParseAppointment(Fields(*r.element[1]), Strings(*r.element[2]));
}

std::string Digits(std::string_view s) {
  std::string d;
  for (char c : s) {
    if (c >= '0' && c <= '9') d.push_back(c);
  }
  return d;
}

// Case folding for name search: ASCII only, as the memory store does.
std::string Fold(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

using api::OfficeInHoldId;

// True if PlaceHold needs no hold index for this hold: its id names its office.
bool SelfLocating(const HoldRecord& hold) {
  return OfficeInHoldId(hold.id) == hold.booking.office_id;
}

// A hold by id: where the id says, else through the hold index.
Result<HoldRecord> ReadHold(Lease& lease, const RedisKeys& keys, const std::string& hold_id) {
  if (!RedisKeys::ValidId(hold_id)) return Status::NotFound("no such hold");
  std::string office;
  std::string_view named = OfficeInHoldId(hold_id);
  if (!named.empty()) {
    // One round trip: the hold where its id says, and the index in case the
    // id only looks self-locating (a caller's own id with a '.').
    auto r = lease.Pipeline({{"HGETALL", keys.Hold(named, hold_id)},
                              {"GET", keys.HoldIndex(hold_id)}});
    if (Status s = CheckReplies(r); !s.ok()) return s;
    FieldMap f = Fields(*(*r)[0]);
    if (!f.empty()) return ParseHold(f);
    if (IsNil(*(*r)[1])) return Status::NotFound("no such hold");
    office = std::string(Str(*(*r)[1]));
  } else {
    auto r = lease.Command({"GET", keys.HoldIndex(hold_id)});
    if (Status s = CheckReply(r); !s.ok()) return s;
    if (IsNil(**r)) return Status::NotFound("no such hold");
    office = std::string(Str(**r));
  }
  auto h = lease.Command({"HGETALL", keys.Hold(office, hold_id)});
  if (Status s = CheckReply(h); !s.ok()) return s;
  FieldMap f = Fields(**h);
  if (f.empty()) return Status::NotFound("no such hold");
  return ParseHold(f);
}

// The script's reply, with `before` pipelined ahead of it (errors of those
// are errors of the step); with `index`, also SET ref:<reference> <office>
// (for a reserved reference, whose entry only this caller holds).
Result<RedisReply> EvalWithIndex(Lease& lease, const RedisKeys& keys, bool index,
                                 const std::string& ref, const std::string& office,
                                 std::vector<std::vector<std::string>> before, RedisScript script,
                                 const std::vector<std::string>& script_keys,
                                 const std::vector<std::string>& args) {
  if (index) before.push_back({"SET", keys.RefIndex(ref), office});
  if (before.empty()) return lease.Eval(script, script_keys, args);
  auto replies = lease.PipelineEval(before, script, script_keys, args);
  if (!replies.ok()) return replies.status();
  if (replies->size() != before.size() + 1) {
    return Status::Internal("unexpected answer from the booking database");
  }
  for (std::size_t i = 0; i < before.size(); ++i) {
    if ((*replies)[i]->type == REDIS_REPLY_ERROR) return ErrorReplyStatus(*(*replies)[i], "a command");
  }
  return std::move(replies->back());
}

bool SortByStart(const AppointmentRecord& a, const AppointmentRecord& b) {
  if (a.booking.start != b.booking.start) return a.booking.start < b.booking.start;
  return a.reference < b.reference;
}

}  // namespace

Result<std::unique_ptr<RedisStore>> RedisStore::Connect(RedisOptions options,
                                                        std::shared_ptr<const api::Clock> clock) {
  auto pool = RedisPool::Create(options);
  if (!pool.ok()) return pool.status();
  if (!clock) clock = std::make_shared<api::SystemClock>();
  std::unique_ptr<RedisStore> store(new RedisStore(std::move(pool).value(), std::move(clock)));
  if (Status s = store->CheckDataFormat(); !s.ok()) return s;
  return store;
}

Status RedisStore::CheckDataFormat() {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  // SET NX: the first process on an empty (or pre-version) database marks
  // it; every later one reads what is there.
  auto set = lease->Command({"SET", keys_.DataFormat(), std::to_string(kDataFormatVersion), "NX"});
  if (Status s = CheckReply(set); !s.ok()) return s;
  auto got = lease->Command({"GET", keys_.DataFormat()});
  if (Status s = CheckReply(got); !s.ok()) return s;
  const std::string text = (*got)->type == REDIS_REPLY_STRING ? std::string(Str(**got)) : "";
  int version = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), version);
  if (ec != std::errc() || end != text.data() + text.size() || version < 1) {
    return Status::FailedPrecondition("the booking database's data format version \"" + text.substr(0, 20) +
                                      "\" is unreadable (key " + keys_.DataFormat() + ")");
  }
  if (version > kDataFormatVersion) {
    return Status::FailedPrecondition(
        "the booking database holds data format " + std::to_string(version) + ", written by a newer "
        "Termin; this release reads up to " + std::to_string(kDataFormatVersion) +
        " (restore the backup taken before the upgrade to go back)");
  }
  // version < kDataFormatVersion: the migrations of later releases go here.
  return Status::Ok();
}

RedisStore::RedisStore(std::unique_ptr<RedisPool> pool, std::shared_ptr<const api::Clock> clock)
    : pool_(std::move(pool)), clock_(std::move(clock)), keys_(pool_->options().key_prefix) {}

// --- Booking steps ------------------------------------------------------------------

Result<api::DeskClaims> RedisStore::ReadClaims(const std::string& office_id, Interval range) {
  return ReadPublicClaims(office_id, range, std::chrono::milliseconds(0));
}

Result<api::DeskClaims> RedisStore::ReadPublicClaims(const std::string& office_id, Interval range,
                                                     std::chrono::milliseconds released_delay) {
  if (!RedisKeys::ValidId(office_id)) return Status::InvalidArgument("bad office id");
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto r = lease->Eval(RedisScript::kReadClaims, {keys_.Desks(office_id), keys_.ClaimMax(office_id)},
                       {MinutesText(range.begin), MinutesText(range.end),
                        keys_.Claims(office_id, "")});
  if (!r.ok()) return r.status();
  const redisReply& flat = **r;
  if (flat.type != REDIS_REPLY_ARRAY || flat.elements < 1) {
    return Status::Internal("unexpected answer from the booking database");
  }
  // Members are "<start>:<claim_end>:<expires_ms>:<kind>:<id>" (redis_scripts.cc).
  const long long now_ms = Int(*flat.element[0]);
  // A lapsed hold or a released place (kind "r") counts while its time +
  // released_delay is ahead (redis_scripts.cc, "Released places").
  const long long delay_ms = released_delay.count();
  const long long begin = range.begin.time_since_epoch().count();
  api::DeskClaims out;
  for (std::size_t i = 1; i + 1 < flat.elements; i += 2) {
    const redisReply& members = *flat.element[i + 1];
    if (members.type != REDIS_REPLY_ARRAY) continue;
    std::vector<Interval> intervals;
    intervals.reserve(members.elements);
    for (std::size_t j = 0; j < members.elements; ++j) {
      std::string_view m = Str(*members.element[j]);
      long long fields[3] = {0, 0, 0};
      const char* p = m.data();
      const char* end = m.data() + m.size();
      bool ok = true;
      for (long long& f : fields) {
        auto [next, ec] = std::from_chars(p, end, f);
        if (ec != std::errc() || next == end || *next != ':') {
          ok = false;
          break;
        }
        p = next + 1;
      }
      if (!ok) continue;  // not a claim member: nothing written by us
      const long long expires = fields[2];
      if ((expires != 0 && expires + delay_ms <= now_ms) || fields[1] <= begin) continue;
      intervals.push_back(Interval{Instant(Minutes(fields[0])), Instant(Minutes(fields[1]))});
    }
    if (!intervals.empty()) {
      out.emplace(std::string(Str(*flat.element[i])), IntervalSet::FromUnsorted(std::move(intervals)));
    }
  }
  return out;
}

Result<HoldRecord> RedisStore::PlaceHold(HoldRecord hold) {
  const api::Booking& b = hold.booking;
  if (!RedisKeys::ValidId(hold.id) || !RedisKeys::ValidId(b.office_id) ||
      !RedisKeys::ValidId(b.desk_id) || b.claim_end <= b.start ||
      (!hold.queue_day.empty() && !ValidDay(hold.queue_day))) {
    return Status::InvalidArgument("bad hold");
  }
  auto ttl = hold.expires_at - clock_->Now();
  if (ttl.count() <= 0) return Status::InvalidArgument("the hold would expire at once");
  auto keep = pool_->options().hold_retention;
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  // An id that names its office needs no index; the office list entry is
  // sent in the script's round trip (SADD of a known member writes nothing).
  const bool indexed = !SelfLocating(hold);
  if (indexed) {
    auto index = lease->Command({"SET", keys_.HoldIndex(hold.id), b.office_id, "NX", "PX",
                                 std::to_string((ttl + keep).count())});
    if (Status s = CheckReply(index); !s.ok()) return s;
    if (IsNil(**index)) return Status::FailedPrecondition("the hold id is in use");
  }

  std::vector<std::string> args = {b.desk_id, MinutesText(b.start), MinutesText(b.claim_end),
                                   std::to_string(ttl.count()), std::to_string(keep.count()),
                                   hold.id, std::to_string(hold.released_delay.count())};
  std::vector<std::string> fields = HoldFields(hold);
  args.insert(args.end(), fields.begin(), fields.end());
  std::vector<std::string> script_keys = {
      keys_.Hold(b.office_id, hold.id), keys_.Claims(b.office_id, b.desk_id),
      keys_.ClaimMax(b.office_id), keys_.Desks(b.office_id), keys_.HoldVersion(b.office_id)};
  if (!hold.queue_day.empty()) {
    script_keys.push_back(keys_.Queue(b.office_id, hold.queue_day));
    args.push_back(std::to_string(hold.queue_version));
    args.push_back(std::to_string(kTicketKeyTtl.count()));
  }
  script_keys.push_back(keys_.OfficeConfig(b.office_id));
  args.push_back(std::to_string(b.office_version));
  auto replies = lease->PipelineEval({{"SADD", keys_.Offices(), b.office_id}}, RedisScript::kPlaceHold,
                                     script_keys, args);
  if (Status s = CheckReplies(replies); !s.ok()) return s;
  const redisReply& r = *replies->back();
  std::string_view word = Word(r);
  if (word != "OK") {
    if (indexed) (void)lease->Command({"DEL", keys_.HoldIndex(hold.id)});
    return Refusal(word, "hold");
  }
  hold.version = static_cast<std::uint64_t>(Int(*r.element[1]));
  hold.expires_at = api::TimePoint(std::chrono::milliseconds(Int(*r.element[2])));
  hold.queue_day.clear();
  hold.queue_version = 0;
  hold.released_delay = std::chrono::milliseconds(0);  // a step input, not stored
  return hold;
}

Result<HoldRecord> RedisStore::GetHold(const std::string& hold_id) {
  if (!RedisKeys::ValidId(hold_id)) return Status::NotFound("no such hold");
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  return ReadHold(*lease, keys_, hold_id);
}

Result<HoldRecord> RedisStore::ExtendHold(const std::string& hold_id,
                                          const std::string& secret_hash,
                                          std::chrono::milliseconds ttl, int max_extensions) {
  if (ttl.count() <= 0) return Status::InvalidArgument("an extension needs a positive TTL");
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  // The read finds the office and desk (they never change); the script
  // checks secret, expiry and the count again itself, so what the read saw
  // decides nothing.
  auto hold = ReadHold(*lease, keys_, hold_id);
  if (!hold.ok()) return hold.status();
  const api::Booking& b = hold->booking;
  auto keep = pool_->options().hold_retention;
  auto r = lease->Eval(RedisScript::kExtendHold,
                       {keys_.Hold(b.office_id, hold_id), keys_.Claims(b.office_id, b.desk_id)},
                       {secret_hash, std::to_string(ttl.count()), std::to_string(keep.count()),
                        std::to_string(std::max(0, max_extensions))});
  if (!r.ok()) return r.status();
  if ((*r)->type == REDIS_REPLY_ERROR) return ErrorReplyStatus(**r, "extend_hold");
  if (Word(**r) != "OK") return Refusal(Word(**r), "hold");
  if ((*r)->elements < 3) return Status::Internal("unexpected answer from the booking database");
  hold->expires_at = api::TimePoint(std::chrono::milliseconds(Int(*(*r)->element[1])));
  hold->extensions = static_cast<int>(Int(*(*r)->element[2]));
  if (!SelfLocating(*hold)) {
    // The index outside the office's slot lives as long as the record.
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(hold->expires_at - clock_->Now());
    (void)lease->Command({"PEXPIRE", keys_.HoldIndex(hold_id),
                          std::to_string(std::max<long long>(1, (left + keep).count()))});
  }
  return hold;
}

Status RedisStore::ReleaseHold(const std::string& hold_id, const std::string& secret_hash) {
  auto hold = GetHold(hold_id);
  if (!hold.ok()) return hold.status();
  const api::Booking& b = hold->booking;
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto r = lease->Eval(RedisScript::kReleaseHold,
                       {keys_.Hold(b.office_id, hold_id), keys_.Claims(b.office_id, b.desk_id)},
                       {secret_hash});
  if (!r.ok()) return r.status();
  if (Word(**r) != "OK") return Refusal(Word(**r), "hold");
  if (!SelfLocating(*hold)) (void)lease->Command({"DEL", keys_.HoldIndex(hold_id)});
  return Status::Ok();
}

Result<std::string> RedisStore::ReserveReference() {
  using SteadyClock = std::chrono::steady_clock;
  {
    std::lock_guard<std::mutex> lock(reserved_mutex_);
    auto now = SteadyClock::now();
    while (!reserved_.empty()) {
      auto [ref, at] = std::move(reserved_.back());
      reserved_.pop_back();
      if (now - at >= kReservedUse) continue;
      if (handed_out_.size() >= kMaxHandedOut) {
        // Handed out and never used (a step that failed before its write).
        std::erase_if(handed_out_, [&](const auto& e) { return now - e.second >= kReservedUse; });
        if (handed_out_.size() >= kMaxHandedOut) handed_out_.clear();
      }
      handed_out_.emplace(ref, at);
      return ref;
    }
  }
  // A batch in one round trip: each a fresh random reference, reserved with
  // SET NX and a TTL (the index entry's value "" names no office, so a
  // lookup of a reserved reference finds nothing).
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  std::vector<std::string> candidates;
  std::vector<std::vector<std::string>> commands;
  for (std::size_t i = 0; i < kReserveBatch; ++i) {
    candidates.push_back(api::NewReference());
    commands.push_back({"SET", keys_.RefIndex(candidates.back()), "", "NX", "PX",
                        std::to_string(kReservationTtl.count())});
  }
  auto at = SteadyClock::now();  // before the SETs: the reservation lasts at least from here
  auto replies = lease->Pipeline(commands);
  if (Status s = CheckReplies(replies); !s.ok()) return s;
  std::lock_guard<std::mutex> lock(reserved_mutex_);
  std::string out;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (IsNil(*(*replies)[i])) continue;  // in use: drawn twice in 2^40
    if (out.empty()) {
      out = candidates[i];
    } else {
      reserved_.emplace_back(candidates[i], at);
    }
  }
  if (!out.empty()) handed_out_.emplace(out, at);
  return out;
}

bool RedisStore::TakeReserved(const std::string& ref) {
  std::lock_guard<std::mutex> lock(reserved_mutex_);
  auto it = handed_out_.find(ref);
  if (it == handed_out_.end()) return false;
  bool within = std::chrono::steady_clock::now() - it->second < kReservedUse;
  handed_out_.erase(it);
  return within;
}

Result<AppointmentRecord> RedisStore::ConfirmHold(const std::string& hold_id,
                                                  const std::string& secret_hash,
                                                  std::optional<std::uint64_t> version,
                                                  AppointmentRecord appointment,
                                                  const api::JobPlan& plan,
                                                  const api::StepKey& key) {
  const std::string& ref = appointment.reference;
  if (!RedisKeys::ValidId(ref) || (!key.empty() && !RedisKeys::ValidId(key.token))) {
    return Status::InvalidArgument("bad appointment");
  }
  if (!RedisKeys::ValidId(hold_id)) return Status::NotFound("no such hold");
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  // Where the hold lives: the office its id names (api/domain/booking.cc draws ids
  // so), else the hold index (PlaceHold writes one for every other id).
  std::string office(OfficeInHoldId(hold_id));
  bool self_locating = !office.empty();
  if (!self_locating) {
    auto hold = ReadHold(*lease, keys_, hold_id);
    if (!hold.ok()) return hold.status();
    office = hold->booking.office_id;
  }
  // The reference index: unique across offices, so it cannot be checked
  // inside the office's script. A reserved reference is ours already: its
  // entry is written in the script's round trip. Any other: SET NX first.
  const bool reserved = TakeReserved(ref);
  if (!reserved) {
    auto index = lease->Command({"SET", keys_.RefIndex(ref), office, "NX"});
    if (Status s = CheckReply(index); !s.ok()) return s;
    if (IsNil(**index)) return Status::FailedPrecondition("the reference is in use");
  }

  std::vector<std::string> fields = AppointmentFields(appointment);
  const int limit = appointment.identities.empty() ? 0 : std::max(0, appointment.identity_limit);
  std::vector<std::string> args = {secret_hash, version ? std::to_string(*version) : "", ref,
                                   "", std::to_string(appointment.booking.office_version),
                                   MarkerTtl(key), std::to_string(limit),
                                   std::to_string(fields.size())};
  args.insert(args.end(), fields.begin(), fields.end());
  AppendJobPlan(plan, &args);
  auto step = [&](const std::string& at, bool index) {
    args[3] = keys_.Claims(at, "");
    std::vector<std::string> script_keys = {
        keys_.Hold(at, hold_id), keys_.Appointment(at, ref), keys_.Appointments(at),
        keys_.Active(at), keys_.Outbox(at), keys_.OutboxSeq(at),
        keys_.OfficeConfig(at), keys_.StepMarker(at, key.token)};
    if (limit > 0) {
      for (const std::string& identity : appointment.identities) {
        script_keys.push_back(keys_.Identity(at, identity));
      }
    }
    return EvalWithIndex(*lease, keys_, index, ref, at, {}, RedisScript::kConfirmHold,
                         std::move(script_keys), args);
  };
  auto r = step(office, reserved);
  if (r.ok() && self_locating && Word(**r) == "NOTFOUND") {
    // An id that only looks as if it named its office: the index knows.
    auto other = lease->Command({"GET", keys_.HoldIndex(hold_id)});
    if (Status s = CheckReply(other); !s.ok()) return s;
    if (!IsNil(**other) && Str(**other) != office) {
      office = std::string(Str(**other));
      self_locating = false;
      r = step(office, /*index=*/true);  // the entry is ours (NX above, or reserved)
    }
  }
  if (!r.ok()) return r.status();  // unknown outcome: keep the index
  if (Word(**r) == "DONE" && (*r)->elements >= 2) {
    // This request's first attempt confirmed the hold: its appointment.
    (void)lease->Command({"DEL", keys_.RefIndex(ref)});
    return ReadAppointment(*lease, keys_, office, std::string(Str(*(*r)->element[1])));
  }
  if (Word(**r) != "OK" || (*r)->elements < 2) {
    (void)lease->Command({"DEL", keys_.RefIndex(ref)});
    return Refusal(Word(**r), "hold");
  }
  auto hold = ParseHold(Fields(*(*r)->element[1]));
  if (!hold.ok()) return hold.status();
  appointment.booking = hold->booking;
  appointment.identities.clear();  // in the identity sets only
  appointment.identity_limit = 0;
  if (!self_locating) (void)lease->Command({"DEL", keys_.HoldIndex(hold_id)});
  return appointment;
}

Result<AppointmentRecord> RedisStore::CreateAppointment(AppointmentRecord appointment,
                                                        const std::string& ticket_day,
                                                        std::vector<OutboxJob> jobs,
                                                        const api::StepKey& key,
                                                        const api::QueueFence& fence) {
  const api::Booking& b = appointment.booking;
  const std::string& office = b.office_id;
  const std::string& ref = appointment.reference;
  if (!RedisKeys::ValidId(ref) || !RedisKeys::ValidId(office) || !RedisKeys::ValidId(b.desk_id) ||
      b.claim_end <= b.start || !ValidJobs(jobs) ||
      (!key.empty() && !RedisKeys::ValidId(key.token)) ||
      (!fence.empty() && !ticket_day.empty() && fence.day != ticket_day)) {
    return Status::InvalidArgument("bad appointment");
  }
  // The day's queue: the ticket's, or the fenced day's (the same day when both).
  const std::string& queue_day = ticket_day.empty() ? fence.day : ticket_day;
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  const bool reserved = TakeReserved(ref);  // see ConfirmHold
  if (!reserved) {
    auto index = lease->Pipeline({{"SET", keys_.RefIndex(ref), office, "NX"},
                                  {"SADD", keys_.Offices(), office}});
    if (Status s = CheckReplies(index); !s.ok()) return s;
    if (IsNil(*(*index)[0])) return Status::FailedPrecondition("the reference is in use");
  }

  std::vector<std::string> fields = AppointmentFields(appointment);
  std::vector<std::string> args = {b.desk_id, MinutesText(b.start), MinutesText(b.end),
                                   MinutesText(b.claim_end), ref, ticket_day,
                                   std::to_string(kTicketKeyTtl.count()),
                                   std::to_string(fields.size())};
  args.insert(args.end(), fields.begin(), fields.end());
  AppendJobs(jobs, &args);
  args.push_back(fence.empty() ? std::string() : std::to_string(fence.version));
  args.push_back(MarkerTtl(key));
  args.push_back(std::to_string(b.office_version));
  auto r = EvalWithIndex(
      *lease, keys_, reserved, ref, office,
      reserved ? std::vector<std::vector<std::string>>{{"SADD", keys_.Offices(), office}}
               : std::vector<std::vector<std::string>>{},
      RedisScript::kCreateAppointment,
      {keys_.Claims(office, b.desk_id), keys_.ClaimMax(office), keys_.Desks(office),
       keys_.Appointment(office, ref), keys_.Appointments(office), keys_.Active(office),
       keys_.Outbox(office), keys_.OutboxSeq(office), keys_.Tickets(office, ticket_day),
       keys_.StepMarker(office, key.token), keys_.Queue(office, queue_day),
       keys_.QueueEntries(office, queue_day), keys_.OfficeConfig(office)},
      args);
  if (!r.ok()) return r.status();
  if (Word(**r) == "DONE" && (*r)->elements >= 2) {
    (void)lease->Command({"DEL", keys_.RefIndex(ref)});
    return ReadAppointment(*lease, keys_, office, std::string(Str(*(*r)->element[1])));
  }
  if (Word(**r) != "OK") {
    (void)lease->Command({"DEL", keys_.RefIndex(ref)});
    return Refusal(Word(**r), "appointment");
  }
  if ((*r)->elements > 1 && !ticket_day.empty()) appointment.ticket = std::string(Str(*(*r)->element[1]));
  return appointment;
}

namespace {

// The office of a reference, or NotFound.
Result<std::string> OfficeOf(Lease& lease, const RedisKeys& keys, const std::string& ref) {
  if (!RedisKeys::ValidId(ref)) return Status::NotFound("no such appointment");
  auto office = lease.Command({"GET", keys.RefIndex(ref)});
  if (Status s = CheckReply(office); !s.ok()) return s;
  // "" is a reserved reference not used yet (ReserveReference).
  if (IsNil(**office) || Str(**office).empty()) return Status::NotFound("no such appointment");
  return std::string(Str(**office));
}

Result<AppointmentRecord> ReadAppointment(Lease& lease, const RedisKeys& keys,
                                          const std::string& office, const std::string& ref) {
  auto r = lease.Pipeline({{"HGETALL", keys.Appointment(office, ref)},
                           {"LRANGE", keys.Notes(office, ref), "0", "-1"}});
  if (Status s = CheckReplies(r); !s.ok()) return s;
  FieldMap f = Fields(*(*r)[0]);
  if (f.empty()) return Status::NotFound("no such appointment");
  return ParseAppointment(f, Strings(*(*r)[1]));
}

// Reads many appointments of one office in pipelined batches; skips missing.
Result<std::vector<AppointmentRecord>> ReadAppointments(Lease& lease, const RedisKeys& keys,
                                                        const std::string& office,
                                                        const std::vector<std::string>& refs) {
  std::vector<AppointmentRecord> out;
  for (std::size_t i = 0; i < refs.size(); i += kBatch) {
    std::vector<std::vector<std::string>> cmds;
    for (std::size_t j = i; j < std::min(refs.size(), i + kBatch); ++j) {
      cmds.push_back({"HGETALL", keys.Appointment(office, refs[j])});
      cmds.push_back({"LRANGE", keys.Notes(office, refs[j]), "0", "-1"});
    }
    auto r = lease.Pipeline(cmds);
    if (Status s = CheckReplies(r); !s.ok()) return s;
    for (std::size_t k = 0; k + 1 < r->size(); k += 2) {
      FieldMap f = Fields(*(*r)[k]);
      if (f.empty()) continue;
      auto a = ParseAppointment(f, Strings(*(*r)[k + 1]));
      if (!a.ok()) return a.status();
      out.push_back(std::move(a).value());
    }
  }
  return out;
}

// The desk an appointment sits on now (the caller's snapshot for a script).
Result<std::string> DeskOf(Lease& lease, const RedisKeys& keys, const std::string& office,
                           const std::string& ref) {
  auto r = lease.Command({"HGET", keys.Appointment(office, ref), "desk"});
  if (Status s = CheckReply(r); !s.ok()) return s;
  if (IsNil(**r)) return Status::NotFound("no such appointment");
  return std::string(Str(**r));
}

}  // namespace

Result<AppointmentRecord> RedisStore::GetAppointment(const std::string& reference) {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto office = OfficeOf(*lease, keys_, reference);
  if (!office.ok()) return office.status();
  auto a = ReadAppointment(*lease, keys_, *office, reference);
  if (a.ok()) api::SettleOptIn(*a, clock_->Now());
  return a;
}

Result<AppointmentRecord> RedisStore::ConfirmOptIn(const std::string& reference,
                                                   std::vector<OutboxJob> jobs) {
  if (!ValidJobs(jobs)) return Status::InvalidArgument("bad job");
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto office = OfficeOf(*lease, keys_, reference);
  if (!office.ok()) return office.status();
  const std::string& o = *office;
  for (int attempt = 0; attempt < kRetryAttempts; ++attempt) {
    auto desk = DeskOf(*lease, keys_, o, reference);
    if (!desk.ok()) return desk.status();
    std::vector<std::string> args = {*desk};
    AppendJobs(jobs, &args);
    auto r = lease->Eval(RedisScript::kConfirmOptIn,
                         {keys_.Appointment(o, reference), keys_.Notes(o, reference),
                          keys_.Claims(o, *desk), keys_.Outbox(o), keys_.OutboxSeq(o)},
                         args);
    if (!r.ok()) return r.status();
    std::string_view word = Word(**r);
    if (word == "RETRY") continue;
    if (word == "GONE") return Status::Gone("the time to confirm ran out; the place went back");
    if (word != "OK") return Refusal(word, "appointment");
    return RecordFromReply(**r);
  }
  return Status::Conflict("the appointment kept moving; try again");
}

Result<AppointmentRecord> RedisStore::CancelAppointment(const std::string& reference,
                                                        const std::string& reason,
                                                        std::vector<OutboxJob> jobs,
                                                        const api::StepKey& key) {
  if (!ValidJobs(jobs) || (!key.empty() && !RedisKeys::ValidId(key.token))) {
    return Status::InvalidArgument("bad job");
  }
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto office = OfficeOf(*lease, keys_, reference);
  if (!office.ok()) return office.status();
  const std::string& o = *office;
  for (int attempt = 0; attempt < kRetryAttempts; ++attempt) {
    auto desk = DeskOf(*lease, keys_, o, reference);
    if (!desk.ok()) return desk.status();
    std::vector<std::string> args = {*desk, reason, MillisText(clock_->Now()), MarkerTtl(key)};
    AppendJobs(jobs, &args);
    auto r = lease->Eval(RedisScript::kCancel,
                         {keys_.Appointment(o, reference), keys_.Notes(o, reference),
                          keys_.Claims(o, *desk), keys_.Active(o), keys_.Outbox(o),
                          keys_.OutboxSeq(o), keys_.StepMarker(o, key.token)},
                         args);
    if (!r.ok()) return r.status();
    std::string_view word = Word(**r);
    if (word == "RETRY") continue;
    if (word != "OK") return Refusal(word, "appointment");
    return RecordFromReply(**r);
  }
  return Status::Conflict("the appointment kept moving; try again");
}

Result<AppointmentRecord> RedisStore::MoveAppointment(const std::string& reference,
                                                      api::Booking to,
                                                      std::vector<OutboxJob> jobs,
                                                      const api::StepKey& key,
                                                      const api::QueueFence& fence) {
  if (!RedisKeys::ValidId(to.desk_id) || to.claim_end <= to.start || !ValidJobs(jobs) ||
      (!key.empty() && !RedisKeys::ValidId(key.token))) {
    return Status::InvalidArgument("bad booking");
  }
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto office = OfficeOf(*lease, keys_, reference);
  if (!office.ok()) return office.status();
  const std::string& o = *office;
  if (to.office_id != o) {
    // Two offices are two hash slots: no single script can move atomically.
    return Status::Unprocessable("an appointment can only be moved within its office");
  }
  for (int attempt = 0; attempt < kRetryAttempts; ++attempt) {
    auto desk = DeskOf(*lease, keys_, o, reference);
    if (!desk.ok()) return desk.status();
    std::vector<std::string> args = {*desk,
                                     to.desk_id,
                                     MinutesText(to.start),
                                     MinutesText(to.end),
                                     MinutesText(to.claim_end),
                                     ServicesJson(to.services),
                                     MarkerTtl(key),
                                     to.day};
    AppendJobs(jobs, &args);
    args.push_back(fence.empty() ? std::string() : std::to_string(fence.version));
    args.push_back(std::to_string(kTicketKeyTtl.count()));
    args.push_back(std::to_string(to.office_version));
    auto r = lease->Eval(RedisScript::kMove,
                         {keys_.Appointment(o, reference), keys_.Notes(o, reference),
                          keys_.Claims(o, *desk), keys_.Claims(o, to.desk_id), keys_.ClaimMax(o),
                          keys_.Desks(o), keys_.Active(o), keys_.Outbox(o), keys_.OutboxSeq(o),
                          keys_.StepMarker(o, key.token), keys_.Queue(o, fence.day),
                          keys_.OfficeConfig(o)},
                         args);
    if (!r.ok()) return r.status();
    std::string_view word = Word(**r);
    if (word == "RETRY") continue;
    if (word != "OK") return Refusal(word, "appointment");
    return RecordFromReply(**r);
  }
  return Status::Conflict("the appointment kept moving; try again");
}

Result<std::string> RedisStore::StepResult(const std::string& office_id, const std::string& token) {
  if (token.empty() || !RedisKeys::ValidId(office_id) || !RedisKeys::ValidId(token)) {
    return std::string();
  }
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto r = lease->Command({"GET", keys_.StepMarker(office_id, token)});
  if (Status s = CheckReply(r); !s.ok()) return s;
  if (IsNil(**r)) return std::string();
  return std::string(Str(**r));
}

Result<AppointmentRecord> RedisStore::CheckIn(const std::string& reference,
                                              const std::string& ticket_day) {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto office = OfficeOf(*lease, keys_, reference);
  if (!office.ok()) return office.status();
  const std::string& o = *office;
  if (!ValidDay(ticket_day)) return Status::InvalidArgument("bad ticket day");
  auto r = lease->Eval(RedisScript::kCheckIn,
                       {keys_.Appointment(o, reference), keys_.Notes(o, reference),
                        keys_.Tickets(o, ticket_day), keys_.Queue(o, ticket_day),
                        keys_.QueueEntries(o, ticket_day)},
                       {std::to_string(kTicketKeyTtl.count())});
  if (!r.ok()) return r.status();
  if (Word(**r) != "OK") return Refusal(Word(**r), "appointment");
  return RecordFromReply(**r);
}

namespace {

// A queue script's {OK, entry JSON} answer.
Result<api::QueueEntry> EntryFromReply(const Result<RedisReply>& r, const char* what) {
  if (!r.ok()) return r.status();
  if ((*r)->type == REDIS_REPLY_ERROR) return ErrorReplyStatus(**r, what);
  std::string_view word = Word(**r);
  if (word == "STALE") return Status::Aborted("the queue moved since it was read");
  if (word == "NOTFOUND") return Status::NotFound("nobody waits whom this desk can serve");
  if (word == "PRECOND") return Status::FailedPrecondition("the desk's state does not allow this step");
  if (word != "OK" || (*r)->elements < 2) return Refusal(word, what);
  api::QueueEntry e;
  if (!ParseQueueEntry(Str(*(*r)->element[1]), &e)) return Status::Internal("malformed queue entry");
  return e;
}

const char* DeskActionWord(api::DeskAction a) {
  switch (a) {
    case api::DeskAction::kRecall: return "recall";
    case api::DeskAction::kStart: return "start";
    case api::DeskAction::kDone: return "done";
    case api::DeskAction::kNoShow: return "no_show";
    case api::DeskAction::kRequeue: return "requeue";
    case api::DeskAction::kTransfer: return "transfer";
  }
  return "";
}

}  // namespace

Result<api::QueueDay> RedisStore::ReadQueue(const std::string& office_id, const std::string& day) {
  if (!RedisKeys::ValidId(office_id) || !ValidDay(day)) return Status::InvalidArgument("bad office or day");
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto r = lease->Eval(RedisScript::kQueueRead,
                       {keys_.Queue(office_id, day), keys_.QueueEntries(office_id, day),
                        keys_.QueueDesks(office_id, day), keys_.QueueCalls(office_id, day),
                        keys_.QueueDurations(office_id)},
                       {});
  if (Status s = CheckReply(r); !s.ok()) return s;
  const redisReply& a = **r;
  if (a.type != REDIS_REPLY_ARRAY || a.elements < 6) return Status::Internal("unexpected queue answer");
  api::QueueDay q;
  q.version = static_cast<std::uint64_t>(Int(*a.element[0]));
  q.calls.seq = static_cast<std::uint64_t>(Int(*a.element[1]));
  for (const std::string& json : Strings(*a.element[2])) {
    api::QueueEntry e;
    if (!ParseQueueEntry(json, &e)) return Status::Internal("malformed queue entry");
    q.entries.push_back(std::move(e));
  }
  std::sort(q.entries.begin(), q.entries.end(),
            [](const api::QueueEntry& x, const api::QueueEntry& y) { return x.number < y.number; });
  for (const std::string& json : Strings(*a.element[3])) {
    api::QueueDesk d;
    if (!ParseQueueDesk(json, &d)) return Status::Internal("malformed queue desk");
    q.desks[d.id] = std::move(d);
  }
  for (const std::string& json : Strings(*a.element[4])) {
    api::QueueCall c;
    if (!ParseQueueCall(json, &c)) return Status::Internal("malformed queue call");
    q.calls.calls.push_back(std::move(c));
  }
  for (const auto& [key, list] : Fields(*a.element[5])) {
    std::vector<int>& minutes = q.durations[key];
    std::size_t from = 0;
    while (from < list.size()) {
      std::size_t comma = list.find(',', from);
      if (comma == std::string::npos) comma = list.size();
      int m = 0;
      std::from_chars(list.data() + from, list.data() + comma, m);
      minutes.push_back(m);
      from = comma + 1;
    }
  }
  return q;
}

Result<api::QueueCalls> RedisStore::ReadQueueCalls(const std::string& office_id, const std::string& day) {
  if (!RedisKeys::ValidId(office_id) || !ValidDay(day)) return Status::InvalidArgument("bad office or day");
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto r = lease->Eval(RedisScript::kQueueCalls,
                       {keys_.Queue(office_id, day), keys_.QueueCalls(office_id, day)}, {});
  if (Status s = CheckReply(r); !s.ok()) return s;
  const redisReply& a = **r;
  if (a.type != REDIS_REPLY_ARRAY || a.elements < 2) return Status::Internal("unexpected queue answer");
  api::QueueCalls out;
  out.seq = static_cast<std::uint64_t>(Int(*a.element[0]));
  for (const std::string& json : Strings(*a.element[1])) {
    api::QueueCall c;
    if (!ParseQueueCall(json, &c)) return Status::Internal("malformed queue call");
    out.calls.push_back(std::move(c));
  }
  return out;
}

Result<api::QueueEntry> RedisStore::IssueTicket(const std::string& office_id, const std::string& day,
                                                api::QueueEntry walk_in,
                                                std::uint64_t expected_version) {
  if (!RedisKeys::ValidId(office_id) || !ValidDay(day) || walk_in.services.empty()) {
    return Status::InvalidArgument("bad office, day or visit");
  }
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto r = lease->Eval(RedisScript::kQueueIssue,
                       {keys_.Queue(office_id, day), keys_.QueueEntries(office_id, day),
                        keys_.Tickets(office_id, day)},
                       {std::to_string(expected_version), QueueEntryJson(walk_in),
                        std::to_string(kTicketKeyTtl.count())});
  return EntryFromReply(r, "queue_issue");
}

Result<api::QueueDesk> RedisStore::SetQueueDesk(const std::string& office_id, const std::string& day,
                                                api::QueueDesk desk) {
  if (!RedisKeys::ValidId(office_id) || !ValidDay(day) || !RedisKeys::ValidId(desk.id)) {
    return Status::InvalidArgument("bad office, day or desk");
  }
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto r = lease->Eval(RedisScript::kQueueDesk,
                       {keys_.Queue(office_id, day), keys_.QueueDesks(office_id, day)},
                       {desk.id, desk.open ? "1" : "0", MillisText(desk.closes_at),
                        std::to_string(kTicketKeyTtl.count())});
  if (Status s = CheckReply(r); !s.ok()) return s;
  if (Word(**r) != "OK" || (*r)->elements < 2) return Refusal(Word(**r), "desk");
  api::QueueDesk out;
  if (!ParseQueueDesk(Str(*(*r)->element[1]), &out)) return Status::Internal("malformed queue desk");
  return out;
}

Result<api::QueueEntry> RedisStore::CallNext(const std::string& office_id, const std::string& day,
                                             const std::string& desk,
                                             const std::vector<std::string>& can_do,
                                             api::TimePoint now) {
  if (!RedisKeys::ValidId(office_id) || !ValidDay(day) || !RedisKeys::ValidId(desk)) {
    return Status::InvalidArgument("bad office, day or desk");
  }
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  std::vector<std::string> args = {desk, MillisText(now), std::to_string(kTicketKeyTtl.count())};
  args.insert(args.end(), can_do.begin(), can_do.end());
  auto r = lease->Eval(RedisScript::kQueueCall,
                       {keys_.Queue(office_id, day), keys_.QueueEntries(office_id, day),
                        keys_.QueueDesks(office_id, day), keys_.QueueCalls(office_id, day)},
                       args);
  return EntryFromReply(r, "queue_call");
}

Result<api::QueueEntry> RedisStore::DeskStep(const std::string& office_id, const std::string& day,
                                             const std::string& desk, api::DeskAction action,
                                             api::TimePoint now, const std::string& to_desk) {
  if (!RedisKeys::ValidId(office_id) || !ValidDay(day) || !RedisKeys::ValidId(desk)) {
    return Status::InvalidArgument("bad office, day or desk");
  }
  if (action == api::DeskAction::kTransfer && (!RedisKeys::ValidId(to_desk) || to_desk == desk)) {
    return Status::InvalidArgument("transfer needs another desk");
  }
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto r = lease->Eval(RedisScript::kQueueStep,
                       {keys_.Queue(office_id, day), keys_.QueueEntries(office_id, day),
                        keys_.QueueDesks(office_id, day), keys_.QueueCalls(office_id, day),
                        keys_.QueueDurations(office_id)},
                       {desk, DeskActionWord(action), MillisText(now), to_desk,
                        keys_.Appointment(office_id, ""), std::to_string(kTicketKeyTtl.count()),
                        std::to_string(api::kQueueDurationsKept)});
  return EntryFromReply(r, "queue_step");
}

Result<AppointmentRecord> RedisStore::MarkNoShow(const std::string& reference, Instant latest_start) {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto office = OfficeOf(*lease, keys_, reference);
  if (!office.ok()) return office.status();
  const std::string& o = *office;
  for (int attempt = 0; attempt < kRetryAttempts; ++attempt) {
    auto desk = DeskOf(*lease, keys_, o, reference);
    if (!desk.ok()) return desk.status();
    auto r = lease->Eval(RedisScript::kMarkNoShow,
                         {keys_.Appointment(o, reference), keys_.Notes(o, reference),
                          keys_.Claims(o, *desk), keys_.Active(o)},
                         {*desk, MinutesText(latest_start), MillisText(clock_->Now())});
    if (!r.ok()) return r.status();
    std::string_view word = Word(**r);
    if (word == "RETRY") continue;
    if (word != "OK") return Refusal(word, "appointment");
    return RecordFromReply(**r);
  }
  return Status::Conflict("the appointment kept moving; try again");
}

Result<AppointmentRecord> RedisStore::AddNote(const std::string& reference, api::Note note) {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto office = OfficeOf(*lease, keys_, reference);
  if (!office.ok()) return office.status();
  const std::string& o = *office;
  auto r = lease->Eval(RedisScript::kAddNote,
                       {keys_.Appointment(o, reference), keys_.Notes(o, reference)},
                       {NoteJson(note)});
  if (!r.ok()) return r.status();
  if (Word(**r) != "OK") return Refusal(Word(**r), "appointment");
  return RecordFromReply(**r);
}

// --- Lookups ----------------------------------------------------------------------------

Result<std::vector<AppointmentRecord>> RedisStore::FindAppointments(
    const api::AppointmentQuery& query) {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto allowed = [&](const std::string& office) {
    return query.offices.empty() ||
           std::find(query.offices.begin(), query.offices.end(), office) != query.offices.end();
  };
  std::vector<AppointmentRecord> out;
  if (!query.reference.empty()) {
    auto office = OfficeOf(*lease, keys_, query.reference);
    if (!office.ok()) {
      if (office.status().code() == StatusCode::kNotFound) return out;
      return office.status();
    }
    if (!allowed(*office)) return out;
    auto a = ReadAppointment(*lease, keys_, *office, query.reference);
    if (a.ok()) {
      out.push_back(std::move(a).value());
      api::SettleOptIn(out.back(), clock_->Now());
    }
    else if (a.status().code() != StatusCode::kNotFound) return a.status();
    return out;
  }
  const std::string phone = Digits(query.phone);
  const std::string name = Fold(query.name);
  if (phone.empty() && name.empty()) return out;
  std::vector<std::string> offices = query.offices;
  if (offices.empty()) {
    auto all = lease->Command({"SMEMBERS", keys_.Offices()});
    if (Status s = CheckReply(all); !s.ok()) return s;
    offices = Strings(**all);
  }
  // A scan of each office's appointments: staff search is rare and an
  // office holds thousands, not millions (docs/redis.md).
  for (const std::string& office : offices) {
    if (!RedisKeys::ValidId(office)) continue;
    auto refs = lease->Command({"SMEMBERS", keys_.Appointments(office)});
    if (Status s = CheckReply(refs); !s.ok()) return s;
    std::vector<std::string> all_refs = Strings(**refs);
    std::vector<std::string> hits;
    for (std::size_t i = 0; i < all_refs.size(); i += kBatch) {
      std::vector<std::vector<std::string>> cmds;
      for (std::size_t j = i; j < std::min(all_refs.size(), i + kBatch); ++j) {
        cmds.push_back({"HMGET", keys_.Appointment(office, all_refs[j]), "name", "phone", "erased"});
      }
      auto r = lease->Pipeline(cmds);
      if (Status s = CheckReplies(r); !s.ok()) return s;
      for (std::size_t k = 0; k < r->size(); ++k) {
        const redisReply& pair = *(*r)[k];
        if (pair.type != REDIS_REPLY_ARRAY || pair.elements != 3) continue;
        if (Str(*pair.element[2]) == "1") continue;  // erased: nothing to match
        bool match = !phone.empty() ? Digits(Str(*pair.element[1])) == phone
                                    : Fold(Str(*pair.element[0])).find(name) != std::string::npos;
        if (match) hits.push_back(all_refs[i + k]);
      }
    }
    auto records = ReadAppointments(*lease, keys_, office, hits);
    if (!records.ok()) return records.status();
    for (auto& a : *records) {
      api::SettleOptIn(a, clock_->Now());
      out.push_back(std::move(a));
    }
  }
  std::sort(out.begin(), out.end(), SortByStart);
  if (out.size() > query.limit) out.resize(query.limit);
  return out;
}

Result<std::vector<AppointmentRecord>> RedisStore::ListActiveAppointments(
    const std::string& office_id, Instant from) {
  if (!RedisKeys::ValidId(office_id)) return std::vector<AppointmentRecord>{};
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto refs = lease->Command({"ZRANGEBYSCORE", keys_.Active(office_id), "(" + MinutesText(from), "+inf"});
  if (Status s = CheckReply(refs); !s.ok()) return s;
  auto records = ReadAppointments(*lease, keys_, office_id, Strings(**refs));
  if (!records.ok()) return records.status();
  std::vector<AppointmentRecord> out;
  for (auto& a : *records) {
    if ((a.status == AppointmentStatus::kConfirmed || a.status == AppointmentStatus::kCheckedIn) &&
        a.booking.end > from) {
      out.push_back(std::move(a));
    }
  }
  std::sort(out.begin(), out.end(), SortByStart);
  return out;
}

// --- Configuration ---------------------------------------------------------------------

Result<api::ConfigDocument> RedisStore::GetOfficeConfig(const std::string& office_id) {
  if (!RedisKeys::ValidId(office_id)) return api::ConfigDocument{};
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto r = lease->Command({"HMGET", keys_.OfficeConfig(office_id), "doc", "ver"});
  if (Status s = CheckReply(r); !s.ok()) return s;
  api::ConfigDocument doc;
  if ((*r)->type == REDIS_REPLY_ARRAY && (*r)->elements == 2 && !IsNil(*(*r)->element[1])) {
    doc.document = std::string(Str(*(*r)->element[0]));
    doc.version = static_cast<std::uint64_t>(Int(*(*r)->element[1]));
  }
  return doc;
}

Result<api::OfficeChangeOutcome> RedisStore::PutOfficeConfig(const std::string& office_id,
                                                             const api::OfficeChange& change) {
  if (!RedisKeys::ValidId(office_id)) return Status::InvalidArgument("bad office");
  for (const auto& [desk, fit] : change.desks) {
    if (!RedisKeys::ValidId(desk)) return Status::InvalidArgument("bad desk");
  }
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  std::vector<std::string> args = {std::to_string(change.expected_version),
                                   change.document,
                                   MillisText(clock_->Now()),
                                   change.cancel_conflicting ? "1" : "0",
                                   MinutesText(change.judged.begin),
                                   MinutesText(change.judged.end),
                                   keys_.Claims(office_id, ""),
                                   keys_.Hold(office_id, ""),
                                   keys_.Appointment(office_id, ""),
                                   std::to_string(JobTypeNumber(api::JobType::kCancelledByOffice)),
                                   std::to_string(change.desks.size())};
  for (const auto& [desk, fit] : change.desks) {
    args.push_back(desk);
    args.push_back(std::to_string(fit.services.size()));
    args.insert(args.end(), fit.services.begin(), fit.services.end());
    args.push_back(std::to_string(fit.open.intervals().size()));
    for (const Interval& iv : fit.open.intervals()) {
      args.push_back(MinutesText(iv.begin));
      args.push_back(MinutesText(iv.end));
    }
  }
  // The office list entry goes in the same round trip (SADD of a known
  // member writes nothing).
  auto replies = lease->PipelineEval(
      {{"SADD", keys_.Offices(), office_id}}, RedisScript::kPutOfficeConfig,
      {keys_.OfficeConfig(office_id), keys_.Active(office_id), keys_.Outbox(office_id),
       keys_.OutboxSeq(office_id), keys_.Desks(office_id), keys_.ClaimMax(office_id)},
      args);
  if (Status s = CheckReplies(replies); !s.ok()) return s;
  const redisReply& r = *replies->back();
  std::string_view word = Word(r);
  if (word == "CONFLICT") return Status::Conflict("the office configuration changed meanwhile");
  api::OfficeChangeOutcome out;
  if (word == "BEYOND" && r.elements >= 2) {
    out.beyond = Instant(Minutes(Int(*r.element[1])));
    return out;
  }
  if ((word != "OK" && word != "AFFECTED") || r.elements < 3) return Refusal(word, "office");
  out.version = static_cast<std::uint64_t>(Int(*r.element[1]));
  out.voided_holds = static_cast<std::size_t>(Int(*r.element[2]));
  for (std::size_t i = 3; i + 1 < r.elements; i += 2) {
    out.appointments.push_back(
        api::AffectedVisit{std::string(Str(*r.element[i])), Instant(Minutes(Int(*r.element[i + 1])))});
  }
  return out;
}

Result<std::uint64_t> RedisStore::TouchOfficeConfig(const std::string& office_id) {
  if (!RedisKeys::ValidId(office_id)) return Status::NotFound("the office has no configuration");
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto r = lease->Eval(RedisScript::kTouchOfficeConfig, {keys_.OfficeConfig(office_id)}, {});
  if (!r.ok()) return r.status();
  std::string_view word = Word(**r);
  if (word == "NOTFOUND") return Status::NotFound("the office has no configuration");
  if (word != "OK") return Refusal(word, "office");
  return static_cast<std::uint64_t>(Int(*(*r)->element[1]));
}

Result<std::map<std::string, api::ConfigDocument>> RedisStore::GetServiceConfigs() {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto r = lease->Pipeline({{"HGETALL", keys_.ServiceDocs()}, {"HGETALL", keys_.ServiceVersions()}});
  if (Status s = CheckReplies(r); !s.ok()) return s;
  FieldMap docs = Fields(*(*r)[0]);
  FieldMap versions = Fields(*(*r)[1]);
  std::map<std::string, api::ConfigDocument> out;
  for (auto& [id, doc] : docs) {
    api::ConfigDocument d;
    d.document = doc;
    auto v = versions.find(id);
    if (v != versions.end()) d.version = std::strtoull(v->second.c_str(), nullptr, 10);
    out.emplace(id, std::move(d));
  }
  return out;
}

Result<api::ConfigVersions> RedisStore::GetConfigVersions() {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto members = lease->Command({"SMEMBERS", keys_.Offices()});
  if (Status s = CheckReply(members); !s.ok()) return s;
  std::vector<std::string> offices;
  std::vector<std::vector<std::string>> commands;
  for (std::string& id : Strings(**members)) {
    if (!RedisKeys::ValidId(id)) continue;
    commands.push_back({"HGET", keys_.OfficeConfig(id), "ver"});
    offices.push_back(std::move(id));
  }
  commands.push_back({"HGETALL", keys_.ServiceVersions()});
  auto replies = lease->Pipeline(commands);
  if (Status s = CheckReplies(replies); !s.ok()) return s;
  api::ConfigVersions out;
  for (std::size_t i = 0; i < offices.size(); ++i) {
    const redisReply& r = *(*replies)[i];
    if (IsNil(r)) continue;  // an office with claims but no config
    out.offices[offices[i]] = static_cast<std::uint64_t>(Int(r));
  }
  for (const auto& [id, version] : Fields(*replies->back())) {
    out.services[id] = std::strtoull(version.c_str(), nullptr, 10);
  }
  return out;
}

Result<std::uint64_t> RedisStore::PutServiceConfig(const std::string& service_id,
                                                   const std::string& document) {
  if (service_id.empty()) return Status::InvalidArgument("bad service id");
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto r = lease->Eval(RedisScript::kPutServiceConfig,
                       {keys_.ServiceDocs(), keys_.ServiceVersions()}, {service_id, document});
  if (!r.ok()) return r.status();
  if (Word(**r) != "OK") return Refusal(Word(**r), "service");
  return static_cast<std::uint64_t>(Int(*(*r)->element[1]));
}

// --- Idempotency --------------------------------------------------------------------------

Result<api::IdempotencyBegin> RedisStore::BeginIdempotent(const std::string& key,
                                                          const std::string& request_hash,
                                                          std::chrono::seconds ttl,
                                                          std::chrono::milliseconds lease_for) {
  if (key.empty() || ttl.count() <= 0) return Status::InvalidArgument("bad idempotency key");
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto r = lease->Eval(RedisScript::kIdemBegin, {keys_.Idempotency(key)},
                       {request_hash, std::to_string(std::chrono::milliseconds(ttl).count()),
                        std::to_string(lease_for.count())});
  if (!r.ok()) return r.status();
  std::string_view word = Word(**r);
  api::IdempotencyBegin out;
  using Outcome = api::IdempotencyBegin::Outcome;
  if (word == "STARTED") {
    out.outcome = Outcome::kStarted;
  } else if (word == "MISMATCH") {
    out.outcome = Outcome::kMismatch;
  } else if (word == "INPROGRESS") {
    out.outcome = Outcome::kInProgress;
  } else if (word == "REPLAY" && (*r)->elements == 5) {
    out.outcome = Outcome::kReplay;
    out.response.status = static_cast<int>(Int(*(*r)->element[1]));
    out.response.content_type = std::string(Str(*(*r)->element[2]));
    out.response.body = std::string(Str(*(*r)->element[3]));
    out.response.location = std::string(Str(*(*r)->element[4]));
  } else {
    return Status::Internal("unexpected answer from the booking database");
  }
  return out;
}

Status RedisStore::FinishIdempotent(const std::string& key, const api::StoredResponse& response) {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto r = lease->Eval(RedisScript::kIdemFinish, {keys_.Idempotency(key)},
                       {std::to_string(response.status), response.content_type, response.body,
                        response.location});
  if (!r.ok()) return r.status();
  if (Word(**r) != "OK") return Refusal(Word(**r), "idempotency key");
  return Status::Ok();
}

Status RedisStore::AbandonIdempotent(const std::string& key) {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  return CheckReply(lease->Command({"DEL", keys_.Idempotency(key)}));
}

// --- Fair-use limits ---------------------------------------------------------------------------

namespace {

// Fair-use keys are named by a digest of the bucket: no address in a key name.
std::string BucketDigest(const std::string& bucket) { return api::Sha256Hex(bucket).substr(0, 32); }

Result<api::LimitDecision> LimitAnswer(const redisReply& r) {
  std::string_view word = Word(r);
  if (word == "OK") return api::LimitDecision{};
  if (word == "LIMIT" && r.elements == 2) {
    return api::LimitDecision{false, std::chrono::milliseconds(Int(*r.element[1]))};
  }
  return Status::Internal("unexpected answer from the booking database");
}

}  // namespace

Result<api::LimitDecision> RedisStore::TakeToken(const std::string& bucket, int capacity,
                                                 std::chrono::milliseconds period) {
  if (capacity <= 0 || period.count() <= 0) return api::LimitDecision{};
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto r = lease->Eval(RedisScript::kTakeToken, {keys_.TokenBucket(BucketDigest(bucket))},
                       {std::to_string(capacity), std::to_string(period.count())});
  if (!r.ok()) return r.status();
  return LimitAnswer(**r);
}

Result<api::LimitDecision> RedisStore::AdmitOpenHold(const std::string& bucket,
                                                     const std::string& hold_id, int max,
                                                     std::chrono::milliseconds ttl) {
  if (max <= 0) return api::LimitDecision{};
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto r = lease->Eval(RedisScript::kAdmitOpenHold, {keys_.OpenHolds(BucketDigest(bucket))},
                       {hold_id, std::to_string(max), std::to_string(ttl.count())});
  if (!r.ok()) return r.status();
  return LimitAnswer(**r);
}

Status RedisStore::ForgetOpenHold(const std::string& bucket, const std::string& hold_id) {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  return CheckReply(lease->Command({"ZREM", keys_.OpenHolds(BucketDigest(bucket)), hold_id}));
}

// --- Outbox and housekeeping -----------------------------------------------------------------

namespace {

struct QueuedJob {
  std::string office;
  std::string member;
  long long seq = 0;
  OutboxJob job;
};

bool ByDue(const QueuedJob& a, const QueuedJob& b) {
  if (a.job.due != b.job.due) return a.job.due < b.job.due;
  if (a.office != b.office) return a.office < b.office;
  return a.seq < b.seq;
}

// Jobs of every office with due <= max_due ("+inf" for all), at most `limit`
// per office, sorted by due time.
Result<std::vector<QueuedJob>> ReadJobs(Lease& lease, const RedisKeys& keys,
                                        const std::string& max_due, std::size_t limit) {
  auto offices = lease.Command({"SMEMBERS", keys.Offices()});
  if (Status s = CheckReply(offices); !s.ok()) return s;
  std::vector<std::string> ids = Strings(**offices);
  std::vector<std::vector<std::string>> cmds;
  for (const std::string& o : ids) {
    cmds.push_back({"ZRANGEBYSCORE", keys.Outbox(o), "-inf", max_due, "LIMIT", "0",
                    std::to_string(limit)});
  }
  std::vector<QueuedJob> out;
  if (cmds.empty()) return out;
  auto r = lease.Pipeline(cmds);
  if (Status s = CheckReplies(r); !s.ok()) return s;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    for (std::string& m : Strings(*(*r)[i])) {
      auto job = ParseOutboxMember(m);
      if (!job.ok()) return job.status();
      QueuedJob q;
      q.office = ids[i];
      q.seq = std::strtoll(m.c_str(), nullptr, 10);
      q.member = std::move(m);
      q.job = std::move(job).value();
      out.push_back(std::move(q));
    }
  }
  std::sort(out.begin(), out.end(), ByDue);
  return out;
}

}  // namespace

Result<std::vector<OutboxJob>> RedisStore::TakeDueJobs(api::TimePoint now, std::size_t limit) {
  std::vector<OutboxJob> out;
  if (limit == 0) return out;
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  // ZREM decides who takes a job: of two workers racing, only one removes
  // it. A worker that lost some races reads again (bounded), so it does not
  // come back empty-handed while due jobs remain.
  for (int round = 0; round < kRetryAttempts && out.size() < limit; ++round) {
    std::size_t want = limit - out.size();
    auto queued = ReadJobs(*lease, keys_, MillisText(now), want);
    if (!queued.ok()) return queued.status();
    if (queued->size() > want) queued->resize(want);
    if (queued->empty()) break;
    std::vector<std::vector<std::string>> cmds;
    for (const QueuedJob& q : *queued) cmds.push_back({"ZREM", keys_.Outbox(q.office), q.member});
    auto r = lease->Pipeline(cmds);
    if (Status s = CheckReplies(r); !s.ok()) return s;
    std::size_t lost = 0;
    for (std::size_t i = 0; i < queued->size(); ++i) {
      if (Int(*(*r)[i]) == 1) out.push_back((*queued)[i].job);
      else ++lost;
    }
    if (lost == 0) break;
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const OutboxJob& a, const OutboxJob& b) { return a.due < b.due; });
  return out;
}

Result<std::vector<OutboxJob>> RedisStore::PendingJobs() {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto queued = ReadJobs(*lease, keys_, "+inf", 1000000);
  if (!queued.ok()) return queued.status();
  std::vector<OutboxJob> out;
  for (QueuedJob& q : *queued) out.push_back(std::move(q.job));
  return out;
}

Result<std::size_t> RedisStore::ErasePersonalData(api::TimePoint cutoff) {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto offices = lease->Command({"SMEMBERS", keys_.Offices()});
  if (Status s = CheckReply(offices); !s.ok()) return s;
  std::size_t erased = 0;
  for (const std::string& office : Strings(**offices)) {
    auto refs = lease->Command({"SMEMBERS", keys_.Appointments(office)});
    if (Status s = CheckReply(refs); !s.ok()) return s;
    for (const std::string& ref : Strings(**refs)) {
      auto r = lease->Eval(RedisScript::kEraseContact,
                           {keys_.Appointment(office, ref), keys_.Notes(office, ref)},
                           {MillisText(cutoff)});
      if (!r.ok()) return r.status();
      if (Word(**r) == "OK" && Int(*(*r)->element[1]) == 1) ++erased;
    }
    auto desks = lease->Command({"SMEMBERS", keys_.Desks(office)});
    if (Status s = CheckReply(desks); !s.ok()) return s;
    for (const std::string& desk : Strings(**desks)) {
      auto r = lease->Eval(RedisScript::kPurgeClaims, {keys_.Claims(office, desk)}, {});
      if (!r.ok()) return r.status();
    }
  }
  // Expired holds and idempotency records need nothing: Redis deletes them
  // by their TTL.
  return erased;
}

Result<std::map<std::string, std::map<std::string, std::int64_t>>> RedisStore::ReadTallies(
    const std::string& office_id, const std::string& from_day, const std::string& to_day) {
  auto from = ParseDate(from_day);
  auto to = ParseDate(to_day);
  if (!RedisKeys::ValidId(office_id) || !from || !to) {
    return Status::InvalidArgument("bad office or day");
  }
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  std::map<std::string, std::map<std::string, std::int64_t>> out;
  // One HGETALL per day, pipelined: a year is a few round trips.
  std::vector<std::string> days;
  for (LocalDate d = *from; d <= *to; d += date::days(1)) days.push_back(FormatDate(d));
  for (std::size_t i = 0; i < days.size(); i += kBatch) {
    std::vector<std::vector<std::string>> cmds;
    const std::size_t end = std::min(days.size(), i + kBatch);
    for (std::size_t j = i; j < end; ++j) cmds.push_back({"HGETALL", keys_.Tallies(office_id, days[j])});
    auto r = lease->Pipeline(cmds);
    if (Status s = CheckReplies(r); !s.ok()) return s;
    for (std::size_t j = i; j < end; ++j) {
      FieldMap f = Fields(*(*r)[j - i]);
      if (f.empty()) continue;
      auto& day = out[days[j]];
      for (const auto& [field, value] : f) day[std::string(field)] = std::atoll(std::string(value).c_str());
    }
  }
  return out;
}

Status RedisStore::AddTallies(const std::string& office_id, const std::string& day,
                              const std::map<std::string, std::int64_t>& fields) {
  if (!RedisKeys::ValidId(office_id) || !ValidDay(day)) return Status::InvalidArgument("bad office or day");
  if (fields.empty()) return Status::Ok();
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  std::vector<std::vector<std::string>> cmds;
  for (const auto& [field, by] : fields) {
    cmds.push_back({"HINCRBY", keys_.Tallies(office_id, day), field, std::to_string(by)});
  }
  auto r = lease->Pipeline(cmds);
  return CheckReplies(r);
}

Result<bool> RedisStore::ClaimOnce(const std::string& slot, std::chrono::milliseconds ttl) {
  if (!RedisKeys::ValidId(slot)) return Status::InvalidArgument("bad slot");
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto r = lease->Command({"SET", keys_.Once(slot), "1", "NX", "PX", std::to_string(ttl.count())});
  if (Status s = CheckReply(r); !s.ok()) return s;
  return !IsNil(**r);
}

// The audit log is a stream per office: entry ids are the entry's time in
// ms (the API's clock, "<ms>-*" so two entries of one millisecond both
// land), which makes XRANGE by time and MINID trimming exact; MINID ~ lets
// Redis drop whole macro nodes, so the log is trimmed cheaply and may keep
// a few entries beyond the retention until the next node goes.
Status RedisStore::AppendAudit(const std::string& office_id, const api::AuditEntry& e,
                               std::chrono::milliseconds keep) {
  if (!RedisKeys::ValidId(office_id)) return Status::InvalidArgument("bad office");
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  const long long at = std::chrono::duration_cast<std::chrono::milliseconds>(e.at.time_since_epoch()).count();
  // An id below the stream's last one is refused by XADD; take the last
  // one's time then (clocks of replicas differ by a little).
  auto r = lease->Command({"XADD", keys_.Audit(office_id), "MINID", "~",
                           std::to_string(std::max(0LL, at - static_cast<long long>(keep.count()))),
                           std::to_string(at) + "-*", "key", e.key, "role", e.role, "action", e.action,
                           "ref", e.reference, "target", e.target, "status",
                           std::to_string(e.status)});
  if (r.ok() && (*r)->type == REDIS_REPLY_ERROR) {
    r = lease->Command({"XADD", keys_.Audit(office_id), "MINID", "~",
                        std::to_string(std::max(0LL, at - static_cast<long long>(keep.count()))), "*",
                        "key", e.key, "role", e.role, "action", e.action, "ref", e.reference,
                        "target", e.target, "status", std::to_string(e.status)});
  }
  return CheckReply(r);
}

Result<std::vector<api::AuditEntry>> RedisStore::ReadAudit(const std::string& office_id,
                                                           api::TimePoint from, api::TimePoint to,
                                                           std::size_t limit) {
  if (!RedisKeys::ValidId(office_id)) return Status::InvalidArgument("bad office");
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto ms = [](api::TimePoint t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  };
  auto r = lease->Command({"XRANGE", keys_.Audit(office_id), std::to_string(ms(from)),
                           "(" + std::to_string(ms(to)) + "-0", "COUNT", std::to_string(limit)});
  if (Status s = CheckReply(r); !s.ok()) return s;
  std::vector<api::AuditEntry> out;
  const redisReply& list = **r;
  for (std::size_t i = 0; i < list.elements; ++i) {
    const redisReply* item = list.element[i];
    if (item->type != REDIS_REPLY_ARRAY || item->elements < 2) continue;
    std::string id(item->element[0]->str, item->element[0]->len);
    api::AuditEntry e;
    e.at = api::TimePoint(std::chrono::milliseconds(std::atoll(id.c_str())));
    FieldMap f = Fields(*item->element[1]);
    e.key = f["key"];
    e.role = f["role"];
    e.action = f["action"];
    e.reference = f["ref"];
    e.target = f["target"];
    e.status = std::atoi(f["status"].c_str());
    out.push_back(std::move(e));
  }
  return out;
}

namespace {

Result<api::ReleaseTicket> TicketAnswer(const redisReply& r) {
  if (r.type != REDIS_REPLY_ARRAY || r.elements == 0) return Status::NotFound("no such ticket");
  if (r.elements != 4) return Status::Internal("unexpected answer from the booking database");
  return api::ReleaseTicket{std::string(Str(*r.element[0])), std::string(Str(*r.element[1])),
                            Int(*r.element[2]), Int(*r.element[3])};
}

}  // namespace

Result<api::ReleaseTicket> RedisStore::JoinReleaseQueue(const std::string& office_id,
                                                        const std::string& day,
                                                        const std::string& client,
                                                        const std::string& ticket_id,
                                                        std::optional<std::uint64_t> order,
                                                        std::chrono::milliseconds keep) {
  if (!RedisKeys::ValidId(office_id) || !RedisKeys::ValidId(day)) {
    return Status::InvalidArgument("bad office or day");
  }
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto r = lease->Eval(RedisScript::kReleaseJoin,
                       {keys_.ReleaseQueue(office_id, day, "z"), keys_.ReleaseQueue(office_id, day, "c"),
                        keys_.ReleaseQueue(office_id, day, "t"), keys_.ReleaseQueue(office_id, day, "n")},
                       {client, ticket_id, order ? std::to_string(*order) : std::string(),
                        std::to_string(std::max<std::int64_t>(1, keep.count()))});
  if (!r.ok()) return r.status();
  return TicketAnswer(**r);
}

Result<api::ReleaseTicket> RedisStore::GetReleaseTicket(const std::string& office_id,
                                                        const std::string& day,
                                                        const std::string& ticket_id) {
  if (!RedisKeys::ValidId(office_id) || !RedisKeys::ValidId(day)) {
    return Status::NotFound("no such ticket");
  }
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto r = lease->Eval(RedisScript::kReleaseRead,
                       {keys_.ReleaseQueue(office_id, day, "z"), keys_.ReleaseQueue(office_id, day, "t")},
                       {ticket_id});
  if (!r.ok()) return r.status();
  return TicketAnswer(**r);
}

Result<std::int64_t> RedisStore::ReleaseQueueSize(const std::string& office_id,
                                                  const std::string& day) {
  if (!RedisKeys::ValidId(office_id) || !RedisKeys::ValidId(day)) return std::int64_t{0};
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto r = lease->Command({"ZCARD", keys_.ReleaseQueue(office_id, day, "z")});
  if (Status s = CheckReply(r); !s.ok()) return s;
  return static_cast<std::int64_t>(Int(**r));
}

Result<std::string> RedisStore::SharedSecret(const std::string& name) {
  if (!RedisKeys::ValidId(name)) return Status::InvalidArgument("bad secret name");
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  // The first SET wins; the value never changes, so the GET after it reads
  // the winner's whoever it was.
  auto set = lease->Command({"SET", keys_.Secret(name), api::NewSecret() + api::NewSecret(), "NX"});
  if (!set.ok()) return set.status();
  auto r = lease->Command({"GET", keys_.Secret(name)});
  if (Status s = CheckReply(r); !s.ok()) return s;
  std::string value(Str(**r));
  if (value.size() < 16) return Status::Unavailable("the shared secret " + name + " is unreadable");
  return value;
}

Status RedisStore::Ping() {
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  return lease->Health();
}

std::vector<api::StoreCounter> RedisStore::Counters() {
  const std::string redirects_help = "Redis Cluster redirects followed (MOVED: a slot moved; ASK: a slot migrating)";
  return {
      {"termin_redis_wait_short_total",
       "Booking steps whose WAIT was acknowledged by fewer replicas than --redis-wait-replicas", "", "",
       pool_->short_waits()},
      {"termin_redis_redirects_total", redirects_help, "kind", "moved", pool_->moved_redirects()},
      {"termin_redis_redirects_total", redirects_help, "kind", "ask", pool_->ask_redirects()},
  };
}

// --- The waitlist (api/store.h, Wish; redis_scripts.cc, add_wish) ----------------

namespace {

std::string WindowsJson(const std::vector<Interval>& windows) {
  std::string out = "[";
  for (const Interval& w : windows) {
    if (out.size() > 1) out += ",";
    out += "[" + MinutesText(w.begin) + "," + MinutesText(w.end) + "]";
  }
  return out + "]";
}

std::string ListJson(const std::vector<std::string>& items) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartArray();
  for (const std::string& s : items) w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  w.EndArray();
  return std::string(buf.GetString(), buf.GetSize());
}

std::vector<std::string> ListFrom(std::string_view json) {
  std::vector<std::string> out;
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError() || !d.IsArray()) return out;
  for (const auto& v : d.GetArray()) {
    if (v.IsString()) out.emplace_back(v.GetString(), v.GetStringLength());
  }
  return out;
}

long long IntField(const FieldMap& f, std::string_view name) {
  auto it = f.find(name);
  if (it == f.end()) return 0;
  long long v = 0;
  auto [p, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
  (void)p;
  return ec == std::errc() ? v : 0;
}

std::string FieldOf(const FieldMap& f, std::string_view name) {
  auto it = f.find(name);
  return it == f.end() ? std::string() : it->second;
}

}  // namespace

Result<api::Wish> RedisStore::AddWish(api::Wish wish) {
  if (!RedisKeys::ValidId(wish.id) || !RedisKeys::ValidId(wish.office_id)) {
    return Status::InvalidArgument("bad wish");
  }
  for (const std::string& d : wish.desks) {
    if (!RedisKeys::ValidId(d)) return Status::InvalidArgument("bad desk");
  }
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  std::vector<std::string> args = {
      MillisText(wish.created_at), MillisText(wish.expires_at), ListJson(wish.desks),
      "id", wish.id, "secret", wish.secret_hash, "office", wish.office_id,
      "services", ListJson(wish.services), "dur", std::to_string(wish.duration.count()),
      "occ", std::to_string(wish.occupancy.count()), "win", WindowsJson(wish.windows),
      "name", wish.contact.name, "email", wish.contact.email, "phone", wish.contact.phone,
      "lang", wish.contact.language, "osecret", wish.offer_secret_hash,
      "ottl", std::to_string(wish.offer_ttl.count()), "day", wish.day,
      "wdays", ListJson(wish.window_days), "ids", ListJson(wish.identities),
      "ilimit", std::to_string(std::max(0, wish.identity_limit))};
  auto replies = lease->PipelineEval({{"SADD", keys_.Offices(), wish.office_id}},
                                     RedisScript::kAddWish,
                                     {keys_.Wish(wish.office_id, wish.id), keys_.Wishes(wish.office_id)},
                                     args);
  if (Status s = CheckReplies(replies); !s.ok()) return s;
  std::string_view word = Word(*replies->back());
  if (word == "PRECOND") return Status::FailedPrecondition("wish id in use");
  if (word != "OK") return Refusal(word, "wish");
  wish.state = api::WishState::kWaiting;
  wish.offer_hold.clear();
  return wish;
}

Result<api::Wish> RedisStore::GetWish(const std::string& wish_id) {
  const std::string office(api::OfficeInHoldId(wish_id));
  if (office.empty() || !RedisKeys::ValidId(wish_id)) return Status::NotFound("no such wish");
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto r = lease->Command({"HGETALL", keys_.Wish(office, wish_id)});
  if (!r.ok()) return r.status();
  FieldMap f = Fields(**r);
  if (f.empty()) return Status::NotFound("no such wish");
  api::Wish w;
  w.id = FieldOf(f, "id");
  w.secret_hash = FieldOf(f, "secret");
  w.office_id = FieldOf(f, "office");
  w.services = ListFrom(FieldOf(f, "services"));
  w.desks = ListFrom(FieldOf(f, "desks"));
  w.duration = Minutes(IntField(f, "dur"));
  w.occupancy = Minutes(IntField(f, "occ"));
  rapidjson::Document d;
  const std::string win = FieldOf(f, "win");
  d.Parse(win.data(), win.size());
  if (!d.HasParseError() && d.IsArray()) {
    for (const auto& v : d.GetArray()) {
      if (v.IsArray() && v.Size() == 2 && v[0].IsInt64() && v[1].IsInt64()) {
        w.windows.push_back(Interval{Instant(Minutes(v[0].GetInt64())), Instant(Minutes(v[1].GetInt64()))});
      }
    }
  }
  w.contact.name = FieldOf(f, "name");
  w.contact.email = FieldOf(f, "email");
  w.contact.phone = FieldOf(f, "phone");
  w.contact.language = FieldOf(f, "lang");
  w.created_at = api::TimePoint(std::chrono::milliseconds(IntField(f, "created")));
  w.expires_at = api::TimePoint(std::chrono::milliseconds(IntField(f, "exp")));
  w.offer_secret_hash = FieldOf(f, "osecret");
  w.offer_ttl = std::chrono::milliseconds(IntField(f, "ottl"));
  w.state = FieldOf(f, "state") == "offered" ? api::WishState::kOffered : api::WishState::kWaiting;
  w.offer_hold = FieldOf(f, "hold");
  w.day = FieldOf(f, "day");
  w.window_days = ListFrom(FieldOf(f, "wdays"));
  w.identities = ListFrom(FieldOf(f, "ids"));
  w.identity_limit = static_cast<int>(IntField(f, "ilimit"));
  return w;
}

Status RedisStore::WithdrawWish(const std::string& wish_id, const std::string& secret_hash) {
  const std::string office(api::OfficeInHoldId(wish_id));
  if (office.empty() || !RedisKeys::ValidId(wish_id)) return Status::NotFound("no such wish");
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto r = lease->Eval(RedisScript::kWithdrawWish, {keys_.Wish(office, wish_id)}, {secret_hash});
  if (!r.ok()) return r.status();
  if ((*r)->type == REDIS_REPLY_ERROR) return ErrorReplyStatus(**r, "withdraw_wish");
  if (Word(**r) != "OK") return Status::NotFound("no such wish");
  return Status::Ok();
}

Result<std::size_t> RedisStore::OfferReleased(const std::string& office_id) {
  if (!RedisKeys::ValidId(office_id)) return Status::InvalidArgument("bad office id");
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  auto r = lease->Eval(RedisScript::kOfferReleased, {keys_.Desks(office_id), keys_.Wishes(office_id)}, {});
  if (!r.ok()) return r.status();
  if ((*r)->type == REDIS_REPLY_ERROR) return ErrorReplyStatus(**r, "offer_released");
  if (Word(**r) != "OK" || (*r)->elements < 2) return Status::Internal("unexpected answer");
  return static_cast<std::size_t>(Int(*(*r)->element[1]));
}

Result<bool> RedisStore::IdentityAtLimit(const std::string& office_id,
                                         const std::vector<std::string>& identities,
                                         const std::vector<std::string>& services, int limit) {
  if (limit <= 0 || identities.empty()) return false;
  if (!RedisKeys::ValidId(office_id)) return Status::InvalidArgument("bad office id");
  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  std::vector<std::string> args = {std::to_string(limit), ListJson(services)};
  args.insert(args.end(), identities.begin(), identities.end());
  auto r = lease->Eval(RedisScript::kIdentityAtLimit, {keys_.OfficeConfig(office_id)}, args);
  if (!r.ok()) return r.status();
  if ((*r)->type == REDIS_REPLY_ERROR) return ErrorReplyStatus(**r, "identity_at_limit");
  if (Word(**r) != "OK" || (*r)->elements < 2) return Status::Internal("unexpected answer");
  return Int(*(*r)->element[1]) != 0;
}

}  // namespace termin::service
