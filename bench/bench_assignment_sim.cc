// bench_assignment_sim: does best fit place more visits than first fit?
//
// Books a month of synthetic demand (bench/assignment_sim.h; the model is in
// bench/README.md) on the offices of the demo city, once per desk policy with
// the same request stream, for several seeds. Prints per policy and seed the
// fill rate (booked / open desk minutes), the refused requests and the
// refused long-service requests, then the means and the verdict.
#include <chrono>
#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "api/catalog.h"
#include "bench/assignment_sim.h"
#include "bench/harness.h"
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
};

struct Totals {
  double fill = 0, refused = 0, refused_long = 0, requests = 0, long_requests = 0;
};

std::string Percent(double part, double whole) {
  return whole == 0 ? "-" : Fixed(100 * part / whole, 1) + " %";
}

int Run(const Options& opt) {
  Result<api::Catalog> loaded = api::LoadCatalogFile(opt.city);
  if (!loaded.ok()) {
    std::cerr << "bench_assignment_sim: " << opt.city << ": " << loaded.status().message() << "\n";
    return 1;
  }
  std::vector<const Office*> offices;
  for (const api::OfficeInfo& info : loaded->offices) offices.push_back(&info.schedule);

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

  std::cout << offices.size() << " offices of " << opt.city << ", month " << opt.first_day
            << ".." << opt.last_day << "; demand " << Fixed(100 * opt.demand, 0)
            << " % of open desk minutes, " << Fixed(100 * opt.short_share, 0) << " % short ("
            << config.short_min.count() << "-" << config.short_max.count() << " min) / "
            << Fixed(100 * (1 - opt.short_share), 0) << " % long (" << config.long_min.count()
            << "-" << config.long_max.count() << " min), " << Fixed(100 * opt.morning_share, 0)
            << " % wish a morning, accept up to " << opt.later_days << " later days.\n\n";

  const std::vector<DeskPolicy> policies = {DeskPolicy::kFirstFit, DeskPolicy::kBestFit,
                                            DeskPolicy::kLeastFragments};
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
    std::cout << PolicyName(policies[p]) << " vs first fit: fill rate "
              << (fill_pp >= 0 ? "+" : "") << Fixed(fill_pp, 2) << " pp, refused "
              << (refused >= 0 ? "+" : "") << Fixed(refused, 1) << " per month, long refused "
              << (refused_long >= 0 ? "+" : "") << Fixed(refused_long, 1) << " per month ("
              << (fill_pp > 0 && refused < 0 ? "better" : "NOT better") << ")\n";
  }
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
  CLI::App app{"A month of synthetic bookings under first fit, best fit and least fragments"};
  app.add_option("--city", opt.city, "city file, relative to the working directory");
  app.add_option("--first-day", opt.first_day, "first local day of the month booked into");
  app.add_option("--last-day", opt.last_day, "last local day (inclusive)");
  app.add_option("--seeds", opt.seeds, "number of seeds")->check(CLI::Range(1, 1000));
  app.add_option("--seed", opt.seed, "first seed");
  app.add_option("--demand", opt.demand, "requested / open desk minutes")->check(CLI::Range(0.01, 10.0));
  app.add_option("--short-share", opt.short_share, "share of short requests")->check(CLI::Range(0.0, 1.0));
  app.add_option("--morning-share", opt.morning_share, "share of morning wishes")->check(CLI::Range(0.0, 1.0));
  app.add_option("--later-days", opt.later_days, "later days a citizen accepts")->check(CLI::Range(0, 30));
  CLI11_PARSE(app, argc, argv);
  return termin::bench::Run(opt);
}
