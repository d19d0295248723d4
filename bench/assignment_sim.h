// The desk-assignment simulation: a month of synthetic booking demand on a
// set of offices, replayed under one desk policy at a time.
//
// The model (bench/README.md says the same in prose):
//  - Capacity: the open desk minutes of every office over the month
//    [first_day, last_day] (weekly hours, breaks, holidays, closures).
//  - Services: those the office offers (and some desk can do), in two
//    classes by occupancy (duration + buffer): long from long_from on, short
//    below. A request is short with probability short_share (if the office
//    offers both classes), then uniform within its class.
//  - Volume: per office, the expected requested occupancy is `demand` times
//    its open desk minutes (demand > 1 means more wish than room, so that
//    fragmentation decides who gets a place).
//  - Arrivals: a Poisson process per office over the booking period, the
//    `lead_days` before first_day (bounded so the month stays inside the
//    office's booking horizon); requests of all offices are replayed in
//    arrival order.
//  - Wish: a preferred day uniform over the office's open days in the month,
//    and a preferred time inside that day's opening, in the morning (before
//    12:00 local) with probability morning_share.
//  - Choice: the citizen asks Availability for the preferred day and up to
//    later_days more (not past last_day) and takes the first offered start
//    at or after the preferred instant; none means the request is refused.
//  - Assignment: the policy picks the desk and the claim is added.
// The request stream depends only on the offices and the config (seed), so
// every policy sees the same citizens.
//
// Thread safety: pure functions.
#ifndef TERMIN_BENCH_ASSIGNMENT_SIM_H_
#define TERMIN_BENCH_ASSIGNMENT_SIM_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "scheduler/office.h"
#include "scheduler/time.h"

namespace termin::bench {

struct SimConfig {
  std::uint64_t seed = 1;
  LocalDate first_day;          // the month booked into, local days
  LocalDate last_day;           //   (inclusive)
  double demand = 1.2;          // requested / open desk minutes
  double short_share = 0.6;     // of requests, where both classes exist
  double morning_share = 0.65;  // of preferred times, before 12:00 local
  int later_days = 3;           // days after the preferred one a citizen accepts
  int lead_days = 28;           // booking period before first_day
  Minutes long_from{20};        // occupancy from which a service is long
};

struct Request {
  Instant arrival;         // "now" of the request
  std::size_t office = 0;  // index into the offices
  std::string service_id;
  bool is_long = false;
  Instant preferred;       // the wished start
};

// The seeded request stream, sorted by arrival (ties by office index).
std::vector<Request> MakeDemand(const std::vector<const Office*>& offices, const SimConfig& config);

enum class DeskPolicy {
  kFirstFit,        // core AssignDesk, AssignmentPolicy::kFirstFit
  kBestFit,         // core AssignDesk, AssignmentPolicy::kBestFit (tightest gap)
  kLeastWaste,  // the core's AssignmentPolicy::kLeastWaste
  kSkillAware,  // the core's AssignmentPolicy::kSkillAware
};
std::string_view PolicyName(DeskPolicy policy);

struct SimOutcome {
  std::size_t requests = 0;
  std::size_t long_requests = 0;
  std::size_t booked = 0;
  std::size_t refused = 0;       // no offered start found
  std::size_t refused_long = 0;  // of those, long services
  Minutes open{0};               // open desk minutes in the month
  Minutes requested{0};          // occupancy asked for
  Minutes booked_minutes{0};     // occupancy placed
  // Broken promises, each a bug in the core: an offered start for which the
  // policy found no desk, or a chosen desk that was not free.
  std::size_t violations = 0;

  double FillRate() const {
    return open.count() == 0 ? 0.0 : static_cast<double>(booked_minutes.count()) / open.count();
  }
  double DemandRatio() const {
    return open.count() == 0 ? 0.0 : static_cast<double>(requested.count()) / open.count();
  }
};

SimOutcome Simulate(const std::vector<const Office*>& offices, const std::vector<Request>& requests,
                    const SimConfig& config, DeskPolicy policy);

}  // namespace termin::bench

#endif  // TERMIN_BENCH_ASSIGNMENT_SIM_H_
