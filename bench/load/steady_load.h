// Steady load for a fixed time: availability queries, and bookings spread
// over the bench city's many places so that they rarely meet.
//
// Bookings come in two kinds:
// - web: the citizen flow, POST /v1/holds then POST /v1/appointments (two
//   requests, two store steps); one booking = one confirmed appointment;
// - hotline: one POST /v1/hotline/appointments (one request, one step),
//   the form closest to a single INSERT in the PostgreSQL baseline.
// Each connection draws places uniformly from SpreadPlaces with its own
// seeded generator; a 409 is counted as a conflict and it moves on. The
// connections run on `load_threads` event-loop threads (load_threads.h).
//
// Thread safety: each Run* call is self-contained; call from one thread.
#ifndef TERMIN_BENCH_LOAD_STEADY_LOAD_H_
#define TERMIN_BENCH_LOAD_STEADY_LOAD_H_

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

struct SteadyOptions {
  std::vector<Target> targets;
  int connections = 16;
  int load_threads = 1;  // event-loop threads that run the connections
  double seconds = 8;
  std::uint64_t seed = 1;
  BenchCityOptions city;
  LocalDate first_day;  // first local day of the places (tomorrow)
  int days = 50;
  std::string hotline_key;  // for hotline bookings
};

struct SteadyResult {
  double seconds = 0;
  std::size_t requests = 0;
  std::size_t done = 0;       // answered 200 (availability) or booked (bookings)
  std::size_t conflicts = 0;  // 409 slot-taken
  std::size_t errors = 0;     // anything else, including no answer
  std::map<int, std::size_t> error_statuses;  // status -> count (0: no answer)
  LatencyLog latency;         // per availability query, or per whole booking
  LatencyLog first_step;      // bookings: the hold (web) or the one call (hotline)
};

Result<SteadyResult> RunAvailability(const SteadyOptions& options);
Result<SteadyResult> RunWebBookings(const SteadyOptions& options);
Result<SteadyResult> RunHotlineBookings(const SteadyOptions& options);

}  // namespace termin::bench

#endif  // TERMIN_BENCH_LOAD_STEADY_LOAD_H_
