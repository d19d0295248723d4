// termin-load: the load generator of the API benchmarks (bench/README.md,
// section "API, Redis and PostgreSQL"). bench/api_bench.sh starts the
// servers and calls it; it only talks HTTP to loopback targets.
//
//   termin-load city --dir DIR          bench city, keys file, hotline key
//   termin-load availability --targets 127.0.0.1:8081,127.0.0.1:8082 ...
//   termin-load web|hotline --targets ... --key-file DIR/hotline.key
//   termin-load rush --targets ... --connections 500 --attempts 10000
//
// The connections are event-driven (epoll, keep-alive, non-blocking), run by
// --load-threads threads (default 1: on the 2-core bench machine, which the
// servers share, a second load thread bought nothing; bench/README.md).
//
// Each run prints a small table and one line "RESULT name=value ..." that the
// script reads. Exit status: 0 when the run met its own checks (no errors,
// and for the rush: successes == places and no double booking), 1 when not,
// 2 on bad usage or when the servers cannot be reached.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "api/security/secrets.h"
#include "bench/harness.h"
#include "bench/load/bench_city.h"
#include "bench/load/rush.h"
#include "bench/load/steady_load.h"

namespace {

using namespace termin;
using namespace termin::bench;

std::string Ms(double micros) { return Fixed(micros / 1000.0, 2); }

std::string Statuses(const std::map<int, std::size_t>& statuses) {
  std::string out;
  for (const auto& [status, n] : statuses) {
    if (!out.empty()) out += ",";
    out += std::to_string(status) + ":" + std::to_string(n);
  }
  return out.empty() ? "-" : out;
}

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

std::string ReadKey(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string key;
  std::getline(in, key);
  return key;
}

LocalDate Today() {
  return BenchLocalDay(std::chrono::floor<Minutes>(std::chrono::system_clock::now()));
}

int ReportSteady(const std::string& name, const std::string& unit, const SteadyOptions& o,
                 const SteadyResult& r) {
  double rate = r.seconds > 0 ? static_cast<double>(r.done) / r.seconds : 0;
  Table table({"workload", unit + "/s", "p50 ms", "p99 ms", "max ms", "done", "409", "errors",
               "requests", "seconds"});
  table.AddRow({name + " (" + std::to_string(o.connections) + " conn, " +
                    std::to_string(o.targets.size()) + " api)",
                Fixed(rate, 0), Ms(r.latency.QuantileMicros(0.5)),
                Ms(r.latency.QuantileMicros(0.99)), Ms(r.latency.MaxMicros()),
                std::to_string(r.done), std::to_string(r.conflicts), std::to_string(r.errors),
                std::to_string(r.requests), Fixed(r.seconds, 1)});
  table.Print(std::cout);
  if (r.errors > 0) std::cout << "error statuses (0 = no answer): " << Statuses(r.error_statuses) << "\n";
  std::cout << "RESULT workload=" << name << " rate=" << Fixed(rate, 1)
            << " p50_ms=" << Ms(r.latency.QuantileMicros(0.5))
            << " p99_ms=" << Ms(r.latency.QuantileMicros(0.99)) << " done=" << r.done
            << " conflicts=" << r.conflicts << " errors=" << r.errors
            << " requests_per_s=" << Fixed(r.seconds > 0 ? r.requests / r.seconds : 0, 1)
            << std::endl;
  return r.errors == 0 && r.done > 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"termin-load: HTTP load for the Termin API benchmarks"};
  app.require_subcommand(1);

  BenchCityOptions city;
  std::string dir;
  auto* city_cmd = app.add_subcommand("city", "write the bench city, a keys file and a hotline key");
  city_cmd->add_option("--dir", dir, "output folder")->required();

  std::string targets_text;
  SteadyOptions steady;
  std::string key_file;
  RushOptions rush;
  int rush_day_offset = 3;
  auto add_common = [&](CLI::App* cmd) {
    cmd->add_option("--targets", targets_text, "HOST:PORT[,HOST:PORT...] of termin-api")->required();
    cmd->add_option("--seed", steady.seed, "random seed")->capture_default_str();
  };
  auto add_city = [&](CLI::App* cmd) {
    cmd->add_option("--offices", city.offices, "spread offices")->capture_default_str()->check(CLI::Range(1, 99));
    cmd->add_option("--desks", city.desks, "desks per spread office")->capture_default_str()->check(CLI::Range(1, 200));
    cmd->add_option("--rush-places", city.rush_places, "places of the rush")->capture_default_str()->check(CLI::Range(1, 168));
  };
  add_city(city_cmd);
  std::vector<CLI::App*> steady_cmds;
  for (const char* name : {"availability", "web", "hotline"}) {
    auto* cmd = app.add_subcommand(name, std::string(name) + " load for --seconds");
    add_common(cmd);
    add_city(cmd);
    cmd->add_option("--connections", steady.connections, "keep-alive connections")->capture_default_str()->check(CLI::Range(1, 2000));
    cmd->add_option("--load-threads", steady.load_threads, "event-loop threads that run the connections")->capture_default_str()->check(CLI::Range(1, 64));
    cmd->add_option("--seconds", steady.seconds, "duration")->capture_default_str()->check(CLI::Range(0.1, 600.0));
    cmd->add_option("--days", steady.days, "local days from tomorrow to book on")->capture_default_str()->check(CLI::Range(1, kBenchDaysAhead - 2));
    cmd->add_option("--key-file", key_file, "hotline key (first line)");
    steady_cmds.push_back(cmd);
  }
  auto* rush_cmd = app.add_subcommand("rush", "the midnight rush on the rush office");
  add_common(rush_cmd);
  add_city(rush_cmd);
  rush_cmd->add_option("--connections", rush.connections, "keep-alive connections")->capture_default_str()->check(CLI::Range(1, 2000));
  rush_cmd->add_option("--load-threads", rush.load_threads, "event-loop threads that run the connections")->capture_default_str()->check(CLI::Range(1, 64));
  rush_cmd->add_option("--attempts", rush.attempts, "booking attempts in all")->capture_default_str()->check(CLI::Range(1, 1000000));
  rush_cmd->add_option("--day-offset", rush_day_offset, "the rush day, in days from today")->capture_default_str()->check(CLI::Range(1, kBenchDaysAhead - 1));
  CLI11_PARSE(app, argc, argv);

  if (city_cmd->parsed()) {
    std::string key = api::NewSecret();
    bool ok = WriteFile(dir + "/bench-city.json", BenchCityJson(city)) &&
              WriteFile(dir + "/bench-keys.json", BenchKeysJson(api::Sha256Hex(key))) &&
              WriteFile(dir + "/hotline.key", key + "\n");
    if (!ok) {
      std::cerr << "termin-load: cannot write into " << dir << "\n";
      return 2;
    }
    return 0;
  }

  auto targets = ParseTargets(targets_text);
  if (!targets.ok()) {
    std::cerr << "termin-load: " << targets.status().message() << "\n";
    return 2;
  }

  if (rush_cmd->parsed()) {
    rush.targets = *targets;
    rush.seed = steady.seed;
    rush.places = RushPlaces(city, Today() + date::days(rush_day_offset));
    auto r = RunRush(rush);
    if (!r.ok()) {
      std::cerr << "termin-load: " << r.status().message() << "\n";
      return 2;
    }
    auto check = VerifyRush(rush.targets.front(), rush, *r);
    if (!check.ok()) {
      std::cerr << "termin-load: verifying: " << check.status().message() << "\n";
      return 2;
    }
    std::size_t successes = r->successes.size();
    Table table({"rush", "attempts", "successes", "409", "errors", "confirm failed",
                 "attempts/s", "p50 ms", "p99 ms", "max ms", "seconds"});
    table.AddRow({std::to_string(rush.connections) + " conn, " + std::to_string(rush.places.size()) +
                      " places, " + std::to_string(rush.targets.size()) + " api",
                  std::to_string(r->attempts), std::to_string(successes),
                  std::to_string(r->conflicts), std::to_string(r->errors),
                  std::to_string(r->confirm_failed), Fixed(r->attempts / r->seconds, 0),
                  Ms(r->hold_latency.QuantileMicros(0.5)), Ms(r->hold_latency.QuantileMicros(0.99)),
                  Ms(r->hold_latency.MaxMicros()), Fixed(r->seconds, 2)});
    table.Print(std::cout);
    std::cout << "latency is per attempt's hold request; with the winners' confirm added: p50 "
              << Ms(r->attempt_latency.QuantileMicros(0.5)) << " ms, p99 "
              << Ms(r->attempt_latency.QuantileMicros(0.99)) << " ms\n";
    std::cout << "read back: " << check->read_back << " confirmed at their place, "
              << check->distinct_starts << " distinct starts, " << check->double_bookings
              << " double bookings, " << check->places_still_offered
              << " places still offered as free\n";
    if (r->errors > 0) std::cout << "error statuses (0 = no answer): " << Statuses(r->error_statuses) << "\n";
    std::cout << "RESULT workload=rush attempts=" << r->attempts << " successes=" << successes
              << " conflicts=" << r->conflicts << " errors=" << r->errors
              << " confirm_failed=" << r->confirm_failed
              << " rate=" << Fixed(r->attempts / r->seconds, 1)
              << " p50_ms=" << Ms(r->hold_latency.QuantileMicros(0.5))
              << " p99_ms=" << Ms(r->hold_latency.QuantileMicros(0.99))
              << " double_bookings=" << check->double_bookings
              << " still_offered=" << check->places_still_offered << std::endl;
    bool ok = successes == rush.places.size() && check->double_bookings == 0 &&
              check->read_back == successes && check->places_still_offered == 0 &&
              r->errors == 0 && r->confirm_failed == 0;
    return ok ? 0 : 1;
  }

  steady.targets = *targets;
  steady.city = city;
  steady.first_day = Today() + date::days(1);
  if (!key_file.empty()) steady.hotline_key = ReadKey(key_file);
  for (CLI::App* cmd : steady_cmds) {
    if (!cmd->parsed()) continue;
    std::string name = cmd->get_name();
    Result<SteadyResult> r = name == "availability" ? RunAvailability(steady)
                             : name == "web"        ? RunWebBookings(steady)
                                                    : RunHotlineBookings(steady);
    if (!r.ok()) {
      std::cerr << "termin-load: " << r.status().message() << "\n";
      return 2;
    }
    return ReportSteady(name, name == "availability" ? "queries" : "bookings", steady, *r);
  }
  return 2;
}
