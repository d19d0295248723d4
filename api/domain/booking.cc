#include "api/domain/booking.h"

#include <algorithm>
#include <cstddef>

#include "api/security/limits.h"
#include "scheduler/zone_rules.h"
#include "api/json/render.h"
#include "api/security/secrets.h"
#include "scheduler/calendar.h"

namespace termin::api {
namespace {

constexpr int kReferenceAttempts = 4;

bool Offered(const std::vector<Offer>& offers, Instant start) {
  auto it = std::lower_bound(offers.begin(), offers.end(), start,
                             [](const Offer& o, Instant s) { return o.start < s; });
  return it != offers.end() && it->start == start;
}

LocalDate Today(const OfficeInfo& office, Instant now) {
  return LocalDayOf(now, office.schedule.zone);
}

/* The 409's alternatives without a second read.

   A refused step has just read the office's claims for the start's local day.
   The 409 offers the nearest offered starts over a week, which used to read
   the claims again: in a rush, where almost every attempt is a 409, that
   second read was half of the store's work. So the claim loop hands the
   day's claims to NearestOffers.

   The day's answer is still the exact answer when the K nearest offers of
   the day are all nearer to the start than any instant of another day can
   be: then no offer of another day can displace one of them. We compare with
   the distance from the start to the local midnights, less a margin for a
   daylight-saving shift on that day. Otherwise (the day is nearly full, as
   in a rush on a desk booked out for the day) we read the week. */

// Daylight-saving shifts are at most this long (two hours, e.g. double
// summer time); enough margin for the midnight distance.
constexpr Minutes kDstMargin{120};

}  // namespace

std::map<std::string, DeskFit> DeskFits(const OfficeInfo& office, Interval range) {
  const date::time_zone* zone = office.schedule.zone;
  // A day either side: a claim's local days, whatever the zone's offset.
  DayRange days{LocalDayOf(range.begin, zone) - date::days(1),
                LocalDayOf(range.end, zone) + date::days(1)};
  std::map<std::string, DeskFit> out;
  for (const Desk& desk : office.schedule.desks) {
    DeskFit& fit = out[desk.id];
    for (const Service& s : office.schedule.services) {
      if (desk.CanDo(s.id)) fit.services.push_back(s.id);
    }
    fit.open = DeskOpenTime(office.schedule, desk, days);
  }
  return out;
}

bool StillFits(const OfficeInfo& office, const Booking& booking) {
  auto visit = MakeVisit(office.schedule, booking.services);
  if (!visit.ok() || booking.end != booking.start + visit->duration ||
      booking.claim_end != booking.start + visit->occupancy()) {
    return false;
  }
  OfficeChange c;
  c.desks = DeskFits(office, booking.claim());
  return c.Fits(booking.desk_id, booking.services, booking.claim());
}

namespace {
thread_local StepContext current_step;
}  // namespace

StepScope::StepScope(StepContext context) { current_step = std::move(context); }
StepScope::~StepScope() { current_step = StepContext{}; }
const StepContext& CurrentStep() { return current_step; }

namespace {
// A manage secret: derived for a request with an Idempotency-Key (the same
// on every retry), else random.
std::string ManageSecret() {
  const StepContext& step = CurrentStep();
  return step.secret_seed.empty() ? NewSecret() : DeriveSecret(step.secret_seed);
}
}  // namespace

bool Booker::DoneByThisRequest(const std::string& office_id, const std::string& reference) const {
  const StepContext& step = CurrentStep();
  if (step.key.empty()) return false;
  auto prior = store_.StepResult(office_id, step.key.token);
  return prior.ok() && *prior == reference;
}

Booker::Booker(Store& store, const Clock& clock, ApiMetrics* metrics, BookingOptions options)
    : store_(store),
      clock_(clock),
      metrics_(metrics),
      options_(options),
      claims_cache_(ClaimsCache::Options{options.claims_snapshot_max_age, 4096}) {}

Result<Visit> Booker::VisitAt(const OfficeInfo& office,
                              const std::vector<std::string>& services) const {
  return MakeVisit(office.schedule, services);
}

Status Booker::CheckStart(const OfficeInfo& office, const Visit& visit, Instant start,
                          const BookingRules& rules) const {
  const date::time_zone* zone = office.schedule.zone;
  Instant now = Now();
  auto local = date::floor<Minutes>(ToLocal(zone, date::sys_seconds{start}));
  auto minute_of_day = std::chrono::duration_cast<Minutes>(local - date::floor<date::days>(local)).count();
  if (rules.grid.count() > 0 && minute_of_day % rules.grid.count() != 0) {
    return Status::Unprocessable("start is not on the office's " +
                                 std::to_string(rules.grid.count()) + "-minute grid");
  }
  if (start < now) return Status::Unprocessable("start is in the past");
  if (start < now + rules.min_notice) {
    return Status::Unprocessable("start is sooner than the minimum notice of " +
                                 std::to_string(rules.min_notice.count()) + " minutes");
  }
  LocalDate day = LocalDayOf(start, zone);
  if (day > LastBookableDay(zone, rules, now)) {
    if (day == Today(office, now) + date::days(rules.max_days_ahead)) {
      return Status::Unprocessable("this day opens for booking at " +
                                   FormatTimeOfDay(rules.release_time) + " today");
    }
    return Status::Unprocessable("start is beyond the booking horizon of " +
                                 std::to_string(rules.max_days_ahead) + " days");
  }
  auto offers = Availability(office.schedule, rules, visit, DayRange{day, day}, now, OfficeClaims{});
  if (!Offered(offers, start)) {
    if (rules.same_day_buffer_percent > 0) {
      BookingRules unbuffered = rules;
      unbuffered.same_day_buffer_percent = 0;
      if (Offered(Availability(office.schedule, unbuffered, visit, DayRange{day, day}, now,
                               OfficeClaims{}),
                  start)) {
        return Status::Unprocessable(
            "this start is kept for walk-ins and same-day bookings (Puffertermin); it is "
            "offered online from " + FormatDate(day) + " " +
            FormatTimeOfDay(rules.same_day_release));
      }
    }
    if (rules.hotline_share_percent > 0 &&
        Offered(Availability(office.schedule, StaffRules(rules), visit, DayRange{day, day}, now,
                             OfficeClaims{}),
                start)) {
      return Status::Unprocessable(
          "this start is kept for bookings by phone; it is offered online from " +
          FormatDate(day - date::days{rules.hotline_release_days}) + " 00:00");
    }
    return Status::Unprocessable("the office is not open for this visit at this start");
  }
  return Status::Ok();
}

Result<OfficeClaims> Booker::ReadOfficeClaims(const OfficeInfo& office, Interval range,
                                              const Booking* exclude, bool public_view) const {
  auto read = public_view && office.rerelease_delay.count() > 0
                  ? store_.ReadPublicClaims(office.id, range, office.rerelease_delay)
                  : store_.ReadClaims(office.id, range);
  if (!read.ok()) return read.status();
  return Arrange(office, *read, exclude);
}

Result<ClaimsCache::Snapshot> Booker::Claims(const OfficeInfo& office, Interval range,
                                             ClaimsCache::SteadyTime not_before,
                                             bool public_view) const {
  if (public_view && office.rerelease_delay.count() > 0) {
    return claims_cache_.Fetch(PublicViewName(office.id), range, not_before, [&] {
      return store_.ReadPublicClaims(office.id, range, office.rerelease_delay);
    });
  }
  return claims_cache_.Fetch(office.id, range, not_before,
                             [&] { return store_.ReadClaims(office.id, range); });
}

OfficeClaims Booker::Arrange(const OfficeInfo& office, const DeskClaims& read,
                             const Booking* exclude) const {
  OfficeClaims claims(office.schedule.desks.size());
  for (std::size_t i = 0; i < office.schedule.desks.size(); ++i) {
    auto it = read.find(office.schedule.desks[i].id);
    if (it == read.end()) continue;
    claims[i] = it->second;
    // A move must not be blocked by the appointment's own claim.
    if (exclude && exclude->office_id == office.id && exclude->desk_id == it->first) {
      claims[i] = claims[i].Subtract(IntervalSet::FromSorted({exclude->claim()}));
    }
  }
  return claims;
}

std::vector<Alternative> Booker::NearestOffers(const OfficeInfo& office, const Visit& visit,
                                               Instant start, const OfficeClaims* day_claims,
                                               bool public_view) const {
  const date::time_zone* zone = office.schedule.zone;
  Instant now = Now();
  LocalDate today = Today(office, now);
  LocalDate first = std::max(today, LocalDayOf(start, zone) - date::days(1));
  LocalDate last = std::min(first + date::days(7),
                            LastBookableDay(zone, office.schedule.rules, now));
  if (last < first) return {};
  DayRange days{first, last};
  auto distance = [&](const Offer& o) {
    auto d = o.start - start;
    return d < Minutes(0) ? -d : d;
  };
  std::vector<Offer> offers;
  bool from_snapshot = false;
  LocalDate day = LocalDayOf(start, zone);
  if (day_claims != nullptr && first <= day && day <= last &&
      day_claims->size() == office.schedule.desks.size()) {
    offers = Availability(office.schedule, visit, DayRange{day, day}, now, *day_claims);
    std::vector<Minutes> d;
    d.reserve(offers.size());
    for (const Offer& o : offers) d.push_back(distance(o));
    if (d.size() >= options_.alternatives && options_.alternatives > 0) {
      std::nth_element(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(options_.alternatives - 1),
                       d.end());
      Minutes kth = d[options_.alternatives - 1];
      auto local = date::floor<Minutes>(ToLocal(zone, date::sys_seconds{start}));
      Minutes since_midnight = std::chrono::duration_cast<Minutes>(local - date::floor<date::days>(local));
      Minutes to_other_day = std::min(since_midnight, Minutes(24 * 60) - since_midnight) - kDstMargin;
      from_snapshot = kth < to_other_day;
    }
  }
  if (!from_snapshot) {
    // The week: from a snapshot young enough to refuse from (a rush asks
    // for the same week thousands of times a second), else read once.
    const Interval week = UtcEnvelope(days, zone);
    auto snapshot = Claims(office, week,
                           std::chrono::steady_clock::now() - options_.claims_refusal_max_age,
                           public_view);
    if (!snapshot.ok()) return {};
    offers = Availability(office.schedule, visit, days, now, Arrange(office, *snapshot->claims, nullptr));
  }
  std::stable_sort(offers.begin(), offers.end(),
                   [&](const Offer& a, const Offer& b) { return distance(a) < distance(b); });
  if (offers.size() > options_.alternatives) offers.resize(options_.alternatives);
  std::sort(offers.begin(), offers.end(),
            [](const Offer& a, const Offer& b) { return a.start < b.start; });
  std::vector<Alternative> out;
  for (const Offer& o : offers) out.push_back(Alternative{office.id, FormatInstant(o.start, office)});
  return out;
}

std::optional<Booker::Reloaded> Booker::Reload(const OfficeInfo& office, const Visit& visit) const {
  if (!reload_catalog_) return std::nullopt;
  std::shared_ptr<const Catalog> fresh = reload_catalog_();
  const OfficeInfo* now_office = fresh ? fresh->FindOffice(office.id) : nullptr;
  if (!now_office || now_office->config_version == office.config_version) return std::nullopt;
  return Reloaded{fresh, now_office, VisitAt(*now_office, visit.service_ids)};
}

template <typename T>
Result<T> Booker::ClaimLoop(const OfficeInfo& office, const Visit& visit, Instant start,
                            const BookingRules& rules, const Booking* exclude,
                            const std::function<Result<T>(const Booking&)>& write,
                            std::vector<Alternative>* alternatives, bool may_reload,
                            bool public_view) {
  using SteadyClock = std::chrono::steady_clock;
  const date::time_zone* zone = office.schedule.zone;
  LocalDate day = LocalDayOf(start, zone);
  DayRange days{day, day};
  const Interval range = UtcEnvelope(days, zone);
  const auto began = SteadyClock::now();
  // First a recent snapshot (claims_cache.h says what it may decide). A move
  // excludes its own claim, which an older snapshot may hold elsewhere: it
  // takes claims read during this request.
  auto snapshot = Claims(office, range, exclude ? began : began - options_.claims_snapshot_max_age,
                         public_view);
  if (!snapshot.ok()) return snapshot.status();
  bool decisive = false;  // fetched to decide a refusal
  for (int attempt = 0; attempt < options_.max_attempts;) {
    Instant now = Now();
    OfficeClaims claims = Arrange(office, *snapshot->claims, exclude);
    const bool may_refuse = decisive || snapshot->read_at >= began ||
                            SteadyClock::now() - snapshot->read_at < options_.claims_refusal_max_age;
    auto offers = Availability(office.schedule, rules, visit, days, now, claims);
    std::optional<std::size_t> desk;
    if (Offered(offers, start)) {
      desk = AssignDesk(office.schedule, visit, start, claims, AssignmentPolicy::kSkillAware);
    }
    if (!desk) {
      if (!may_refuse) {
        // Taken in an older snapshot: decide on a young one.
        snapshot = Claims(office, range, SteadyClock::now() - options_.claims_refusal_max_age,
                          public_view);
        if (!snapshot.ok()) return snapshot.status();
        decisive = true;
        continue;
      }
      if (Status why = CheckStart(office, visit, start, rules); !why.ok()) return why;
      // Taken: answer 409 at once; the claims just used serve the
      // alternatives (a move's claims lack its own claim: not reused).
      if (alternatives) {
        *alternatives = NearestOffers(office, visit, start, exclude ? nullptr : &claims, public_view);
      }
      return Status::Conflict("the start is taken");
    }
    Booking b;
    b.office_id = office.id;
    b.desk_id = office.schedule.desks[*desk].id;
    b.services = visit.service_ids;
    b.start = start;
    b.end = start + visit.duration;
    b.claim_end = start + visit.occupancy();
    b.office_version = office.config_version;
    b.day = FormatDate(LocalDayOf(start, office.schedule.zone));
    ++attempt;
    Result<T> r = write(b);
    if (r.ok()) AddOwnClaim(office.id, b.desk_id, b.claim());
    if (r.status().code() == StatusCode::kAborted && may_reload) {
      // Another replica changed the office since our catalog was loaded:
      // reload, and decide again on the new configuration (once).
      auto again = Reload(office, visit);
      if (!again) return r;
      if (!again->visit.ok()) return again->visit.status();
      const BookingRules& now_rules =
          &rules == &office.schedule.rules ? again->office->schedule.rules : rules;
      return ClaimLoop<T>(*again->office, *again->visit, start, now_rules, exclude, write,
                          alternatives, /*may_reload=*/false, public_view);
    }
    if (r.ok() || r.status().code() != StatusCode::kConflict) return r;
    if (metrics_) metrics_->CountConflict();
    // Taken meanwhile: go on with claims read after the store's answer.
    snapshot = Claims(office, range, SteadyClock::now(), public_view);
    if (!snapshot.ok()) return snapshot.status();
    decisive = true;
  }
  if (alternatives) *alternatives = NearestOffers(office, visit, start, nullptr, public_view);
  return Status::Conflict("the start was taken by others while we tried");
}

std::string Booker::NewHoldId(const OfficeInfo& office) { return office.id + "." + NewId(); }

std::chrono::milliseconds Booker::HoldTtl(const OfficeInfo& office) const {
  return options_.hold_ttl_override ? std::chrono::milliseconds(*options_.hold_ttl_override)
                                    : std::chrono::milliseconds(office.schedule.rules.hold_ttl);
}

Result<std::pair<HoldRecord, std::string>> Booker::PlaceHold(
    const OfficeInfo& office, const Visit& visit, Instant start,
    std::vector<Alternative>* alternatives, std::string hold_id, const QueueFence& fence) {
  std::string secret = NewSecret();
  const std::chrono::milliseconds ttl = HoldTtl(office);
  if (hold_id.empty()) hold_id = NewHoldId(office);
  // A refused write writes nothing, so every attempt may use the one id.
  std::function<Result<HoldRecord>(const Booking&)> write = [&](const Booking& b) {
    HoldRecord h;
    h.id = hold_id;
    h.secret_hash = Sha256Hex(secret);
    h.booking = b;
    h.expires_at = clock_.Now() + ttl;
    h.queue_day = fence.day;
    h.queue_version = fence.version;
    // A public hold: places freed less than the office's delay ago are not
    // for it (the store judges, in the hold's step).
    h.released_delay = office.rerelease_delay;
    return store_.PlaceHold(std::move(h));
  };
  auto hold = ClaimLoop(office, visit, start, office.schedule.rules, nullptr, write, alternatives,
                        /*may_reload=*/true, /*public_view=*/true);
  if (!hold.ok()) return hold.status();
  if (metrics_) metrics_->CountHold();
  return std::make_pair(std::move(hold).value(), secret);
}

std::string Booker::DrawReference() const {
  auto reserved = store_.ReserveReference();
  if (reserved.ok() && !reserved->empty()) return std::move(reserved).value();
  return NewReference();
}

JobPlan Booker::PlanFor(JobType first, const Contact& contact, const OfficeInfo& office) const {
  JobPlan plan;
  plan.reachable = !contact.email.empty() || !contact.phone.empty();
  plan.first = first;
  plan.first_due = clock_.Now();
  if (contact.reminders && (first == JobType::kConfirmation || first == JobType::kMoved)) {
    plan.reminder_offsets = office.reminder_offsets;
  }
  return plan;
}

Result<NewAppointment> Booker::Confirm(const Catalog& catalog, const std::string& hold_id,
                                       const std::string& secret,
                                       std::optional<std::uint64_t> version,
                                       const Contact& contact, ConfirmRefusal* refusal) {
  // The hold id names its office ("<office>.<random>", see PlaceHold), and
  // the store checks secret, version and expiry and takes the visit from the
  // hold in its one step: no read of the hold first.
  std::string_view named = OfficeInHoldId(hold_id);
  const OfficeInfo* office = named.empty() ? nullptr : catalog.FindOffice(named);
  if (!office) return Status::NotFound("no such hold");
  std::shared_ptr<const Catalog> reloaded;  // owns *office once reloaded
  std::string secret_hash = Sha256Hex(secret);
  JobPlan plan = PlanFor(JobType::kConfirmation, contact, *office);
  std::uint64_t checked_on = 0;  // the config version the hold was checked on
  for (int attempt = 0; attempt < kReferenceAttempts + options_.max_attempts; ++attempt) {
    NewAppointment made;
    made.manage_secret = ManageSecret();
    AppointmentRecord& a = made.record;
    a.reference = DrawReference();
    a.secret_hash = Sha256Hex(made.manage_secret);
    a.status = AppointmentStatus::kConfirmed;
    a.channel = Channel::kWeb;
    a.contact = contact;
    a.created_at = clock_.Now();
    a.booking.office_version = checked_on;
    // Double opt-in: preconfirmed until the link in the first message is
    // followed; the confirmation and reminders follow then (ConfirmOptIn).
    if (office->double_opt_in.count() > 0) {
      a.status = AppointmentStatus::kPreconfirmed;
      a.confirm_by = clock_.Now() + office->double_opt_in;
    }
    // Fair use: the office's quota per identity, judged in the store's step.
    a.identity_limit = office->appointments_per_identity;
    if (a.identity_limit > 0) a.identities = IdentityDigests(contact);
    JobPlan step_plan = plan;
    if (a.status == AppointmentStatus::kPreconfirmed) {
      step_plan.first = JobType::kOptIn;
      step_plan.reminder_offsets.clear();
    }
    auto done = store_.ConfirmHold(hold_id, secret_hash, version, a, step_plan, CurrentStep().key);
    if (done.ok()) {
      made.record = std::move(done).value();
      if (metrics_) metrics_->CountBooking("web");
      return made;
    }
    const StatusCode code = done.status().code();
    if (code == StatusCode::kAborted) {
      // The office's services changed since the hold was placed (the store's
      // config fence): check the held visit on the current configuration,
      // and confirm on that version, or void the hold.
      if (reload_catalog_) reloaded = reload_catalog_();
      const Catalog& now_catalog = reloaded ? *reloaded : catalog;
      const OfficeInfo* now_office = now_catalog.FindOffice(named);
      auto hold = store_.GetHold(hold_id);
      if (!hold.ok()) return hold.status();
      if (now_office && StillFits(*now_office, hold->booking)) {
        office = now_office;
        checked_on = now_office->config_version;
        continue;
      }
      // Its start is no longer offered as held: the place goes back.
      (void)store_.ReleaseHold(hold_id, secret_hash);
      ForgetClaims(hold->booking.office_id);
      if (refusal) {
        refusal->voided = true;
        if (now_office) {
          auto visit = VisitAt(*now_office, hold->booking.services);
          if (visit.ok()) {
            refusal->alternatives = NearestOffers(*now_office, *visit, hold->booking.start, nullptr);
          }
        }
      }
      return Status::Gone("the office's services changed; the held visit is no longer offered");
    }
    if (code == StatusCode::kGone) {
      if (refusal) ExplainGone(*office, hold_id, refusal);
      return done.status();
    }
    if (code != StatusCode::kFailedPrecondition) return done.status();
  }
  return Status::Internal("could not draw a free reference");
}

void Booker::ExplainGone(const OfficeInfo& office, const std::string& hold_id,
                         ConfirmRefusal* refusal) const {
  auto hold = store_.GetHold(hold_id);
  if (!hold.ok()) return;
  refusal->voided = hold->voided;
  std::shared_ptr<const Catalog> reloaded;  // owns *now_office once reloaded
  const OfficeInfo* now_office = &office;
  if (reload_catalog_ && hold->voided) {
    reloaded = reload_catalog_();
    if (reloaded && reloaded->FindOffice(office.id)) now_office = reloaded->FindOffice(office.id);
  }
  auto visit = VisitAt(*now_office, hold->booking.services);
  if (visit.ok()) {
    refusal->alternatives = NearestOffers(*now_office, *visit, hold->booking.start, nullptr);
  }
}

Result<HoldRecord> Booker::Extend(const Catalog& catalog, const std::string& hold_id,
                                  const std::string& secret, ConfirmRefusal* refusal) {
  std::string_view named = OfficeInHoldId(hold_id);
  const OfficeInfo* office = named.empty() ? nullptr : catalog.FindOffice(named);
  if (!office) return Status::NotFound("no such hold");
  auto extended = store_.ExtendHold(hold_id, Sha256Hex(secret), HoldTtl(*office),
                                    options_.max_hold_extensions);
  if (!extended.ok() && extended.status().code() == StatusCode::kGone && refusal) {
    ExplainGone(*office, hold_id, refusal);
  }
  return extended;
}

Result<NewAppointment> Booker::BookDirect(const OfficeInfo& office, const Visit& visit,
                                          Instant start, const Contact& contact, Channel channel,
                                          std::vector<Alternative>* alternatives,
                                          const QueueFence& fence) {
  std::string manage_secret = ManageSecret();
  // A retry of a booking whose answer was lost: its first attempt took the
  // start, so the claims would say "taken"; the marker says "yours".
  if (const StepContext& step = CurrentStep(); !step.key.empty()) {
    auto prior = store_.StepResult(office.id, step.key.token);
    if (!prior.ok()) return prior.status();
    if (!prior->empty()) {
      auto record = store_.GetAppointment(*prior);
      if (!record.ok()) return record.status();
      return NewAppointment{std::move(record).value(), manage_secret};
    }
  }
  std::function<Result<AppointmentRecord>(const Booking&)> write = [&](const Booking& b) {
    Result<AppointmentRecord> r = Status::Internal("could not draw a free reference");
    for (int attempt = 0; attempt < kReferenceAttempts; ++attempt) {
      AppointmentRecord a;
      a.reference = DrawReference();
      a.secret_hash = Sha256Hex(manage_secret);
      a.status = AppointmentStatus::kConfirmed;
      a.channel = channel;
      a.booking = b;
      a.contact = contact;
      a.created_at = clock_.Now();
      auto jobs = PlanJobs(PlanFor(JobType::kConfirmation, contact, office), a.reference, b.start);
      r = store_.CreateAppointment(std::move(a), "", std::move(jobs), CurrentStep().key, fence);
      if (r.ok() || r.status().code() != StatusCode::kFailedPrecondition) return r;
    }
    return r;
  };
  // The hotline books the same-day buffer on its day from midnight (staff
  // serve the same-day callers it is kept for); online it opens at the
  // office's release hour.
  BookingRules staff_rules = StaffRules(office.schedule.rules);
  if (channel != Channel::kWeb) staff_rules.same_day_release = Minutes{0};
  auto made = ClaimLoop(office, visit, start,
                        channel != Channel::kWeb ? staff_rules : office.schedule.rules, nullptr,
                        write, alternatives);
  if (!made.ok()) return made.status();
  if (metrics_) metrics_->CountBooking(ChannelName(channel));
  return NewAppointment{std::move(made).value(), manage_secret};
}

Result<AppointmentRecord> Booker::WalkIn(const OfficeInfo& office, const Visit& visit,
                                         bool may_reload, const std::function<bool(Instant)>& keeps,
                                         const QueueFence& fence) {
  if (const StepContext& step = CurrentStep(); !step.key.empty()) {
    auto prior = store_.StepResult(office.id, step.key.token);  // see BookDirect
    if (!prior.ok()) return prior.status();
    if (!prior->empty()) return store_.GetAppointment(*prior);
  }
  BookingRules rules = office.schedule.rules;
  rules.min_notice = Minutes(0);  // a walk-in is served now: no notice
  rules.same_day_buffer_percent = 0;  // the buffer is kept for walk-ins
  rules.hotline_share_percent = 0;    // released on its day anyway
  const date::time_zone* zone = office.schedule.zone;
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    Instant now = Now();
    LocalDate today = Today(office, now);
    DayRange days{today, today};
    auto claims = ReadOfficeClaims(office, UtcEnvelope(days, zone), nullptr);
    if (!claims.ok()) return claims.status();
    auto offers = Availability(office.schedule, rules, visit, days, now, *claims);
    if (keeps) std::erase_if(offers, [&](const Offer& o) { return !keeps(o.start); });
    if (offers.empty()) return Status::Conflict("no free start is left today");
    Instant start = offers.front().start;
    auto desk = AssignDesk(office.schedule, visit, start, *claims, AssignmentPolicy::kSkillAware);
    if (!desk) return Status::Conflict("no free start is left today");
    Result<AppointmentRecord> r = Status::Internal("could not draw a free reference");
    for (int ref_attempt = 0; ref_attempt < kReferenceAttempts; ++ref_attempt) {
      AppointmentRecord a;
      a.reference = DrawReference();
      a.secret_hash = Sha256Hex(NewSecret());  // nobody manages a walk-in online
      a.status = AppointmentStatus::kCheckedIn;
      a.channel = Channel::kKiosk;
      a.booking.office_id = office.id;
      a.booking.desk_id = office.schedule.desks[*desk].id;
      a.booking.services = visit.service_ids;
      a.booking.start = start;
      a.booking.end = start + visit.duration;
      a.booking.claim_end = start + visit.occupancy();
      a.booking.office_version = office.config_version;
      a.booking.day = FormatDate(LocalDayOf(start, office.schedule.zone));
      a.created_at = clock_.Now();
      r = store_.CreateAppointment(std::move(a), FormatDate(today), {}, CurrentStep().key, fence);
      if (r.ok() || r.status().code() != StatusCode::kFailedPrecondition) break;
    }
    if (r.ok()) {
      AddOwnClaim(office.id, r->booking.desk_id, r->booking.claim());
      if (metrics_) metrics_->CountBooking("kiosk");
      return r;
    }
    if (r.status().code() == StatusCode::kAborted && may_reload) {
      // Changed by another replica since our catalog was loaded (as in
      // ClaimLoop): reload and decide again on the new configuration.
      auto again = Reload(office, visit);
      if (!again) return r;
      if (!again->visit.ok()) return again->visit.status();
      return WalkIn(*again->office, *again->visit, /*may_reload=*/false, keeps, fence);
    }
    if (r.status().code() != StatusCode::kConflict) return r;
    if (metrics_) metrics_->CountConflict();
  }
  return Status::Conflict("the next free start was taken by others while we tried");
}

Result<AppointmentRecord> Booker::Move(const AppointmentRecord& current,
                                       const OfficeInfo& to_office, const Visit& visit,
                                       Instant start, std::vector<Alternative>* alternatives,
                                       const QueueFence& fence, bool staff) {
  if (current.status != AppointmentStatus::kConfirmed) {
    return Status::FailedPrecondition("only a confirmed appointment can be moved");
  }
  std::function<Result<AppointmentRecord>(const Booking&)> write = [&](const Booking& b) {
    AppointmentRecord moved = current;
    moved.booking = b;
    auto jobs = PlanJobs(PlanFor(JobType::kMoved, moved.contact, to_office), moved.reference, b.start);
    return store_.MoveAppointment(current.reference, b, std::move(jobs), CurrentStep().key, fence);
  };
  auto moved = ClaimLoop(to_office, visit, start,
                         staff ? StaffRules(to_office.schedule.rules) : to_office.schedule.rules,
                         &current.booking, write, alternatives);
  if (moved.ok()) ForgetClaims(current.booking.office_id);  // the old claim is free now
  return moved;
}

Result<AppointmentRecord> Booker::Cancel(const AppointmentRecord& current,
                                         const std::string& reason) {
  std::vector<OutboxJob> jobs;
  if (!current.contact.email.empty() || !current.contact.phone.empty()) {
    jobs.push_back(OutboxJob{reason == "office_change" ? JobType::kCancelledByOffice
                                                       : JobType::kCancelled,
                             current.reference, clock_.Now()});
  }
  auto r = store_.CancelAppointment(current.reference, reason, std::move(jobs), CurrentStep().key);
  if (r.ok()) ForgetClaims(current.booking.office_id);
  if (r.ok() && metrics_) metrics_->CountCancellation();
  return r;
}

Result<AppointmentRecord> Booker::ConfirmOptIn(const AppointmentRecord& current,
                                               const OfficeInfo& office) {
  auto jobs = PlanJobs(PlanFor(JobType::kConfirmation, current.contact, office), current.reference,
                       current.booking.start);
  return store_.ConfirmOptIn(current.reference, std::move(jobs));
}

Result<AppointmentRecord> Booker::CheckIn(const AppointmentRecord& current,
                                          const OfficeInfo& office) {
  return store_.CheckIn(current.reference, FormatDate(Today(office, Now())));
}

}  // namespace termin::api
