// The store: where holds, appointments, office configuration, idempotency
// records and the notification outbox live.
//
// "The core proposes, the store disposes." The API reads an office's claims,
// asks the core which desk should take a visit, and then asks the store to
// write that claim. Every mutating operation below is ONE atomic step that
// checks and writes: PlaceHold refuses (Conflict) if the desk's interval
// overlaps any live claim at that moment, however recently the caller read
// the claims. The embedded store does this under a mutex per office; the
// Redis store (next) does it in one Lua script per step, on keys that share
// the office's hash tag. Notification jobs handed to a step are written in
// that same step (an outbox), so a confirmed visit never lacks its message
// and a failed step never sends one.
//
// Claims: a desk is claimed over [start, claim_end) by every hold that has
// not expired (by the store's clock) and every appointment that is not
// cancelled. Expiry is judged by the store's injected clock, so a hold that
// expired frees its place even before anything deletes it.
//
// Released places (ZMS's deallocationDuration, "to prevent appointment
// trading"): the interval a cancelled appointment, a moved appointment's
// old place, a given-back hold or a lapsed hold frees is remembered as released at the store's clock (for
// kReleasedKept). A step that names a `released_delay` (a public hold:
// HoldRecord::released_delay; the public view: ReadPublicClaims) counts a
// place released less than that long ago as claimed; every other step
// (staff bookings, moves, the admin) sees it free at once. The cancel and
// the release write this record in their own atomic step, so there is no
// instant at which the public can take a place that was just freed.
//
// Secrets: holds and appointments carry only the SHA-256 of their secret.
//
// Errors: NotFound (unknown id/reference, or a hold secret that does not
// match: the two are indistinguishable on purpose), Gone (the hold expired),
// Conflict (the interval is taken, or a configuration version moved),
// FailedPrecondition (the appointment's state forbids the step),
// Unavailable (the backing service is down).
//
// Thread safety: every method may be called from many threads at once.
#ifndef TERMIN_API_STORE_H_
#define TERMIN_API_STORE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/clock.h"
#include "scheduler/interval_set.h"
#include "scheduler/status.h"
#include "scheduler/time.h"

namespace termin::api {

// One counter series about the store's backing service (Store::Counters),
// exported on /metrics as it is: a monotonically rising count.
struct StoreCounter {
  std::string name;         // a Prometheus metric name, e.g. termin_redis_redirects_total
  std::string help;         // the same for every series of one name
  std::string label;        // "" = a series without labels
  std::string label_value;
  std::uint64_t value = 0;
};


struct Contact {
  std::string name;
  std::string email;     // empty = none
  std::string phone;     // empty = none
  std::string language = "de";  // "de" | "en"
  bool reminders = false;       // consented to reminder messages
  friend bool operator==(const Contact&, const Contact&) = default;
};

enum class AppointmentStatus {
  kConfirmed,  // booked
  kCheckedIn,  // arrived, has a ticket
  kDone,       // served
  kCancelled,  // by the citizen, staff or an office change
  kNoShow,     // did not come
  // Booked online at an office with double opt-in: waits until confirm_by
  // for the citizen to follow the link (ConfirmOptIn). Its claim lapses
  // then by itself, and the place goes back like a lapsed hold's (released,
  // offered to the waitlist); read after that, it is kCancelled with the
  // reason "not_confirmed" (SettleOptIn).
  kPreconfirmed,
};

enum class Channel {
  kWeb,      // the booking widget
  kHotline,  // booked by phone staff
  kKiosk,    // walk-in at the office
};

// Where and when a visit sits: the desk is occupied over [start, claim_end),
// which is the visit [start, end) plus the services' buffer.
struct Booking {
  std::string office_id;
  std::string desk_id;
  std::vector<std::string> services;
  Instant start;
  Instant end;
  Instant claim_end;
  // The version of the office configuration this booking was proposed on
  // (OfficeInfo::config_version): the office config fence. Every claiming
  // step (PlaceHold, CreateAppointment, MoveAppointment) is refused with
  // Aborted if the office's version in the store is another one, in the same
  // atomic step as its write; the caller reloads the office and decides
  // again. 0: not checked. Stored with a hold (the version it was placed
  // on); for ConfirmHold see there. Not compared by ==.
  std::uint64_t office_version = 0;
  // The local day of `start` at the office ("YYYY-MM-DD"), set by the API
  // where it proposes the booking: the day its evaluation tallies count
  // under (api/tally.h). Stored with holds and appointments; empty for
  // records written before tallies existed (they are not counted). Not
  // compared by ==.
  std::string day;
  Interval claim() const { return Interval{start, claim_end}; }
  friend bool operator==(const Booking& a, const Booking& b) {
    return a.office_id == b.office_id && a.desk_id == b.desk_id && a.services == b.services &&
           a.start == b.start && a.end == b.end && a.claim_end == b.claim_end;
  }
};

// How long a store remembers a released place (see the file comment): the
// longest re-release delay an office may set (api/domain/catalog.h).
inline constexpr std::chrono::hours kReleasedKept{24};

struct HoldRecord {
  std::string id;           // random, unguessable
  std::string secret_hash;  // SHA-256 hex of the owner secret
  std::uint64_t version = 0;  // set by the store (fencing number)
  Booking booking;
  TimePoint expires_at;
  bool voided = false;  // an office change removed its start: it claims nothing, confirms never
  int extensions = 0;   // how often ExtendHold pushed expires_at back
  // For PlaceHold only, not kept. A hold for today was judged against the
  // day's walk-in queue (queue::KeepsWalkIns) on the queue version
  // `queue_version` of `queue_day` ("YYYY-MM-DD" local; "" = not judged).
  // The store places it only if that version is still the day's, and moves
  // the version on in the same step, so a ticket judged before it (on the
  // old version) is judged again, and the hold after a ticket: numbers and
  // the online offer are two views of one desk time (Aborted otherwise).
  std::string queue_day;
  std::uint64_t queue_version = 0;
  // An offer-hold (the waitlist, see Wish): the wish it was offered to;
  // empty for a citizen's own hold. Confirming it erases the wish in the
  // same step; releasing it (a decline) ends the wish and offers the place
  // to the next one.
  std::string wish_id;
  // A step input, never stored: PlaceHold also refuses (Conflict) places
  // released less than this long ago (a public hold at an office with a
  // re-release delay); 0 = released places are free at once.
  std::chrono::milliseconds released_delay{0};
};

struct Note {
  TimePoint at;
  std::string author;  // the API key's name
  std::string text;
};

struct AppointmentRecord {
  std::string reference;    // "K7QM-4XPR"
  std::string secret_hash;  // SHA-256 hex of the manage secret
  AppointmentStatus status = AppointmentStatus::kConfirmed;
  Channel channel = Channel::kWeb;
  Booking booking;
  Contact contact;
  bool contact_erased = false;  // personal data deleted after retention
  std::string ticket;           // set at check-in ("A012")
  std::vector<Note> notes;      // staff only
  std::string cancel_reason;    // "citizen", "hotline", "office_change"
  TimePoint created_at;
  TimePoint closed_at;          // when it became cancelled/done/no_show
  int revision = 0;             // grows with each move and the cancellation (.ics SEQUENCE)
  // Fair use: digests of the contact's normalised e-mail and phone
  // (api/domain/booking.h, IdentityDigests), erased with the contact data.
  std::vector<std::string> identities;
  // Double opt-in (kPreconfirmed): when the unconfirmed booking lapses; the
  // epoch otherwise. A step input of ConfirmHold too: a record handed to it
  // as kPreconfirmed is written so, its claim lapsing then.
  TimePoint confirm_by;
  // A step input, never stored: ConfirmHold refuses (ResourceExhausted)
  // when one of `identities` already has this many future confirmed or
  // checked-in appointments at the office that share a service with this
  // one; 0 = no limit.
  int identity_limit = 0;
};

enum class JobType {
  kConfirmation,
  kReminder,
  kMoved,
  kCancelled,
  kCancelledByOffice,
  kWaitlistOffer,  // reference = the offer-hold's id (HoldRecord::wish_id names the wish)
  kOptIn,          // double opt-in: the link that confirms a preconfirmed booking
};

struct OutboxJob {
  JobType type = JobType::kConfirmation;
  std::string reference;
  TimePoint due;
  friend bool operator==(const OutboxJob&, const OutboxJob&) = default;
};

// How a step's notification jobs follow from the visit it writes. It is
// handed to ConfirmHold, whose visit only the store knows (it comes from the
// hold), so that the jobs are derived inside the store's one step: the first
// message (`first`, due at `first_due`), then one reminder `offset` before
// the start for each offset whose time lies after `first_due`. Nobody to
// reach (no e-mail, no phone): no jobs at all.
struct JobPlan {
  bool reachable = false;
  JobType first = JobType::kConfirmation;
  TimePoint first_due;
  std::vector<Minutes> reminder_offsets;  // empty: no reminders
};

// The office a hold id names: the API draws hold ids as "<office>.<random>"
// (Booker::PlaceHold; office ids never contain '.'), so a store can find a
// hold from its id alone. Empty for an id without a '.' before other text.
std::string_view OfficeInHoldId(std::string_view hold_id);

// The jobs `plan` means for the visit `reference` starting at `start`.
std::vector<OutboxJob> PlanJobs(const JobPlan& plan, const std::string& reference, Instant start);

// A configuration document and its version (0 = does not exist).
struct ConfigDocument {
  std::string document;
  std::uint64_t version = 0;
};

// An office change as the store judges it (PutOfficeConfig): for each desk
// of the new configuration, the services it can do and its open time within
// `judged`. A claim (live hold or active appointment) that ends after
// judged.begin fits if its desk is listed, can do every service of its visit
// and is open for the whole claim.
struct DeskFit {
  std::vector<std::string> services;
  IntervalSet open;
};
struct OfficeChange {
  std::string document;
  std::uint64_t expected_version = 0;  // compare-and-set; 0 = must not exist yet
  Interval judged;                     // claims ending after judged.end: see `beyond`
  std::map<std::string, DeskFit> desks;
  bool cancel_conflicting = false;  // false: appointments that do not fit refuse the change
  bool Fits(const std::string& desk, const std::vector<std::string>& services, Interval claim) const;
};
struct AffectedVisit {
  std::string reference;
  Instant start;
};
struct OfficeChangeOutcome {
  // The new version; 0 if nothing was written (then `appointments` lists
  // those that refused the change, or `beyond` is set).
  std::uint64_t version = 0;
  std::vector<AffectedVisit> appointments;  // that did not fit (cancelled if written), by start
  std::size_t voided_holds = 0;             // live holds that did not fit (voided if written)
  // A claim ends after judged.end (beyond what the caller described): nothing
  // was written; judge again up to at least this instant.
  std::optional<Instant> beyond;
};

// Versions of the configuration documents, by office id and service id.
struct ConfigVersions {
  std::map<std::string, std::uint64_t> offices;
  std::map<std::string, std::uint64_t> services;
  friend bool operator==(const ConfigVersions&, const ConfigVersions&) = default;
};

// A booking step's idempotency token: the request's Idempotency-Key hashed
// with its scope (route, credential), so it names one caller's one request
// and reveals neither. The step records it with its own write, in the same
// atomic step (a marker in the office's keys, kept `ttl`), and a later step
// with the same token writes nothing and answers what the first one wrote
// (the same appointment). That is what makes a retry after an unknown
// outcome (a timeout, a 503, a replica killed mid-request) book once: the
// retry either finds the first write's marker or the first write never
// happened, decided inside the store, not by the API's bookkeeping.
// Empty: no token.
struct StepKey {
  std::string token;  // hex
  std::chrono::seconds ttl{0};
  bool empty() const { return token.empty(); }
};

// A booking step into today judged against the day's walk-in queue
// (queue::KeepsWalkIns) on the queue version `version` of `day` ("YYYY-MM-DD"
// local): the store writes only if that version is still the day's, and
// moves it on in the same step (Aborted otherwise), as PlaceHold does with
// HoldRecord::queue_day. Empty: not judged (another day, or nobody waiting).
struct QueueFence {
  std::string day;
  std::uint64_t version = 0;
  bool empty() const { return day.empty(); }
};

// The first response to a request with an Idempotency-Key.
struct StoredResponse {
  int status = 0;
  std::string content_type;
  std::string body;
  std::string location;  // Location header, if any
};

struct IdempotencyBegin {
  enum class Outcome {
    kStarted,     // the key is new: the caller runs the request, then Finish/Abandon
    kInProgress,  // another request with this key is running
    kReplay,      // done before: `response` holds the first answer
    kMismatch,    // the key was used with a different request
  };
  Outcome outcome = Outcome::kStarted;
  StoredResponse response;
};

// Staff search: exactly one of reference/phone/name is set. `offices` limits
// the result (empty = every office).
struct AppointmentQuery {
  std::string reference;
  std::string phone;  // compared on digits only
  std::string name;   // case-insensitive substring
  std::vector<std::string> offices;
  std::size_t limit = 50;
};

// Per desk id, the claimed intervals.
using DeskClaims = std::map<std::string, IntervalSet>;

// A fair-use limit's answer (Store::TakeToken, Store::AdmitOpenHold).
struct LimitDecision {
  bool allowed = true;
  std::chrono::milliseconds retry_after{0};  // when refused
};

// --- The office's day: one queue for booked visitors and walk-ins ---------
// (queue/day.h is the model that judges it; api/domain/queue_day.h feeds it.)
//
// Per office and local day ("YYYY-MM-DD"): the entries (a checked-in
// appointment or a walk-in ticket), the desks opened for the day, and the
// recent calls for the waiting-room display. Every step below is ONE atomic
// step (the office's shard lock; one Lua script on the office's keys), so two
// desks never call the same visitor. Times in these steps come from the
// caller (the API's clock), so a day can be replayed in tests.
enum class QueueKind {
  kAppointment,  // a booked visitor who checked in
  kWalkIn,       // a ticket without appointment
};
enum class QueueState {
  kWaiting,  // in the queue (also after requeue or transfer)
  kCalled,   // called to a desk, not started yet
  kServing,  // being served (started)
  kDone,     // served
  kNoShow,   // called and did not come
};

struct QueueEntry {
  std::string ticket;  // "A012": drawn from the office's tickets of the day
  int number = 0;      // its draw order (walk-ins are called by it)
  QueueKind kind = QueueKind::kWalkIn;
  std::string reference;  // appointments only
  std::vector<std::string> services;
  TimePoint due;  // appointment: its start; walk-in: when it was issued
  QueueState state = QueueState::kWaiting;
  std::string desk;      // called to / served at (kept once done)
  std::string for_desk;  // transferred: only this desk calls it, before others
  TimePoint called_at;
  TimePoint started_at;
  int calls = 0;  // calls and recalls
};

struct QueueDesk {
  std::string id;
  bool open = false;     // opened for the day and not closed
  TimePoint closes_at;   // epoch: as its hours say; else it calls nobody from then on
  std::string current;   // ticket called or being served, "" = free
};

// One line of the call display: a ticket and its desk, never a name.
struct QueueCall {
  std::uint64_t seq = 0;  // 1, 2, ... per office and day
  std::string ticket;
  std::string desk;
  TimePoint at;
};

inline constexpr std::size_t kQueueCallsKept = 20;   // display lines kept per day
inline constexpr std::size_t kQueueDurationsKept = 51;  // measured durations per service key

struct QueueCalls {
  std::uint64_t seq = 0;         // calls so far today (the display's ETag)
  std::vector<QueueCall> calls;  // newest first, at most kQueueCallsKept
};

struct QueueDay {
  std::uint64_t version = 0;                // grows with every write to the day's queue
  std::vector<QueueEntry> entries;          // by number
  std::map<std::string, QueueDesk> desks;   // desks opened (or closed) today
  QueueCalls calls;
  // Measured start->done minutes per service key (QueueServiceKey), newest
  // first, at most kQueueDurationsKept; kept across days.
  std::map<std::string, std::vector<int>> durations;
};

// The key of a visit's services for durations and the model: sorted, '+'.
std::string QueueServiceKey(std::vector<std::string> services);

// The call rule both stores follow (Store::CallNext): the index of the
// entry `desk` calls next among `entries`, nullopt if none.
std::optional<std::size_t> NextForDesk(const std::vector<QueueEntry>& entries,
                                       const std::string& desk,
                                       const std::vector<std::string>& can_do, TimePoint now);

enum class DeskAction {
  kRecall,    // calls the desk's current ticket again (a new display line)
  kStart,     // called -> serving
  kDone,      // serving -> done; its minutes join the durations
  kNoShow,    // called -> no_show (an appointment becomes no_show too)
  kRequeue,   // called/serving -> waiting, in its old place
  kTransfer,  // called/serving -> waiting for another desk
};

// One line of the audit log: a staff or admin action (App::Handle writes
// one for every request with an API key that changes something, and for
// the hotline's lookups of a visit). It names the key, never its secret,
// and no contact data.
struct AuditEntry {
  TimePoint at;
  std::string key;        // the API key's name in the keys file
  std::string role;       // hotline | kiosk | desk | admin
  std::string action;     // method and route: "POST /v1/hotline/appointments/{reference}/cancel"
  std::string reference;  // the appointment acted on; "" = none
  std::string target;     // the desk, service or dead letter acted on; "" = none
  int status = 0;         // the answer's HTTP status
};

// --- The waitlist ("notify me", #14) -----------------------------------------
// A wish: a citizen who found nothing that fits asks to be offered a place
// that is freed later. One Wish per office (a wish for several offices, or
// "any", is one per office, sharing a secret). What the store cannot judge
// (desks, durations, the office's time zone) the API judges when the wish
// is made and writes into it: the desks that can do every service, the
// visit's length and its claim's length, and the UTC ranges in which a start
// suits the citizen (weekdays and times, up to the latest date).
//
// Offers, in the store's steps (the matching is atomic with the release):
// the place a cancel (CancelAppointment) or a move (MoveAppointment, its old
// place) frees, a given-back hold (ReleaseHold, also a declined offer) frees, and a lapsed hold (or lapsed offer) a
// public PlaceHold or OfferReleased meets, is offered to the oldest waiting
// wish it suits (desk, start in a range, its claim within the freed
// interval, no live claim in the way) before anyone else may take it: an
// offer-hold at the freed start (id OfferHoldId(wish), secret hash
// `offer_secret_hash`, lapsing `offer_ttl` after the offer), a
// kWaitlistOffer job in the outbox, and the wish marked offered, all in that
// step. A place is offered once (the offer-hold is a claim); a wish gets one
// offer (accepted: the appointment; declined or lapsed: the wish ends).
enum class WishState {
  kWaiting,  // no offer yet
  kOffered,  // offer_hold names its offer-hold
};

struct Wish {
  std::string id;           // "<office>.<random>" (names its office, as a hold id does)
  std::string secret_hash;  // SHA-256 of the citizen's wish secret (to withdraw it)
  std::string office_id;
  std::vector<std::string> services;
  std::vector<std::string> desks;  // that can do every service (judged by the API)
  Minutes duration{0};             // the visit
  Minutes occupancy{0};            // its claim (duration plus buffers)
  std::vector<Interval> windows;   // a start suits if it lies in one, [begin, end); UTC
  Contact contact;
  TimePoint created_at;
  TimePoint expires_at;  // erased with its contact data from then on
  std::string offer_secret_hash;   // the offer-hold's secret hash (the offer link's token)
  std::chrono::milliseconds offer_ttl{0};
  WishState state = WishState::kWaiting;
  std::string offer_hold;  // once offered
  // Evaluation (api/tally.h): the office's local day the wish was made (its
  // outcome is counted on it), and the local day of each of `windows` (an
  // offer-hold's visit day, so an accepted offer counts on its day).
  std::string day;
  std::vector<std::string> window_days;
  // Fair use (OfficeInfo::appointments_per_identity), judged at every offer:
  // the digests of the contact's normalised e-mail and phone (IdentityDigests)
  // and the office's limit. A wish one of whose identities already has
  // `identity_limit` future confirmed, checked-in or (not lapsed) preconfirmed
  // appointments at the office sharing a service with `services` (counted as
  // ConfirmHold counts them) is passed over: its accept could only be refused,
  // and the place would be blocked for the offer's TTL. It keeps waiting (one
  // of those visits may be cancelled). Erased with the contact data. 0 = no
  // limit.
  std::vector<std::string> identities;
  int identity_limit = 0;
};

// A preconfirmed appointment read at `now` after its confirm_by is
// cancelled ("not_confirmed", closed at confirm_by): what every lookup of
// both stores answers, whatever the stored record still says.
inline void SettleOptIn(AppointmentRecord& a, TimePoint now) {
  if (a.status == AppointmentStatus::kPreconfirmed && a.confirm_by <= now) {
    a.status = AppointmentStatus::kCancelled;
    a.cancel_reason = "not_confirmed";
    a.closed_at = a.confirm_by;
  }
}

// A fair release's pre-queue (api/domain/release_queue.h): one ticket per
// client (a digest of its address bucket) per office and released day.
// Tickets taken before the draw carry a random order drawn by the API and
// kept secret until the draw; later ones are placed after every earlier one
// in the order they came. `rank` is the ticket's 0-based place in that
// order, `size` the number of tickets.
struct ReleaseTicket {
  std::string id;
  std::string client;
  std::int64_t rank = 0;
  std::int64_t size = 0;
};

// The largest order a ticket taken before the draw may carry (2^40).
inline constexpr std::uint64_t kReleaseOrderLimit = std::uint64_t{1} << 40;

// The SharedSecret that signs waitlist offer links when no link key file is
// given (termin-api and termin-worker both read it).
inline constexpr std::string_view kOfferKeySecret = "offer-links";

// The id of the offer-hold of `wish_id`: one per wish.
inline std::string OfferHoldId(const std::string& wish_id) { return wish_id + "-o"; }

class Store {
 public:
  virtual ~Store() = default;

  // --- Booking steps ------------------------------------------------------
  // Claims of an office's desks that overlap `range`.
  virtual Result<DeskClaims> ReadClaims(const std::string& office_id, Interval range) = 0;
  // The claims the public sees: ReadClaims plus the places released less
  // than `released_delay` ago (see the file comment), judged by the store's
  // clock, as a public PlaceHold with that delay judges them.
  virtual Result<DeskClaims> ReadPublicClaims(const std::string& office_id, Interval range,
                                              std::chrono::milliseconds released_delay) = 0;

  // Writes a hold if its desk interval overlaps no live claim; returns the
  // hold with its version. Conflict otherwise.
  virtual Result<HoldRecord> PlaceHold(HoldRecord hold) = 0;

  // A hold as written (also once expired, until it is purged). After
  // PlaceHold a hold changes only by ExtendHold (expires_at, extensions) and
  // by an office change (voided); its booking never changes, so the visit
  // this returns is what ConfirmHold finds, if the hold still exists.
  // NotFound if unknown.
  virtual Result<HoldRecord> GetHold(const std::string& hold_id) = 0;

  // Gives a live hold more time, in one step: its expiry becomes the
  // store's now + `ttl` (never earlier than it was) and its extensions count
  // grows by one; returns the hold as it is now. The claim stays where it is
  // (a live hold's claim is exclusive, so no overlap check is needed).
  // NotFound: unknown hold or wrong secret (indistinguishable). Gone: the
  // hold expired (even if nobody took its place since) or an office change
  // voided it (the record says `voided`). ResourceExhausted: extended
  // `max_extensions` times already (nothing written). Expiry is judged by
  // the store's clock, as for ConfirmHold.
  virtual Result<HoldRecord> ExtendHold(const std::string& hold_id, const std::string& secret_hash,
                                        std::chrono::milliseconds ttl, int max_extensions) = 0;

  // Deletes a live or expired hold (a live one's place is released, see the
  // file comment). NotFound if unknown or the secret differs.
  virtual Status ReleaseHold(const std::string& hold_id, const std::string& secret_hash) = 0;

  // Turns a live hold into `appointment` (whose booking is replaced by the
  // hold's) and writes the jobs `plan` means for it, in one step: the caller
  // need not read the hold first. NotFound: unknown hold, wrong secret or
  // version. Gone: the hold expired (even if its place was taken since), or
  // an office change voided it (the record says `voided`; GetHold).
  // FailedPrecondition: the appointment's reference is already in use (the
  // caller draws another; also for CreateAppointment).
  // The office config fence for a confirm: every office change
  // (PutOfficeConfig) judges live holds in its own step and voids those that
  // no longer fit, so a hold that survived one is still good. Not so a
  // service change (TouchOfficeConfig): the hold's claim was computed from
  // the old service. A hold placed on a version older than the office's
  // last touch answers Aborted unless `appointment.booking.office_version`
  // is the office's current version, which the caller sets after it checked
  // (on that version) that the hold's visit still fits.
  virtual Result<AppointmentRecord> ConfirmHold(const std::string& hold_id,
                                                const std::string& secret_hash,
                                                std::optional<std::uint64_t> version,
                                                AppointmentRecord appointment,
                                                const JobPlan& plan,
                                                const StepKey& key = {}) = 0;

  // A reference that nobody else can be given: reserved by the store for at
  // least 50 minutes, for this caller's next ConfirmHold or CreateAppointment,
  // which then need not check it is unused (for Redis: one round trip less
  // per booking). Empty: this store reserves none; the caller draws one and
  // the step may answer FailedPrecondition (in use).
  virtual Result<std::string> ReserveReference() { return std::string(); }

  // Claims and confirms in one step (hotline, kiosk walk-in). If `ticket_day`
  // is set ("YYYY-MM-DD" local), a ticket of that office and day is drawn in
  // the same step. Conflict if the interval is taken; Aborted if `fence`
  // is set and the day's queue moved on (QueueFence).
  virtual Result<AppointmentRecord> CreateAppointment(AppointmentRecord appointment,
                                                      const std::string& ticket_day,
                                                      std::vector<OutboxJob> jobs,
                                                      const StepKey& key = {},
                                                      const QueueFence& fence = {}) = 0;

  virtual Result<AppointmentRecord> GetAppointment(const std::string& reference) = 0;

  // FailedPrecondition unless confirmed or checked in. Its place is
  // released in the same step (see the file comment).
  // Double opt-in: a preconfirmed appointment becomes confirmed (its claim
  // no longer lapses) and `jobs` are written, in one step, while its
  // confirm_by lies ahead by the store's clock. Gone once it lapsed;
  // FailedPrecondition for other states; a confirmed one is returned as it is.
  virtual Result<AppointmentRecord> ConfirmOptIn(const std::string& reference,
                                                 std::vector<OutboxJob> jobs) = 0;

  virtual Result<AppointmentRecord> CancelAppointment(const std::string& reference,
                                                      const std::string& reason,
                                                      std::vector<OutboxJob> jobs,
                                                      const StepKey& key = {}) = 0;

  // Claims `to` and releases the old claim in one step (the appointment's
  // own claim does not block its move). Conflict if `to` is taken;
  // FailedPrecondition unless confirmed; Aborted if `fence` is set and the
  // day's queue moved on (QueueFence).
  virtual Result<AppointmentRecord> MoveAppointment(const std::string& reference, Booking to,
                                                    std::vector<OutboxJob> jobs,
                                                    const StepKey& key = {},
                                                    const QueueFence& fence = {}) = 0;

  // The reference a step with `token` wrote at `office_id` (StepKey), if
  // any: how a retry of a booking that must first look at the claims (a
  // hotline booking, whose start its own first attempt took) finds out it is
  // done. Empty if none.
  virtual Result<std::string> StepResult(const std::string& office_id, const std::string& token) = 0;

  // Marks a confirmed appointment checked in, draws its ticket for
  // `ticket_day` and puts it into that day's queue (QueueEntry, due at its
  // start), in one step; an appointment already checked in is returned as
  // it is.
  // FailedPrecondition for other states.
  virtual Result<AppointmentRecord> CheckIn(const std::string& reference,
                                            const std::string& ticket_day) = 0;

  virtual Result<AppointmentRecord> AddNote(const std::string& reference, Note note) = 0;

  // --- Lookups --------------------------------------------------------------
  virtual Result<std::vector<AppointmentRecord>> FindAppointments(const AppointmentQuery& query) = 0;
  // Confirmed and checked-in appointments of an office that end after `from`.
  virtual Result<std::vector<AppointmentRecord>> ListActiveAppointments(const std::string& office_id,
                                                                        Instant from) = 0;

  // --- Configuration ----------------------------------------------------------
  // version 0 with an empty document if the office is unknown.
  virtual Result<ConfigDocument> GetOfficeConfig(const std::string& office_id) = 0;
  // An office change, in ONE step with every booking step of the office:
  // compare-and-set of the version (Conflict if it is not
  // `change.expected_version`), then every claim of the office is judged
  // against the new desks (OfficeChange); unless an appointment that does
  // not fit refuses the change (cancel_conflicting false), the document and
  // a new version are written, appointments that do not fit are cancelled
  // (reason "office_change", with a kCancelledByOffice job for those with an
  // e-mail or phone, due at the store's now), and live holds that do not fit
  // are voided. Because the listing happens inside the step, a booking that
  // lands before it is judged by it, and one after it carries the old
  // version and meets the fence: once the change is written, no visit
  // outside the new configuration exists that the outcome does not list.
  virtual Result<OfficeChangeOutcome> PutOfficeConfig(const std::string& office_id,
                                                      const OfficeChange& change) = 0;
  // A new version of the office's configuration, its document unchanged;
  // returns it. Called after a change to a service the office offers: a
  // booking step proposed on the old service (a replica that has not polled
  // the change yet) carries the office's old version and meets the office
  // config fence (Booking::office_version), so it is decided again on the
  // new service. NotFound for an office without a configuration.
  virtual Result<std::uint64_t> TouchOfficeConfig(const std::string& office_id) = 0;
  virtual Result<std::map<std::string, ConfigDocument>> GetServiceConfigs() = 0;
  virtual Result<std::uint64_t> PutServiceConfig(const std::string& service_id,
                                                 const std::string& document) = 0;

  // The versions of every office and service configuration, without the
  // documents: what API replicas poll (a few times a second) to notice an
  // admin change made through another replica. Offices and services without
  // a configuration are left out. The default answers FailedPrecondition,
  // meaning "nobody else writes this store's configuration" (the embedded
  // store serves one process, whose own admin changes it already sees).
  virtual Result<ConfigVersions> GetConfigVersions() {
    return Status::FailedPrecondition("configuration is not shared");
  }

  // --- Idempotency ----------------------------------------------------------
  // Keys live `ttl` from their first use. A started key whose request has
  // not finished within `lease` (its process died, or gave up on an unknown
  // outcome) is taken over by the next Begin (kStarted again): the booking
  // steps themselves are idempotent (StepKey), so running the request again
  // is safe and ends in the true answer.
  virtual Result<IdempotencyBegin> BeginIdempotent(const std::string& key,
                                                   const std::string& request_hash,
                                                   std::chrono::seconds ttl,
                                                   std::chrono::milliseconds lease =
                                                       std::chrono::seconds(5)) = 0;
  virtual Status FinishIdempotent(const std::string& key, const StoredResponse& response) = 0;
  // Forgets a started key (the request failed in a way worth retrying).
  virtual Status AbandonIdempotent(const std::string& key) = 0;

  // --- Fair-use limits (api/security/limits.h), shared by every replica ---------------
  // `bucket` names a client ("ip:203.0.113.7", "key:<digest>"); the store
  // keeps only counters under a hash of it. Both steps are atomic: of many
  // concurrent requests exactly as many pass as the limit allows.
  //
  // Token bucket: `capacity` tokens, refilled at `capacity` per `period`;
  // takes one. Refused: how long until a token is back.
  virtual Result<LimitDecision> TakeToken(const std::string& bucket, int capacity,
                                          std::chrono::milliseconds period) = 0;
  // Open holds of a client: admits `hold_id` (open for `ttl`) while fewer
  // than `max` are open. Admitting one already admitted is always allowed
  // and keeps it open for at least `ttl` from now (an extended hold).
  // Refused: how long until the oldest open hold lapses.
  virtual Result<LimitDecision> AdmitOpenHold(const std::string& bucket, const std::string& hold_id,
                                              int max, std::chrono::milliseconds ttl) = 0;
  // The hold was confirmed, given back or never placed.
  virtual Status ForgetOpenHold(const std::string& bucket, const std::string& hold_id) = 0;

  // --- The office's day (see QueueEntry) ------------------------------------
  virtual Result<QueueDay> ReadQueue(const std::string& office_id, const std::string& day) = 0;
  // The display's part only: cheap to poll.
  virtual Result<QueueCalls> ReadQueueCalls(const std::string& office_id, const std::string& day) = 0;
  // Draws a walk-in ticket (its kind, services and due as given) if the
  // day's queue is still at `expected_version`, the version the caller's
  // cut-off was judged on; Aborted if it moved (read again and judge again).
  virtual Result<QueueEntry> IssueTicket(const std::string& office_id, const std::string& day,
                                         QueueEntry walk_in, std::uint64_t expected_version) = 0;
  // Opens, closes or moves the closing time of a desk for the day; the
  // desk's current visitor (if any) is kept.
  virtual Result<QueueDesk> SetQueueDesk(const std::string& office_id, const std::string& day,
                                         QueueDesk desk) = 0;
  // The next visitor for `desk`, who can do `can_do`: entries transferred to
  // it first, then appointments due by `now` (by start), then walk-ins (by
  // number), then appointments due later; only visits all of whose services
  // the desk can do. NotFound: nobody to call. FailedPrecondition: the desk
  // is not open (or past its closing time) or still has a current visitor.
  virtual Result<QueueEntry> CallNext(const std::string& office_id, const std::string& day,
                                      const std::string& desk, const std::vector<std::string>& can_do,
                                      TimePoint now) = 0;
  // A step on the desk's current visitor. FailedPrecondition: the desk has
  // none, or its state forbids the step. `to_desk`: kTransfer only.
  virtual Result<QueueEntry> DeskStep(const std::string& office_id, const std::string& day,
                                      const std::string& desk, DeskAction action, TimePoint now,
                                      const std::string& to_desk = "") = 0;
  // An appointment still confirmed (not checked in) whose start is at or
  // before `latest_start` becomes no_show and frees its claim.
  // FailedPrecondition otherwise.
  virtual Result<AppointmentRecord> MarkNoShow(const std::string& reference, Instant latest_start) = 0;

  // --- Outbox and housekeeping ----------------------------------------------
  // Removes and returns up to `limit` jobs due at or before `now`, by due time.
  virtual Result<std::vector<OutboxJob>> TakeDueJobs(TimePoint now, std::size_t limit) = 0;
  // All queued jobs (for tests and the admin view), by due time.
  virtual Result<std::vector<OutboxJob>> PendingJobs() = 0;
  // Erases the contact data of visits that ended, or were cancelled, before
  // `cutoff`; returns how many were erased. Also drops expired holds and
  // idempotency records.
  virtual Result<std::size_t> ErasePersonalData(TimePoint cutoff) = 0;

  // --- Evaluation (api/tally.h) ----------------------------------------------
  // The office's tallies of the local days from..to ("YYYY-MM-DD",
  // inclusive); days without counters are left out. The booking and queue
  // steps above write them in their own atomic step; ErasePersonalData
  // never touches them.
  virtual Result<std::map<std::string, std::map<std::string, std::int64_t>>> ReadTallies(
      const std::string& office_id, const std::string& from_day, const std::string& to_day) = 0;
  // Counts events that are no booking step (a refused walk-in, a search
  // that found nothing, a 409, a reminder sent): each field grows by its
  // value on the office's `day`, atomically per field.
  virtual Status AddTallies(const std::string& office_id, const std::string& day,
                            const std::map<std::string, std::int64_t>& fields) = 0;

  // Claims `slot` (e.g. the lead-time sample of one hour) for this caller:
  // true for exactly one caller among all replicas until `ttl` has passed
  // (Redis: SET NX PX), false for every other.
  virtual Result<bool> ClaimOnce(const std::string& slot, std::chrono::milliseconds ttl) = 0;

  // --- Audit log (AuditEntry) ------------------------------------------------
  // Appends `entry` to the log of `office_id` ("*" = city-wide: services,
  // dead letters), and drops what is older than entry.at - keep. The log is
  // kept apart from the booking steps: an entry is written after the step.
  virtual Status AppendAudit(const std::string& office_id, const AuditEntry& entry,
                             std::chrono::milliseconds keep) = 0;
  // The entries of `office_id` at or after `from` and before `to`, oldest
  // first, at most `limit`.
  virtual Result<std::vector<AuditEntry>> ReadAudit(const std::string& office_id, TimePoint from,
                                                    TimePoint to, std::size_t limit) = 0;
  // --- The waitlist (see Wish) ---------------------------------------------
  // Writes a new wish (waiting). FailedPrecondition if the id is in use.
  virtual Result<Wish> AddWish(Wish wish) = 0;
  // NotFound if unknown (also once erased).
  virtual Result<Wish> GetWish(const std::string& wish_id) = 0;
  // Erases a wish with its contact data; a live offer-hold of it is
  // released (and offered on) in the same step. NotFound if unknown or the
  // secret differs.
  virtual Status WithdrawWish(const std::string& wish_id, const std::string& secret_hash) = 0;
  // The sweep of one office: offers every freed place whose time has come
  // (lapsed holds and offers; released places not offered yet) to the
  // waiting wishes, and erases wishes that expired or whose offer lapsed.
  // Returns how many offers it made.
  virtual Result<std::size_t> OfferReleased(const std::string& office_id) = 0;
  // Fair use, read only: whether one of `identities` already has `limit`
  // future confirmed, checked-in or (not lapsed) preconfirmed appointments
  // at the office that share a service with `services`, counted as
  // ConfirmHold's identity_limit counts them (what a new wish is judged by
  // before it is written). false for limit 0.
  virtual Result<bool> IdentityAtLimit(const std::string& office_id,
                                       const std::vector<std::string>& identities,
                                       const std::vector<std::string>& services, int limit) = 0;

  // --- A fair release's pre-queue (ReleaseTicket) -------------------------------
  // The ticket of `client` for the release of `day` at `office_id`: the one
  // it has, or a new one named `ticket_id` placed by `order` (below
  // kReleaseOrderLimit; nullopt: after every ticket so far), in one step.
  // The queue is kept `keep` from its latest join.
  virtual Result<ReleaseTicket> JoinReleaseQueue(const std::string& office_id,
                                                 const std::string& day, const std::string& client,
                                                 const std::string& ticket_id,
                                                 std::optional<std::uint64_t> order,
                                                 std::chrono::milliseconds keep) = 0;
  // NotFound if the queue has no such ticket.
  virtual Result<ReleaseTicket> GetReleaseTicket(const std::string& office_id,
                                                 const std::string& day,
                                                 const std::string& ticket_id) = 0;
  // The number of tickets (0 for no queue).
  virtual Result<std::int64_t> ReleaseQueueSize(const std::string& office_id,
                                                const std::string& day) = 0;

  // The store's secret `name` (a key that every replica and the worker must
  // share, e.g. the one that signs proof-of-work challenges): made at random
  // on first use, the same for every caller from then on. What replicas use
  // when no key file was given: the store is trusted with every booking
  // anyway.
  virtual Result<std::string> SharedSecret(const std::string& name) = 0;
  // (The names in use: "pow", kOfferKeySecret.)

  // Ok if the store can serve requests (readiness).
  virtual Status Ping() = 0;

  // Counters the store keeps about its backing service, for /metrics (e.g.
  // termin_redis_wait_short_total). None by default.
  virtual std::vector<StoreCounter> Counters() { return {}; }
};

}  // namespace termin::api

#endif  // TERMIN_API_STORE_H_
