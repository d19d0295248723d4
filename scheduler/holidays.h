// Public holidays (gesetzliche Feiertage) per region, kept as data.
//
// A region is an ISO 3166-2 code ("DE-BW"). Each holiday is a rule: a fixed
// day of the year, or an offset from Easter Sunday (Gregorian computus). The
// table of regions and rules lives in holidays.cc; adding a Land is adding
// rows, not code.
//
// Thread safety: pure functions over immutable tables.
#ifndef TERMIN_SCHEDULER_HOLIDAYS_H_
#define TERMIN_SCHEDULER_HOLIDAYS_H_

#include <string>
#include <string_view>
#include <vector>

#include "scheduler/status.h"
#include "scheduler/time.h"

namespace termin {

struct Holiday {
  LocalDate day;
  std::string name_de;  // e.g. "Christi Himmelfahrt"
  std::string name_en;  // e.g. "Ascension Day"
};

// Easter Sunday of a Gregorian year.
LocalDate EasterSunday(int year);

// The holidays of `region` in `year`, sorted by day. NotFound for an unknown
// region code.
Result<std::vector<Holiday>> HolidaysIn(std::string_view region, int year);

// The region codes the table knows ("DE-BW", ...).
std::vector<std::string> KnownHolidayRegions();

}  // namespace termin

#endif  // TERMIN_SCHEDULER_HOLIDAYS_H_
