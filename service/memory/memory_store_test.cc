#include "service/memory/memory_store.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "api/security/secrets.h"

namespace termin::service {
namespace {

using namespace std::chrono_literals;

Instant At(int minutes) { return Instant(Minutes(29000000 + minutes)); }  // 2025-02-20-ish

Booking Claim(const std::string& desk, int from, int to, const std::string& office = "o1") {
  Booking b;
  b.office_id = office;
  b.desk_id = desk;
  b.services = {"s"};
  b.start = At(from);
  b.end = At(to);
  b.claim_end = At(to);
  return b;
}

HoldRecord Hold(const Booking& b, TimePoint expires, const std::string& secret = "secret") {
  HoldRecord h;
  h.id = api::NewId();
  h.secret_hash = api::Sha256Hex(secret);
  h.booking = b;
  h.expires_at = expires;
  return h;
}

AppointmentRecord Appointment(const std::string& name = "Erika Mustermann") {
  AppointmentRecord a;
  a.reference = api::NewReference();
  a.secret_hash = api::Sha256Hex("manage");
  a.contact.name = name;
  a.contact.phone = "+49 7361 52-0";
  return a;
}

struct Fixture {
  std::shared_ptr<api::ManualClock> clock =
      std::make_shared<api::ManualClock>(api::ToTimePoint(At(-600)));
  MemoryStore store{clock};
  TimePoint Later(std::chrono::milliseconds d) const { return clock->Now() + d; }
};

}  // namespace

TEST_CASE("a hold refuses an overlapping hold on the same desk, not on another desk") {
  Fixture f;
  REQUIRE(f.store.PlaceHold(Hold(Claim("d1", 0, 30), f.Later(10min))).ok());
  CHECK(f.store.PlaceHold(Hold(Claim("d1", 29, 40), f.Later(10min))).status().code() ==
        StatusCode::kConflict);
  CHECK(f.store.PlaceHold(Hold(Claim("d1", -10, 1), f.Later(10min))).status().code() ==
        StatusCode::kConflict);
  CHECK(f.store.PlaceHold(Hold(Claim("d1", 30, 40), f.Later(10min))).ok());  // touching is fine
  CHECK(f.store.PlaceHold(Hold(Claim("d2", 0, 30), f.Later(10min))).ok());
  auto claims = f.store.ReadClaims("o1", Interval{At(-100), At(100)});
  REQUIRE(claims.ok());
  CHECK(claims->at("d1") == IntervalSet::FromSorted({Interval{At(0), At(40)}}));
  CHECK(claims->at("d2") == IntervalSet::FromSorted({Interval{At(0), At(30)}}));
}

TEST_CASE("holds expire by the injected clock") {
  Fixture f;
  REQUIRE(f.store.PlaceHold(Hold(Claim("d1", 0, 30), f.Later(5s))).ok());
  CHECK_FALSE(f.store.ReadClaims("o1", Interval{At(0), At(30)})->empty());
  f.clock->Advance(5s);
  CHECK(f.store.ReadClaims("o1", Interval{At(0), At(30)})->empty());
  CHECK(f.store.PlaceHold(Hold(Claim("d1", 0, 30), f.Later(5s))).ok());
}

TEST_CASE("confirm after expiry is Gone, even when the place was taken meanwhile") {
  Fixture f;
  auto first = f.store.PlaceHold(Hold(Claim("d1", 0, 30), f.Later(10s), "s1"));
  REQUIRE(first.ok());
  f.clock->Advance(11s);
  auto second = f.store.PlaceHold(Hold(Claim("d1", 0, 30), f.Later(10min), "s2"));
  REQUIRE(second.ok());
  auto late = f.store.ConfirmHold(first->id, api::Sha256Hex("s1"), std::nullopt, Appointment(), {});
  CHECK(late.status().code() == StatusCode::kGone);
  auto ok = f.store.ConfirmHold(second->id, api::Sha256Hex("s2"), second->version, Appointment(), {});
  CHECK(ok.ok());
}

TEST_CASE("confirm checks secret and version; it writes the outbox in the same step") {
  Fixture f;
  auto h = f.store.PlaceHold(Hold(Claim("d1", 0, 30), f.Later(10min), "s1"));
  REQUIRE(h.ok());
  CHECK(f.store.ConfirmHold(h->id, api::Sha256Hex("wrong"), std::nullopt, Appointment(), {})
            .status().code() == StatusCode::kNotFound);
  CHECK(f.store.ConfirmHold(h->id, api::Sha256Hex("s1"), h->version + 1, Appointment(), {})
            .status().code() == StatusCode::kNotFound);
  CHECK(f.store.ConfirmHold("nope", api::Sha256Hex("s1"), std::nullopt, Appointment(), {})
            .status().code() == StatusCode::kNotFound);
  CHECK(f.store.PendingJobs()->empty());
  AppointmentRecord a = Appointment();
  api::JobPlan plan;
  plan.reachable = true;
  plan.first_due = f.clock->Now();
  std::vector<OutboxJob> jobs = {{api::JobType::kConfirmation, a.reference, f.clock->Now()}};
  auto done = f.store.ConfirmHold(h->id, api::Sha256Hex("s1"), h->version, a, plan);
  REQUIRE(done.ok());
  CHECK(done->booking == h->booking);
  CHECK(*f.store.PendingJobs() == jobs);
  // The hold is gone; its place is now the appointment's.
  CHECK(f.store.GetHold(h->id).status().code() == StatusCode::kNotFound);
  CHECK(f.store.PlaceHold(Hold(Claim("d1", 10, 20), f.Later(10min))).status().code() ==
        StatusCode::kConflict);
  // The appointment does not expire.
  f.clock->Advance(24h);
  CHECK(f.store.PlaceHold(Hold(Claim("d1", 10, 20), f.Later(10min))).status().code() ==
        StatusCode::kConflict);
}

TEST_CASE("release needs the secret and frees the place") {
  Fixture f;
  auto h = f.store.PlaceHold(Hold(Claim("d1", 0, 30), f.Later(10min), "s1"));
  REQUIRE(h.ok());
  CHECK(f.store.ReleaseHold(h->id, api::Sha256Hex("s2")).code() == StatusCode::kNotFound);
  CHECK(f.store.ReleaseHold(h->id, api::Sha256Hex("s1")).ok());
  CHECK(f.store.ReleaseHold(h->id, api::Sha256Hex("s1")).code() == StatusCode::kNotFound);
  CHECK(f.store.PlaceHold(Hold(Claim("d1", 0, 30), f.Later(10min))).ok());
}

TEST_CASE("a move claims the new place and frees the old one in one step") {
  Fixture f;
  AppointmentRecord a = Appointment();
  a.booking = Claim("d1", 0, 30);
  REQUIRE(f.store.CreateAppointment(a, "", {}).ok());
  AppointmentRecord other = Appointment();
  other.booking = Claim("d1", 60, 90);
  REQUIRE(f.store.CreateAppointment(other, "", {}).ok());
  // Onto another appointment: refused, and nothing changed.
  CHECK(f.store.MoveAppointment(a.reference, Claim("d1", 70, 100), {}).status().code() ==
        StatusCode::kConflict);
  CHECK(f.store.GetAppointment(a.reference)->booking == a.booking);
  // Overlapping its own old place is fine.
  auto moved = f.store.MoveAppointment(a.reference, Claim("d1", 15, 45), {});
  REQUIRE(moved.ok());
  auto claims = f.store.ReadClaims("o1", Interval{At(-100), At(200)});
  CHECK(claims->at("d1") ==
        IntervalSet::FromSorted({Interval{At(15), At(45)}, Interval{At(60), At(90)}}));
  // Across offices.
  auto away = f.store.MoveAppointment(a.reference, Claim("d9", 0, 30, "o2"), {});
  REQUIRE(away.ok());
  CHECK(f.store.ReadClaims("o1", Interval{At(0), At(50)})->empty());
  CHECK(f.store.GetAppointment(a.reference)->booking.office_id == "o2");
  CHECK(f.store.ListActiveAppointments("o2", At(-100))->size() == 1);
}

TEST_CASE("cancel frees the place and refuses a second cancel") {
  Fixture f;
  AppointmentRecord a = Appointment();
  a.booking = Claim("d1", 0, 30);
  REQUIRE(f.store.CreateAppointment(a, "", {}).ok());
  auto c = f.store.CancelAppointment(a.reference, "citizen", {});
  REQUIRE(c.ok());
  CHECK(c->status == api::AppointmentStatus::kCancelled);
  CHECK(f.store.CancelAppointment(a.reference, "citizen", {}).status().code() ==
        StatusCode::kFailedPrecondition);
  CHECK(f.store.MoveAppointment(a.reference, Claim("d1", 40, 50), {}).status().code() ==
        StatusCode::kFailedPrecondition);
  CHECK(f.store.ReadClaims("o1", Interval{At(0), At(30)})->empty());
}

TEST_CASE("check-in draws tickets per office and day; a retry keeps the ticket") {
  Fixture f;
  AppointmentRecord a = Appointment(), b = Appointment();
  a.booking = Claim("d1", 0, 30);
  b.booking = Claim("d1", 30, 60);
  REQUIRE(f.store.CreateAppointment(a, "", {}).ok());
  REQUIRE(f.store.CreateAppointment(b, "", {}).ok());
  CHECK(f.store.CheckIn(a.reference, "2026-12-01")->ticket == "A001");
  CHECK(f.store.CheckIn(a.reference, "2026-12-01")->ticket == "A001");
  CHECK(f.store.CheckIn(b.reference, "2026-12-01")->ticket == "A002");
  AppointmentRecord walkin = Appointment();
  walkin.booking = Claim("d2", 0, 30);
  CHECK(f.store.CreateAppointment(walkin, "2026-12-02", {})->ticket == "A001");
}

TEST_CASE("references are unique") {
  Fixture f;
  AppointmentRecord a = Appointment();
  a.booking = Claim("d1", 0, 30);
  REQUIRE(f.store.CreateAppointment(a, "", {}).ok());
  a.booking = Claim("d2", 0, 30);
  CHECK(f.store.CreateAppointment(a, "", {}).status().code() == StatusCode::kFailedPrecondition);
}

TEST_CASE("search by phone digits and name substring, within offices") {
  Fixture f;
  AppointmentRecord a = Appointment("Erika Mustermann");
  a.booking = Claim("d1", 0, 30);
  AppointmentRecord b = Appointment("Max Muster");
  b.booking = Claim("d1", 0, 30, "o2");
  b.contact.phone = "0711 999";
  REQUIRE(f.store.CreateAppointment(a, "", {}).ok());
  REQUIRE(f.store.CreateAppointment(b, "", {}).ok());
  api::AppointmentQuery q;
  q.name = "MUSTER";
  CHECK(f.store.FindAppointments(q)->size() == 2);
  q.offices = {"o1"};
  CHECK(f.store.FindAppointments(q)->size() == 1);
  api::AppointmentQuery p;
  p.phone = "49736152" "0";
  CHECK(f.store.FindAppointments(p)->size() == 1);
  api::AppointmentQuery r;
  r.reference = b.reference;
  r.offices = {"o1"};
  CHECK(f.store.FindAppointments(r)->empty());
}

TEST_CASE("personal data is erased after the visit plus retention") {
  Fixture f;
  AppointmentRecord past = Appointment(), future = Appointment(), cancelled = Appointment();
  past.booking = Claim("d1", -300, -270);
  future.booking = Claim("d1", 600, 630);
  cancelled.booking = Claim("d2", 600, 630);
  for (auto* a : {&past, &future, &cancelled}) REQUIRE(f.store.CreateAppointment(*a, "", {}).ok());
  REQUIRE(f.store.CancelAppointment(cancelled.reference, "citizen", {}).ok());
  REQUIRE(f.store.AddNote(past.reference, api::Note{f.clock->Now(), "hotline", "calls back"}).ok());
  f.clock->Set(api::ToTimePoint(At(-200)));  // the first visit ended 70 minutes ago
  auto erased = f.store.ErasePersonalData(f.clock->Now() - 30min);
  REQUIRE(erased.ok());
  CHECK(*erased == 2);  // the past visit and the cancellation made 400 minutes ago
  auto p = f.store.GetAppointment(past.reference);
  CHECK(p->contact_erased);
  CHECK(p->contact.name.empty());
  CHECK(p->contact.phone.empty());
  CHECK(p->notes.empty());
  CHECK(f.store.GetAppointment(cancelled.reference)->contact_erased);
  CHECK(f.store.GetAppointment(future.reference)->contact.name == "Erika Mustermann");
  api::AppointmentQuery q;
  q.name = "erika";
  CHECK(f.store.FindAppointments(q)->size() == 1);
  CHECK(*f.store.ErasePersonalData(f.clock->Now()) == 0);
}

TEST_CASE("idempotency records: start, replay, mismatch, in progress, abandon, expiry") {
  Fixture f;
  using O = IdempotencyBegin::Outcome;
  CHECK(f.store.BeginIdempotent("k", "h1", 60s)->outcome == O::kStarted);
  CHECK(f.store.BeginIdempotent("k", "h1", 60s)->outcome == O::kInProgress);
  CHECK(f.store.BeginIdempotent("k", "h2", 60s)->outcome == O::kMismatch);
  REQUIRE(f.store.FinishIdempotent("k", StoredResponse{201, "application/json", "{}", "/x"}).ok());
  auto replay = f.store.BeginIdempotent("k", "h1", 60s);
  CHECK(replay->outcome == O::kReplay);
  CHECK(replay->response.status == 201);
  CHECK(replay->response.location == "/x");
  CHECK(f.store.BeginIdempotent("j", "h", 60s)->outcome == O::kStarted);
  REQUIRE(f.store.AbandonIdempotent("j").ok());
  CHECK(f.store.BeginIdempotent("j", "h", 60s)->outcome == O::kStarted);
  f.clock->Advance(61s);
  CHECK(f.store.BeginIdempotent("k", "h2", 60s)->outcome == O::kStarted);
}

TEST_CASE("office configuration is compare-and-set and cancels in the same step") {
  Fixture f;
  CHECK(f.store.GetOfficeConfig("o1")->version == 0);
  CHECK(f.store.PutOfficeConfig("o1", api::OfficeChange{"{}", 0, {}, {}, false})->version == 1);
  CHECK(f.store.PutOfficeConfig("o1", api::OfficeChange{"{}", 0, {}, {}, false}).status().code() ==
        StatusCode::kConflict);
  AppointmentRecord a = Appointment();
  a.booking = Claim("d1", 0, 30);
  REQUIRE(f.store.CreateAppointment(a, "", {}).ok());
  // Desk d1 is gone in the new configuration: its appointment is cancelled
  // in the change's step, with its notice (by the store's clock).
  api::OfficeChange removed{"{\"v\":2}", 1,
                            Interval{a.booking.start - std::chrono::hours(24),
                                     a.booking.start + std::chrono::hours(48)},
                            {}, true};
  auto changed = f.store.PutOfficeConfig("o1", removed);
  REQUIRE(changed.ok());
  CHECK(changed->version == 2);
  REQUIRE(changed->appointments.size() == 1);
  CHECK(changed->appointments[0].reference == a.reference);
  auto got = f.store.GetAppointment(a.reference);
  CHECK(got->status == api::AppointmentStatus::kCancelled);
  CHECK(got->cancel_reason == "office_change");
  CHECK(f.store.GetOfficeConfig("o1")->document == "{\"v\":2}");
  REQUIRE(f.store.PendingJobs()->size() == 1);
  CHECK(f.store.PendingJobs()->at(0) ==
        api::OutboxJob{api::JobType::kCancelledByOffice, a.reference, f.clock->Now()});
}

TEST_CASE("outbox hands out due jobs once, by due time") {
  Fixture f;
  AppointmentRecord a = Appointment();
  a.booking = Claim("d1", 0, 30);
  TimePoint now = f.clock->Now();
  REQUIRE(f.store.CreateAppointment(a, "", {{api::JobType::kReminder, a.reference, now + 2h},
                                            {api::JobType::kConfirmation, a.reference, now}})
              .ok());
  auto due = f.store.TakeDueJobs(now, 10);
  REQUIRE(due->size() == 1);
  CHECK((*due)[0].type == api::JobType::kConfirmation);
  CHECK(f.store.TakeDueJobs(now, 10)->empty());
  CHECK(f.store.TakeDueJobs(now + 3h, 10)->size() == 1);
}

TEST_CASE("many threads racing for the same interval: exactly one wins") {
  Fixture f;
  constexpr int kThreads = 16;
  constexpr int kRounds = 50;
  for (int round = 0; round < kRounds; ++round) {
    std::atomic<int> wins{0};
    std::atomic<int> conflicts{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        // Overlapping but different intervals on one desk, half holds and
        // half direct appointments.
        Booking b = Claim("d1", round * 100 + (t % 3), round * 100 + 30 + (t % 3));
        bool ok;
        if (t % 2 == 0) {
          ok = f.store.PlaceHold(Hold(b, f.Later(10min))).ok();
        } else {
          AppointmentRecord a = Appointment();
          a.booking = b;
          ok = f.store.CreateAppointment(a, "", {}).ok();
        }
        (ok ? wins : conflicts)++;
      });
    }
    for (auto& th : threads) th.join();
    CHECK(wins.load() == 1);
    CHECK(conflicts.load() == kThreads - 1);
  }
  auto claims = f.store.ReadClaims("o1", Interval{At(-1000), At(kRounds * 100 + 1000)});
  CHECK(claims->at("d1").size() == static_cast<std::size_t>(kRounds));
}

namespace {

// Regression: the embedded store kept every day's queue for ever (Redis
// expires them after 72 h); the housekeeping sweep now drops them.
TEST_CASE("memory store: the sweep drops queues of days three and more days old") {
  auto clock = std::make_shared<api::ManualClock>(api::ToTimePoint(*ParseInstant("2026-12-05T10:00:00Z")));
  MemoryStore store(clock);
  api::QueueDesk desk;
  desk.id = "d1";
  desk.open = true;
  REQUIRE(store.SetQueueDesk("o1", "2026-12-01", desk).ok());
  REQUIRE(store.SetQueueDesk("o1", "2026-12-02", desk).ok());
  REQUIRE(store.SetQueueDesk("o1", "2026-12-04", desk).ok());
  REQUIRE(store.ErasePersonalData(clock->Now() - std::chrono::hours(24)).ok());
  CHECK(store.ReadQueue("o1", "2026-12-01")->desks.empty());
  CHECK(store.ReadQueue("o1", "2026-12-02")->desks.size() == 1);
  CHECK(store.ReadQueue("o1", "2026-12-04")->desks.size() == 1);
}

}  // namespace
}  // namespace termin::service
