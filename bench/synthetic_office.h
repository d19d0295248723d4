// A synthetic Bürgeramt built in code, so the core benchmarks do not depend
// on the demo data file: Europe/Berlin, holidays of DE-BW, 5-minute grid,
// 60 days ahead, realistic weekly hours (Mon/Tue 07:30-16:00, Wed 07:30-12:30,
// Thu 08:00-18:00, Fri 07:30-12:30) with a lunch break staggered across desks
// (11:30, 12:00 or 12:30 for 30 minutes) on the long days, and a second short
// break (15:00-15:15) on Thursday. Weekends are closed.
//
// Services: "kurz" (15 min, no buffer), "lang" (40 min, no buffer) and
// "mittel" (20 min + 5 min buffer); every desk does all of them.
//
// Thread safety: pure function.
#ifndef TERMIN_BENCH_SYNTHETIC_OFFICE_H_
#define TERMIN_BENCH_SYNTHETIC_OFFICE_H_

#include "scheduler/office.h"
#include "scheduler/status.h"

namespace termin::bench {

inline constexpr char kShortService[] = "kurz";   // 15 min
inline constexpr char kLongService[] = "lang";    // 40 min
inline constexpr char kMediumService[] = "mittel";  // 20 + 5 min

// Unavailable if the time zone database lacks Europe/Berlin.
Result<Office> SyntheticOffice(int desk_count);

}  // namespace termin::bench

#endif  // TERMIN_BENCH_SYNTHETIC_OFFICE_H_
