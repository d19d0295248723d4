#include "queue/day.h"

#include <algorithm>
#include <cstdlib>
#include <random>

#include "doctest/doctest.h"

namespace termin::queue {
namespace {

int Cases() {
  const char* env = std::getenv("TERMIN_PROPERTY_CASES");
  return env ? std::atoi(env) : 10000;
}

DurationBook Book() {
  DurationBook b;
  b.SetConfigured("pass", 15);
  b.SetConfigured("id", 10);
  b.SetConfigured("reg", 5);
  return b;
}

TEST_CASE("running median per service, configured fallback") {
  DurationBook b = Book();
  CHECK(b.Expected("pass") == 15);
  b.Record("pass", 20);
  CHECK(b.Expected("pass") == 20);
  b.Record("pass", 8);
  b.Record("pass", 12);
  CHECK(b.Expected("pass") == 12);
  CHECK(b.Expected("unknown") == 0);
}

TEST_CASE("cut-off refuses with a reason once the desk time is used") {
  std::vector<DeskToday> desks = {{"A", {"pass"}, 600, 630}};
  DurationBook b = Book();
  std::vector<Waiting> q;
  auto a1 = DecideWalkIn(desks, q, b, "pass", 600, 1);
  REQUIRE(a1.issued);
  CHECK(a1.expected_wait == 0);
  q.push_back({VisitorKind::kWalkIn, "pass", 600, 1, false});
  auto a2 = DecideWalkIn(desks, q, b, "pass", 600, 2);
  REQUIRE(a2.issued);
  CHECK(a2.expected_wait == 15);
  q.push_back({VisitorKind::kWalkIn, "pass", 600, 2, false});
  auto a3 = DecideWalkIn(desks, q, b, "pass", 600, 3);
  CHECK_FALSE(a3.issued);
  CHECK(a3.refusal.find("Heute keine Wartenummer mehr für pass") == 0);
  CHECK_FALSE(DecideWalkIn(desks, {}, b, "id", 600, 1).issued);
}

TEST_CASE("an appointment due keeps its time; a no-show gives it back") {
  std::vector<DeskToday> desks = {{"A", {"pass"}, 600, 630}};
  DurationBook b = Book();
  std::vector<Waiting> q = {{VisitorKind::kAppointment, "pass", 615, 0, false},
                            {VisitorKind::kWalkIn, "pass", 600, 1, false}};
  CHECK_FALSE(DecideWalkIn(desks, q, b, "pass", 600, 2).issued);
  auto gone = ReleaseNoShows(q, 625, 10);
  REQUIRE(gone.size() == 1);
  CHECK(q.size() == 1);
  // At 630 the desk has 15 minutes left, all of them the appointment's: no
  // number; once it is a no-show (grace 0 here) its time is offered at once.
  std::vector<DeskToday> late = {{"A", {"pass"}, 630, 645}};
  std::vector<Waiting> q2 = {{VisitorKind::kAppointment, "pass", 630, 0, false}};
  CHECK_FALSE(DecideWalkIn(late, q2, b, "pass", 630, 3).issued);
  CHECK(ReleaseNoShows(q2, 630, 0).size() == 1);
  CHECK(DecideWalkIn(late, q2, b, "pass", 630, 3).issued);
}

TEST_CASE("an appointment for today is refused where it would push out a number") {
  std::vector<DeskToday> desks = {{"A", {"pass", "id"}, 600, 660}};
  DurationBook b = Book();
  std::vector<Waiting> q;
  for (int t = 1; t <= 5; ++t) q.push_back({VisitorKind::kWalkIn, "id", 600, t, false});
  // Five numbers of 10 minutes from 10:00: 10:50-11:00 is free.
  CHECK(KeepsWalkIns(desks, q, b, "id", 650, 600));
  // 15 minutes from 10:50 end after the close: not planned, pushes nobody.
  CHECK(KeepsWalkIns(desks, q, b, "pass", 650, 600));
  // Earlier, the appointment goes first and the fifth number falls out.
  CHECK_FALSE(KeepsWalkIns(desks, q, b, "pass", 640, 600));
  CHECK_FALSE(KeepsWalkIns(desks, q, b, "pass", 610, 600));
  CHECK(KeepsWalkIns(desks, q, b, "id", 610, 600));  // 10 minutes still fit
  // Four numbers: 20 minutes left, wherever the appointment lies.
  q.pop_back();
  CHECK(KeepsWalkIns(desks, q, b, "pass", 610, 600));
  // Nobody waiting: nothing to keep.
  CHECK(KeepsWalkIns(desks, {}, b, "pass", 610, 600));
}

TEST_CASE("same-day buffer share on the grid") {
  CHECK(SameDayBufferMinutes(480, 50, 5) == 240);
  CHECK(SameDayBufferMinutes(487, 33, 5) == 160);
  CHECK(SameDayBufferMinutes(480, 150, 5) == 480);
}

// Brute force: a minute-by-minute replay of the desks. At each minute every
// free desk, in a random order, calls the first waiting visitor it can serve
// and finish before closing. Returns, per visitor, whether it was served.
std::vector<bool> Simulate(const std::vector<DeskToday>& desks, const std::vector<Waiting>& q,
                           const DurationBook& b, int now, std::mt19937* rng) {
  std::vector<int> busy_until(desks.size());
  std::vector<bool> done_for_day(desks.size(), false);
  for (size_t d = 0; d < desks.size(); ++d) busy_until[d] = std::max(now, desks[d].free_from);
  std::vector<bool> served(q.size(), false);
  int last = 0;
  for (const auto& d : desks) last = std::max(last, d.close);
  for (int t = now; t <= last; ++t) {
    std::vector<size_t> order;
    for (size_t d = 0; d < desks.size(); ++d)
      if (!done_for_day[d] && busy_until[d] <= t) order.push_back(d);
    if (rng) std::shuffle(order.begin(), order.end(), *rng);
    for (size_t d : order) {
      bool called = false;
      for (size_t i = 0; i < q.size(); ++i) {
        if (served[i] || !desks[d].services.count(q[i].service)) continue;
        if (q[i].kind == VisitorKind::kAppointment && q[i].due > t) continue;
        if (t + b.Expected(q[i].service) > desks[d].close) continue;
        served[i] = true;
        busy_until[d] = t + b.Expected(q[i].service);
        called = true;
        break;
      }
      // A desk with nothing it can still finish waits only for an appointment not yet due.
      if (!called) {
        bool later = false;
        for (size_t i = 0; i < q.size(); ++i)
          if (!served[i] && q[i].kind == VisitorKind::kAppointment && q[i].due > t &&
              desks[d].services.count(q[i].service) && q[i].due + b.Expected(q[i].service) <= desks[d].close)
            later = true;
        if (!later) done_for_day[d] = true;
      }
    }
  }
  return served;
}

// Offices where every desk does every service and closes at the same time:
// the order in which free desks call does not matter (identical machines,
// list order), so the property is "in every order". With different closing
// times it does not hold: a long visit taken by the early-closing desk can
// push a later ticket out (seed 607 of an earlier version of this test); there
// the plan holds for the policy's tie rule only (next test). Only walk-ins are queued here so no desk idles for an
// appointment that is not yet due.
TEST_CASE("property: a number issued is served before closing in every order; none refused that could be") {
  const int cases = Cases();
  int issued = 0, refused = 0;
  for (int seed = 1; seed <= cases; ++seed) {
    std::mt19937 rng(seed);
    DurationBook b = Book();
    if (rng() % 2) b.Record("pass", 5 + static_cast<int>(rng() % 30));
    const std::vector<std::string> all = {"pass", "id", "reg"};
    int now = 600 + static_cast<int>(rng() % 60);
    std::vector<DeskToday> desks;
    int n = 1 + static_cast<int>(rng() % 3);
    const int close = now + 20 + static_cast<int>(rng() % 120);
    for (int d = 0; d < n; ++d)
      desks.push_back({"D" + std::to_string(d), {all.begin(), all.end()}, now + static_cast<int>(rng() % 20), close});
    std::vector<Waiting> q;
    int ticket = 1;
    int arrivals = static_cast<int>(rng() % 14);
    for (int k = 0; k < arrivals; ++k) {
      std::string s = all[rng() % all.size()];
      WalkInAnswer a = DecideWalkIn(desks, q, b, s, now, ticket);
      std::vector<Waiting> with = q;
      with.push_back({VisitorKind::kWalkIn, s, now, ticket, false});
      with = QueueOrder(with);
      if (a.issued) {
        ++issued;
        q = with;
        ++ticket;
        for (int order = 0; order < 4; ++order) {
          auto served = Simulate(desks, q, b, now, &rng);
          for (size_t i = 0; i < q.size(); ++i) {
            INFO("seed=" << seed << " visitor=" << i);
            REQUIRE(served[i]);
          }
        }
      } else {
        ++refused;
        auto served = Simulate(desks, with, b, now, nullptr);
        bool all_served = std::all_of(served.begin(), served.end(), [](bool x) { return x; });
        INFO("seed=" << seed << " refused but the replay serves everyone");
        REQUIRE_FALSE(all_served);
      }
    }
  }
  MESSAGE("cut-off property (every order): " << cases << " cases, " << issued << " issued, " << refused
                                             << " refused");
}

// Desks with different services and appointments due: the plan is held
// against the replay with the desks calling in desk order (the policy's tie
// rule), for issued and refused numbers alike.
TEST_CASE("property: mixed desks and appointments agree with the minute replay") {
  const int cases = Cases();
  int issued = 0, refused = 0;
  for (int seed = 1; seed <= cases; ++seed) {
    std::mt19937 rng(seed * 7919);
    DurationBook b = Book();
    const std::vector<std::string> all = {"pass", "id", "reg"};
    int now = 600;
    std::vector<DeskToday> desks;
    int n = 1 + static_cast<int>(rng() % 3);
    for (int d = 0; d < n; ++d) {
      DeskToday desk{"D" + std::to_string(d), {}, now + static_cast<int>(rng() % 10),
                     now + 30 + static_cast<int>(rng() % 120)};
      for (const auto& s : all)
        if (rng() % 3) desk.services.insert(s);
      desks.push_back(desk);
    }
    std::vector<Waiting> q;
    int appts = static_cast<int>(rng() % 4);
    for (int k = 0; k < appts; ++k)
      q.push_back({VisitorKind::kAppointment, all[rng() % all.size()], now + 5 * static_cast<int>(rng() % 20), 0,
                   true});
    int ticket = 1;
    int arrivals = static_cast<int>(rng() % 10);
    for (int k = 0; k < arrivals; ++k) {
      std::string s = all[rng() % all.size()];
      WalkInAnswer a = DecideWalkIn(desks, q, b, s, now, ticket);
      std::vector<Waiting> with = QueueOrder(q);
      auto before = Simulate(desks, with, b, now, nullptr);
      size_t before_unserved = std::count(before.begin(), before.end(), false);
      with.push_back({VisitorKind::kWalkIn, s, now, ticket, false});
      auto served = Simulate(desks, with, b, now, nullptr);
      size_t unserved = std::count(served.begin(), served.end(), false);
      bool ok = served.back() && unserved == before_unserved;
      INFO("seed=" << seed << " service=" << s);
      REQUIRE(ok == a.issued);
      if (a.issued) {
        ++issued;
        q.push_back(with.back());
        ++ticket;
      } else {
        ++refused;
      }
    }
  }
  MESSAGE("cut-off property (mixed desks): " << cases << " cases, " << issued << " issued, " << refused
                                             << " refused");
}

// Numbers issued by the cut-off and appointments for today admitted only by
// KeepsWalkIns, in a random interleaving: the minute replay (the oracle,
// independent of PlanDay) serves every number issued.
TEST_CASE("property: appointments admitted for today never push out an issued number") {
  const int cases = Cases();
  int issued = 0, admitted = 0, refused = 0;
  for (int seed = 1; seed <= cases; ++seed) {
    std::mt19937 rng(seed * 104729);
    DurationBook b = Book();
    const std::vector<std::string> all = {"pass", "id", "reg"};
    const int now = 600;
    std::vector<DeskToday> desks;
    const int close = now + 30 + static_cast<int>(rng() % 120);
    int n = 1 + static_cast<int>(rng() % 3);
    for (int d = 0; d < n; ++d) {
      DeskToday desk{"D" + std::to_string(d), {"pass", "id", "reg"}, now + static_cast<int>(rng() % 10), close};
      desks.push_back(desk);
    }
    std::vector<Waiting> q;
    int ticket = 1;
    int events = static_cast<int>(rng() % 14);
    for (int k = 0; k < events; ++k) {
      std::string s = all[rng() % all.size()];
      if (rng() % 2) {
        if (DecideWalkIn(desks, q, b, s, now, ticket).issued) {
          q.push_back({VisitorKind::kWalkIn, s, now, ticket++, false});
          ++issued;
        }
      } else {
        int due = now + 5 * static_cast<int>(rng() % 30);
        if (KeepsWalkIns(desks, q, b, s, due, now)) {
          q.push_back({VisitorKind::kAppointment, s, due, 0, false});
          ++admitted;
        } else {
          ++refused;
        }
      }
    }
    std::vector<Waiting> ordered = QueueOrder(q);
    auto served = Simulate(desks, ordered, b, now, nullptr);
    for (size_t i = 0; i < ordered.size(); ++i) {
      if (ordered[i].kind != VisitorKind::kWalkIn) continue;
      INFO("seed=" << seed << " ticket=" << ordered[i].ticket);
      REQUIRE(served[i]);
    }
  }
  MESSAGE("same-day appointments vs numbers: " << cases << " cases, " << issued << " numbers, "
                                               << admitted << " appointments admitted, " << refused
                                               << " refused");
}

// Whether some order of free desks calling serves every visitor: every
// static priority among the desks (all permutations: brute force for up to
// three desks) and a few random per-minute orders.
bool SomeOrderServesAll(std::vector<DeskToday> desks, const std::vector<Waiting>& q,
                        const DurationBook& b, int now, std::mt19937& rng) {
  auto all = [](const std::vector<bool>& v) { return std::all_of(v.begin(), v.end(), [](bool x) { return x; }); };
  std::vector<size_t> perm(desks.size());
  for (size_t i = 0; i < perm.size(); ++i) perm[i] = i;
  do {
    std::vector<DeskToday> ordered;
    for (size_t i : perm) ordered.push_back(desks[i]);
    if (all(Simulate(ordered, q, b, now, nullptr))) return true;
  } while (std::next_permutation(perm.begin(), perm.end()));
  for (int k = 0; k < 8; ++k)
    if (all(Simulate(desks, q, b, now, &rng))) return true;
  return false;
}

// The second property: no number refused while one could still be
// served, within one grid step. A refusal is wrong if any order of free desks
// calling (queue order kept: walk-ins by number, appointments when due) would
// serve everyone with the new number even if its visit took one grid step
// (5 minutes) longer than expected. Desks of equal skills closing at the same
// time (free from different minutes), appointments due later, measured
// durations. For mixed skills or closing times it does not hold: see the
// known-gap case below.
TEST_CASE("property: refusals are tight: no number refused that some order serves with a grid step to spare") {
  const int cases = Cases();
  constexpr int kGrid = 5;
  int refused = 0, checked = 0;
  for (int seed = 1; seed <= cases; ++seed) {
    std::mt19937 rng(seed * 104729);
    DurationBook b = Book();
    if (rng() % 2) b.Record("id", 5 + static_cast<int>(rng() % 20));
    const std::vector<std::string> all = {"pass", "id", "reg"};
    const int now = 600;
    std::vector<DeskToday> desks;
    int n = 1 + static_cast<int>(rng() % 3);
    const int close = now + 20 + static_cast<int>(rng() % 100);
    for (int d = 0; d < n; ++d) {
      DeskToday desk{"D" + std::to_string(d), {}, now + static_cast<int>(rng() % 10), close};
      desk.services.insert(all.begin(), all.end());
      desks.push_back(desk);
    }
    std::vector<Waiting> q;
    int appts = static_cast<int>(rng() % 3);
    for (int k = 0; k < appts; ++k)
      q.push_back({VisitorKind::kAppointment, all[rng() % all.size()], now + 5 * static_cast<int>(rng() % 12), 0,
                   true});
    int ticket = 1;
    int arrivals = static_cast<int>(rng() % 10);
    for (int k = 0; k < arrivals; ++k) {
      std::string s = all[rng() % all.size()];
      WalkInAnswer a = DecideWalkIn(desks, q, b, s, now, ticket);
      std::vector<Waiting> with = QueueOrder(q);
      with.push_back({VisitorKind::kWalkIn, s, now, ticket, false});
      if (a.issued) {
        q.push_back(with.back());
        ++ticket;
        continue;
      }
      ++refused;
      // Only days on which everyone already there is served (else a refusal
      // is about them, not the newcomer).
      std::vector<Waiting> before = QueueOrder(q);
      auto served = Simulate(desks, before, b, now, nullptr);
      if (!std::all_of(served.begin(), served.end(), [](bool x) { return x; })) continue;
      ++checked;
      INFO("seed=" << seed << " service=" << s << " desks=" << n);
      // The newcomer taking a grid step longer: a service of its own.
      DurationBook longer = b;
      longer.SetConfigured(s + "+grid", b.Expected(s) + kGrid);
      std::vector<DeskToday> able = desks;
      for (DeskToday& d : able)
        if (d.services.count(s)) d.services.insert(s + "+grid");
      with.back().service = s + "+grid";
      REQUIRE_FALSE(SomeOrderServesAll(able, with, longer, now, rng));
    }
  }
  MESSAGE("tight refusals: " << cases << " cases, " << refused << " refused, " << checked
                             << " held against every desk order with a grid step to spare");
}

// Known gap, kept as a case so that a better policy shows up here: with mixed
// skills the policy (the earliest free desk calls the first visitor it can
// finish) is not monotone. Found by the tight-refusal property with mixed
// desks (seed 735): at 632 desk D0 takes the id visit (13 min) that D1 could
// have taken at 636, and the last reg number (only D0 does reg) no longer
// fits before D0 closes at 647. Were D0 to close at 642, it would skip the id
// visit (it no longer fits), take the reg number, and D1 the id visit: every
// one served. The cut-off follows the policy, because the desks call by it.
TEST_CASE("known gap: with mixed skills a refusal can be one that another order of calls serves") {
  DurationBook b = Book();
  b.Record("id", 13);
  std::vector<DeskToday> desks = {{"D0", {"id", "pass", "reg"}, 607, 647}, {"D1", {"id", "pass"}, 608, 658}};
  std::vector<Waiting> q = {{VisitorKind::kAppointment, "reg", 620, 0, true},
                            {VisitorKind::kWalkIn, "pass", 600, 1, false},
                            {VisitorKind::kWalkIn, "pass", 600, 2, false},
                            {VisitorKind::kWalkIn, "id", 600, 3, false},
                            {VisitorKind::kWalkIn, "reg", 600, 4, false},
                            {VisitorKind::kWalkIn, "id", 600, 5, false}};
  CHECK_FALSE(DecideWalkIn(desks, q, b, "reg", 600, 6).issued);
  std::vector<DeskToday> earlier = desks;
  earlier[0].close = 642;
  CHECK(DecideWalkIn(earlier, q, b, "reg", 600, 6).issued);
}

}  // namespace
}  // namespace termin::queue
