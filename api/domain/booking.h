// Booking steps: the core proposes, the store disposes.
//
// Each step that claims desk time reads the office's claims from the store,
// asks the core whether the start is offered (Availability) and which desk
// should take it (AssignDesk, least waste), and asks the store to write the
// claim in one atomic step. If another request took the place between the
// read and the write, the store says Conflict and we read again, at most
// `max_attempts` times; then the caller answers 409 with alternatives.
//
// Why a start is refused decides the status: off the grid, in the past,
// within the notice, beyond the horizon or outside opening hours is
// Unprocessable (it would never be offered); taken is Conflict.
//
// Thread safety: a Booker may be used from many threads at once (it holds
// references to a thread-safe store and clock).
#ifndef TERMIN_API_DOMAIN_BOOKING_H_
#define TERMIN_API_DOMAIN_BOOKING_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/domain/catalog.h"
#include "api/domain/claims_cache.h"
#include "api/clock.h"
#include "api/http/metrics.h"
#include "api/json/problem.h"
#include "api/store.h"
#include "scheduler/assignment.h"
#include "scheduler/availability.h"

namespace termin::api {

struct BookingOptions {
  int max_attempts = 3;
  std::optional<std::chrono::seconds> hold_ttl_override;  // tests: short holds
  std::size_t alternatives = 5;                           // offered on 409
  // How old a claims snapshot may be for a booking step to propose from it
  // (api/domain/claims_cache.h); 0 turns the snapshots off.
  std::chrono::milliseconds claims_snapshot_max_age{5000};
  // How old a snapshot may be for a 409 (and its alternatives) to rest on it
  // (api/domain/claims_cache.h); 0: every refusal reads fresh.
  std::chrono::milliseconds claims_refusal_max_age{200};
  // How often a citizen may extend one hold (Booker::Extend). Ten, because
  // WCAG 2.2.1 (Timing Adjustable, "Extend") asks that a time limit can be
  // extended at least ten times; the hold then lasts at most 11 x its TTL
  // (110 minutes at the usual 10), which bounds how long one person can keep
  // a scarce place from others.
  int max_hold_extensions = 10;
};

// What each desk of `office` offers within `range`: the services it can do
// and its open time (the OfficeChange a store judges claims against).
std::map<std::string, DeskFit> DeskFits(const OfficeInfo& office, Interval range);

// Whether a claim made earlier still fits `office` as configured now: its
// desk exists, can do every service, is open for the whole claim, and the
// visit's duration and buffer are those of the services now.
bool StillFits(const OfficeInfo& office, const Booking& booking);

// Why a confirm was refused, for the answer: `voided` if an office change
// removed the held start (else it expired), and the offered starts nearest
// to it.
struct ConfirmRefusal {
  bool voided = false;
  std::vector<Alternative> alternatives;
};

// The idempotency context of the request a thread serves: App::Handle sets
// it (StepScope) around a handler that carries an Idempotency-Key. The
// booking steps hand its key to the store (StepKey: the step's write and
// its marker are one), and a new appointment's manage secret is derived
// from `secret_seed`, so that a retry of a request whose answer was lost
// gets the same appointment with the same secret, while no store holds it.
struct StepContext {
  StepKey key;
  std::string secret_seed;  // empty: draw a random secret
};

// Sets this thread's StepContext until it goes out of scope.
class StepScope {
 public:
  explicit StepScope(StepContext context);
  ~StepScope();
  StepScope(const StepScope&) = delete;
  StepScope& operator=(const StepScope&) = delete;
};

// This thread's StepContext (empty outside a StepScope).
const StepContext& CurrentStep();

// A new appointment and the manage secret that only its creator sees.
struct NewAppointment {
  AppointmentRecord record;
  std::string manage_secret;
};

class Booker {
 public:
  Booker(Store& store, const Clock& clock, ApiMetrics* metrics, BookingOptions options);

  // The visit for `services` at `office`: Unprocessable if the office does
  // not offer one of them, InvalidArgument for an empty or repeated list.
  Result<Visit> VisitAt(const OfficeInfo& office, const std::vector<std::string>& services) const;

  // Ok if `start` would be offered were every desk free; else Unprocessable
  // saying why.
  Status CheckStart(const OfficeInfo& office, const Visit& visit, Instant start,
                    const BookingRules& rules) const;

  // The office's claims in desk order (what the core takes). `public_view`:
  // as the public sees them, with the places released less than the
  // office's rerelease_delay ago (api/store.h, ReadPublicClaims).
  Result<OfficeClaims> ReadOfficeClaims(const OfficeInfo& office, Interval range,
                                        const Booking* exclude, bool public_view = false) const;

  // The booking steps below answer Conflict when the start is taken; then,
  // if `alternatives` is given, they fill it with the offered starts nearest
  // to `start` (same day and the following week), sorted by start.

  // A hold and its secret. `hold_id` from NewHoldId (drawn here if empty).
  // `fence`: the hold is for today and was judged against the walk-in queue
  // on that version (HoldRecord::queue_day); Aborted if the queue moved
  // meanwhile (judge again). The same for BookDirect, WalkIn and Move.
  Result<std::pair<HoldRecord, std::string>> PlaceHold(
      const OfficeInfo& office, const Visit& visit, Instant start,
      std::vector<Alternative>* alternatives = nullptr, std::string hold_id = {},
      const QueueFence& fence = {});
  // The rules staff book under: the hotline's quota is theirs
  // (rules.hotline_share_percent off). The same-day buffer keeps its
  // release hour for what staff are shown; BookDirect books it from
  // midnight.
  static BookingRules StaffRules(BookingRules rules) {
    rules.hotline_share_percent = 0;
    return rules;
  }
  // "<office>.<random>": a store can find the hold from its id alone (office
  // ids are [a-z0-9-], random ids base64url, so the first '.' splits them;
  // at most 40 + 1 + 16 characters, within the 64 a confirm accepts).
  static std::string NewHoldId(const OfficeInfo& office);
  // How long a hold at `office` lasts.
  std::chrono::milliseconds HoldTtl(const OfficeInfo& office) const;
  // More time for a live hold: its expiry becomes now + HoldTtl, at most
  // max_hold_extensions times (then ResourceExhausted). NotFound for an
  // unknown hold or a wrong secret; Gone as for Confirm, with *refusal (if
  // given) filled the same way.
  Result<HoldRecord> Extend(const Catalog& catalog, const std::string& hold_id,
                            const std::string& secret, ConfirmRefusal* refusal = nullptr);
  int max_hold_extensions() const { return options_.max_hold_extensions; }
  // Confirms a hold (web). `catalog` finds the hold's office. Gone if the
  // hold expired or an office change voided it; then *refusal (if given)
  // says which, with alternatives near the held start.
  Result<NewAppointment> Confirm(const Catalog& catalog, const std::string& hold_id,
                                 const std::string& secret, std::optional<std::uint64_t> version,
                                 const Contact& contact, ConfirmRefusal* refusal = nullptr);
  // Claim and confirm at once (hotline).
  Result<NewAppointment> BookDirect(const OfficeInfo& office, const Visit& visit, Instant start,
                                    const Contact& contact, Channel channel,
                                    std::vector<Alternative>* alternatives = nullptr,
                                    const QueueFence& fence = {});
  // The next free start today at `office` without notice, checked in at once.
  // If another replica changed the office meanwhile (the store's config
  // fence), the catalog is reloaded and the walk-in decided again on the new
  // configuration, once; the office it was booked at is in the record.
  // `keeps`: the starts that keep today's walk-in numbers (all if empty);
  // `fence` as for PlaceHold.
  Result<AppointmentRecord> WalkIn(const OfficeInfo& office, const Visit& visit,
                                   bool may_reload = true,
                                   const std::function<bool(Instant)>& keeps = {},
                                   const QueueFence& fence = {});
  Result<AppointmentRecord> Move(const AppointmentRecord& current, const OfficeInfo& to_office,
                                 const Visit& visit, Instant start,
                                 std::vector<Alternative>* alternatives = nullptr,
                                 const QueueFence& fence = {}, bool staff = false);
  Result<AppointmentRecord> Cancel(const AppointmentRecord& current, const std::string& reason);
  // Double opt-in: the citizen followed the link; the confirmation and the
  // reminders are written with the step (Store::ConfirmOptIn).
  Result<AppointmentRecord> ConfirmOptIn(const AppointmentRecord& current, const OfficeInfo& office);
  // FailedPrecondition-free kiosk step: the caller checked office and day.
  Result<AppointmentRecord> CheckIn(const AppointmentRecord& current, const OfficeInfo& office);

  // The appointment `reference` at `office_id` was written by this
  // request's earlier attempt (CurrentStep's marker): the answer to give
  // again instead of refusing a step that already happened.
  bool DoneByThisRequest(const std::string& office_id, const std::string& reference) const;

  // The notification jobs of a step that confirms (or moves, cancels) a
  // visit for `contact` at `office`: see JobPlan.
  JobPlan PlanFor(JobType first, const Contact& contact, const OfficeInfo& office) const;

  // How a step whose store answered Aborted (the office's configuration
  // changed in the store since it was loaded) gets the current catalogue:
  // the App reloads it from the store. Without one, Aborted is returned.
  void SetCatalogReloader(std::function<std::shared_ptr<const Catalog>()> reload) {
    reload_catalog_ = std::move(reload);
  }

  // This process freed desk time at `office` outside the steps above (a
  // released hold, an office change): its snapshots there are dropped.
  void ForgetClaims(const std::string& office_id) {
    claims_cache_.ForgetOffice(office_id);
    claims_cache_.ForgetOffice(PublicViewName(office_id));
  }

  Instant Now() const { return ToInstant(clock_.Now()); }

 private:
  // Reads, proposes and writes through `write`, retrying on Conflict; on a
  // final Conflict fills *alternatives (if given).
  // `public_view`: propose from the claims the public sees (a web hold at
  // an office with a re-release delay), as the store's step will judge.
  template <typename T>
  Result<T> ClaimLoop(const OfficeInfo& office, const Visit& visit, Instant start,
                      const BookingRules& rules, const Booking* exclude,
                      const std::function<Result<T>(const Booking&)>& write,
                      std::vector<Alternative>* alternatives, bool may_reload = true,
                      bool public_view = false);

  // After the store answered Aborted for a step on `office` (another
  // replica changed its configuration): the office and `visit` again, from
  // the reloaded catalogue; nullopt if the office's version did not move
  // (or there is no reloader). `visit` fails if the new configuration no
  // longer allows it.
  struct Reloaded {
    std::shared_ptr<const Catalog> catalog;  // owns *office
    const OfficeInfo* office;
    Result<Visit> visit;
  };
  std::optional<Reloaded> Reload(const OfficeInfo& office, const Visit& visit) const;

  // Why a step on `hold_id` at `office` found the hold Gone: *refusal says
  // whether an office change voided it, with the offered starts nearest to
  // it (on the reloaded catalogue if it was voided).
  void ExplainGone(const OfficeInfo& office, const std::string& hold_id,
                   ConfirmRefusal* refusal) const;

  // A reference the store reserved for us, else a random one (which the
  // store may find in use: FailedPrecondition, and we draw again).
  std::string DrawReference() const;

  // The office's claims over `range` as read at or after `not_before`
  // (ClaimsCache::Fetch: one read for many concurrent requests).
  // `public_view`: as the public sees them (ReadOfficeClaims), cached apart.
  Result<ClaimsCache::Snapshot> Claims(const OfficeInfo& office, Interval range,
                                       ClaimsCache::SteadyTime not_before,
                                       bool public_view = false) const;
  // The claims cache's name for the public view of an office.
  static std::string PublicViewName(const std::string& office_id) { return office_id + "|public"; }
  // A claim this process wrote, into both views' snapshots.
  void AddOwnClaim(const std::string& office_id, const std::string& desk, Interval claim) const {
    claims_cache_.AddClaim(office_id, desk, claim);
    claims_cache_.AddClaim(PublicViewName(office_id), desk, claim);
  }
  // Desk-ordered claims from a store answer; `exclude`'s own claim removed.
  OfficeClaims Arrange(const OfficeInfo& office, const DeskClaims& read,
                       const Booking* exclude) const;

  // The offered starts nearest to `start`. `day_claims`, if given, are the
  // office's claims on the start's local day just read by the claim loop;
  // they spare a second read when the day alone decides the answer.
  std::vector<Alternative> NearestOffers(const OfficeInfo& office, const Visit& visit,
                                         Instant start, const OfficeClaims* day_claims,
                                         bool public_view = false) const;

  Store& store_;
  const Clock& clock_;
  ApiMetrics* metrics_;
  BookingOptions options_;
  mutable ClaimsCache claims_cache_;  // a cache: filled by const reads too
  std::function<std::shared_ptr<const Catalog>()> reload_catalog_;  // set once, before serving
};

}  // namespace termin::api

#endif  // TERMIN_API_DOMAIN_BOOKING_H_
