// The midnight rush: many citizens press "book" in the same instant for a
// few places (e.g. 500 connections, 10,000 attempts, 100 places).
//
// Every attempt is the web flow: POST /v1/holds for its place; on 201 it
// confirms at once (POST /v1/appointments); a 409 ends the attempt (a real
// citizen would pick an alternative; here the places are all that count).
// Attempts are dealt to places in a seeded shuffle so that each place gets
// the same number of attempts, in no particular order, from many
// connections (attempt i on connection i % connections).
//
// VerifyRush reads the outcome back through the API: each success's
// appointment by reference and manage secret (must be confirmed, at the
// place it was booked for), the starts must be distinct (the rush office
// has one desk: two appointments at one start are a double booking), and
// the availability of the rush day must offer none of the places any more.
//
// Thread safety: call from one thread.
#ifndef TERMIN_BENCH_LOAD_RUSH_H_
#define TERMIN_BENCH_LOAD_RUSH_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "bench/load/api_connection.h"
#include "bench/load/bench_city.h"
#include "bench/load/latency_log.h"
#include "scheduler/status.h"

namespace termin::bench {

struct RushOptions {
  std::vector<Target> targets;
  int connections = 500;
  int load_threads = 1;  // event-loop threads that run the connections
  int attempts = 10000;
  std::uint64_t seed = 1;
  std::vector<Place> places;
};

struct RushSuccess {
  std::size_t place = 0;  // index into RushOptions::places
  std::string reference;
  std::string manage_secret;
  std::string start;      // as the confirm answered it
};

struct RushResult {
  double seconds = 0;
  std::size_t attempts = 0;
  std::size_t holds = 0;           // 201 on the hold
  std::size_t conflicts = 0;       // 409 on the hold
  std::size_t confirm_failed = 0;  // a won hold that did not become an appointment
  std::size_t errors = 0;          // anything else on the hold, including no answer
  std::map<int, std::size_t> error_statuses;
  LatencyLog hold_latency;         // every attempt's hold request
  LatencyLog attempt_latency;      // hold, plus the confirm for the winners
  std::vector<RushSuccess> successes;
};

Result<RushResult> RunRush(const RushOptions& options);

struct RushCheck {
  std::size_t read_back = 0;        // appointments read back confirmed at their place
  std::size_t distinct_starts = 0;  // distinct starts among the successes
  std::size_t double_bookings = 0;  // successes minus distinct starts, plus bad read-backs
  std::size_t places_still_offered = 0;  // places the API still offers as free
};

Result<RushCheck> VerifyRush(const Target& target, const RushOptions& options,
                             const RushResult& result);

}  // namespace termin::bench

#endif  // TERMIN_BENCH_LOAD_RUSH_H_
