// Time vocabulary of the scheduling core.
//
// Instants are UTC, at minute resolution: every slot grid, duration and notice
// in Termin is a whole number of minutes. Opening hours are local wall-clock
// times of an office's IANA time zone and become UTC intervals only through
// calendar.h, which is the one place that knows about daylight saving time.
//
// The core never reads a clock: `now` is always an argument.
#ifndef TERMIN_SCHEDULER_TIME_H_
#define TERMIN_SCHEDULER_TIME_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <date/date.h>
#include <date/tz.h>

namespace termin {

using Minutes = std::chrono::minutes;
using Instant = std::chrono::sys_time<Minutes>;  // UTC
using LocalDate = date::local_days;              // a calendar day in an office's zone
using Date = date::year_month_day;               // the same, as fields

// Minutes since local midnight, 0..1440 (1440 = end of day).
using TimeOfDay = Minutes;

// Parses "2026-03-29" (strict ISO 8601 calendar date).
std::optional<LocalDate> ParseDate(std::string_view text);
std::string FormatDate(LocalDate day);

// Parses "09:30" or "24:00" to minutes since midnight.
std::optional<TimeOfDay> ParseTimeOfDay(std::string_view text);
std::string FormatTimeOfDay(TimeOfDay t);

// Parses an RFC 3339 timestamp with offset ("2026-03-29T09:30:00+02:00" or
// "...Z"); seconds must be zero (minute resolution).
std::optional<Instant> ParseInstant(std::string_view text);
// RFC 3339 in UTC: "2026-03-29T07:30:00Z".
std::string FormatInstantUtc(Instant t);
// RFC 3339 with the zone's offset at that instant: "2026-03-29T09:30:00+02:00".
std::string FormatInstantLocal(Instant t, const date::time_zone* zone);

// The local calendar day of an instant in a zone.
LocalDate LocalDayOf(Instant t, const date::time_zone* zone);

// ISO weekday index, Monday = 0 ... Sunday = 6.
int WeekdayIndex(LocalDate day);

}  // namespace termin

#endif  // TERMIN_SCHEDULER_TIME_H_
