// The booking API as one object: its route table, the wrapper around every
// handler, and the handlers themselves.
//
// Handle() is the wrapper. It matches the route (404 / 405 with Allow),
// picks the language, enforces the body limit, replays or records
// idempotent POSTs, runs the handler, turns any escaped exception into a
// generic 500, counts metrics and writes one access-log line (method, route
// template, status, duration; never paths, bodies, secrets or personal data).
// Handlers are thin: parse, call a Booker step or the store, render.
//
// Routes are registered in one place (handlers/routes.cc); handlers live by
// audience in handlers/public.cc, staff.cc, admin.cc (with the ops routes),
// dead_letters.cc and queue.cc.
//
// Thread safety: Handle may be called from many threads at once.
#ifndef TERMIN_API_APP_H_
#define TERMIN_API_APP_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "api/security/auth.h"
#include "api/domain/booking.h"
#include "api/domain/catalog_state.h"
#include "api/domain/queue_day.h"
#include "api/clock.h"
#include "api/dead_letters.h"
#include "api/http/http_types.h"
#include "api/security/limits.h"
#include "api/http/metrics.h"
#include "api/json/problem.h"
#include "api/json/render.h"
#include "api/http/router.h"
#include "api/store.h"
#include "api/http/web_front.h"

namespace termin::api {

// How often termin-api polls the store's configuration versions.
inline constexpr std::chrono::milliseconds kConfigPollInterval{250};

struct ApiOptions {
  std::size_t max_body = 65536;                       // bytes of request body
  std::optional<std::chrono::seconds> hold_ttl_override;
  std::chrono::seconds idempotency_ttl{24 * 3600};
  // How long a started request with an Idempotency-Key is taken to be
  // running; a retry after that runs it again (safe: the steps are
  // idempotent themselves), so a replica killed mid-request costs seconds.
  std::chrono::milliseconds idempotency_lease{5000};
  int max_attempts = 3;                               // claim retries on conflict
  int max_hold_extensions = 10;                       // BookingOptions
  // The key of manage-link tokens (api/security/secrets.h, ManageLinkToken), shared
  // with the notification worker; empty: links carry no token and none is
  // accepted.
  std::string link_key;
  // The key of waitlist offer links (api/domain/waitlist.h, OfferLinkToken),
  // shared with the worker and every replica; empty: link_key, or if that
  // is empty too a random key of this process (one replica, in-process
  // worker). termin-api passes the store's SharedSecret then.
  std::string offer_key;
  int max_range_days = 62;                            // availability query span
  bool access_log = true;                             // JSON lines on stderr
  std::chrono::milliseconds claims_snapshot_max_age{5000};  // BookingOptions
  std::chrono::milliseconds claims_refusal_max_age{200};    // BookingOptions
  FairUseOptions fair_use;  // no limits unless set (termin-api sets them: service/config.h)
  // Proof of work for holds (api/security/pow.h), where an office's rules ask for it:
  // the key that signs challenges (every replica the same; empty = a random
  // key of this process), the work (numbers tried: half of it on average)
  // and a challenge's life.
  std::string pow_key;
  std::int64_t pow_maxnumber = 50000;
  std::chrono::seconds pow_ttl{300};
  // How long the audit log of staff and admin actions is kept (Store::AppendAudit).
  std::chrono::hours audit_retention{24 * 365};
};

class App {
 public:
  App(std::shared_ptr<Store> store, std::shared_ptr<const Clock> clock, Catalog catalog,
      KeyTable keys, ApiOptions options);
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Writes every office and service of the catalogue into the store as its
  // first configuration version (offices the store knows already are kept).
  Status SeedStore();

  // HEAD is answered as GET (the server leaves out the body). Every answer
  // but the public catalogue's (offices, services, availability, health)
  // carries Cache-Control: no-store: it may hold personal data or secrets.
  HttpResponse Handle(const HttpRequest& request);

  // An answer the server gives before any route is matched: a refused head
  // (400, 413, 431), a timeout (408), a connection or request refused for
  // load (503). Rendered as problem+json and, like every answer, counted in
  // /metrics (route "unmatched") and written to the access log. `method` may
  // be empty (not known yet).
  HttpResponse Refusal(const std::string& method, const std::string& slug,
                       const std::string& detail);

  // Serves the store's configuration: if any office or service version in
  // the store differs from what this process loaded last, reads the changed
  // documents and swaps in a new catalogue (requests in flight keep theirs).
  // Cheap when nothing moved (one GetConfigVersions). Ok and nothing done if
  // the store does not share configuration (the embedded store). A document
  // that no longer parses is skipped (the office keeps its last good
  // version) and counted in the returned message; Unavailable while the
  // store is down (the current catalogue stays in service).
  // termin-api calls this every kConfigPollInterval, so a replica serves an
  // admin change made through another replica within that interval plus one
  // reload (well under 1 s while the store is reachable; measured 0.2-0.3 s).
  //
  // The bound, and what it costs: a request uses the catalogue its replica
  // holds when it starts. Within that window a replica that has not yet
  // reloaded can still place a booking the new configuration refuses (e.g.
  // on a day just closed), and the admin change, which cancelled what
  // conflicted when it was saved, does not see it. Closing the window needs
  // the store's booking steps to compare the office's configuration version
  // in the same atomic step (in Redis, {o:X}:cfg shares the office's slot).
  Status RefreshCatalog();
  // The waitlist's sweep of every office (Store::OfferReleased): termin-api
  // calls it every few seconds.
  void SweepWaitlist();
  // The key of waitlist offer links (api/domain/waitlist.h, OfferLinkToken),
  // for the in-process worker.
  const std::string& offer_key() const { return offer_key_; }

  // Housekeeping of today's queues: every office's confirmed appointments of
  // today not checked in by start + rules.no_show_grace_minutes become
  // no_show now, so their desk time goes back to the day (the cut-off and
  // the expected waits see it) without waiting for a kiosk or desk to read
  // the day. Returns how many were released. Safe on many replicas at once
  // (Store::MarkNoShow is conditional). termin-api calls it every minute.
  Result<std::size_t> ReleaseNoShows();

  std::vector<std::string> Routes() const { return router_.List(); }
  ApiMetrics& metrics() { return metrics_; }
  std::shared_ptr<const Catalog> catalog() const { return catalog_.Get(); }
  // The lead-time sample of this hour (handlers/evaluation.cc): the first
  // replica to claim the hour (Store::ClaimOnce) asks the core for the next
  // free start of every service at every office and counts how many days
  // ahead it lies (api/tally.h: nx); every other replica does nothing.
  // termin-api calls it every minute. Returns whether this call sampled.
  Result<bool> SampleLeadTimes();
  // /readyz answers 503 once this is false (shutdown begins).
  void SetReady(bool ready) { ready_.store(ready); }
  // The notification queue's dead letters, for the admin routes (503 until
  // set). Call before the server starts: not synchronized with Handle.
  // Static files and CORS (api/http/web_front.h). Call before the server starts.
  void SetWebFront(std::shared_ptr<const WebFront> web) { web_ = std::move(web); }
  void SetDeadLetters(std::shared_ptr<DeadLetters> dead_letters) {
    dead_letters_ = std::move(dead_letters);
  }

 private:
  void RegisterRoutes();

  // --- Helpers for handlers ---
  HttpResponse Json(int status, std::string body) const;
  HttpResponse Problem(const Call& call, const struct Problem& p) const;
  HttpResponse Error(const Call& call, const Status& s) const;
  // 200 with the appointment as `view` shows it, at its office in the
  // current catalogue.
  HttpResponse AppointmentResponse(const Call& call, const AppointmentRecord& a,
                                   const AppointmentView& view) const;
  HttpResponse BadRequest(const Call& call, std::vector<FieldError> errors,
                          std::string detail) const;
  // Checks Content-Type and parses the body; a problem response on failure.
  std::optional<HttpResponse> ReadJson(const Call& call, rapidjson::Document& doc) const;
  // The principal, or a 401 response.
  Result<Principal> Authenticate(const Call& call) const;
  // 409 slot-taken offering `alternatives`.
  HttpResponse SlotTaken(const Call& call, std::vector<Alternative> alternatives,
                         const std::string& detail);
  // The appointment named by the path if `secret` opens it; NotFound otherwise.
  Result<AppointmentRecord> AppointmentWithSecret(const Call& call,
                                                  const std::optional<std::string>& secret);
  Result<AppointmentRecord> AppointmentForStaff(const Call& call, const Principal& p);
  // Reads a contact object; problems go to `errors`.
  static void ParseContact(const rapidjson::Value& v, const std::string& path,
                           std::vector<FieldError>& errors, Contact& out);

  // --- Public ---
  HttpResponse ListOffices(const Call& call);
  HttpResponse GetOffice(const Call& call);
  HttpResponse ListServices(const Call& call);
  // Whether the caller sees released places at once (a hotline or admin
  // key), as staff bookings may take them (api/store.h, "Released places").
  bool StaffView(const Call& call) const;
  HttpResponse GetAvailability(const Call& call);
  HttpResponse GetNextAvailability(const Call& call);
  HttpResponse GetChallenge(const Call& call);
  HttpResponse CreateHold(const Call& call);
  // A 428 problem if the office asks for proof of work now (its rules and
  // its hold rate) and the request carries no valid, unused solution.
  std::optional<HttpResponse> CheckProofOfWork(const Call& call, const OfficeInfo& office);
  // A fair release (api/domain/release_queue.h; api/handlers/release.cc).
  HttpResponse JoinReleaseQueue(const Call& call);
  HttpResponse GetReleaseTicket(const Call& call);
  // A 429 release-queue problem if a public hold at `start` falls on a day
  // whose release is gated and the request carries no valid pass.
  std::optional<HttpResponse> CheckReleaseQueue(const Call& call, const OfficeInfo& office,
                                                Instant start);
  // The digest of the caller's address bucket (what tickets and passes name).
  std::string ReleaseClient(const Call& call) const;
  HttpResponse DeleteHold(const Call& call);
  HttpResponse ExtendHold(const Call& call);
  HttpResponse CreateAppointment(const Call& call);
  HttpResponse ConfirmOptIn(const Call& call);  // double opt-in
  // The waitlist (api/handlers/waitlist.cc).
  HttpResponse CreateWish(const Call& call);
  HttpResponse WithdrawWish(const Call& call);
  HttpResponse GetOffer(const Call& call);
  HttpResponse AcceptOffer(const Call& call);
  HttpResponse DeclineOffer(const Call& call);
  // The wish no longer counts for its contact's rules.wishes_per_identity.
  void ForgetWishQuota(const Wish& wish);
  // The offer-hold a call names with a good X-Offer-Token; NotFound else.
  Result<HoldRecord> OfferForCall(const Call& call);
  HttpResponse GetAppointment(const Call& call);
  HttpResponse CancelAppointment(const Call& call);
  HttpResponse MoveAppointment(const Call& call);
  HttpResponse GetAppointmentIcs(const Call& call);
  // --- Hotline and kiosk ---
  HttpResponse HotlineBook(const Call& call);
  HttpResponse HotlineSearch(const Call& call);
  HttpResponse HotlineGet(const Call& call);
  HttpResponse HotlineCancel(const Call& call);
  HttpResponse HotlineMove(const Call& call);
  HttpResponse HotlineNote(const Call& call);
  HttpResponse KioskCheckIn(const Call& call);
  HttpResponse KioskWalkIn(const Call& call);
  // A kiosk's walk-in request (a walk-in appointment or a ticket): its key,
  // body {"services": [...]}, office and visit; a problem answer if any is wrong.
  struct KioskVisit {
    std::shared_ptr<const Catalog> catalog;
    const OfficeInfo* office = nullptr;
    std::vector<std::string> services;
    Visit visit;
  };
  std::optional<HttpResponse> ReadKioskVisit(const Call& call, KioskVisit& out);
  // --- The office's day (handlers/queue.cc) ---
  HttpResponse KioskTicket(const Call& call);
  HttpResponse DeskOpen(const Call& call);
  HttpResponse DeskClose(const Call& call);
  HttpResponse DeskCallNext(const Call& call);
  HttpResponse DeskRecall(const Call& call);
  HttpResponse DeskStart(const Call& call);
  HttpResponse DeskDone(const Call& call);
  HttpResponse DeskNoShow(const Call& call);
  HttpResponse DeskRequeue(const Call& call);
  HttpResponse DeskTransfer(const Call& call);
  HttpResponse DeskQueue(const Call& call);
  HttpResponse OfficeCalls(const Call& call);
  // --- Admin ---
  HttpResponse AdminGetOffice(const Call& call);
  HttpResponse AdminPutOffice(const Call& call);
  HttpResponse AdminListServices(const Call& call);
  HttpResponse AdminPutService(const Call& call);
  HttpResponse AdminListDeadLetters(const Call& call);
  HttpResponse AdminRequeueDeadLetter(const Call& call);
  HttpResponse AdminEvaluation(const Call& call);  // handlers/evaluation.cc
  HttpResponse AdminAudit(const Call& call);       // handlers/audit.cc
  // Writes the audit line of a staff or admin request (handlers/audit.cc).
  void Audit(const Call& call, const HttpResponse& resp);
  // Counts an unmet wish at `office` today (api/tally.h: nf, wr, cf): one
  // counter, best effort (a store error loses the count, not the answer).
  void CountUnmet(const OfficeInfo& office, const std::string& field);
  // --- Ops ---
  HttpResponse Healthz(const Call& call);
  HttpResponse Readyz(const Call& call);
  HttpResponse Metrics(const Call& call);

  // 429 if the request's client is over its request limit (api/security/limits.h).
  std::optional<HttpResponse> OverRequestLimit(const Call& call);
  HttpResponse TooManyRequests(const Call& call, const LimitRefusal& refusal) const;

  // A desk route's key, office, desk and day (the key's office, the path's
  // desk). NotFound for a desk the office does not have.
  struct DeskContext {
    std::shared_ptr<const Catalog> catalog;  // owns *office
    const OfficeInfo* office = nullptr;
    const Desk* desk = nullptr;
    TimePoint now;
    std::string day;  // local "YYYY-MM-DD"
  };
  Result<DeskContext> DeskFor(const Call& call);
  // The office's day now: overdue appointments are made no-shows first; the
  // rest of today's confirmed ones are `due`, today's checked-in ones
  // `checked_in` (the desk console lists both, with their notes).
  struct DayState {
    std::string day;
    QueueDay queue;
    std::vector<AppointmentRecord> due;
    std::vector<AppointmentRecord> checked_in;
    std::vector<Booking> held;  // today's claims from now on that are no appointment
    std::size_t released = 0;   // appointments made no_show by this load
  };
  Result<DayState> LoadDay(const OfficeInfo& office, TimePoint now);
  // A hold, booking or move to `start` today for `visit_key` (QueueServiceKey)
  // judged against the day's walk-in queue (queue::KeepsWalkIns): nullopt if
  // `start` is not today; else whether it keeps every number, and the queue
  // version it was judged on (HoldRecord::queue_day).
  struct SameDayJudgement {
    bool keeps_walk_ins = true;
    std::string day;
    std::uint64_t version = 0;
  };
  // The starts of today that keep every walk-in number (KeepsWalkIns), for
  // filtering the online offer; nullopt when no walk-in waits (all pass).
  // Costs one queue read per office asked about today, and the day's
  // picture only while walk-ins wait.
  struct SameDayFilter {
    const OfficeInfo* office = nullptr;
    LocalDate today;
    std::string key;
    TimePoint now;
    DayPicture picture;
    bool Keeps(Instant start) const;
  };
  Result<std::optional<SameDayFilter>> SameDayFilterFor(const OfficeInfo& office, const std::string& visit_key,
                                                        TimePoint now);
  // `moving`: the reference of an appointment being moved (it leaves its
  // old place, so it is not counted twice).
  Result<std::optional<SameDayJudgement>> JudgeSameDay(const OfficeInfo& office, const std::string& visit_key,
                                                       Instant start, TimePoint now,
                                                       const std::string& moving = "");
  // A hold, staff booking, move or walk-in to `start`: a start today is
  // judged against the day's walk-in queue (JudgeSameDay) and `step` runs
  // with the judgement's QueueFence, so the store writes only on the queue
  // version it was judged on; when the queue moved on meanwhile (Aborted),
  // it is judged again. Returns the answer when the start would take time
  // of today's numbers (409) or the judgement failed; nullopt once `step`
  // ran (its outcome is the caller's, in what `step` captured).
  std::optional<HttpResponse> SameDayStep(const Call& call, const OfficeInfo& office,
                                          const std::string& visit_key, Instant start,
                                          const std::string& moving,
                                          const std::function<Status(const QueueFence&)>& step);
  // The 409 detail when JudgeSameDay refuses.
  static constexpr const char* kNeededForWalkIns =
      "this start is needed for the visitors waiting in the office today";
  HttpResponse DeskSetOpen(const Call& call, bool open);
  HttpResponse DeskStepCommon(const Call& call, DeskAction action);

  // The move shared by citizens and the hotline.
  HttpResponse MoveCommon(const Call& call, const AppointmentRecord& current, bool staff);

  std::shared_ptr<Store> store_;
  std::shared_ptr<const Clock> clock_;
  CatalogState catalog_;
  KeyTable keys_;
  ApiOptions options_;
  ApiMetrics metrics_;
  Booker booker_;
  FairUse fair_use_;
  std::string pow_key_;  // options_.pow_key, or a random key of this process
  std::string offer_key_;  // waitlist offer links: options_.offer_key, link_key, or a random key
  Router router_;
  // Serializes admin configuration changes and catalogue reloads, so a
  // reload that read the store before an admin change on this replica never
  // swaps in the older catalogue after it.
  std::mutex admin_mutex_;
  std::optional<ConfigVersions> loaded_versions_;  // GUARDED_BY(admin_mutex_)
  std::atomic<bool> ready_{true};
  std::shared_ptr<DeadLetters> dead_letters_;  // set before serving; may be null
  std::shared_ptr<const WebFront> web_;        // set before serving; may be null
};

// The language an Accept-Language header asks for (de unless en ranks higher).
Language ParseAcceptLanguage(const std::optional<std::string>& header);
// 1..200 visible ASCII characters.
bool ValidIdempotencyKey(const std::string& key);

}  // namespace termin::api

#endif  // TERMIN_API_APP_H_
