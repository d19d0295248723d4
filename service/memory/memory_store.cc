#include "service/memory/memory_store.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>
#include <tuple>

#include "api/http/request_parsing.h"
#include "api/security/secrets.h"
#include "api/tally.h"

namespace termin::service {

using api::AppointmentStatus;

namespace {

// A hold's or an appointment's claim, or a released place (api/store.h):
// is_hold with expires_at = when it was released (a lapsed hold's entry is
// one as it stands; a given-back hold's gets expires_at = the release; a
// cancelled appointment's becomes one with the id kReleasedPrefix + its
// reference). Entries expired longer than kReleasedKept are dropped.
struct ClaimEntry {
  Instant end;
  bool is_hold = false;
  std::string id;        // hold id or appointment reference
  TimePoint expires_at;  // holds and released places only
};

constexpr std::string_view kReleasedPrefix = "released:";

using DeskTimeline = std::multimap<Instant, ClaimEntry>;

bool Active(AppointmentStatus s) {
  return s == AppointmentStatus::kConfirmed || s == AppointmentStatus::kCheckedIn;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string Ticket(int n) {
  // "A001" .. "A999", then "B001" ...: short enough for a display board.
  char letter = static_cast<char>('A' + ((n - 1) / 999) % 26);
  char buf[8];
  std::snprintf(buf, sizeof buf, "%c%03d", letter, (n - 1) % 999 + 1);
  return buf;
}

}  // namespace

struct MemoryStore::Shard {
  std::mutex mutex;
  // Everything below is guarded by mutex.
  std::map<std::string, DeskTimeline> desks;
  Minutes longest_claim{0};  // bounds how far back an overlap scan starts
  std::map<std::string, HoldRecord> holds;
  std::map<std::string, AppointmentRecord> appointments;
  std::map<std::string, int> tickets;  // local day -> tickets drawn
  std::map<std::string, api::QueueDay> queue;             // local day -> its queue (no durations)
  std::map<std::string, std::vector<int>> durations;      // service key -> minutes, newest first
  api::Tallies tallies;  // local day -> evaluation counters (api/tally.h), never erased
  bool tallies_on = true;  // MemoryStore's `tallies`
  void Tally(const std::vector<api::TallyAdd>& adds) {
    if (tallies_on) api::ApplyTallies(adds, &tallies);
  }

  // A new display line for the desk's current entry `e`.
  void Announce(api::QueueDay& day, api::QueueEntry& e, const std::string& desk, TimePoint now) {
    ++e.calls;
    e.called_at = now;
    day.calls.calls.insert(day.calls.calls.begin(),
                           api::QueueCall{++day.calls.seq, e.ticket, desk, now});
    if (day.calls.calls.size() > api::kQueueCallsKept) day.calls.calls.resize(api::kQueueCallsKept);
  }
  ConfigDocument config;
  std::uint64_t touch_version = 0;  // config.version of the last TouchOfficeConfig
  std::uint64_t hold_version = 0;
  // Step markers (api/store.h, StepKey): token -> reference, until expiry.
  std::map<std::string, std::pair<std::string, TimePoint>> steps;
  // Fair use: identity digest -> references confirmed with it (pruned as
  // they end, are cancelled or erased).
  std::map<std::string, std::set<std::string>> by_identity;
  // The waitlist (api/store.h, Wish): id -> wish.
  std::map<std::string, api::Wish> wishes;
  std::uint64_t wish_arrivals = 0;  // AddWish's counter: the order of the waitlist
  std::map<std::string, std::uint64_t> wish_arrival;  // wish id -> its number (first come, first served)

  // Whether one of `a.identities` has `a.identity_limit` future confirmed
  // or checked-in appointments sharing a service with `services`.
  bool OverIdentityLimit(const AppointmentRecord& a, const std::vector<std::string>& services,
                         TimePoint now) {
    return AtIdentityLimit(a.identities, a.identity_limit, services, now);
  }
  bool AtIdentityLimit(const std::vector<std::string>& identities, int limit,
                       const std::vector<std::string>& services, TimePoint now) {
    if (limit <= 0) return false;
    const Instant at = std::chrono::time_point_cast<Minutes>(
        std::chrono::floor<std::chrono::minutes>(now));
    for (const std::string& identity : identities) {
      auto it = by_identity.find(identity);
      if (it == by_identity.end()) continue;
      int count = 0;
      for (auto ref = it->second.begin(); ref != it->second.end();) {
        auto other = appointments.find(*ref);
        const bool active = other != appointments.end() && !other->second.contact_erased &&
                            (other->second.status == AppointmentStatus::kConfirmed ||
                             other->second.status == AppointmentStatus::kCheckedIn ||
                             (other->second.status == AppointmentStatus::kPreconfirmed &&
                              other->second.confirm_by > now)) &&
                            other->second.booking.end > at;
        if (!active) {
          ref = it->second.erase(ref);
          continue;
        }
        const auto& theirs = other->second.booking.services;
        if (std::any_of(services.begin(), services.end(), [&](const std::string& svc) {
              return std::find(theirs.begin(), theirs.end(), svc) != theirs.end();
            })) {
          ++count;
        }
        ++ref;
      }
      if (it->second.empty()) by_identity.erase(it);
      if (count >= limit) return true;
    }
    return false;
  }

  // The reference a step with `key` wrote, "" if none (or none asked).
  std::string PriorStep(const api::StepKey& key, TimePoint now) {
    if (key.empty()) return "";
    auto it = steps.find(key.token);
    if (it == steps.end()) return "";
    if (it->second.second <= now) {
      steps.erase(it);
      return "";
    }
    return it->second.first;
  }
  void RecordStep(const api::StepKey& key, const std::string& reference, TimePoint now) {
    if (!key.empty()) steps[key.token] = {reference, now + key.ttl};
  }

  // The office config fence (api/store.h, Booking::office_version).
  // The day's queue a fenced step writes on (QueueFence): nullptr if the
  // fence is empty or the day's version moved on.
  api::QueueDay* Fenced(const api::QueueFence& fence) {
    if (fence.empty()) return nullptr;
    api::QueueDay& day = queue[fence.day];
    return day.version == fence.version ? &day : nullptr;
  }
  bool Stale(const Booking& b) const {
    return b.office_version != 0 && b.office_version != config.version;
  }

  // Whether any live claim on `desk` overlaps `iv`, ignoring `ignore_id`;
  // with `released_delay`, places released less than that long ago count
  // too. Released places older than kReleasedKept met on the way are dropped.
  bool Taken(const std::string& desk, Interval iv, TimePoint now, const std::string& ignore_id,
             std::chrono::milliseconds released_delay = {}) {
    auto d = desks.find(desk);
    if (d == desks.end()) return false;
    DeskTimeline& line = d->second;
    auto it = line.lower_bound(iv.begin - longest_claim);
    while (it != line.end() && it->first < iv.end) {
      const ClaimEntry& e = it->second;
      if (e.is_hold && e.expires_at + api::kReleasedKept <= now) {
        it = line.erase(it);
        continue;
      }
      if (e.is_hold && e.expires_at + released_delay <= now) {
        ++it;
        continue;
      }
      if (e.id != ignore_id && it->first < iv.end && iv.begin < e.end) return true;
      ++it;
    }
    return false;
  }

  void AddClaim(const std::string& desk, Interval iv, bool is_hold, const std::string& id,
                TimePoint expires_at) {
    desks[desk].emplace(iv.begin, ClaimEntry{iv.end, is_hold, id, expires_at});
    longest_claim = std::max(longest_claim, iv.length());
  }

  // The claim entry of hold or appointment `id` on `desk` at `begin`.
  ClaimEntry* FindClaim(const std::string& desk, Instant begin, const std::string& id) {
    auto d = desks.find(desk);
    if (d == desks.end()) return nullptr;
    auto range = d->second.equal_range(begin);
    for (auto it = range.first; it != range.second; ++it) {
      if (it->second.id == id) return &it->second;
    }
    return nullptr;
  }

  void RemoveClaim(const std::string& desk, Instant begin, const std::string& id) {
    auto d = desks.find(desk);
    if (d == desks.end()) return;
    auto range = d->second.equal_range(begin);
    for (auto it = range.first; it != range.second; ++it) {
      if (it->second.id == id) {
        d->second.erase(it);
        return;
      }
    }
  }
};

MemoryStore::MemoryStore(std::shared_ptr<const api::Clock> clock, bool tallies)
    : clock_(std::move(clock)), tallies_(tallies) {}
MemoryStore::~MemoryStore() = default;

MemoryStore::Shard& MemoryStore::ShardFor(const std::string& office_id) {
  {
    std::shared_lock<std::shared_mutex> lock(shards_mutex_);
    auto it = shards_.find(office_id);
    if (it != shards_.end()) return *it->second;
  }
  std::unique_lock<std::shared_mutex> lock(shards_mutex_);
  auto& slot = shards_[office_id];
  if (!slot) {
    slot = std::make_unique<Shard>();
    slot->tallies_on = tallies_;
  }
  return *slot;
}

MemoryStore::Shard* MemoryStore::FindShard(const std::string& office_id) {
  std::shared_lock<std::shared_mutex> lock(shards_mutex_);
  auto it = shards_.find(office_id);
  return it == shards_.end() ? nullptr : it->second.get();
}

std::string MemoryStore::OfficeOfReference(const std::string& reference) {
  std::lock_guard<std::mutex> lock(index_mutex_);
  auto it = reference_office_.find(reference);
  return it == reference_office_.end() ? std::string() : it->second;
}

MemoryStore::Shard* MemoryStore::ShardOfHold(const std::string& hold_id) {
  std::string office = OfficeOfHold(hold_id);
  return office.empty() ? nullptr : FindShard(office);
}

MemoryStore::Shard* MemoryStore::ShardOfReference(const std::string& reference) {
  std::string office = OfficeOfReference(reference);
  return office.empty() ? nullptr : FindShard(office);
}

std::string MemoryStore::OfficeOfHold(const std::string& hold_id) {
  std::lock_guard<std::mutex> lock(index_mutex_);
  auto it = hold_office_.find(hold_id);
  return it == hold_office_.end() ? std::string() : it->second;
}

void MemoryStore::AppendJobs(std::vector<OutboxJob> jobs) {
  if (jobs.empty()) return;
  std::lock_guard<std::mutex> lock(outbox_mutex_);
  for (auto& j : jobs) outbox_.emplace(j.due, std::move(j));
}

Result<DeskClaims> MemoryStore::ReadClaims(const std::string& office_id, Interval range) {
  return ReadPublicClaims(office_id, range, std::chrono::milliseconds(0));
}

Result<DeskClaims> MemoryStore::ReadPublicClaims(const std::string& office_id, Interval range,
                                                 std::chrono::milliseconds released_delay) {
  DeskClaims out;
  Shard* shard = FindShard(office_id);
  if (!shard) return out;
  TimePoint now = clock_->Now();
  std::lock_guard<std::mutex> lock(shard->mutex);
  for (const auto& [desk, line] : shard->desks) {
    std::vector<Interval> claimed;
    for (auto it = line.lower_bound(range.begin - shard->longest_claim);
         it != line.end() && it->first < range.end; ++it) {
      const ClaimEntry& e = it->second;
      if (e.is_hold && e.expires_at + released_delay <= now) continue;
      if (e.end <= range.begin) continue;
      claimed.push_back(Interval{it->first, e.end});
    }
    if (!claimed.empty()) out[desk] = IntervalSet::FromSorted(claimed);
  }
  return out;
}

Result<HoldRecord> MemoryStore::PlaceHold(HoldRecord hold) {
  Shard& shard = ShardFor(hold.booking.office_id);
  TimePoint now = clock_->Now();
  std::lock_guard<std::mutex> lock(shard.mutex);
  if (shard.Stale(hold.booking)) return Status::Aborted("the office configuration changed");
  OfferMet(shard, hold.booking.office_id, hold.booking.desk_id, hold.booking.claim(), now);
  if (shard.Taken(hold.booking.desk_id, hold.booking.claim(), now, "", hold.released_delay)) {
    return Status::Conflict("the interval is taken");
  }
  api::QueueDay* fenced = shard.Fenced(api::QueueFence{hold.queue_day, hold.queue_version});
  if (!hold.queue_day.empty() && !fenced) {
    return Status::Aborted("the day's queue moved since the hold was judged");
  }
  {
    std::lock_guard<std::mutex> index(index_mutex_);
    if (!hold_office_.emplace(hold.id, hold.booking.office_id).second) {
      return Status::Internal("hold id in use");
    }
  }
  hold.version = ++shard.hold_version;
  hold.released_delay = std::chrono::milliseconds(0);  // a step input, not stored
  shard.AddClaim(hold.booking.desk_id, hold.booking.claim(), true, hold.id, hold.expires_at);
  if (fenced) ++fenced->version;
  hold.queue_day.clear();
  hold.queue_version = 0;
  shard.holds[hold.id] = hold;
  return hold;
}

Result<HoldRecord> MemoryStore::GetHold(const std::string& hold_id) {
  Shard* shard = ShardOfHold(hold_id);
  if (!shard) return Status::NotFound("no such hold");
  std::lock_guard<std::mutex> lock(shard->mutex);
  auto it = shard->holds.find(hold_id);
  if (it == shard->holds.end()) return Status::NotFound("no such hold");
  return it->second;
}

Result<HoldRecord> MemoryStore::ExtendHold(const std::string& hold_id,
                                           const std::string& secret_hash,
                                           std::chrono::milliseconds ttl, int max_extensions) {
  Shard* shard = ShardOfHold(hold_id);
  if (!shard) return Status::NotFound("no such hold");
  TimePoint now = clock_->Now();
  std::lock_guard<std::mutex> lock(shard->mutex);
  auto it = shard->holds.find(hold_id);
  if (it == shard->holds.end() || !api::ConstantTimeEquals(secret_hash, it->second.secret_hash)) {
    return Status::NotFound("no such hold");
  }
  HoldRecord& hold = it->second;
  if (hold.voided) return Status::Gone("an office change removed the held start");
  if (hold.expires_at <= now) return Status::Gone("the hold expired");
  if (hold.extensions >= max_extensions) {
    return Status::ResourceExhausted("the hold was extended as often as allowed");
  }
  // Live, so its claim entry is still in the timeline (Taken drops only
  // expired ones) and nobody else's claim overlaps it: moving its expiry
  // needs no overlap check.
  ClaimEntry* claim = shard->FindClaim(hold.booking.desk_id, hold.booking.start, hold_id);
  if (!claim) return Status::Internal("a live hold without its claim");
  hold.expires_at = std::max(hold.expires_at, now + ttl);
  hold.extensions += 1;
  claim->expires_at = hold.expires_at;
  return hold;
}

Status MemoryStore::ReleaseHold(const std::string& hold_id, const std::string& secret_hash) {
  Shard* shard = ShardOfHold(hold_id);
  if (!shard) return Status::NotFound("no such hold");
  std::lock_guard<std::mutex> lock(shard->mutex);
  auto it = shard->holds.find(hold_id);
  if (it == shard->holds.end() || !api::ConstantTimeEquals(secret_hash, it->second.secret_hash)) {
    return Status::NotFound("no such hold");
  }
  // A live hold's place is released now (api/store.h); the entry of a
  // lapsed one already says when it lapsed. A declined offer ends its wish;
  // the place goes to the next one.
  const api::Booking freed = it->second.booking;
  if (auto w = shard->wishes.find(it->second.wish_id); w != shard->wishes.end()) {
    shard->Tally(api::TallyWish(w->second.day, "declined"));
    shard->wishes.erase(w);
  }
  const bool claimed = shard->FindClaim(freed.desk_id, freed.start, hold_id) != nullptr;
  if (ClaimEntry* claim = shard->FindClaim(freed.desk_id, freed.start, hold_id)) {
    claim->expires_at = std::min(claim->expires_at, clock_->Now());
  }
  shard->holds.erase(it);
  if (claimed) OfferFreed(*shard, freed.office_id, freed.desk_id, freed.start, hold_id, clock_->Now());
  std::lock_guard<std::mutex> index(index_mutex_);
  hold_office_.erase(hold_id);
  return Status::Ok();
}

Result<AppointmentRecord> MemoryStore::ConfirmHold(const std::string& hold_id,
                                                   const std::string& secret_hash,
                                                   std::optional<std::uint64_t> version,
                                                   AppointmentRecord appointment,
                                                   const JobPlan& plan,
                                                   const api::StepKey& key) {
  std::string office(api::OfficeInHoldId(hold_id));
  if (office.empty() || !FindShard(office)) office = OfficeOfHold(hold_id);
  Shard* shard = office.empty() ? nullptr : FindShard(office);
  if (!shard) return Status::NotFound("no such hold");
  TimePoint now = clock_->Now();
  std::lock_guard<std::mutex> lock(shard->mutex);
  // Done before (the hold is gone by now): the appointment it became.
  if (std::string prior = shard->PriorStep(key, now); !prior.empty()) {
    auto done = shard->appointments.find(prior);
    if (done != shard->appointments.end()) return done->second;
  }
  auto it = shard->holds.find(hold_id);
  if (it == shard->holds.end() || !api::ConstantTimeEquals(secret_hash, it->second.secret_hash) ||
      (version && *version != it->second.version)) {
    return Status::NotFound("no such hold");
  }
  const HoldRecord& hold = it->second;
  if (hold.voided) return Status::Gone("an office change removed the held start");
  // Expired means gone, even if nobody took the place since: the citizen
  // was promised the place only until expires_at.
  if (hold.expires_at <= now) return Status::Gone("the hold expired");
  // Placed before a service change: the caller checks it still fits first.
  if (hold.booking.office_version < shard->touch_version &&
      appointment.booking.office_version != shard->config.version) {
    return Status::Aborted("the office's services changed since the hold was placed");
  }
  if (shard->OverIdentityLimit(appointment, hold.booking.services, now)) {
    return Status::ResourceExhausted("these contact details have enough appointments here");
  }
  {
    std::lock_guard<std::mutex> index(index_mutex_);
    if (!reference_office_.emplace(appointment.reference, office).second) {
      return Status::FailedPrecondition("reference in use");
    }
    hold_office_.erase(hold_id);
  }
  if (appointment.identity_limit > 0) {
    for (const std::string& identity : appointment.identities) {
      shard->by_identity[identity].insert(appointment.reference);
    }
  }
  appointment.identities.clear();  // kept in the index only, as in Redis
  appointment.identity_limit = 0;
  appointment.booking = hold.booking;
  shard->RemoveClaim(hold.booking.desk_id, hold.booking.start, hold_id);
  // A preconfirmed booking's claim lapses at confirm_by, as a hold's does.
  const bool preconfirmed = appointment.status == AppointmentStatus::kPreconfirmed;
  shard->AddClaim(appointment.booking.desk_id, appointment.booking.claim(), preconfirmed,
                  appointment.reference, preconfirmed ? appointment.confirm_by : TimePoint{});
  if (auto w = shard->wishes.find(hold.wish_id); w != shard->wishes.end()) {  // an accepted offer
    shard->Tally(api::TallyWish(w->second.day, "accepted"));
    shard->wishes.erase(w);
  }
  shard->holds.erase(it);
  shard->appointments[appointment.reference] = appointment;
  shard->Tally(api::TallyAppointment(
      appointment, preconfirmed ? api::TallyEvent::kOptInAsked : api::TallyEvent::kBooked,
      appointment.created_at));
  shard->RecordStep(key, appointment.reference, now);
  AppendJobs(api::PlanJobs(plan, appointment.reference, appointment.booking.start));
  return appointment;
}

Result<AppointmentRecord> MemoryStore::CreateAppointment(AppointmentRecord appointment,
                                                         const std::string& ticket_day,
                                                         std::vector<OutboxJob> jobs,
                                                         const api::StepKey& key,
                                                         const api::QueueFence& fence) {
  const std::string office = appointment.booking.office_id;
  Shard& shard = ShardFor(office);
  TimePoint now = clock_->Now();
  std::lock_guard<std::mutex> lock(shard.mutex);
  if (std::string prior = shard.PriorStep(key, now); !prior.empty()) {
    auto done = shard.appointments.find(prior);
    if (done != shard.appointments.end()) return done->second;
  }
  if (shard.Stale(appointment.booking)) return Status::Aborted("the office configuration changed");
  if (shard.Taken(appointment.booking.desk_id, appointment.booking.claim(), now, "")) {
    return Status::Conflict("the interval is taken");
  }
  api::QueueDay* fenced = shard.Fenced(fence);
  if (!fence.empty() && !fenced) return Status::Aborted("the day's queue moved since the booking was judged");
  {
    std::lock_guard<std::mutex> index(index_mutex_);
    if (!reference_office_.emplace(appointment.reference, office).second) {
      return Status::FailedPrecondition("reference in use");
    }
  }
  if (!ticket_day.empty()) {
    const int number = ++shard.tickets[ticket_day];
    appointment.ticket = Ticket(number);
    api::QueueEntry e;
    e.ticket = appointment.ticket;
    e.number = number;
    e.kind = api::QueueKind::kAppointment;
    e.reference = appointment.reference;
    e.services = appointment.booking.services;
    e.due = api::ToTimePoint(appointment.booking.start);
    api::QueueDay& day = shard.queue[ticket_day];
    day.entries.push_back(std::move(e));
    ++day.version;
  }
  shard.AddClaim(appointment.booking.desk_id, appointment.booking.claim(), false,
                 appointment.reference, TimePoint{});
  if (fenced) ++fenced->version;
  shard.appointments[appointment.reference] = appointment;
  shard.Tally(api::TallyAppointment(appointment, api::TallyEvent::kBooked, appointment.created_at));
  shard.RecordStep(key, appointment.reference, now);
  AppendJobs(std::move(jobs));
  return appointment;
}

Result<std::string> MemoryStore::StepResult(const std::string& office_id, const std::string& token) {
  Shard* shard = FindShard(office_id);
  if (!shard || token.empty()) return std::string();
  std::lock_guard<std::mutex> lock(shard->mutex);
  return shard->PriorStep(api::StepKey{token, std::chrono::seconds(1)}, clock_->Now());
}

Result<AppointmentRecord> MemoryStore::GetAppointment(const std::string& reference) {
  Shard* shard = ShardOfReference(reference);
  if (!shard) return Status::NotFound("no such appointment");
  std::lock_guard<std::mutex> lock(shard->mutex);
  auto it = shard->appointments.find(reference);
  if (it == shard->appointments.end()) return Status::NotFound("no such appointment");
  AppointmentRecord a = it->second;
  api::SettleOptIn(a, clock_->Now());
  return a;
}

Result<AppointmentRecord> MemoryStore::ConfirmOptIn(const std::string& reference,
                                                    std::vector<OutboxJob> jobs) {
  Shard* shard = ShardOfReference(reference);
  if (!shard) return Status::NotFound("no such appointment");
  const TimePoint now = clock_->Now();
  std::lock_guard<std::mutex> lock(shard->mutex);
  auto it = shard->appointments.find(reference);
  if (it == shard->appointments.end()) return Status::NotFound("no such appointment");
  AppointmentRecord& a = it->second;
  if (a.status == AppointmentStatus::kConfirmed) return a;
  if (a.status != AppointmentStatus::kPreconfirmed) {
    return Status::FailedPrecondition("the appointment does not wait for a confirmation");
  }
  if (a.confirm_by <= now) return Status::Gone("the time to confirm ran out; the place went back");
  // Its claim no longer lapses: the entry becomes an appointment's.
  ClaimEntry* claim = shard->FindClaim(a.booking.desk_id, a.booking.start, reference);
  if (!claim) return Status::Internal("a preconfirmed appointment without its claim");
  claim->is_hold = false;
  claim->expires_at = TimePoint{};
  a.status = AppointmentStatus::kConfirmed;
  a.confirm_by = TimePoint{};
  shard->Tally(api::TallyAppointment(a, api::TallyEvent::kOptInConfirmed, now));
  AppendJobs(std::move(jobs));
  return a;
}

Result<AppointmentRecord> MemoryStore::CancelAppointment(const std::string& reference,
                                                         const std::string& reason,
                                                         std::vector<OutboxJob> jobs,
                                                         const api::StepKey& key) {
  Shard* shard = ShardOfReference(reference);
  if (!shard) return Status::NotFound("no such appointment");
  std::lock_guard<std::mutex> lock(shard->mutex);
  auto it = shard->appointments.find(reference);
  if (it == shard->appointments.end()) return Status::NotFound("no such appointment");
  AppointmentRecord& a = it->second;
  if (shard->PriorStep(key, clock_->Now()) == reference) return a;  // cancelled by this request
  AppointmentRecord settled = a;
  api::SettleOptIn(settled, clock_->Now());
  if (!Active(settled.status) && settled.status != AppointmentStatus::kPreconfirmed) {
    return Status::FailedPrecondition("the appointment is already " +
                                      std::string(a.status == AppointmentStatus::kCancelled
                                                      ? "cancelled"
                                                      : "closed"));
  }
  shard->RemoveClaim(a.booking.desk_id, a.booking.start, reference);
  const bool open_opt_in = a.status == AppointmentStatus::kPreconfirmed;
  a.status = AppointmentStatus::kCancelled;
  ++a.revision;
  a.cancel_reason = reason;
  a.closed_at = clock_->Now();
  shard->Tally(api::TallyAppointment(
      a, open_opt_in ? api::TallyEvent::kOptInCancelled : api::TallyEvent::kCancelled, a.closed_at));
  // Its place is released in this step (api/store.h).
  shard->AddClaim(a.booking.desk_id, a.booking.claim(), true,
                  std::string(kReleasedPrefix) + reference, a.closed_at);
  // ... and offered to the waitlist in it.
  OfferFreed(*shard, a.booking.office_id, a.booking.desk_id, a.booking.start,
             std::string(kReleasedPrefix) + reference, clock_->Now());
  shard->RecordStep(key, reference, a.closed_at);
  AppendJobs(std::move(jobs));
  return a;
}

Result<AppointmentRecord> MemoryStore::MoveAppointment(const std::string& reference, Booking to,
                                                       std::vector<OutboxJob> jobs,
                                                       const api::StepKey& key,
                                                       const api::QueueFence& fence) {
  std::string from_office = OfficeOfReference(reference);
  if (from_office.empty()) return Status::NotFound("no such appointment");
  Shard* from = FindShard(from_office);
  if (!from) return Status::NotFound("no such appointment");
  Shard& dest = ShardFor(to.office_id);
  TimePoint now = clock_->Now();
  // One step over both offices: both shards are locked together.
  std::unique_lock<std::mutex> lock_a(from->mutex, std::defer_lock);
  std::unique_lock<std::mutex> lock_b(dest.mutex, std::defer_lock);
  if (from == &dest) {
    lock_a.lock();
  } else {
    std::lock(lock_a, lock_b);
  }
  auto it = from->appointments.find(reference);
  if (it == from->appointments.end()) return Status::NotFound("no such appointment");
  AppointmentRecord a = it->second;
  if (dest.PriorStep(key, now) == reference) return a;  // moved by this request
  if (a.status != AppointmentStatus::kConfirmed) {
    return Status::FailedPrecondition("only a confirmed appointment can be moved");
  }
  if (dest.Stale(to)) return Status::Aborted("the office configuration changed");
  if (dest.Taken(to.desk_id, to.claim(), now, reference)) {
    return Status::Conflict("the interval is taken");
  }
  api::QueueDay* fenced = dest.Fenced(fence);
  if (!fence.empty() && !fenced) return Status::Aborted("the day's queue moved since the move was judged");
  if (fenced) ++fenced->version;
  from->RemoveClaim(a.booking.desk_id, a.booking.start, reference);
  from->Tally(api::TallyMoveOut(a));  // both shards are locked
  dest.Tally(api::TallyMoveIn(a, to));
  const Booking old = a.booking;
  a.booking = to;
  ++a.revision;
  dest.AddClaim(to.desk_id, to.claim(), false, reference, TimePoint{});
  // The old place is released in this step, as a cancel's is (api/store.h),
  // and offered to the waitlist once the new claim is written.
  from->AddClaim(old.desk_id, old.claim(), true, std::string(kReleasedPrefix) + reference, now);
  OfferFreed(*from, old.office_id, old.desk_id, old.start, std::string(kReleasedPrefix) + reference,
             now);
  if (from != &dest) {
    from->appointments.erase(it);
    dest.appointments[reference] = a;
    std::lock_guard<std::mutex> index(index_mutex_);
    reference_office_[reference] = to.office_id;
  } else {
    it->second = a;
  }
  dest.RecordStep(key, reference, now);
  AppendJobs(std::move(jobs));
  return a;
}

Result<AppointmentRecord> MemoryStore::CheckIn(const std::string& reference,
                                               const std::string& ticket_day) {
  Shard* shard = ShardOfReference(reference);
  if (!shard) return Status::NotFound("no such appointment");
  std::lock_guard<std::mutex> lock(shard->mutex);
  auto it = shard->appointments.find(reference);
  if (it == shard->appointments.end()) return Status::NotFound("no such appointment");
  AppointmentRecord& a = it->second;
  if (a.status == AppointmentStatus::kCheckedIn) return a;  // a kiosk retry
  if (a.status != AppointmentStatus::kConfirmed) {
    return Status::FailedPrecondition("the appointment is not open for check-in");
  }
  a.status = AppointmentStatus::kCheckedIn;
  shard->Tally(api::TallyAppointment(a, api::TallyEvent::kCheckedIn, clock_->Now()));
  const int number = ++shard->tickets[ticket_day];
  a.ticket = Ticket(number);
  api::QueueEntry e;
  e.ticket = a.ticket;
  e.number = number;
  e.kind = api::QueueKind::kAppointment;
  e.reference = a.reference;
  e.services = a.booking.services;
  e.due = api::ToTimePoint(a.booking.start);
  api::QueueDay& day = shard->queue[ticket_day];
  day.entries.push_back(std::move(e));
  ++day.version;
  return a;
}

Result<api::QueueDay> MemoryStore::ReadQueue(const std::string& office_id, const std::string& day) {
  Shard& shard = ShardFor(office_id);
  std::lock_guard<std::mutex> lock(shard.mutex);
  api::QueueDay out;
  if (auto it = shard.queue.find(day); it != shard.queue.end()) out = it->second;
  out.durations = shard.durations;
  return out;
}

Result<api::QueueCalls> MemoryStore::ReadQueueCalls(const std::string& office_id,
                                                    const std::string& day) {
  Shard& shard = ShardFor(office_id);
  std::lock_guard<std::mutex> lock(shard.mutex);
  if (auto it = shard.queue.find(day); it != shard.queue.end()) return it->second.calls;
  return api::QueueCalls{};
}

Result<api::QueueEntry> MemoryStore::IssueTicket(const std::string& office_id, const std::string& day,
                                                 api::QueueEntry walk_in,
                                                 std::uint64_t expected_version) {
  Shard& shard = ShardFor(office_id);
  std::lock_guard<std::mutex> lock(shard.mutex);
  api::QueueDay& q = shard.queue[day];
  if (q.version != expected_version) return Status::Aborted("the queue moved since it was read");
  walk_in.number = ++shard.tickets[day];
  walk_in.ticket = Ticket(walk_in.number);
  walk_in.state = api::QueueState::kWaiting;
  walk_in.desk.clear();
  walk_in.for_desk.clear();
  walk_in.calls = 0;
  q.entries.push_back(walk_in);
  ++q.version;
  shard.Tally(api::TallyTicket(day, walk_in));
  return walk_in;
}

Result<api::QueueDesk> MemoryStore::SetQueueDesk(const std::string& office_id, const std::string& day,
                                                 api::QueueDesk desk) {
  Shard& shard = ShardFor(office_id);
  std::lock_guard<std::mutex> lock(shard.mutex);
  api::QueueDay& q = shard.queue[day];
  api::QueueDesk& d = q.desks[desk.id];
  d.id = desk.id;
  d.open = desk.open;
  d.closes_at = desk.closes_at;
  ++q.version;
  return d;
}

Result<api::QueueEntry> MemoryStore::CallNext(const std::string& office_id, const std::string& day,
                                              const std::string& desk,
                                              const std::vector<std::string>& can_do, TimePoint now) {
  Shard& shard = ShardFor(office_id);
  std::lock_guard<std::mutex> lock(shard.mutex);
  api::QueueDay& q = shard.queue[day];
  auto d = q.desks.find(desk);
  if (d == q.desks.end() || !d->second.open ||
      (d->second.closes_at != TimePoint{} && d->second.closes_at <= now)) {
    return Status::FailedPrecondition("the desk is not open");
  }
  if (!d->second.current.empty()) {
    return Status::FailedPrecondition("the desk still has ticket " + d->second.current);
  }
  auto next = api::NextForDesk(q.entries, desk, can_do, now);
  if (!next) return Status::NotFound("nobody waits whom this desk can serve");
  api::QueueEntry& e = q.entries[*next];
  e.state = api::QueueState::kCalled;
  e.desk = desk;
  e.for_desk.clear();
  if (e.calls == 0) shard.Tally(api::TallyFirstCall(day, e, now));
  shard.Announce(q, e, desk, now);
  d->second.current = e.ticket;
  ++q.version;
  return e;
}

Result<api::QueueEntry> MemoryStore::DeskStep(const std::string& office_id, const std::string& day,
                                              const std::string& desk, api::DeskAction action,
                                              TimePoint now, const std::string& to_desk) {
  using api::DeskAction;
  using api::QueueState;
  Shard& shard = ShardFor(office_id);
  std::lock_guard<std::mutex> lock(shard.mutex);
  api::QueueDay& q = shard.queue[day];
  auto d = q.desks.find(desk);
  if (d == q.desks.end() || d->second.current.empty()) {
    return Status::FailedPrecondition("the desk has no current visitor");
  }
  auto it = std::find_if(q.entries.begin(), q.entries.end(),
                         [&](const api::QueueEntry& e) { return e.ticket == d->second.current; });
  if (it == q.entries.end()) return Status::Internal("the desk's ticket vanished");
  api::QueueEntry& e = *it;
  auto close_appointment = [&](AppointmentStatus status) {
    if (e.reference.empty()) return;
    auto a = shard.appointments.find(e.reference);
    if (a == shard.appointments.end() || a->second.status != AppointmentStatus::kCheckedIn) return;
    a->second.status = status;
    a->second.closed_at = now;
    if (status == AppointmentStatus::kNoShow) {
      shard.Tally(api::TallyAppointment(a->second, api::TallyEvent::kNoShow, now));
    }
  };
  switch (action) {
    case DeskAction::kRecall:
      if (e.state != QueueState::kCalled) return Status::FailedPrecondition("the visitor is not called");
      shard.Announce(q, e, desk, now);
      break;
    case DeskAction::kStart:
      if (e.state != QueueState::kCalled) return Status::FailedPrecondition("the visitor is not called");
      e.state = QueueState::kServing;
      e.started_at = now;
      break;
    case DeskAction::kDone: {
      if (e.state != QueueState::kServing) return Status::FailedPrecondition("the visit has not started");
      e.state = QueueState::kDone;
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - e.started_at).count();
      int minutes = std::max(1, static_cast<int>((ms + 30000) / 60000));
      std::vector<int>& book = shard.durations[api::QueueServiceKey(e.services)];
      book.insert(book.begin(), minutes);
      if (book.size() > api::kQueueDurationsKept) book.resize(api::kQueueDurationsKept);
      shard.Tally(api::TallyServed(day, e, desk, minutes));
      close_appointment(AppointmentStatus::kDone);
      d->second.current.clear();
      break;
    }
    case DeskAction::kNoShow:
      if (e.state != QueueState::kCalled) return Status::FailedPrecondition("the visitor is not called");
      e.state = QueueState::kNoShow;
      close_appointment(AppointmentStatus::kNoShow);
      d->second.current.clear();
      break;
    case DeskAction::kRequeue:
    case DeskAction::kTransfer:
      if (action == DeskAction::kTransfer && (to_desk.empty() || to_desk == desk)) {
        return Status::InvalidArgument("transfer needs another desk");
      }
      e.state = QueueState::kWaiting;
      e.for_desk = action == DeskAction::kTransfer ? to_desk : "";
      d->second.current.clear();
      break;
  }
  ++q.version;
  return e;
}

Result<AppointmentRecord> MemoryStore::MarkNoShow(const std::string& reference, Instant latest_start) {
  Shard* shard = ShardOfReference(reference);
  if (!shard) return Status::NotFound("no such appointment");
  std::lock_guard<std::mutex> lock(shard->mutex);
  auto it = shard->appointments.find(reference);
  if (it == shard->appointments.end()) return Status::NotFound("no such appointment");
  AppointmentRecord& a = it->second;
  if (a.status != AppointmentStatus::kConfirmed || a.booking.start > latest_start) {
    return Status::FailedPrecondition("the appointment is not overdue");
  }
  shard->RemoveClaim(a.booking.desk_id, a.booking.start, reference);
  a.status = AppointmentStatus::kNoShow;
  a.closed_at = clock_->Now();
  shard->Tally(api::TallyAppointment(a, api::TallyEvent::kNoShow, a.closed_at));
  return a;
}

Result<AppointmentRecord> MemoryStore::AddNote(const std::string& reference, Note note) {
  Shard* shard = ShardOfReference(reference);
  if (!shard) return Status::NotFound("no such appointment");
  std::lock_guard<std::mutex> lock(shard->mutex);
  auto it = shard->appointments.find(reference);
  if (it == shard->appointments.end()) return Status::NotFound("no such appointment");
  if (it->second.notes.size() >= 100) {
    return Status::FailedPrecondition("the appointment has 100 notes already");
  }
  it->second.notes.push_back(std::move(note));
  return it->second;
}

Result<std::vector<AppointmentRecord>> MemoryStore::FindAppointments(
    const AppointmentQuery& query) {
  std::vector<AppointmentRecord> out;
  if (!query.reference.empty()) {
    auto a = GetAppointment(query.reference);
    if (a.ok() && (query.offices.empty() ||
                   std::find(query.offices.begin(), query.offices.end(),
                             a->booking.office_id) != query.offices.end())) {
      out.push_back(std::move(a).value());
    }
    return out;
  }
  std::vector<std::pair<std::string, Shard*>> shards;
  {
    std::shared_lock<std::shared_mutex> lock(shards_mutex_);
    for (auto& [id, shard] : shards_) {
      if (query.offices.empty() ||
          std::find(query.offices.begin(), query.offices.end(), id) != query.offices.end()) {
        shards.emplace_back(id, shard.get());
      }
    }
  }
  std::string name = Lower(query.name);
  for (auto& [id, shard] : shards) {
    std::lock_guard<std::mutex> lock(shard->mutex);
    for (const auto& [ref, a] : shard->appointments) {
      if (a.contact_erased) continue;
      bool match = false;
      if (!query.phone.empty()) {
        match = !a.contact.phone.empty() && api::PhoneDigits(a.contact.phone) == query.phone;
      } else if (!name.empty()) {
        match = Lower(a.contact.name).find(name) != std::string::npos;
      }
      if (match) {
        out.push_back(a);
        api::SettleOptIn(out.back(), clock_->Now());
      }
      if (out.size() >= query.limit) break;
    }
    if (out.size() >= query.limit) break;
  }
  std::sort(out.begin(), out.end(), [](const AppointmentRecord& a, const AppointmentRecord& b) {
    return a.booking.start < b.booking.start;
  });
  return out;
}

Result<std::vector<AppointmentRecord>> MemoryStore::ListActiveAppointments(
    const std::string& office_id, Instant from) {
  std::vector<AppointmentRecord> out;
  Shard* shard = FindShard(office_id);
  if (!shard) return out;
  std::lock_guard<std::mutex> lock(shard->mutex);
  for (const auto& [ref, a] : shard->appointments) {
    if (Active(a.status) && a.booking.end > from) out.push_back(a);
  }
  return out;
}

Result<ConfigDocument> MemoryStore::GetOfficeConfig(const std::string& office_id) {
  Shard* shard = FindShard(office_id);
  if (!shard) return ConfigDocument{};
  std::lock_guard<std::mutex> lock(shard->mutex);
  return shard->config;
}

/* An office change judges every claim under the shard's lock, the same lock
   every booking step of the office takes: a booking either wrote before
   (and is judged here) or writes after (and meets the fence, its version
   being the old one). Nothing is written before the judging is done, so a
   refused change changes nothing. */
Result<api::OfficeChangeOutcome> MemoryStore::PutOfficeConfig(const std::string& office_id,
                                                              const api::OfficeChange& change) {
  Shard& shard = ShardFor(office_id);
  std::lock_guard<std::mutex> lock(shard.mutex);
  if (shard.config.version != change.expected_version) {
    return Status::Conflict("the office configuration changed meanwhile");
  }
  TimePoint now = clock_->Now();
  api::OfficeChangeOutcome out;
  struct Misfit {
    std::string desk;
    Instant begin;
    const ClaimEntry* entry;
  };
  std::vector<Misfit> misfits;
  for (const auto& [desk, line] : shard.desks) {
    for (auto it = line.lower_bound(change.judged.begin - shard.longest_claim); it != line.end();
         ++it) {
      const ClaimEntry& e = it->second;
      if (e.end <= change.judged.begin || (e.is_hold && e.expires_at <= now)) continue;
      if (e.end > change.judged.end) {
        out.beyond = std::max(out.beyond.value_or(e.end), e.end);
        continue;
      }
      const std::vector<std::string>* services = nullptr;
      if (e.is_hold) {
        auto h = shard.holds.find(e.id);
        if (h != shard.holds.end()) services = &h->second.booking.services;
      } else {
        auto a = shard.appointments.find(e.id);
        if (a != shard.appointments.end() && Active(a->second.status)) {
          services = &a->second.booking.services;
        }
      }
      if (!services || change.Fits(desk, *services, Interval{it->first, e.end})) continue;
      misfits.push_back(Misfit{desk, it->first, &e});
      if (e.is_hold) {
        ++out.voided_holds;
      } else {
        out.appointments.push_back(api::AffectedVisit{e.id, it->first});
      }
    }
  }
  std::sort(out.appointments.begin(), out.appointments.end(),
            [](const api::AffectedVisit& a, const api::AffectedVisit& b) {
              return std::tie(a.start, a.reference) < std::tie(b.start, b.reference);
            });
  if (out.beyond) return out;
  if (!out.appointments.empty() && !change.cancel_conflicting) return out;
  std::vector<OutboxJob> jobs;
  for (const Misfit& m : misfits) {
    const std::string id = m.entry->id;  // the entry goes with RemoveClaim
    const bool is_hold = m.entry->is_hold;
    shard.RemoveClaim(m.desk, m.begin, id);
    if (is_hold) {
      shard.holds[id].voided = true;
      continue;
    }
    AppointmentRecord& a = shard.appointments[id];
    a.status = AppointmentStatus::kCancelled;
    ++a.revision;
    a.cancel_reason = "office_change";
    a.closed_at = now;
    shard.Tally(api::TallyAppointment(a, api::TallyEvent::kCancelled, now));
    if (!a.contact.email.empty() || !a.contact.phone.empty()) {
      jobs.push_back(OutboxJob{api::JobType::kCancelledByOffice, id, now});
    }
  }
  shard.config.document = change.document;
  shard.config.version = change.expected_version + 1;
  AppendJobs(std::move(jobs));
  out.version = shard.config.version;
  return out;
}

Result<std::uint64_t> MemoryStore::TouchOfficeConfig(const std::string& office_id) {
  Shard* shard = FindShard(office_id);
  if (!shard) return Status::NotFound("the office has no configuration");
  std::lock_guard<std::mutex> lock(shard->mutex);
  if (shard->config.version == 0) return Status::NotFound("the office has no configuration");
  shard->touch_version = ++shard->config.version;
  return shard->touch_version;
}

Result<std::map<std::string, ConfigDocument>> MemoryStore::GetServiceConfigs() {
  std::lock_guard<std::mutex> lock(config_mutex_);
  return services_;
}

Result<std::uint64_t> MemoryStore::PutServiceConfig(const std::string& service_id,
                                                    const std::string& document) {
  std::lock_guard<std::mutex> lock(config_mutex_);
  ConfigDocument& c = services_[service_id];
  c.document = document;
  return ++c.version;
}

Result<IdempotencyBegin> MemoryStore::BeginIdempotent(const std::string& key,
                                                      const std::string& request_hash,
                                                      std::chrono::seconds ttl,
                                                      std::chrono::milliseconds lease) {
  TimePoint now = clock_->Now();
  std::lock_guard<std::mutex> lock(idempotency_mutex_);
  auto it = idempotency_.find(key);
  if (it != idempotency_.end() && it->second.expires_at > now) {
    IdempotencyBegin b;
    if (!api::ConstantTimeEquals(it->second.request_hash, request_hash)) {
      b.outcome = IdempotencyBegin::Outcome::kMismatch;
    } else if (!it->second.done && it->second.lease_until <= now) {
      it->second.lease_until = now + lease;  // its owner is gone: ours now
      b.outcome = IdempotencyBegin::Outcome::kStarted;
    } else if (!it->second.done) {
      b.outcome = IdempotencyBegin::Outcome::kInProgress;
    } else {
      b.outcome = IdempotencyBegin::Outcome::kReplay;
      b.response = it->second.response;
    }
    return b;
  }
  // Bounded: past the cap, the entries nearest to their end go first.
  if (idempotency_.size() >= kMaxIdempotencyEntries) {
    std::erase_if(idempotency_, [&](const auto& e) { return e.second.expires_at <= now; });
    while (idempotency_.size() >= kMaxIdempotencyEntries) {
      auto oldest = std::min_element(idempotency_.begin(), idempotency_.end(),
                                     [](const auto& x, const auto& y) {
                                       return x.second.expires_at < y.second.expires_at;
                                     });
      idempotency_.erase(oldest);
    }
  }
  idempotency_[key] = IdempotencyEntry{request_hash, false, {}, now + ttl, now + lease};
  return IdempotencyBegin{};
}

Status MemoryStore::FinishIdempotent(const std::string& key, const StoredResponse& response) {
  std::lock_guard<std::mutex> lock(idempotency_mutex_);
  auto it = idempotency_.find(key);
  if (it == idempotency_.end()) return Status::NotFound("no such idempotency key");
  it->second.done = true;
  it->second.response = response;
  return Status::Ok();
}

Status MemoryStore::AbandonIdempotent(const std::string& key) {
  std::lock_guard<std::mutex> lock(idempotency_mutex_);
  idempotency_.erase(key);
  return Status::Ok();
}

Result<api::LimitDecision> MemoryStore::TakeToken(const std::string& bucket, int capacity,
                                                  std::chrono::milliseconds period) {
  if (capacity <= 0 || period.count() <= 0) return api::LimitDecision{};
  const TimePoint now = clock_->Now();
  const double per_ms = static_cast<double>(capacity) / static_cast<double>(period.count());
  std::lock_guard<std::mutex> lock(limits_mutex_);
  auto it = buckets_.find(bucket);
  if (it == buckets_.end()) {
    if (buckets_.size() >= kMaxLimitClients) {
      std::erase_if(buckets_, [&](const auto& b) { return now - b.second.at >= b.second.period; });
      if (buckets_.size() >= kMaxLimitClients) buckets_.erase(buckets_.begin());
    }
    it = buckets_.emplace(bucket, TokenBucket{static_cast<double>(capacity), now, period}).first;
  }
  TokenBucket& b = it->second;
  const double elapsed = static_cast<double>(
      std::chrono::duration_cast<std::chrono::milliseconds>(now - b.at).count());
  b.tokens = std::min(static_cast<double>(capacity), b.tokens + std::max(0.0, elapsed) * per_ms);
  b.at = std::max(b.at, now);
  b.period = period;
  if (b.tokens < 1.0) {
    auto wait = static_cast<std::int64_t>(std::ceil((1.0 - b.tokens) / per_ms));
    return api::LimitDecision{false, std::chrono::milliseconds(wait)};
  }
  b.tokens -= 1.0;
  return api::LimitDecision{};
}

Result<api::LimitDecision> MemoryStore::AdmitOpenHold(const std::string& bucket,
                                                      const std::string& hold_id, int max,
                                                      std::chrono::milliseconds ttl) {
  if (max <= 0) return api::LimitDecision{};
  const TimePoint now = clock_->Now();
  std::lock_guard<std::mutex> lock(limits_mutex_);
  auto it = open_holds_.find(bucket);
  if (it == open_holds_.end()) {
    if (open_holds_.size() >= kMaxLimitClients) {
      for (auto& [client, holds] : open_holds_) {
        std::erase_if(holds, [&](const auto& h) { return h.second <= now; });
      }
      std::erase_if(open_holds_, [](const auto& c) { return c.second.empty(); });
      if (open_holds_.size() >= kMaxLimitClients) open_holds_.erase(open_holds_.begin());
    }
    it = open_holds_.emplace(bucket, std::map<std::string, TimePoint>{}).first;
  }
  auto& holds = it->second;
  std::erase_if(holds, [&](const auto& h) { return h.second <= now; });
  if (auto known = holds.find(hold_id); known != holds.end()) {
    known->second = std::max(known->second, now + ttl);  // an extended hold stays open
    return api::LimitDecision{};
  }
  if (holds.size() >= static_cast<std::size_t>(max)) {
    TimePoint first = holds.begin()->second;
    for (const auto& [id, until] : holds) first = std::min(first, until);
    return api::LimitDecision{false, std::chrono::duration_cast<std::chrono::milliseconds>(first - now)};
  }
  holds[hold_id] = now + ttl;
  return api::LimitDecision{};
}

Status MemoryStore::ForgetOpenHold(const std::string& bucket, const std::string& hold_id) {
  std::lock_guard<std::mutex> lock(limits_mutex_);
  auto it = open_holds_.find(bucket);
  if (it == open_holds_.end()) return Status::Ok();
  it->second.erase(hold_id);
  if (it->second.empty()) open_holds_.erase(it);
  return Status::Ok();
}

Result<std::vector<OutboxJob>> MemoryStore::TakeDueJobs(TimePoint now, std::size_t limit) {
  std::vector<OutboxJob> out;
  std::lock_guard<std::mutex> lock(outbox_mutex_);
  auto it = outbox_.begin();
  while (it != outbox_.end() && it->first <= now && out.size() < limit) {
    out.push_back(std::move(it->second));
    it = outbox_.erase(it);
  }
  return out;
}

Result<std::vector<OutboxJob>> MemoryStore::PendingJobs() {
  std::vector<OutboxJob> out;
  std::lock_guard<std::mutex> lock(outbox_mutex_);
  for (const auto& [due, job] : outbox_) out.push_back(job);
  return out;
}

Result<std::size_t> MemoryStore::ErasePersonalData(TimePoint cutoff) {
  TimePoint now = clock_->Now();
  std::size_t erased = 0;
  std::vector<Shard*> shards;
  {
    std::shared_lock<std::shared_mutex> lock(shards_mutex_);
    for (auto& [id, shard] : shards_) shards.push_back(shard.get());
  }
  std::vector<std::string> dropped_holds;
  for (Shard* shard : shards) {
    std::lock_guard<std::mutex> lock(shard->mutex);
    std::erase_if(shard->steps, [&](const auto& e) { return e.second.second <= now; });
    // Queues of days three or more days before now (the Redis store's 72 h
    // TTL): "YYYY-MM-DD" sorts as the days do.
    const std::string old_day = FormatDate(
        date::local_days{std::chrono::floor<date::days>(now).time_since_epoch()} - date::days(3));
    std::erase_if(shard->queue, [&](const auto& e) { return e.first < old_day; });
    std::erase_if(shard->tickets, [&](const auto& e) { return e.first < old_day; });
    for (auto& [ref, a] : shard->appointments) {
      if (a.contact_erased) continue;
      bool visit_over = api::ToTimePoint(a.booking.claim_end) < cutoff;
      bool cancelled_long_ago =
          a.status == AppointmentStatus::kCancelled && a.closed_at < cutoff;
      if (!visit_over && !cancelled_long_ago) continue;
      a.contact = api::Contact{};
      a.contact.language = "";
      a.notes.clear();  // notes may name people
      a.contact_erased = true;
      ++erased;
    }
    for (auto it = shard->by_identity.begin(); it != shard->by_identity.end();) {
      std::erase_if(it->second, [&](const std::string& ref) {
        auto a = shard->appointments.find(ref);
        return a == shard->appointments.end() || a->second.contact_erased;
      });
      it = it->second.empty() ? shard->by_identity.erase(it) : std::next(it);
    }
    for (auto& [desk, line] : shard->desks) {
      std::erase_if(line, [&](const auto& e) {
        return e.second.is_hold && e.second.expires_at + api::kReleasedKept <= now;
      });
    }
    for (auto it = shard->holds.begin(); it != shard->holds.end();) {
      if (it->second.expires_at + kHoldGrace <= now) {
        // Its claim entry stays a released place until kReleasedKept (below).
        dropped_holds.push_back(it->first);
        it = shard->holds.erase(it);
      } else {
        ++it;
      }
    }
  }
  {
    std::lock_guard<std::mutex> index(index_mutex_);
    for (const auto& id : dropped_holds) hold_office_.erase(id);
  }
  {
    std::lock_guard<std::mutex> lock(idempotency_mutex_);
    for (auto it = idempotency_.begin(); it != idempotency_.end();) {
      it = it->second.expires_at <= now ? idempotency_.erase(it) : std::next(it);
    }
  }
  return erased;
}

Result<api::Tallies> MemoryStore::ReadTallies(const std::string& office_id,
                                             const std::string& from_day,
                                             const std::string& to_day) {
  api::Tallies out;
  Shard* shard = FindShard(office_id);
  if (!shard) return out;
  std::lock_guard<std::mutex> lock(shard->mutex);
  // Days are ISO dates: their text order is their calendar order.
  for (auto it = shard->tallies.lower_bound(from_day);
       it != shard->tallies.end() && it->first <= to_day; ++it) {
    out.insert(*it);
  }
  return out;
}

Status MemoryStore::AddTallies(const std::string& office_id, const std::string& day,
                               const std::map<std::string, std::int64_t>& fields) {
  Shard& shard = ShardFor(office_id);
  std::lock_guard<std::mutex> lock(shard.mutex);
  api::TallyDay& d = shard.tallies[day];
  for (const auto& [field, by] : fields) d[field] += by;
  return Status::Ok();
}

Result<bool> MemoryStore::ClaimOnce(const std::string& slot, std::chrono::milliseconds ttl) {
  const TimePoint now = clock_->Now();
  std::lock_guard<std::mutex> lock(once_mutex_);
  std::erase_if(once_, [&](const auto& kv) { return kv.second <= now; });
  return once_.emplace(slot, now + ttl).second;
}

Status MemoryStore::AppendAudit(const std::string& office_id, const api::AuditEntry& entry,
                                std::chrono::milliseconds keep) {
  std::lock_guard<std::mutex> lock(audit_mutex_);
  std::deque<api::AuditEntry>& log = audit_[office_id];
  log.push_back(entry);
  while (!log.empty() && log.front().at < entry.at - keep) log.pop_front();
  return Status::Ok();
}

Result<std::vector<api::AuditEntry>> MemoryStore::ReadAudit(const std::string& office_id,
                                                            TimePoint from, TimePoint to,
                                                            std::size_t limit) {
  std::lock_guard<std::mutex> lock(audit_mutex_);
  std::vector<api::AuditEntry> out;
  auto it = audit_.find(office_id);
  if (it == audit_.end()) return out;
  for (const api::AuditEntry& e : it->second) {
    if (out.size() >= limit) break;
    if (e.at >= from && e.at < to) out.push_back(e);
  }
  return out;
}

// --- The waitlist (api/store.h, Wish) -----------------------------------------

std::size_t MemoryStore::OfferFreed(Shard& shard, const std::string& office,
                                    const std::string& desk, Instant begin,
                                    const std::string& entry_id, TimePoint now) {
  std::size_t offers = 0;
  std::optional<Instant> at = begin;
  while (at && OfferPlace(shard, office, desk, *at, entry_id, now, &at)) ++offers;
  return offers;
}

bool MemoryStore::OfferPlace(Shard& shard, const std::string& office, const std::string& desk,
                             Instant begin, const std::string& entry_id, TimePoint now,
                             std::optional<Instant>* rest) {
  *rest = std::nullopt;
  if (api::ToTimePoint(begin) <= now) return false;
  ClaimEntry* freed = shard.FindClaim(desk, begin, entry_id);
  if (!freed) return false;
  const Instant end = freed->end;
  const TimePoint released_at = freed->expires_at;
  // The oldest waiting wish the place suits.
  std::vector<api::Wish*> candidates;
  for (auto& [id, w] : shard.wishes) {
    if (w.state != api::WishState::kWaiting || w.expires_at <= now) continue;
    if (std::find(w.desks.begin(), w.desks.end(), desk) == w.desks.end()) continue;
    if (begin + w.occupancy > end) continue;
    if (std::none_of(w.windows.begin(), w.windows.end(),
                     [&](const Interval& r) { return r.begin <= begin && begin < r.end; })) {
      continue;
    }
    candidates.push_back(&w);
  }
  std::sort(candidates.begin(), candidates.end(), [&](const api::Wish* a, const api::Wish* b) {
    return shard.wish_arrival[a->id] < shard.wish_arrival[b->id];
  });
  for (api::Wish* w : candidates) {
    const Interval claim{begin, begin + w->occupancy};
    if (shard.Taken(desk, claim, now, entry_id)) continue;
    // Fair use: an identity at its quota could only be refused the accept.
    if (shard.AtIdentityLimit(w->identities, w->identity_limit, w->services, now)) continue;
    HoldRecord h;
    h.id = api::OfferHoldId(w->id);
    h.secret_hash = w->offer_secret_hash;
    h.version = ++shard.hold_version;
    h.booking.office_id = office;
    h.booking.desk_id = desk;
    h.booking.services = w->services;
    h.booking.start = begin;
    h.booking.end = begin + w->duration;
    h.booking.claim_end = claim.end;
    h.booking.office_version = shard.config.version;
    // The visit's local day is the suiting window's (the API judged it).
    for (std::size_t i = 0; i < w->windows.size() && i < w->window_days.size(); ++i) {
      if (w->windows[i].begin <= begin && begin < w->windows[i].end) h.booking.day = w->window_days[i];
    }
    h.expires_at = now + w->offer_ttl;
    h.wish_id = w->id;
    // The offer takes the start of the freed interval; the rest stays released.
    shard.RemoveClaim(desk, begin, entry_id);
    if (claim.end < end) {
      shard.AddClaim(desk, Interval{claim.end, end}, true, entry_id, released_at);
      *rest = claim.end;
    }
    shard.AddClaim(desk, claim, true, h.id, h.expires_at);
    shard.holds[h.id] = h;
    {
      std::lock_guard<std::mutex> index(index_mutex_);
      hold_office_[h.id] = office;
    }
    w->state = api::WishState::kOffered;
    w->offer_hold = h.id;
    shard.Tally(api::TallyWish(w->day, "offered"));
    AppendJobs({OutboxJob{api::JobType::kWaitlistOffer, h.id, now}});
    return true;
  }
  return false;
}

void MemoryStore::OfferMet(Shard& shard, const std::string& office, const std::string& desk,
                           Interval iv, TimePoint now) {
  if (shard.wishes.empty()) return;
  auto d = shard.desks.find(desk);
  if (d == shard.desks.end()) return;
  std::vector<std::pair<Instant, std::string>> met;
  for (auto it = d->second.lower_bound(iv.begin - shard.longest_claim);
       it != d->second.end() && it->first < iv.end; ++it) {
    const ClaimEntry& e = it->second;
    if (e.is_hold && e.expires_at <= now && e.end > iv.begin) met.emplace_back(it->first, e.id);
  }
  for (const auto& [begin, id] : met) OfferFreed(shard, office, desk, begin, id, now);
}

Result<api::Wish> MemoryStore::AddWish(api::Wish wish) {
  Shard& shard = ShardFor(wish.office_id);
  std::lock_guard<std::mutex> lock(shard.mutex);
  if (shard.wishes.count(wish.id)) return Status::FailedPrecondition("wish id in use");
  wish.state = api::WishState::kWaiting;
  wish.offer_hold.clear();
  shard.wish_arrival[wish.id] = ++shard.wish_arrivals;
  shard.wishes[wish.id] = wish;
  shard.Tally(api::TallyWish(wish.day, "made"));
  return wish;
}

Result<api::Wish> MemoryStore::GetWish(const std::string& wish_id) {
  Shard* shard = FindShard(std::string(api::OfficeInHoldId(wish_id)));
  if (!shard) return Status::NotFound("no such wish");
  std::lock_guard<std::mutex> lock(shard->mutex);
  auto it = shard->wishes.find(wish_id);
  if (it == shard->wishes.end() || it->second.expires_at <= clock_->Now()) {
    return Status::NotFound("no such wish");
  }
  return it->second;
}

Status MemoryStore::WithdrawWish(const std::string& wish_id, const std::string& secret_hash) {
  const std::string office(api::OfficeInHoldId(wish_id));
  Shard* shard = FindShard(office);
  if (!shard) return Status::NotFound("no such wish");
  const TimePoint now = clock_->Now();
  std::lock_guard<std::mutex> lock(shard->mutex);
  auto it = shard->wishes.find(wish_id);
  if (it == shard->wishes.end() || !api::ConstantTimeEquals(secret_hash, it->second.secret_hash)) {
    return Status::NotFound("no such wish");
  }
  const std::string hold_id = it->second.offer_hold;
  shard->Tally(api::TallyWish(it->second.day, "withdrawn"));
  shard->wishes.erase(it);
  auto h = hold_id.empty() ? shard->holds.end() : shard->holds.find(hold_id);
  if (h == shard->holds.end()) return Status::Ok();
  const api::Booking freed = h->second.booking;
  const bool live = h->second.expires_at > now;
  if (ClaimEntry* claim = shard->FindClaim(freed.desk_id, freed.start, hold_id)) {
    claim->expires_at = std::min(claim->expires_at, now);
  }
  shard->holds.erase(h);
  {
    std::lock_guard<std::mutex> index(index_mutex_);
    hold_office_.erase(hold_id);
  }
  if (live) OfferFreed(*shard, office, freed.desk_id, freed.start, hold_id, now);
  return Status::Ok();
}

Result<std::size_t> MemoryStore::OfferReleased(const std::string& office_id) {
  Shard* shard = FindShard(office_id);
  if (!shard) return std::size_t{0};
  const TimePoint now = clock_->Now();
  std::lock_guard<std::mutex> lock(shard->mutex);
  // The wishes that ended by themselves end here, once: counted as they go.
  std::erase_if(shard->wishes, [&](const auto& e) {
    const api::Wish& w = e.second;
    bool ended = false;
    if (w.state == api::WishState::kWaiting) {
      ended = w.expires_at <= now;
    } else {
      auto h = shard->holds.find(w.offer_hold);
      ended = h == shard->holds.end() || h->second.expires_at <= now;
    }
    if (ended) shard->Tally(api::TallyWish(w.day, w.state == api::WishState::kWaiting ? "expired" : "lapsed"));
    return ended;
  });
  if (shard->wishes.empty()) return std::size_t{0};
  std::vector<std::tuple<std::string, Instant, std::string>> freed;
  const Instant from = std::chrono::time_point_cast<Minutes>(std::chrono::floor<Minutes>(now));
  for (const auto& [desk, line] : shard->desks) {
    for (auto it = line.lower_bound(from); it != line.end(); ++it) {
      if (it->second.is_hold && it->second.expires_at <= now) freed.emplace_back(desk, it->first, it->second.id);
    }
  }
  std::size_t offers = 0;
  for (const auto& [desk, begin, id] : freed) {
    offers += OfferFreed(*shard, office_id, desk, begin, id, now);
  }
  return offers;
}

namespace {

api::ReleaseTicket TicketOf(const std::set<std::pair<double, std::string>>& order,
                            const std::string& id, const std::pair<double, std::string>& entry) {
  auto at = order.find({entry.first, id});
  return api::ReleaseTicket{id, entry.second,
                            static_cast<std::int64_t>(std::distance(order.begin(), at)),
                            static_cast<std::int64_t>(order.size())};
}

}  // namespace

Result<api::ReleaseTicket> MemoryStore::JoinReleaseQueue(const std::string& office_id,
                                                         const std::string& day,
                                                         const std::string& client,
                                                         const std::string& ticket_id,
                                                         std::optional<std::uint64_t> order,
                                                         std::chrono::milliseconds keep) {
  const TimePoint now = clock_->Now();
  std::lock_guard<std::mutex> lock(release_mutex_);
  std::erase_if(release_queues_, [&](const auto& q) { return q.second.kept_until <= now; });
  ReleaseQueue& q = release_queues_[office_id + " " + day];
  q.kept_until = now + keep;
  auto known = q.ticket_of.find(client);
  if (known != q.ticket_of.end()) return TicketOf(q.order, known->second, q.by_ticket[known->second]);
  if (q.by_ticket.count(ticket_id) != 0) return Status::FailedPrecondition("ticket id in use");
  // Late tickets after every drawn one, in the order they came (as Redis).
  const double place = order ? static_cast<double>(*order)
                             : static_cast<double>(2 * api::kReleaseOrderLimit) + static_cast<double>(++q.late);
  q.ticket_of[client] = ticket_id;
  q.by_ticket[ticket_id] = {place, client};
  q.order.insert({place, ticket_id});
  return TicketOf(q.order, ticket_id, q.by_ticket[ticket_id]);
}

Result<api::ReleaseTicket> MemoryStore::GetReleaseTicket(const std::string& office_id,
                                                         const std::string& day,
                                                         const std::string& ticket_id) {
  const TimePoint now = clock_->Now();
  std::lock_guard<std::mutex> lock(release_mutex_);
  auto q = release_queues_.find(office_id + " " + day);
  if (q == release_queues_.end() || q->second.kept_until <= now) {
    return Status::NotFound("no such ticket");
  }
  auto t = q->second.by_ticket.find(ticket_id);
  if (t == q->second.by_ticket.end()) return Status::NotFound("no such ticket");
  return TicketOf(q->second.order, ticket_id, t->second);
}

Result<std::int64_t> MemoryStore::ReleaseQueueSize(const std::string& office_id,
                                                   const std::string& day) {
  const TimePoint now = clock_->Now();
  std::lock_guard<std::mutex> lock(release_mutex_);
  auto q = release_queues_.find(office_id + " " + day);
  if (q == release_queues_.end() || q->second.kept_until <= now) return std::int64_t{0};
  return static_cast<std::int64_t>(q->second.order.size());
}

Result<bool> MemoryStore::IdentityAtLimit(const std::string& office_id,
                                          const std::vector<std::string>& identities,
                                          const std::vector<std::string>& services, int limit) {
  if (limit <= 0) return false;
  Shard* shard = FindShard(office_id);
  if (!shard) return false;
  const TimePoint now = clock_->Now();
  std::lock_guard<std::mutex> lock(shard->mutex);
  return shard->AtIdentityLimit(identities, limit, services, now);
}

Result<std::string> MemoryStore::SharedSecret(const std::string& name) {
  std::lock_guard<std::mutex> lock(secrets_mutex_);
  std::string& value = secrets_[name];
  if (value.empty()) value = api::NewSecret() + api::NewSecret();
  return value;
}

Status MemoryStore::Ping() { return Status::Ok(); }

}  // namespace termin::service
