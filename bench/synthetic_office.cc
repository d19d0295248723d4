#include "bench/synthetic_office.h"

#include <algorithm>
#include <exception>
#include <string>

namespace termin::bench {
namespace {

constexpr Minutes HM(int h, int m) { return Minutes(h * 60 + m); }

}  // namespace

Result<Office> SyntheticOffice(int desk_count) {
  Office office;
  office.id = "synthetisch";
  try {
    office.zone = date::locate_zone("Europe/Berlin");
  } catch (const std::exception&) {
    // date/tz throws on an unknown zone; keep it inside this module.
    return Status::Unavailable("time zone Europe/Berlin not found");
  }
  office.holiday_region = "DE-BW";
  office.rules = BookingRules{Minutes(5), Minutes(60), 60, Minutes(10)};
  office.services = {
      Service{kLongService, Minutes(40), Minutes(0)},
      Service{kMediumService, Minutes(20), Minutes(5)},
      Service{kShortService, Minutes(15), Minutes(0)},
  };

  for (int i = 0; i < desk_count; ++i) {
    Desk desk;
    desk.id = "schalter-" + std::to_string(i + 1);
    desk.services = {kShortService, kLongService, kMediumService};
    std::sort(desk.services.begin(), desk.services.end());
    WeeklyHours& open = desk.opening;
    open[0] = {{HM(7, 30), HM(16, 0)}};  // Monday
    open[1] = {{HM(7, 30), HM(16, 0)}};  // Tuesday
    open[2] = {{HM(7, 30), HM(12, 30)}};  // Wednesday: closed afternoon
    open[3] = {{HM(8, 0), HM(18, 0)}};   // Thursday: long evening
    open[4] = {{HM(7, 30), HM(12, 30)}};  // Friday
    // Lunch breaks are staggered so the office never closes entirely.
    const Minutes lunch = HM(11, 30) + Minutes(30 * (i % 3));
    const LocalInterval lunch_break{lunch, lunch + Minutes(30)};
    desk.breaks[0] = {lunch_break};
    desk.breaks[1] = {lunch_break};
    desk.breaks[3] = {lunch_break, {HM(15, 0), HM(15, 15)}};
    office.desks.push_back(std::move(desk));
  }
  return office;
}

}  // namespace termin::bench
