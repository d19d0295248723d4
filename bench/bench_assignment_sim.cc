// bench_assignment_sim: which desk policy places the most visits, in any desk order?
//
// Books a month of synthetic demand (bench/assignment_sim.h; the model is in
// bench/README.md) once per desk policy with the same request stream, for
// several seeds, on two scenarios: the offices of the demo city, and the
// synthetic 8-desk office (every desk does 15-, 25- and 40-minute visits, so
// the room long visits need is all that differs between policies). Prints per
// policy and seed the fill rate (booked / open desk minutes), the refused
// requests and the refused long-service requests, then means and a verdict.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "api/domain/catalog.h"
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
  int seeds = 20;
  std::uint64_t seed = 1;
  std::vector<double> demands = {0.8, 1.0, 1.2};
  int orders = 4;  // as listed, reversed, then shuffled
  double short_share = 0.6;
  double morning_share = 0.65;
  int later_days = 3;
  int long_from = 20;
};

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

// Mean and the half-width of its 95 % confidence interval (normal
// approximation, 1.96 standard errors; 0 for one sample).
struct Estimate {
  double mean = 0, half = 0;
};
Estimate Estimated(const std::vector<double>& xs) {
  Estimate e;
  if (xs.empty()) return e;
  for (double x : xs) e.mean += x;
  e.mean /= static_cast<double>(xs.size());
  if (xs.size() < 2) return e;
  double ss = 0;
  for (double x : xs) ss += (x - e.mean) * (x - e.mean);
  e.half = 1.96 * std::sqrt(ss / static_cast<double>(xs.size() - 1) / static_cast<double>(xs.size()));
  return e;
}

std::string PlusMinus(const Estimate& e, int decimals, bool sign = false) {
  return (sign ? Signed(e.mean, decimals) : Fixed(e.mean, decimals)) + " ± " + Fixed(e.half, decimals);
}

// The offices with each office's desks in another order: 0 as listed, 1
// reversed, from 2 on shuffled (seeded by the order's number).
std::vector<Office> Reordered(const std::vector<const Office*>& offices, int order) {
  std::vector<Office> out;
  std::mt19937_64 rng(static_cast<std::uint64_t>(order) * 7919u + 17u);
  for (const Office* office : offices) {
    Office copy = *office;
    if (order == 1) std::reverse(copy.desks.begin(), copy.desks.end());
    if (order >= 2) std::shuffle(copy.desks.begin(), copy.desks.end(), rng);
    out.push_back(std::move(copy));
  }
  return out;
}

std::string OrderName(int order) {
  return order == 0 ? "as listed" : order == 1 ? "reversed" : "shuffled " + std::to_string(order - 1);
}

// Every policy on every seed, demand level and desk order. Prints the mean
// fill rate with its 95 % interval, the paired difference to first fit (same
// requests, same desks) and in how many seeds the policy filled more; then
// per policy whether it beat first fit in every desk order at demand >= 1.0.
// Returns the number of broken promises.
std::size_t RunScenario(const std::string& title, const std::vector<const Office*>& offices,
                        SimConfig config, const Options& opt) {
  std::cout << "### " << title << "\n"
            << "  occupancy in minutes, " << ServiceClasses(offices, config.long_from)
            << "\n\n";
  const std::vector<DeskPolicy> policies = {DeskPolicy::kFirstFit, DeskPolicy::kBestFit,
                                            DeskPolicy::kLeastWaste, DeskPolicy::kSkillAware};
  Table table({"demand", "desk order", "policy", "fill rate % (95 % CI)", "vs first fit, pp",
               "more in seeds", "refused %"});
  std::size_t violations = 0;
  // policy -> orders at demand >= 1.0 where its gain over first fit is not
  // clearly positive (the interval's lower end <= 0).
  std::map<std::size_t, std::vector<std::string>> not_better;
  for (double demand : opt.demands) {
    config.demand = demand;
    for (int order = 0; order < opt.orders; ++order) {
      const std::vector<Office> reordered = Reordered(offices, order);
      std::vector<const Office*> view;
      for (const Office& o : reordered) view.push_back(&o);
      std::vector<std::vector<double>> fill(policies.size()), refused(policies.size());
      for (int s = 0; s < opt.seeds; ++s) {
        config.seed = opt.seed + static_cast<std::uint64_t>(s);
        const std::vector<Request> requests = MakeDemand(view, config);
        for (std::size_t p = 0; p < policies.size(); ++p) {
          const SimOutcome out = Simulate(view, requests, config, policies[p]);
          violations += out.violations;
          fill[p].push_back(100 * out.FillRate());
          refused[p].push_back(out.requests == 0 ? 0 : 100.0 * static_cast<double>(out.refused) /
                                                           static_cast<double>(out.requests));
        }
      }
      for (std::size_t p = 0; p < policies.size(); ++p) {
        std::vector<double> diff;
        int more = 0;
        for (int s = 0; s < opt.seeds; ++s) {
          diff.push_back(fill[p][s] - fill[0][s]);
          more += fill[p][s] > fill[0][s] ? 1 : 0;
        }
        const Estimate d = Estimated(diff);
        if (p > 0 && demand >= 1.0 && d.mean - d.half <= 0) {
          not_better[p].push_back(OrderName(order) + " at " + Fixed(demand, 1));
        }
        table.AddRow({Fixed(demand, 1), OrderName(order), std::string(PolicyName(policies[p])),
                      PlusMinus(Estimated(fill[p]), 2), p == 0 ? "" : PlusMinus(d, 2, true),
                      p == 0 ? "" : std::to_string(more) + " of " + std::to_string(opt.seeds),
                      Fixed(Estimated(refused[p]).mean, 1)});
      }
      table.AddRule();
    }
  }
  table.Print(std::cout);
  std::cout << "\n";
  for (std::size_t p = 1; p < policies.size(); ++p) {
    const auto& misses = not_better[p];
    std::cout << "  " << PolicyName(policies[p]) << " vs first fit at demand >= 1.0: ";
    if (misses.empty()) {
      std::cout << "more places in every desk order (95 % interval above 0)\n";
    } else {
      std::cout << "not clearly better in " << misses.size() << " cases:";
      for (const auto& m : misses) std::cout << " [" << m << "]";
      std::cout << "\n";
    }
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

  std::cout << "Month " << opt.first_day << ".." << opt.last_day << "; " << opt.seeds
            << " seeds per demand level and desk order; demand as a share of open desk minutes; "
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
  app.add_option("--demands", opt.demands, "demand levels: requested / open desk minutes")
      ->check(CLI::Range(0.01, 10.0))->delimiter(',');
  app.add_option("--orders", opt.orders, "desk orders: as listed, reversed, then shuffled")
      ->check(CLI::Range(1, 50));
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
