// bench_walkin_day: a busy Thursday afternoon at the Rathaus, walk-in numbers
// handed out by the computed cut-off (queue/day.h) against a fixed manual stop.
//
// The office: the demo city's aalen-rathaus, its desks' skills and services'
// durations from data/demo-city.json, open 13:00-18:00 local. Appointments
// fill a share of the desks' time in advance (on a 5-minute grid); some of
// them never come and are released after the grace. Walk-ins arrive as a
// Poisson stream (rate per hour as a parameter) with a mix of services; the
// real visit lasts the configured duration times a log-normal factor, and
// each finished visit feeds the running median the cut-off plans with.
// Desks call as the store does (api::NextForDesk): appointments due first,
// then walk-ins by number; nobody is called at or after 18:00.
//
// Policies: "computed" asks DecideWalkIn for every arrival; "manual" issues a
// number to everyone a desk open today can serve until a fixed stop time
// (16:30 by default), as offices do by hand. Printed per arrival rate: numbers
// issued, served, sent home (issued but not called before closing), refused,
// waits of the served (median, p90, minutes from arrival to call), and the
// desk minutes worked after 18:00. Means over seeds.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <CLI/CLI.hpp>

#include "api/domain/catalog.h"
#include "bench/harness.h"
#include "queue/day.h"

namespace termin::bench {
namespace {

struct Options {
  std::string city = "data/demo-city.json";
  std::string office = "aalen-rathaus";
  std::vector<std::string> desks = {"schalter-1", "schalter-2", "schalter-3", "schalter-5"};
  std::vector<double> rates = {20, 30, 40, 60};  // walk-ins per hour
  int seeds = 20;
  int open = 13 * 60;
  int close = 18 * 60;
  int manual_stop = 16 * 60 + 30;
  double booked_share = 0.5;   // of desk time booked in advance
  double no_show_share = 0.1;  // of appointments
  int grace = 10;
  double sigma = 0.3;          // log-normal spread of real durations
};

struct Service {
  std::string id;
  int minutes = 0;  // duration + buffer: desk time
};

// The walk-in mix of a Bürgeramt afternoon (weights).
const std::vector<std::pair<std::string, double>> kMix = {
    {"abholung-ausweis", 25}, {"meldebescheinigung", 20}, {"wohnsitz-ummelden", 15},
    {"personalausweis", 15},  {"reisepass", 10},          {"beglaubigung", 10},
    {"fundsachen", 5}};

struct Visitor {
  bool appointment = false;
  std::string service;
  int due = 0;      // appointment start; walk-in: arrival
  int ticket = 0;   // walk-ins
  bool arrived = false;
  bool no_show = false;
  int called = -1;
};

struct DeskRun {
  std::string id;
  std::set<std::string> can;
  int busy_until = 0;
  int started = 0;
  std::string serving;  // service of the visit in progress
};

struct Outcome {
  int arrivals = 0, issued = 0, served = 0, sent_home = 0, refused = 0, overtime = 0;
  std::vector<double> waits;
};

Outcome RunDay(const Options& o, const std::map<std::string, Service>& services,
               const std::vector<DeskRun>& desk_template, double rate, bool computed,
               std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<DeskRun> desks = desk_template;
  for (DeskRun& d : desks) d.busy_until = o.open;
  queue::DurationBook book;
  for (const auto& [id, s] : services) book.SetConfigured(id, s.minutes);
  std::vector<Visitor> people;
  // Appointments booked in advance, on the grid, per desk.
  std::uniform_real_distribution<double> u(0, 1);
  for (const DeskRun& d : desks) {
    std::vector<std::string> can(d.can.begin(), d.can.end());
    for (int t = o.open; t < o.close;) {
      const std::string& svc = can[rng() % can.size()];
      const int len = services.at(svc).minutes;
      if (t + len > o.close) break;
      if (u(rng) < o.booked_share) {
        Visitor v;
        v.appointment = true;
        v.service = svc;
        v.due = t;
        v.no_show = u(rng) < o.no_show_share;
        people.push_back(v);
        t += len;
      } else {
        t += 5;
      }
      t = (t + 4) / 5 * 5;
    }
  }
  std::vector<double> weights;
  for (const auto& m : kMix) weights.push_back(m.second);
  std::discrete_distribution<int> mix(weights.begin(), weights.end());
  std::lognormal_distribution<double> noise(0.0, o.sigma);
  std::poisson_distribution<int> arrivals_per_minute(rate / 60.0);
  Outcome out;
  int ticket = 0;
  for (int t = o.open; t < o.close || std::any_of(desks.begin(), desks.end(), [&](const DeskRun& d) {
                         return d.busy_until > t;
                       });
       ++t) {
    // Desks finish.
    for (DeskRun& d : desks) {
      if (!d.serving.empty() && d.busy_until <= t) {
        book.Record(d.serving, d.busy_until - d.started);
        d.serving.clear();
      }
    }
    if (t >= o.close) continue;
    // Appointments arrive 5 minutes early (or never); the overdue are released.
    for (Visitor& v : people) {
      if (v.appointment && !v.no_show && !v.arrived && t >= v.due - 5) v.arrived = true;
    }
    // Walk-ins arrive.
    for (int k = arrivals_per_minute(rng); k > 0; --k) {
      ++out.arrivals;
      const std::string svc = kMix[static_cast<std::size_t>(mix(rng))].first;
      bool issue = false;
      if (computed) {
        std::vector<queue::DeskToday> model;
        for (const DeskRun& d : desks) {
          int free = d.serving.empty() ? t : std::max(t, d.started + book.Expected(d.serving));
          model.push_back({d.id, d.can, free, o.close});
        }
        std::vector<queue::Waiting> q;
        for (const Visitor& v : people) {
          if (v.called >= 0) continue;
          if (v.appointment && !v.arrived && t >= v.due + o.grace) continue;  // released
          q.push_back({v.appointment ? queue::VisitorKind::kAppointment : queue::VisitorKind::kWalkIn,
                       v.service, v.due, v.ticket, v.arrived});
        }
        issue = queue::DecideWalkIn(model, q, book, svc, t, ticket + 1).issued;
      } else {
        issue = t < o.manual_stop && std::any_of(desks.begin(), desks.end(), [&](const DeskRun& d) {
                  return d.can.count(svc) > 0;
                });
      }
      if (!issue) {
        ++out.refused;
        continue;
      }
      ++out.issued;
      Visitor v;
      v.service = svc;
      v.due = t;
      v.ticket = ++ticket;
      v.arrived = true;
      people.push_back(v);
    }
    // Free desks call (api::NextForDesk's order).
    for (DeskRun& d : desks) {
      if (!d.serving.empty()) continue;
      int best = -1;
      auto rank = [&](const Visitor& v) {
        return !v.appointment ? 2 : v.due <= t ? 1 : 3;
      };
      for (int i = 0; i < static_cast<int>(people.size()); ++i) {
        const Visitor& v = people[static_cast<std::size_t>(i)];
        if (v.called >= 0 || !v.arrived || !d.can.count(v.service)) continue;
        if (best < 0) {
          best = i;
          continue;
        }
        const Visitor& b = people[static_cast<std::size_t>(best)];
        auto key = [&](const Visitor& x) {
          return std::make_tuple(rank(x), x.appointment ? x.due : 0, x.ticket);
        };
        if (key(v) < key(b)) best = i;
      }
      if (best < 0) continue;
      Visitor& v = people[static_cast<std::size_t>(best)];
      v.called = t;
      const int length = std::max(2, static_cast<int>(std::lround(services.at(v.service).minutes * noise(rng))));
      d.serving = v.service;
      d.started = t;
      d.busy_until = t + length;
      if (d.busy_until > o.close) out.overtime += d.busy_until - std::max(t, o.close);
      if (!v.appointment) {
        ++out.served;
        out.waits.push_back(t - v.due);
      }
    }
  }
  for (const Visitor& v : people) {
    if (!v.appointment && v.called < 0) ++out.sent_home;
  }
  return out;
}

int Run(const Options& o) {
  auto catalog = api::LoadCatalogFile(o.city);
  if (!catalog.ok()) {
    std::fprintf(stderr, "bench_walkin_day: %s\n", catalog.status().message().c_str());
    return 1;
  }
  const api::OfficeInfo* office = catalog->FindOffice(o.office);
  if (!office) {
    std::fprintf(stderr, "bench_walkin_day: no office %s\n", o.office.c_str());
    return 1;
  }
  std::map<std::string, Service> services;
  for (const termin::Service& s : office->schedule.services) {
    services[s.id] = Service{s.id, static_cast<int>((s.duration + s.buffer).count())};
  }
  std::vector<DeskRun> desks;
  for (const std::string& id : o.desks) {
    for (const Desk& d : office->schedule.desks) {
      if (d.id != id) continue;
      DeskRun r;
      r.id = id;
      r.can.insert(d.services.begin(), d.services.end());
      desks.push_back(r);
    }
  }
  if (desks.size() != o.desks.size()) {
    std::fprintf(stderr, "bench_walkin_day: a desk of --desks is not at %s\n", o.office.c_str());
    return 1;
  }
  for (const auto& m : kMix) {
    if (!services.count(m.first)) {
      std::fprintf(stderr, "bench_walkin_day: %s does not offer %s\n", o.office.c_str(), m.first.c_str());
      return 1;
    }
  }
  std::printf("Thursday afternoon at %s, %02d:%02d-%02d:%02d, %zu desks, %.0f %% of desk time booked, "
              "%.0f %% no-shows (grace %d min), durations x lognormal(0, %.2f), %d seeds\n",
              o.office.c_str(), o.open / 60, o.open % 60, o.close / 60, o.close % 60, desks.size(),
              o.booked_share * 100, o.no_show_share * 100, o.grace, o.sigma, o.seeds);
  std::printf("manual stop at %02d:%02d; means per afternoon\n\n", o.manual_stop / 60, o.manual_stop % 60);
  std::printf("%8s  %-9s %8s %7s %7s %9s %8s %11s %8s %10s\n", "walk-ins", "policy", "arrivals", "issued",
              "served", "sent home", "refused", "wait median", "wait p90", "overtime");
  int bad = 0;
  for (double rate : o.rates) {
    for (bool computed : {true, false}) {
      double arrivals = 0, issued = 0, served = 0, home = 0, refused = 0, overtime = 0;
      std::vector<double> waits;
      for (int s = 0; s < o.seeds; ++s) {
        Outcome r = RunDay(o, services, desks, rate, computed, static_cast<std::uint32_t>(1000 * rate + s));
        if (r.issued != r.served + r.sent_home || r.arrivals != r.issued + r.refused) ++bad;
        arrivals += r.arrivals;
        issued += r.issued;
        served += r.served;
        home += r.sent_home;
        refused += r.refused;
        overtime += r.overtime;
        waits.insert(waits.end(), r.waits.begin(), r.waits.end());
      }
      const double n = o.seeds;
      std::printf("%6.0f/h  %-9s %8.1f %7.1f %7.1f %9.1f %8.1f %9.0f m %6.0f m %8.1f m\n", rate,
                  computed ? "computed" : "manual", arrivals / n, issued / n, served / n, home / n,
                  refused / n, waits.empty() ? 0.0 : Quantile(waits, 0.5),
                  waits.empty() ? 0.0 : Quantile(waits, 0.9), overtime / n);
    }
  }
  std::printf("\nsent home: issued a number, not called before 18:00; overtime: desk minutes after 18:00 "
              "(visits called before it)\n");
  if (bad > 0) {
    std::fprintf(stderr, "bench_walkin_day: %d afternoons do not add up\n", bad);
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace termin::bench

int main(int argc, char** argv) {
  termin::bench::Options opt;
  CLI::App app{"A busy Thursday afternoon at the Rathaus: computed walk-in cut-off vs a manual stop"};
  app.add_option("--city", opt.city, "city file, relative to the working directory");
  app.add_option("--office", opt.office, "office id");
  app.add_option("--desks", opt.desks, "desks open this afternoon")->delimiter(',');
  app.add_option("--rates", opt.rates, "walk-in arrival rates per hour")
      ->check(CLI::Range(0.0, 600.0))->delimiter(',');
  app.add_option("--seeds", opt.seeds, "afternoons per rate and policy")->check(CLI::Range(1, 1000));
  app.add_option("--manual-stop", opt.manual_stop, "manual stop, minutes after midnight (990 = 16:30)")
      ->check(CLI::Range(0, 1440));
  app.add_option("--booked-share", opt.booked_share, "share of desk time booked in advance")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--no-show-share", opt.no_show_share, "share of appointments that never come")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--sigma", opt.sigma, "log-normal spread of real visit durations")
      ->check(CLI::Range(0.0, 2.0));
  CLI11_PARSE(app, argc, argv);
  return termin::bench::Run(opt);
}
