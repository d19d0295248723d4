// bench_assignment_sim: does best fit place more visits than first fit?
//
// Books a month of synthetic demand (bench/assignment_sim.h; the model is in
// bench/README.md) once per desk policy with the same request stream, for
// several seeds, on two scenarios: the offices of the demo city, and the
// synthetic 8-desk office (every desk does 15-, 25- and 40-minute visits, so
// the room long visits need is all that differs between policies). Prints per
// policy and seed the fill rate (booked / open desk minutes), the refused
// requests and the refused long-service requests, then means and a verdict.
#include <chrono>
#include <cstdint>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "api/catalog.h"
#include "bench/assignment_sim.h"
#include "bench/harness.h"
#include "bench/synthetic_office.h"
#include "scheduler/time.h"

namespace termin::bench {
namespace {

struct Options {
  std::string city = "data/demo-city.json";
  std::string first_day = "2026-06-01";
  std::string last_day = "2026-06-30";
  int seeds = 5;
  std::uint64_t seed = 1;
  double demand = 1.2;
  double short_share = 0.6;
  double morning_share = 0.65;
  int later_days = 3;
  int long_from = 20;
};

struct Totals {
  double fill = 0, refused = 0, refused_long = 0, requests = 0, long_requests = 0;
};

std::string Percent(double part, double whole) {
  return whole == 0 ? "-" : Fixed(100 * part / whole, 1) + " %";
}

std::string Signed(double value, int decimals) {
  return (value >= 0 ? "+" : "") + Fixed(value, decimals);
}

// "short: a 5, b 10; long: c 25" (occupancy in minutes) over all offices.
std::string ServiceClasses(const std::vector<const Office*>& offices, Minutes long_from) {
  std::map<std::string, Minutes> occupancy;
  for (const Office* office : offices) {
    for (const Service& s : office->services) occupancy[s.id] = s.duration + s.buffer;
  }
  std::string short_list, long_list;
  for (const auto& [id, occ] : occupancy) {
    std::string& list = occ >= long_from ? long_list : short_list;
    list += (list.empty() ? "" : ", ") + id + " " + std::to_string(occ.count());
  }
  return "short: " + short_list + "\n  long: " + long_list;
}

// Runs every policy on every seed; returns the number of broken promises.
std::size_t RunScenario(const std::string& title, const std::vector<const Office*>& offices,
                        SimConfig config, const Options& opt) {
  std::cout << "### " << title << "\n"
            << "  occupancy in minutes, " << ServiceClasses(offices, config.long_from)
            << "\n\n";
  const std::vector<DeskPolicy> policies = {DeskPolicy::kFirstFit, DeskPolicy::kBestFit,
                                            DeskPolicy::kLeastWaste};
  std::vector<Totals> totals(policies.size());
  Table table({"seed", "policy", "requests", "demand", "fill rate", "refused", "refused %",
               "long refused", "of long", "ms"});
  std::size_t violations = 0;
  for (int s = 0; s < opt.seeds; ++s) {
    config.seed = opt.seed + static_cast<std::uint64_t>(s);
    const std::vector<Request> requests = MakeDemand(offices, config);
    for (std::size_t p = 0; p < policies.size(); ++p) {
      auto start = std::chrono::steady_clock::now();
      const SimOutcome out = Simulate(offices, requests, config, policies[p]);
      auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start);
      violations += out.violations;
      table.AddRow({std::to_string(config.seed), std::string(PolicyName(policies[p])),
                    std::to_string(out.requests), Fixed(100 * out.DemandRatio(), 1) + " %",
                    Fixed(100 * out.FillRate(), 2) + " %", std::to_string(out.refused),
                    Percent(out.refused, out.requests), std::to_string(out.refused_long),
                    Percent(out.refused_long, out.long_requests), Fixed(ms.count(), 0)});
      Totals& t = totals[p];
      t.fill += out.FillRate();
      t.refused += out.refused;
      t.refused_long += out.refused_long;
      t.requests += out.requests;
      t.long_requests += out.long_requests;
    }
    table.AddRule();
  }
  const double n = opt.seeds;
  for (std::size_t p = 0; p < policies.size(); ++p) {
    const Totals& t = totals[p];
    table.AddRow({"mean", std::string(PolicyName(policies[p])), Fixed(t.requests / n, 0), "",
                  Fixed(100 * t.fill / n, 2) + " %", Fixed(t.refused / n, 1),
                  Percent(t.refused, t.requests), Fixed(t.refused_long / n, 1),
                  Percent(t.refused_long, t.long_requests), ""});
  }
  table.Print(std::cout);

  std::cout << "\n";
  for (std::size_t p = 1; p < policies.size(); ++p) {
    const double fill_pp = 100 * (totals[p].fill - totals[0].fill) / n;
    const double refused = (totals[p].refused - totals[0].refused) / n;
    const double refused_long = (totals[p].refused_long - totals[0].refused_long) / n;
    const char* verdict = fill_pp > 0 && refused < 0    ? "better"
                          : fill_pp < 0 && refused > 0  ? "worse"
                          : fill_pp == 0 && refused == 0 ? "the same"
                                                         : "mixed";
    std::cout << "  " << PolicyName(policies[p]) << " vs first fit (mean of " << opt.seeds
              << " seeds): fill rate " << Signed(fill_pp, 2) << " pp, refused "
              << Signed(refused, 1) << ", long refused " << Signed(refused_long, 1) << ": "
              << verdict << "\n";
  }
  std::cout << "\n";
  return violations;
}

int Run(const Options& opt) {
  SimConfig config;
  std::optional<LocalDate> first = ParseDate(opt.first_day);
  std::optional<LocalDate> last = ParseDate(opt.last_day);
  if (!first || !last || *last < *first) {
    std::cerr << "bench_assignment_sim: --first-day/--last-day must be dates, first <= last\n";
    return 1;
  }
  config.first_day = *first;
  config.last_day = *last;
  config.demand = opt.demand;
  config.short_share = opt.short_share;
  config.morning_share = opt.morning_share;
  config.later_days = opt.later_days;
  config.long_from = Minutes(opt.long_from);

  Result<api::Catalog> city = api::LoadCatalogFile(opt.city);
  if (!city.ok()) {
    std::cerr << "bench_assignment_sim: " << opt.city << ": " << city.status().message() << "\n";
    return 1;
  }
  Result<Office> synthetic = SyntheticOffice(8);
  if (!synthetic.ok()) {
    std::cerr << "bench_assignment_sim: " << synthetic.status().message() << "\n";
    return 1;
  }

  std::cout << "Month " << opt.first_day << ".." << opt.last_day << "; demand "
            << Fixed(100 * opt.demand, 0) << " % of open desk minutes; "
            << Fixed(100 * opt.short_share, 0) << " % short / "
            << Fixed(100 * (1 - opt.short_share), 0) << " % long requests (long = occupancy >= "
            << opt.long_from << " min); " << Fixed(100 * opt.morning_share, 0)
            << " % wish a morning; a citizen takes the first offered start at or after the wish, "
            << "that day or up to " << opt.later_days << " days later.\n\n";

  std::vector<const Office*> demo;
  for (const api::OfficeInfo& info : city->offices) demo.push_back(&info.schedule);
  std::size_t violations = RunScenario(
      "demo city: " + std::to_string(demo.size()) + " offices of " + opt.city, demo, config, opt);
  violations += RunScenario("synthetic office: 8 desks, every desk does every service",
                            {&*synthetic}, config, opt);
  if (violations > 0) {
    std::cerr << "bench_assignment_sim: " << violations
              << " broken promises (offered start without a free desk, or overlapping claims)\n";
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace termin::bench

int main(int argc, char** argv) {
  termin::bench::Options opt;
  CLI::App app{"A month of synthetic bookings under first fit, best fit and least waste"};
  app.add_option("--city", opt.city, "city file, relative to the working directory");
  app.add_option("--first-day", opt.first_day, "first local day of the month booked into");
  app.add_option("--last-day", opt.last_day, "last local day (inclusive)");
  app.add_option("--seeds", opt.seeds, "number of seeds")->check(CLI::Range(1, 1000));
  app.add_option("--seed", opt.seed, "first seed");
  app.add_option("--demand", opt.demand, "requested / open desk minutes")
      ->check(CLI::Range(0.01, 10.0));
  app.add_option("--short-share", opt.short_share, "share of short requests")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--morning-share", opt.morning_share, "share of morning wishes")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--later-days", opt.later_days, "later days a citizen accepts")
      ->check(CLI::Range(0, 30));
  app.add_option("--long-from", opt.long_from, "occupancy (min) from which a service is long")
      ->check(CLI::Range(1, 480));
  CLI11_PARSE(app, argc, argv);
  return termin::bench::Run(opt);
}
