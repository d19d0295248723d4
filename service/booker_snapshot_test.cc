// The Booker's claims snapshots (api/domain/claims_cache.h) against a real store:
// a snapshot may only cost a retry, never a wrong answer. "Another replica"
// is the store written directly, behind this Booker's back.
#include <doctest/doctest.h>

#include <thread>

#include "api/domain/booking.h"
#include "api/domain/catalog.h"
#include "service/memory/memory_store.h"

namespace termin::service {
namespace {

using namespace std::chrono_literals;

// Tuesday 2026-12-01, 07:00 local; the starts below are on Wednesday.
constexpr const char* kNow = "2026-12-01T06:00:00Z";

struct Fixture {
  std::shared_ptr<api::ManualClock> clock =
      std::make_shared<api::ManualClock>(api::ToTimePoint(*ParseInstant(kNow)));
  MemoryStore store{clock};
  api::ApiMetrics metrics;
  api::Catalog catalog;
  std::unique_ptr<api::Booker> booker;
  const api::OfficeInfo* office = nullptr;  // test-mitte: desks a, b, c
  Visit visit;

  explicit Fixture(std::chrono::milliseconds refusal_max_age = 200ms) {
    auto loaded = api::LoadCatalogFile("data/test-city.json");
    REQUIRE(loaded.ok());
    catalog = std::move(loaded).value();
    api::BookingOptions options;
    options.claims_snapshot_max_age = 60s;  // steady time: the test is far shorter
    options.claims_refusal_max_age = refusal_max_age;
    booker = std::make_unique<api::Booker>(store, *clock, &metrics, options);
    office = catalog.FindOffice("test-mitte");
    REQUIRE(office != nullptr);
    auto v = booker->VisitAt(*office, {"kurz"});
    REQUIRE(v.ok());
    visit = *v;
  }

  Result<api::NewAppointment> Book(const char* start) {
    api::Contact caller{"Erika Muster", "", "+49 7361 0000", "de", false};
    return booker->BookDirect(*office, visit, *ParseInstant(start), caller, api::Channel::kHotline);
  }

  // What another replica does: an appointment written straight to the store.
  Status OtherReplicaBooks(const std::string& ref, const std::string& desk, const char* start) {
    api::AppointmentRecord a;
    a.reference = ref;
    a.booking.office_id = office->id;
    a.booking.desk_id = desk;
    a.booking.services = {"kurz"};
    a.booking.start = *ParseInstant(start);
    a.booking.end = a.booking.start + visit.duration;
    a.booking.claim_end = a.booking.start + visit.occupancy();
    return store.CreateAppointment(a, "", {}).status();
  }

  std::string Conflicts() const {
    std::string text = metrics.Serialize();
    auto at = text.find("\ntermin_booking_conflicts_total ");
    REQUIRE(at != std::string::npos);
    auto end = text.find('\n', at + 1);
    return text.substr(at + 32, end - at - 32);
  }
};

TEST_CASE("booker snapshot: own bookings join it, so a full start is refused without a lost write") {
  Fixture f;
  for (int i = 0; i < 3; ++i) REQUIRE(f.Book("2026-12-02T08:00:00Z").ok());  // desks a, b, c
  auto fourth = f.Book("2026-12-02T08:00:00Z");
  CHECK(fourth.status().code() == StatusCode::kConflict);
  // Every refusal was decided on claims the Booker knew, none by a write
  // the store refused: the snapshot held the Booker's own three claims.
  CHECK(f.Conflicts() == "0");
}

TEST_CASE("booker snapshot: a start another replica took since is refused after a fresh read") {
  Fixture f;
  REQUIRE(f.Book("2026-12-02T08:00:00Z").ok());  // the snapshot of the day exists now
  for (const char* desk : {"a", "b", "c"}) {
    REQUIRE(f.OtherReplicaBooks(std::string("OTHER-") + desk, desk, "2026-12-02T09:00:00Z").ok());
  }
  std::vector<api::Alternative> alternatives;
  auto r = f.booker->BookDirect(*f.office, f.visit, *ParseInstant("2026-12-02T09:00:00Z"),
                                api::Contact{"Erika Muster", "", "+49 1", "de", false},
                                api::Channel::kHotline, &alternatives);
  CHECK(r.status().code() == StatusCode::kConflict);
  CHECK(f.Conflicts() == "1");  // the write proposed from the snapshot, refused by the store
  CHECK(!alternatives.empty());
  for (const auto& alt : alternatives) CHECK(alt.start != "2026-12-02T10:00:00+01:00");
  // The store holds exactly the three others at 09:00 UTC.
  auto active = f.store.ListActiveAppointments("test-mitte", *ParseInstant("2026-12-02T00:00:00Z"));
  REQUIRE(active.ok());
  int at_nine = 0;
  for (const auto& a : *active) at_nine += a.booking.start == *ParseInstant("2026-12-02T09:00:00Z");
  CHECK(at_nine == 3);
}

TEST_CASE("booker snapshot: a start freed since (cancelled elsewhere) is refused only while the snapshot is young") {
  Fixture f(300ms);
  std::vector<std::string> refs;
  for (int i = 0; i < 3; ++i) {
    auto made = f.Book("2026-12-02T08:00:00Z");
    REQUIRE(made.ok());
    refs.push_back(made->record.reference);
  }
  // Another replica cancels one; this Booker's snapshot still says full.
  REQUIRE(f.store.CancelAppointment(refs[1], "hotline", {}).ok());
  auto young = std::chrono::steady_clock::now();
  auto refused = f.Book("2026-12-02T08:00:00Z");
  if (std::chrono::steady_clock::now() - young < 250ms) {  // else a slow machine read fresh
    CHECK(refused.status().code() == StatusCode::kConflict);
  }
  std::this_thread::sleep_for(350ms);  // past the refusal age: decided on a fresh read
  auto again = f.Book("2026-12-02T08:00:00Z");
  REQUIRE_MESSAGE(again.ok(), again.status().message());
  CHECK(f.Conflicts() == "0");
}

TEST_CASE("booker snapshot: a place this process freed is bookable at once (read your own writes)") {
  Fixture f(60s);  // refusals may rest on old snapshots: only forgetting helps
  std::vector<api::AppointmentRecord> made;
  for (int i = 0; i < 3; ++i) {
    auto m = f.Book("2026-12-02T08:00:00Z");
    REQUIRE(m.ok());
    made.push_back(m->record);
  }
  CHECK(f.Book("2026-12-02T08:00:00Z").status().code() == StatusCode::kConflict);
  REQUIRE(f.booker->Cancel(made[0], "hotline").ok());
  auto again = f.Book("2026-12-02T08:00:00Z");
  CHECK_MESSAGE(again.ok(), again.status().message());
  // A move away frees the old place too.
  auto moved = f.booker->Move(made[1], *f.office, f.visit, *ParseInstant("2026-12-02T12:00:00Z"));
  REQUIRE_MESSAGE(moved.ok(), moved.status().message());
  CHECK(f.Book("2026-12-02T08:00:00Z").ok());
}

}  // namespace
}  // namespace termin::service
