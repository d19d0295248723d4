// The evaluation figures of an office: tables made from its tallies
// (api/tally.h) and its configuration, for the admin routes
// (/v1/admin/offices/{officeId}/evaluation/{figure}) and the evaluation page.
//
// Every figure is a table (columns, rows) so that JSON and CSV say the same:
//   capacity   per period and desk: planned desk minutes (opening hours
//              after holidays, closures and breaks; a past day as its
//              snapshot (CapacitySnapshot) kept them, else as configured
//              now), offered
//              ahead (planned less the same-day buffer held back), booked
//              visit minutes (net of cancellations and moves), served
//              minutes (measured at the desk), idle (planned - served), and
//              the two shares of the planned time
//   bookings   per period, channel and service: bookings, moves, visits
//              due, cancellations by notice (< 2 h, < 24 h, < 72 h, later),
//              double opt-in: preconfirmed bookings, of them confirmed (also
//              in bookings), not confirmed (lapsed; until their confirm-by
//              passed also those still open), none of which are bookings
//   no_shows   per service and weekday: visits due, no-shows, rate
//   lead_time  per period and service: bookings, of them for the same day,
//              median / p90 / mean days between booking and visit
//   next_free  per period and service: the hourly samples of how many days
//              ahead the next free start was (App::SampleLeadTimes): samples,
//              of them with no free start in the horizon, median / p90 / max
//   queue      per period and kind (booked, walk_in): visitors (check-ins,
//              tickets), walk-ins refused, called, wait median / p90 minutes
//   durations  per service: visits served, measured median / p90 minutes,
//              configured minutes, a suggestion where they differ
//   demand     per period: searches that found nothing, walk-ins refused,
//              409 answers (booking attempts that lost the race)
//   waitlist   per period of the day the wish was made: wishes, offers
//              made, and how the wishes ended: accepted (booked), declined,
//              withdrawn, lapsed (the offer ran out), expired (no offer)
//   reminders  per period: reminders sent, bounced, dead-lettered
// Quantiles are nearest-rank on the histogram: the smallest value v with
// at least ceil(q * n) of the n counted values <= v.
//
// Thread safety: pure functions.
#ifndef TERMIN_API_DOMAIN_EVALUATION_H_
#define TERMIN_API_DOMAIN_EVALUATION_H_

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "api/domain/catalog.h"
#include "api/tally.h"
#include "scheduler/status.h"

namespace termin::api {

enum class EvalPeriod { kDay, kMonth, kYear };

// One cell: nothing (no value: a median of no visits), a whole number, a
// decimal (shares, means), or text.
struct EvalCell {
  enum class Kind { kNull, kInt, kDecimal, kText };
  Kind kind = Kind::kNull;
  std::int64_t integer = 0;
  double decimal = 0;
  std::string text;
  static EvalCell Null() { return {}; }
  static EvalCell Int(std::int64_t v) { return {Kind::kInt, v, 0, {}}; }
  static EvalCell Decimal(double v) { return {Kind::kDecimal, 0, v, {}}; }
  static EvalCell Text(std::string v) { return {Kind::kText, 0, 0, std::move(v)}; }
};

struct EvalTable {
  std::string figure;
  std::string office_id;
  std::string from;  // "YYYY-MM-DD"
  std::string to;
  EvalPeriod period = EvalPeriod::kMonth;
  std::vector<std::string> columns;
  std::vector<std::vector<EvalCell>> rows;
};

// The figures, in the order above.
const std::vector<std::string>& EvalFigures();
std::optional<EvalPeriod> ParseEvalPeriod(std::string_view text);
const char* EvalPeriodName(EvalPeriod p);

// The table of `figure` for `office` over local days [from, to] from the
// tallies of those days (Store::ReadTallies); `today` is the office's local
// day (days before it are read from their capacity snapshot if they have
// one). NotFound for an unknown figure.
Result<EvalTable> BuildFigure(std::string_view figure, const OfficeInfo& office,
                              const Tallies& tallies, LocalDate from, LocalDate to,
                              EvalPeriod period, LocalDate today);

// The field that marks a day's capacity snapshot as taken.
inline constexpr const char* kCapacitySnapshotField = "cs";
// The capacity snapshot of `day` by the office's configuration now: per
// desk cp:<desk> planned minutes and co:<desk> offered ahead, and "cs" = 1.
// Written once per office and day (App::SampleLeadTimes, the first hourly
// sample of the day), so a later change of desks or hours does not rewrite
// the day's capacity once it is past.
std::vector<TallyAdd> CapacitySnapshot(const OfficeInfo& office, LocalDate day);

// {"figure", "office", "from", "to", "period", "columns", "rows"}.
std::string EvalTableToJson(const EvalTable& table);
// For German Excel: UTF-8 with a BOM, ';' between fields, decimal comma,
// CRLF line ends, a header row; text fields quoted where they must be.
std::string EvalTableToCsv(const EvalTable& table);

// The nearest-rank q-quantile of a histogram value -> count (nullopt if
// empty).
std::optional<std::int64_t> HistogramQuantile(const std::map<std::int64_t, std::int64_t>& hist,
                                              double q);

}  // namespace termin::api

#endif  // TERMIN_API_DOMAIN_EVALUATION_H_
