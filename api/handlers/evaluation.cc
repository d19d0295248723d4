// Admin handler of the evaluation figures (api/domain/evaluation.h): one
// figure of one office over a range of local days, as JSON or CSV.
#include "api/app.h"
#include "api/domain/evaluation.h"
#include "api/http/request_parsing.h"
#include "scheduler/availability.h"
#include "scheduler/calendar.h"

namespace termin::api {
namespace {

// At most a little over a year and a day per answer (a year's report for a
// council paper, with a leap day); longer ranges are asked in pieces.
constexpr int kMaxEvalDays = 400;

bool WantsCsv(const Call& call, const std::optional<std::string>& format) {
  if (format) return *format == "csv";
  auto accept = call.request.Header("accept");
  return accept && accept->find("text/csv") != std::string::npos &&
         accept->find("application/json") == std::string::npos;
}

}  // namespace

void App::CountUnmet(const OfficeInfo& office, const std::string& field) {
  const std::string day = FormatDate(LocalDayOf(booker_.Now(), office.schedule.zone));
  (void)store_->AddTallies(office.id, day, {{field, 1}});
}

Result<bool> App::SampleLeadTimes() {
  const Instant now = booker_.Now();
  const std::string hour = date::format("%Y-%m-%dT%H", now);
  auto mine = store_->ClaimOnce("lead-sample-" + hour, std::chrono::hours(2));
  if (!mine.ok()) return mine.status();
  if (!*mine) return false;
  auto catalog = catalog_.Get();
  for (const OfficeInfo& office : catalog->offices) {
    const LocalDate today = LocalDayOf(now, office.schedule.zone);
    // The day's plan, once (this hour's sample is this replica's alone): a
    // later change of desks or hours does not rewrite it once it is past.
    auto kept = store_->ReadTallies(office.id, FormatDate(today), FormatDate(today));
    if (!kept.ok()) return kept.status();
    auto seen = kept->find(FormatDate(today));
    if (seen == kept->end() || !seen->second.count(kCapacitySnapshotField)) {
      std::map<std::string, std::int64_t> plan;
      for (const TallyAdd& t : CapacitySnapshot(office, today)) plan[t.field] += t.by;
      if (Status s = store_->AddTallies(office.id, FormatDate(today), plan); !s.ok()) return s;
    }
    DayRange range{today, today + date::days(office.schedule.rules.max_days_ahead)};
    auto claims = booker_.ReadOfficeClaims(office, UtcEnvelope(range, office.schedule.zone), nullptr);
    if (!claims.ok()) return claims.status();
    std::map<std::string, std::int64_t> fields;
    for (const Service& service : office.schedule.services) {
      auto visit = booker_.VisitAt(office, {service.id});
      if (!visit.ok()) continue;
      OfficeQuery q{&office.schedule, *visit, &*claims};
      // What a citizen is offered: today's starts the walk-ins waiting in
      // the office need are not (the same filter as public availability).
      auto same_day = SameDayFilterFor(office, service.id, ToTimePoint(now));
      if (!same_day.ok()) return same_day.status();
      std::optional<Instant> first;
      for (std::size_t n = 16;; n *= 4) {
        auto found = NextFree({q}, now, n);
        for (const OfficeOffer& o : found) {
          if (!*same_day || (*same_day)->Keeps(o.start)) {
            first = o.start;
            break;
          }
        }
        // Keeps holds every start after today, so more starts are asked for
        // only while all of them were today's and dropped.
        if (first || found.size() < n || !*same_day) break;
      }
      std::string bucket = "none";
      if (first) {
        bucket = std::to_string(std::clamp<long long>((*first - now).count() / 1440, 0, kLeadDaysMax));
      }
      ++fields["nx:" + service.id + ":" + bucket];
    }
    if (Status s = store_->AddTallies(office.id, FormatDate(today), fields); !s.ok()) return s;
  }
  return true;
}

HttpResponse App::AdminEvaluation(const Call& call) {
  auto p = Authenticate(call);
  if (!p.ok()) return Error(call, p.status());
  if (Status s = RequireRole(*p, Role::kAdmin); !s.ok()) return Error(call, s);
  std::vector<FieldError> errors;
  std::optional<LocalDate> from, to;
  EvalPeriod period = EvalPeriod::kMonth;
  std::optional<std::string> format;
  for (const auto& [name, value] : call.request.query) {
    if (name == "from" || name == "to") {
      auto d = ParseDate(value);
      if (!d) errors.push_back({name, "must be a date (YYYY-MM-DD)"});
      (name == "from" ? from : to) = d;
    } else if (name == "period") {
      auto parsed = ParseEvalPeriod(value);
      if (!parsed) errors.push_back({name, "must be day, month or year"});
      else period = *parsed;
    } else if (name == "format") {
      if (value != "json" && value != "csv") errors.push_back({name, "must be json or csv"});
      format = value;
    } else {
      errors.push_back({name.substr(0, 50), "is not a known parameter"});
    }
  }
  if (errors.empty() && (!from || !to)) {
    if (!from) errors.push_back({"from", "is required"});
    if (!to) errors.push_back({"to", "is required"});
  }
  if (errors.empty() && *to < *from) errors.push_back({"to", "must not be before from"});
  if (errors.empty() && (*to - *from).count() >= kMaxEvalDays) {
    errors.push_back({"to", "must be at most " + std::to_string(kMaxEvalDays) + " days after from"});
  }
  const std::string& figure = call.Param("figure");
  const auto& figures = EvalFigures();
  if (std::find(figures.begin(), figures.end(), figure) == figures.end()) {
    errors.push_back({"figure", "is not a known figure"});
  }
  if (!errors.empty()) return BadRequest(call, std::move(errors), "invalid parameters");
  auto catalog = catalog_.Get();
  const OfficeInfo* office = catalog->FindOffice(call.Param("officeId"));
  if (!office) return Problem(call, MakeProblem("not-found", "no such office"));
  auto tallies = store_->ReadTallies(office->id, FormatDate(*from), FormatDate(*to));
  if (!tallies.ok()) return Error(call, tallies.status());
  auto table = BuildFigure(figure, *office, *tallies, *from, *to, period,
                           LocalDayOf(booker_.Now(), office->schedule.zone));
  if (!table.ok()) return Error(call, table.status());
  if (WantsCsv(call, format)) {
    HttpResponse r;
    r.status = 200;
    r.content_type = "text/csv; charset=utf-8";
    r.body = EvalTableToCsv(*table);
    r.headers.push_back({"Content-Disposition", "attachment; filename=\"termin-" + office->id + "-" +
                                                    figure + "-" + table->from + "-" + table->to +
                                                    ".csv\""});
    return r;
  }
  return Json(200, EvalTableToJson(*table));
}

}  // namespace termin::api
