// 64 threads race for the same few starts. Each place (a desk free at a
// start) goes to exactly one hold; the losers get 409 slot-taken; after
// confirming every winner, no two appointments overlap beyond the desks
// that exist, and the starts are no longer offered.
#include <latch>
#include <map>
#include <thread>

#include <doctest/doctest.h>

#include "tests/blackbox/helpers.h"

namespace termin::testing {
namespace {

const std::vector<std::string> kKurz = {"kurz"};

TEST_CASE("64 threads racing for the same starts: one winner per place, no overlaps") {
  const HttpClient& api = SharedServer().client();
  const std::string day = DayFromToday(11);
  auto slots = RequireFreeSlots(api, kOfficeMitte, kKurz, day);
  // Starts at least an hour apart, so one start's visits cannot touch another's.
  std::vector<Slot> targets;
  for (const auto& s : slots) {
    if (targets.empty() ||
        *ParseRfc3339(s.start) >= *ParseRfc3339(targets.back().start) + std::chrono::hours(1)) {
      targets.push_back(s);
    }
    if (targets.size() == 4) break;
  }
  REQUIRE(targets.size() == 4);
  int places = 0;
  for (const auto& t : targets) places += t.free;

  constexpr int kThreads = 64;
  std::vector<Response> results(kThreads);
  std::latch ready(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      const std::string body = HoldBody(kOfficeMitte, kKurz, targets[i % targets.size()].start);
      ready.arrive_and_wait();
      results[i] = api.Post("/v1/holds", body);
    });
  }
  for (auto& t : threads) t.join();

  std::map<std::string, int> winners;
  std::vector<const Response*> holds;
  int lost = 0;
  for (int i = 0; i < kThreads; ++i) {
    const Response& r = results[i];
    INFO("thread " << i << ": " << r.Summary());
    if (r.status == 201) {
      ++winners[r.Str("start")];
      CHECK(r.Str("start") == targets[i % targets.size()].start);
      holds.push_back(&r);
    } else {
      CHECK(r.status == 409);
      CHECK(r.ProblemSlug() == "slot-taken");
      ++lost;
    }
  }
  for (const auto& t : targets) {
    INFO("start " << t.start);
    CHECK(winners[t.start] == t.free);
    CHECK(FreeAt(api, kOfficeMitte, kKurz, t.start) == 0);
  }
  CHECK(static_cast<int>(holds.size()) == places);
  CHECK(lost == kThreads - places);

  // Confirm every winner, concurrently too.
  std::vector<Response> confirmed(holds.size());
  threads.clear();
  for (size_t i = 0; i < holds.size(); ++i) {
    threads.emplace_back([&, i] {
      confirmed[i] = api.Post(
          "/v1/appointments",
          "{\"hold_id\":" + Q(holds[i]->Str("id")) + ",\"hold_secret\":" + Q(holds[i]->Str("secret")) +
              ",\"contact\":" + ContactJson("Renner " + std::to_string(i), "r@example.org", "") + "}");
    });
  }
  for (auto& t : threads) t.join();

  // Read every appointment back; count overlaps at each instant.
  struct Visit {
    std::chrono::sys_seconds start, end;
  };
  std::vector<Visit> visits;
  std::map<std::string, int> references;
  for (const auto& c : confirmed) {
    REQUIRE_MESSAGE(c.status == 201, c.Summary());
    Response back = api.Get("/v1/appointments/" + c.Str("reference"),
                            {{"X-Manage-Secret", c.Str("manage_secret")}});
    REQUIRE_MESSAGE(back.status == 200, back.Summary());
    CHECK(back.Str("status") == "confirmed");
    ++references[back.Str("reference")];
    visits.push_back({*ParseRfc3339(back.Str("start")), *ParseRfc3339(back.Str("end"))});
  }
  CHECK(references.size() == confirmed.size());  // every reference unique
  constexpr int kDesksForKurz = 3;  // data/test-city.json, test-mitte
  for (const auto& v : visits) {
    int overlapping = 0;
    for (const auto& w : visits) {
      if (w.start < v.end && v.start < w.end) ++overlapping;
    }
    CHECK(overlapping <= kDesksForKurz);
  }
  for (const auto& t : targets) CHECK(FreeAt(api, kOfficeMitte, kKurz, t.start) == 0);

  // Everything cancelled: every place is free again.
  for (const auto& c : confirmed) {
    CHECK(api.Post("/v1/appointments/" + c.Str("reference") + "/cancel", "{}",
                   {{"X-Manage-Secret", c.Str("manage_secret")}})
              .status == 200);
  }
  for (const auto& t : targets) CHECK(FreeAt(api, kOfficeMitte, kKurz, t.start) == t.free);
}

TEST_CASE("racing moves onto one free place: exactly one succeeds") {
  const HttpClient& api = SharedServer().client();
  const std::string day = DayFromToday(12);
  auto slots = RequireFreeSlots(api, kOfficeNord, kKurz, day);  // test-nord has one desk
  REQUIRE(slots.size() > 20);
  const Slot target = slots[slots.size() - 1];
  REQUIRE(target.free == 1);
  std::vector<Booking> bookings;
  for (int i = 0; i < 8; ++i) {
    bookings.push_back(BookAsCitizen(api, kOfficeNord, kKurz, slots[2 * i].start,
                                     "Umzug " + std::to_string(i)));
  }
  std::vector<Response> moves(bookings.size());
  std::latch ready(static_cast<std::ptrdiff_t>(bookings.size()));
  std::vector<std::thread> threads;
  for (size_t i = 0; i < bookings.size(); ++i) {
    threads.emplace_back([&, i] {
      ready.arrive_and_wait();
      moves[i] = api.Post("/v1/appointments/" + bookings[i].reference + "/move",
                          "{\"start\":" + Q(target.start) + "}",
                          {{"X-Manage-Secret", bookings[i].manage_secret}});
    });
  }
  for (auto& t : threads) t.join();
  int won = 0;
  for (size_t i = 0; i < moves.size(); ++i) {
    INFO(moves[i].Summary());
    Response back = api.Get("/v1/appointments/" + bookings[i].reference,
                            {{"X-Manage-Secret", bookings[i].manage_secret}});
    if (moves[i].status == 200) {
      ++won;
      CHECK(back.Str("start") == target.start);
    } else {
      CHECK(moves[i].status == 409);
      CHECK(back.Str("start") == bookings[i].start);  // a lost move keeps the old place
    }
  }
  CHECK(won == 1);
  CHECK(FreeAt(api, kOfficeNord, kKurz, target.start) == 0);
  for (const auto& b : bookings) {
    CHECK(api.Post("/v1/appointments/" + b.reference + "/cancel", "{}",
                   {{"X-Manage-Secret", b.manage_secret}})
              .status == 200);
  }
}

}  // namespace
}  // namespace termin::testing
