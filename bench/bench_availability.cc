// bench_availability: one Availability query of one office, 8 desks, 60 days.
//
// The goal: under 200 µs per 60-day availability query on one core.
// The office is built in code (bench/synthetic_office.h) so the figure does
// not move when the demo data changes. Cases: 30 % of open desk time booked
// by random claims (the realistic load), 0 % as a reference, and windows
// that contain a daylight-saving transition (spring forward, fall back).
// Each case is queried for a 15-minute and a 40-minute visit; the claims come
// from several seeds, used in turn, so one lucky layout cannot set the figure.
#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "bench/harness.h"
#include "bench/random_claims.h"
#include "bench/synthetic_office.h"
#include "scheduler/availability.h"
#include "scheduler/calendar.h"
#include "scheduler/office.h"
#include "scheduler/time.h"

namespace termin::bench {
namespace {

constexpr double kGoalMicros = 200;

struct Case {
  std::string name;
  std::string now;  // RFC 3339
  double share;     // booked share of open desk time
};

int Run(int runs, int warmup, int seeds, std::uint64_t base_seed) {
  Result<Office> made = SyntheticOffice(8);
  if (!made.ok()) {
    std::cerr << "bench_availability: " << made.status().message() << "\n";
    return 1;
  }
  const Office& office = *made;
  const std::vector<Case> cases = {
      {"30 % booked", "2026-05-04T06:00:00Z", 0.30},
      {"0 % booked (reference)", "2026-05-04T06:00:00Z", 0.0},
      {"30 %, DST spring 2026-03-29", "2026-03-02T07:00:00Z", 0.30},
      {"30 %, DST fall 2026-10-25", "2026-09-28T06:00:00Z", 0.30},
  };
  const std::vector<std::string> visits = {kShortService, kLongService};

  std::cout << "One office, " << office.desks.size() << " desks, Europe/Berlin, DE-BW, "
            << office.rules.grid.count() << "-min grid, days today..today+"
            << office.rules.max_days_ahead << "; " << runs << " timed queries per row ("
            << warmup << " warm-up), claims from " << seeds << " seeds in turn.\n\n";

  Table table({"case", "visit", "booked", "offers", "median µs", "p90 µs", "min µs", "max µs",
               "goal"});
  bool all_met = true;
  for (const Case& c : cases) {
    const Instant now = *ParseInstant(c.now);
    const LocalDate today = LocalDayOf(now, office.zone);
    const DayRange days{today, today + date::days(office.rules.max_days_ahead)};
    std::vector<ClaimFill> fills;
    double share_sum = 0;
    for (int s = 0; s < seeds; ++s) {
      fills.push_back(RandomClaims(office, days, c.share, base_seed + static_cast<std::uint64_t>(s)));
      share_sum += fills.back().Share();
    }
    for (const std::string& service : visits) {
      Result<Visit> visit = MakeVisit(office, {service});
      if (!visit.ok()) {
        std::cerr << "bench_availability: " << visit.status().message() << "\n";
        return 1;
      }
      std::size_t next = 0;
      std::size_t offers = 0;
      auto query = [&] {
        const ClaimFill& fill = fills[next++ % fills.size()];
        std::vector<Offer> result = Availability(office, *visit, days, now, fill.claims);
        offers = result.size();
        DoNotOptimize(result.data());
      };
      const Summary s = Summarize(TimeEachCall(query, warmup, runs));
      if (offers == 0) {
        std::cerr << "bench_availability: no offers for " << c.name << " / " << service
                  << ": the core or the setup is broken\n";
        return 1;
      }
      const bool met = s.p90 < kGoalMicros;
      all_met = all_met && met;
      table.AddRow({c.name, service + " " + std::to_string(visit->occupancy().count()) + " min",
                    Fixed(100 * share_sum / seeds, 1) + " %", std::to_string(offers),
                    Fixed(s.median, 1), Fixed(s.p90, 1), Fixed(s.min, 1), Fixed(s.max, 1),
                    met ? "met" : "MISSED"});
    }
  }
  table.Print(std::cout);
  std::cout << "\ngoal: p90 < " << kGoalMicros << " µs per query: "
            << (all_met ? "met in every row" : "MISSED in some row") << "\n";
  return 0;
}

}  // namespace
}  // namespace termin::bench

int main(int argc, char** argv) {
  CLI::App app{"Availability query of one 8-desk office over 60 days"};
  int runs = 400;
  int warmup = 20;
  int seeds = 5;
  std::uint64_t seed = 1;
  app.add_option("--runs", runs, "timed queries per row")->check(CLI::Range(1, 1000000));
  app.add_option("--warmup", warmup, "untimed queries first")->check(CLI::Range(0, 1000000));
  app.add_option("--seeds", seeds, "claim layouts used in turn")->check(CLI::Range(1, 100));
  app.add_option("--seed", seed, "first claim seed");
  CLI11_PARSE(app, argc, argv);
  return termin::bench::Run(runs, warmup, seeds, seed);
}
