// bench_next_free: the hotline's "earliest free start anywhere" query.
//
// NextFree over every office of the demo city (data/demo-city.json, read
// through api/domain/catalog.h) that offers the service, asking for the next 10
// starts, with 30 % of each office's open desk time taken by random claims.
// The query's now moves through a week, so some queries start at night or on
// a weekend and must search past closed days.
// One row per service of the catalogue; then, for the service offered at
// most offices, reference rows with no claims, with 90 % asked for (random
// claims saturate below that; the table shows the share reached; the search
// must walk many days), and with other counts of starts.
#include <algorithm>
#include <cstdint>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "api/domain/catalog.h"
#include "bench/harness.h"
#include "bench/random_claims.h"
#include "scheduler/availability.h"
#include "scheduler/calendar.h"
#include "scheduler/office.h"
#include "scheduler/time.h"

namespace termin::bench {
namespace {

struct Options {
  std::string city = "data/demo-city.json";
  std::string now = "2026-05-04T06:00:00Z";
  int runs = 200;
  int warmup = 10;
  std::uint64_t seed = 1;
};

// Claims of every office of the catalogue at one booked share.
struct CityClaims {
  std::vector<OfficeClaims> claims;  // per office of the catalogue
  std::string share;                 // reached over all offices, "30.0 %"
};

CityClaims ClaimsFor(const api::Catalog& catalog, Instant now, double share, std::uint64_t seed) {
  CityClaims city;
  Minutes open{0}, booked{0};
  for (std::size_t i = 0; i < catalog.offices.size(); ++i) {
    const Office& office = catalog.offices[i].schedule;
    const LocalDate today = LocalDayOf(now, office.zone);
    const DayRange days{today, today + date::days(office.rules.max_days_ahead)};
    ClaimFill fill = RandomClaims(office, days, share, seed + i);
    open += fill.open;
    booked += fill.booked;
    city.claims.push_back(std::move(fill.claims));
  }
  const double reached = open.count() ? static_cast<double>(booked.count()) / open.count() : 0;
  city.share = Fixed(100 * reached, 1) + " %";
  return city;
}

// The queries of every office that can take a visit of `service_id`.
std::vector<OfficeQuery> QueriesFor(const api::Catalog& catalog, const std::string& service_id,
                                    const std::vector<OfficeClaims>& claims) {
  std::vector<OfficeQuery> queries;
  for (std::size_t i = 0; i < catalog.offices.size(); ++i) {
    const Office& office = catalog.offices[i].schedule;
    Result<Visit> visit = MakeVisit(office, {service_id});
    if (!visit.ok()) continue;  // not offered here
    queries.push_back(OfficeQuery{&office, *visit, &claims[i]});
  }
  return queries;
}

int Run(const Options& opt) {
  Result<api::Catalog> loaded = api::LoadCatalogFile(opt.city);
  if (!loaded.ok()) {
    std::cerr << "bench_next_free: " << opt.city << ": " << loaded.status().message() << "\n";
    return 1;
  }
  const api::Catalog& catalog = *loaded;
  std::optional<Instant> now = ParseInstant(opt.now);
  if (!now) {
    std::cerr << "bench_next_free: --now is not an RFC 3339 instant\n";
    return 1;
  }

  const CityClaims claims30 = ClaimsFor(catalog, *now, 0.30, opt.seed);
  const CityClaims claims0 = ClaimsFor(catalog, *now, 0.0, opt.seed);
  const CityClaims claims90 = ClaimsFor(catalog, *now, 0.90, opt.seed);

  std::cout << catalog.offices.size() << " offices of " << opt.city << "; 10 nows from "
            << opt.now << " every 16.8 h, in turn; " << opt.runs << " timed queries per row ("
            << opt.warmup << " warm-up).\n"
            << "found = fewest starts found for any now; reach = furthest last start after its "
               "now.\n\n";
  // The hotline asks at any hour: ten nows spread over a week (every 16.8 h,
  // so they fall on mornings, evenings, nights and the weekend), used in turn.
  std::vector<Instant> nows;
  for (int k = 0; k < 10; ++k) nows.push_back(*now + Minutes(k * 1008));

  Table table({"service", "offices", "booked", "n", "found", "median µs", "p90 µs", "max µs",
               "reach h"});

  auto measure = [&](const std::string& service, const CityClaims& city, std::size_t n) -> bool {
    const std::string& booked = city.share;
    const std::vector<OfficeQuery> queries = QueriesFor(catalog, service, city.claims);
    if (queries.empty()) return true;
    std::size_t next = 0;
    std::size_t fewest = n;  // fewest starts found for any now
    Minutes reach{0};        // furthest last start after its now
    auto query = [&] {
      const Instant t = nows[next++ % nows.size()];
      std::vector<OfficeOffer> found = NextFree(queries, t, n);
      fewest = std::min(fewest, found.size());
      if (!found.empty()) reach = std::max(reach, found.back().start - t);
      DoNotOptimize(found.data());
    };
    const Summary s = Summarize(TimeEachCall(query, opt.warmup, opt.runs));
    if (fewest == 0) {
      std::cerr << "bench_next_free: nothing found for " << service << " at " << booked << "\n";
      return false;
    }
    table.AddRow({service, std::to_string(queries.size()), booked, std::to_string(n),
                  std::to_string(fewest), Fixed(s.median, 1), Fixed(s.p90, 1), Fixed(s.max, 1),
                  Fixed(static_cast<double>(reach.count()) / 60, 1)});
    return true;
  };

  std::string widest;  // the service offered at most offices
  std::size_t widest_count = 0;
  for (const api::ServiceInfo& service : catalog.services) {
    if (!measure(service.id, claims30, 10)) return 1;
    std::size_t count = QueriesFor(catalog, service.id, claims30.claims).size();
    if (count > widest_count) {
      widest = service.id;
      widest_count = count;
    }
  }
  if (!widest.empty()) {
    table.AddRule();
    bool ok = measure(widest, claims0, 10) && measure(widest, claims90, 10) &&
              measure(widest, claims30, 1) && measure(widest, claims30, 50);
    if (!ok) return 1;
  }
  table.Print(std::cout);
  return 0;
}

}  // namespace
}  // namespace termin::bench

int main(int argc, char** argv) {
  termin::bench::Options opt;
  CLI::App app{"NextFree over all offices of the demo city"};
  app.add_option("--city", opt.city, "city file, relative to the working directory");
  app.add_option("--now", opt.now, "the query's now (RFC 3339)");
  app.add_option("--runs", opt.runs, "timed queries per row")->check(CLI::Range(1, 1000000));
  app.add_option("--warmup", opt.warmup, "untimed queries first")->check(CLI::Range(0, 1000000));
  app.add_option("--seed", opt.seed, "claim seed");
  CLI11_PARSE(app, argc, argv);
  return termin::bench::Run(opt);
}
