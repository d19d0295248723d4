#include "api/domain/evaluation.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <tuple>

#include "scheduler/calendar.h"

namespace termin::api {
namespace {

using Hist = std::map<std::int64_t, std::int64_t>;

std::vector<std::string_view> SplitField(std::string_view f) {
  std::vector<std::string_view> parts;
  std::size_t at = 0;
  while (true) {
    std::size_t colon = f.find(':', at);
    parts.push_back(f.substr(at, colon == std::string_view::npos ? colon : colon - at));
    if (colon == std::string_view::npos) break;
    at = colon + 1;
  }
  return parts;
}

std::int64_t ToInt(std::string_view s) {
  std::int64_t v = 0;
  bool negative = !s.empty() && s[0] == '-';
  for (std::size_t i = negative ? 1 : 0; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return 0;
    v = v * 10 + (s[i] - '0');
  }
  return negative ? -v : v;
}

std::string PeriodOf(const std::string& day, EvalPeriod p) {
  switch (p) {
    case EvalPeriod::kDay: return day;
    case EvalPeriod::kMonth: return day.substr(0, 7);
    case EvalPeriod::kYear: return day.substr(0, 4);
  }
  return day;
}

std::int64_t Sum(const Hist& h) {
  std::int64_t n = 0;
  for (const auto& [v, c] : h) n += c;
  return n;
}

EvalCell Quantile(const Hist& h, double q) {
  auto v = HistogramQuantile(h, q);
  return v ? EvalCell::Int(*v) : EvalCell::Null();
}

EvalCell Mean(const Hist& h) {
  std::int64_t n = 0;
  double total = 0;
  for (const auto& [v, c] : h) {
    n += c;
    total += static_cast<double>(v) * static_cast<double>(c);
  }
  if (n == 0) return EvalCell::Null();
  return EvalCell::Decimal(std::round(total / static_cast<double>(n) * 100) / 100);
}

EvalCell Share(std::int64_t part, std::int64_t whole) {
  if (whole <= 0) return EvalCell::Null();
  return EvalCell::Decimal(std::round(static_cast<double>(part) / static_cast<double>(whole) * 1000) /
                           1000);
}

// Each day's fields, split, with the day's period.
template <typename F>
void ForEachField(const Tallies& tallies, EvalPeriod period, F&& f) {
  for (const auto& [day, fields] : tallies) {
    const std::string p = PeriodOf(day, period);
    for (const auto& [field, count] : fields) f(day, p, SplitField(field), count);
  }
}

// Planned and same-day buffer minutes of each desk on day `d` by the
// office's configuration now.
void PlanDay(const OfficeInfo& office, const OfficeCalendar& calendar, LocalDate d,
             std::vector<LocalInterval>* hours,
             const std::function<void(const std::string&, std::int64_t, std::int64_t)>& f) {
  const BookingRules& rules = office.schedule.rules;
  const std::int64_t grid = std::max<std::int64_t>(1, rules.grid.count());
  for (const Desk& desk : office.schedule.desks) {
    calendar.LocalHours(desk, d, hours);
    std::int64_t open = 0;
    for (const LocalInterval& i : *hours) open += (i.to - i.from).count();
    // The same-day buffer (Puffertermine) is held back from booking ahead:
    // its share of the desk's day, rounded down to the grid (Availability).
    f(desk.id, open, open * rules.same_day_buffer_percent / 100 / grid * grid);
  }
}

EvalTable Capacity(const OfficeInfo& office, const Tallies& tallies, LocalDate from, LocalDate to,
                   EvalPeriod period, LocalDate today) {
  struct Row {
    std::int64_t planned = 0, buffer = 0, booked = 0, served = 0;
  };
  std::map<std::pair<std::string, std::string>, Row> rows;  // (period, desk)
  OfficeCalendar calendar(office.schedule, DayRange{from, to});
  std::vector<LocalInterval> hours;
  for (LocalDate d = from; d <= to; d += date::days(1)) {
    const std::string day = FormatDate(d);
    const std::string p = PeriodOf(day, period);
    // A past day with its snapshot (CapacitySnapshot) keeps the plan it had.
    auto kept = tallies.find(day);
    if (d < today && kept != tallies.end() && kept->second.count(kCapacitySnapshotField)) {
      for (const auto& [field, n] : kept->second) {
        auto f = SplitField(field);
        if (f.size() != 2 || (f[0] != "cp" && f[0] != "co")) continue;
        Row& r = rows[{p, std::string(f[1])}];
        if (f[0] == "cp") r.planned += n, r.buffer += n;  // buffer = planned - offered
        if (f[0] == "co") r.buffer -= n;
      }
      continue;
    }
    PlanDay(office, calendar, d, &hours, [&](const std::string& desk, std::int64_t open, std::int64_t buffer) {
      Row& r = rows[{p, desk}];
      r.planned += open;
      r.buffer += buffer;
    });
  }
  ForEachField(tallies, period, [&](const std::string&, const std::string& p, const auto& f,
                                    std::int64_t n) {
    if (f.size() == 2 && f[0] == "bm") rows[{p, std::string(f[1])}].booked += n;
    if (f.size() == 2 && f[0] == "sm") rows[{p, std::string(f[1])}].served += n;
  });
  EvalTable t;
  t.columns = {"period", "desk", "planned_minutes", "offered_ahead_minutes", "booked_minutes",
               "served_minutes", "idle_minutes", "booked_share", "served_share"};
  for (const auto& [key, r] : rows) {
    t.rows.push_back({EvalCell::Text(key.first), EvalCell::Text(key.second), EvalCell::Int(r.planned),
                      EvalCell::Int(r.planned - r.buffer), EvalCell::Int(r.booked), EvalCell::Int(r.served),
                      EvalCell::Int(std::max<std::int64_t>(0, r.planned - r.served)),
                      Share(r.booked, r.planned), Share(r.served, r.planned)});
  }
  return t;
}

constexpr std::string_view kNoticeBuckets[4] = {"h0", "h2", "h24", "h72"};  // api/tally.h

EvalTable Bookings(const Tallies& tallies, EvalPeriod period) {
  struct Row {
    std::int64_t booked = 0, moved = 0, moved_in = 0, cx[4] = {0, 0, 0, 0};
    std::int64_t opt_in = 0, opt_in_confirmed = 0, opt_in_cancelled = 0;  // double opt-in
  };
  std::map<std::tuple<std::string, std::string, std::string>, Row> rows;
  ForEachField(tallies, period, [&](const std::string&, const std::string& p, const auto& f,
                                    std::int64_t n) {
    if (f.size() < 3) return;
    auto key = std::make_tuple(p, std::string(f[1]), std::string(f[2]));
    if (f[0] == "bk") rows[key].booked += n;
    if (f[0] == "mv") rows[key].moved += n;
    if (f[0] == "mi") rows[key].moved_in += n;
    if (f[0] == "oi") rows[key].opt_in += n;
    if (f[0] == "oc") rows[key].opt_in_confirmed += n;
    if (f[0] == "ox") rows[key].opt_in_cancelled += n;
    if (f[0] == "cx" && f.size() == 4) {
      for (int i = 0; i < 4; ++i) {
        if (f[3] == kNoticeBuckets[i]) rows[key].cx[i] += n;
      }
    }
  });
  EvalTable t;
  t.columns = {"period", "channel", "service", "bookings", "moves", "visits_due", "cancellations",
               "cancelled_under_2h", "cancelled_under_24h", "cancelled_under_72h",
               "cancelled_earlier", "opt_ins", "opt_ins_confirmed", "not_confirmed"};
  for (const auto& [key, r] : rows) {
    std::int64_t cx = r.cx[0] + r.cx[1] + r.cx[2] + r.cx[3];
    t.rows.push_back({EvalCell::Text(std::get<0>(key)), EvalCell::Text(std::get<1>(key)),
                      EvalCell::Text(std::get<2>(key)), EvalCell::Int(r.booked),
                      EvalCell::Int(r.moved), EvalCell::Int(r.booked + r.moved_in - r.moved - cx),
                      EvalCell::Int(cx), EvalCell::Int(r.cx[0]), EvalCell::Int(r.cx[1]),
                      EvalCell::Int(r.cx[2]), EvalCell::Int(r.cx[3]), EvalCell::Int(r.opt_in),
                      EvalCell::Int(r.opt_in_confirmed),
                      EvalCell::Int(r.opt_in - r.opt_in_confirmed - r.opt_in_cancelled)});
  }
  return t;
}

EvalTable NoShows(const Tallies& tallies) {
  std::map<std::pair<std::string, int>, std::pair<std::int64_t, std::int64_t>> rows;  // due, no-shows
  for (const auto& [day, fields] : tallies) {
    auto date = ParseDate(day);
    if (!date) continue;
    const int weekday = WeekdayIndex(*date) + 1;  // ISO: Monday 1 .. Sunday 7
    for (const auto& [field, n] : fields) {
      auto f = SplitField(field);
      if (f.size() == 2 && f[0] == "ns") rows[{std::string(f[1]), weekday}].second += n;
      if (f.size() < 3) continue;
      auto& due = rows[{std::string(f[2]), weekday}].first;
      if (f[0] == "bk" || f[0] == "mi") due += n;
      if (f[0] == "mv" || f[0] == "cx") due -= n;
    }
  }
  EvalTable t;
  t.columns = {"service", "weekday", "visits_due", "no_shows", "no_show_rate"};
  for (const auto& [key, r] : rows) {
    t.rows.push_back({EvalCell::Text(key.first), EvalCell::Int(key.second), EvalCell::Int(r.first),
                      EvalCell::Int(r.second), Share(r.second, r.first)});
  }
  return t;
}

EvalTable LeadTime(const Tallies& tallies, EvalPeriod period) {
  std::map<std::pair<std::string, std::string>, Hist> rows;
  ForEachField(tallies, period, [&](const std::string&, const std::string& p, const auto& f,
                                    std::int64_t n) {
    if (f.size() == 3 && f[0] == "lead") rows[{p, std::string(f[1])}][ToInt(f[2])] += n;
  });
  EvalTable t;
  t.columns = {"period", "service", "bookings", "same_day", "median_days", "p90_days", "mean_days"};
  for (const auto& [key, h] : rows) {
    auto zero = h.find(0);
    t.rows.push_back({EvalCell::Text(key.first), EvalCell::Text(key.second), EvalCell::Int(Sum(h)),
                      EvalCell::Int(zero == h.end() ? 0 : zero->second), Quantile(h, 0.5),
                      Quantile(h, 0.9), Mean(h)});
  }
  return t;
}

EvalTable NextFreeSamples(const Tallies& tallies, EvalPeriod period) {
  struct Row {
    Hist days;
    std::int64_t none = 0;
  };
  std::map<std::pair<std::string, std::string>, Row> rows;
  ForEachField(tallies, period, [&](const std::string&, const std::string& p, const auto& f,
                                    std::int64_t n) {
    if (f.size() != 3 || f[0] != "nx") return;
    Row& r = rows[{p, std::string(f[1])}];
    if (f[2] == "none") r.none += n;
    else r.days[ToInt(f[2])] += n;
  });
  EvalTable t;
  t.columns = {"period", "service", "samples", "none_free", "median_days", "p90_days", "max_days"};
  for (const auto& [key, r] : rows) {
    t.rows.push_back({EvalCell::Text(key.first), EvalCell::Text(key.second),
                      EvalCell::Int(Sum(r.days) + r.none), EvalCell::Int(r.none), Quantile(r.days, 0.5),
                      Quantile(r.days, 0.9),
                      r.days.empty() ? EvalCell::Null() : EvalCell::Int(r.days.rbegin()->first)});
  }
  return t;
}

EvalTable Queue(const Tallies& tallies, EvalPeriod period) {
  struct Row {
    std::int64_t visitors = 0, refused = 0;
    Hist waits;
  };
  std::map<std::pair<std::string, std::string>, Row> rows;
  ForEachField(tallies, period, [&](const std::string&, const std::string& p, const auto& f,
                                    std::int64_t n) {
    if (f.size() == 2 && f[0] == "ci") rows[{p, "booked"}].visitors += n;
    if (f.size() == 2 && f[0] == "wi") rows[{p, "walk_in"}].visitors += n;
    if (f.size() == 2 && f[0] == "wr") rows[{p, "walk_in"}].refused += n;
    if (f.size() == 3 && f[0] == "wt") {
      rows[{p, f[1] == "a" ? "booked" : "walk_in"}].waits[ToInt(f[2])] += n;
    }
  });
  EvalTable t;
  t.columns = {"period", "kind", "visitors", "refused", "called", "wait_median_minutes",
               "wait_p90_minutes"};
  for (const auto& [key, r] : rows) {
    t.rows.push_back({EvalCell::Text(key.first), EvalCell::Text(key.second), EvalCell::Int(r.visitors),
                      EvalCell::Int(r.refused), EvalCell::Int(Sum(r.waits)), Quantile(r.waits, 0.5),
                      Quantile(r.waits, 0.9)});
  }
  return t;
}

EvalTable Durations(const OfficeInfo& office, const Tallies& tallies) {
  std::map<std::string, Hist> rows;
  ForEachField(tallies, EvalPeriod::kYear, [&](const std::string&, const std::string&, const auto& f,
                                              std::int64_t n) {
    if (f.size() == 3 && f[0] == "dur") rows[std::string(f[1])][ToInt(f[2])] += n;
  });
  EvalTable t;
  t.columns = {"service", "served", "median_minutes", "p90_minutes", "configured_minutes",
               "suggested_minutes"};
  const std::int64_t grid = std::max<std::int64_t>(1, office.schedule.rules.grid.count());
  for (const auto& [key, h] : rows) {
    // The configured duration of the visit: its services' durations add up.
    std::int64_t configured = 0;
    bool known = true;
    std::size_t at = 0;
    while (at <= key.size()) {
      std::size_t plus = key.find('+', at);
      std::string id = key.substr(at, plus == std::string::npos ? std::string::npos : plus - at);
      bool found = false;
      for (const Service& s : office.schedule.services) {
        if (s.id == id) {
          configured += s.duration.count();
          found = true;
        }
      }
      known = known && found;
      if (plus == std::string::npos) break;
      at = plus + 1;
    }
    auto median = HistogramQuantile(h, 0.5);
    EvalCell suggestion = EvalCell::Null();
    // A suggestion where the measured median differs from the configuration
    // by at least 15 % (and 2 minutes): the median, up to the slot grid.
    if (known && median && std::llabs(*median - configured) >= 2 &&
        static_cast<double>(std::llabs(*median - configured)) >= 0.15 * static_cast<double>(configured)) {
      suggestion = EvalCell::Int((*median + grid - 1) / grid * grid);
    }
    t.rows.push_back({EvalCell::Text(key), EvalCell::Int(Sum(h)), Quantile(h, 0.5), Quantile(h, 0.9),
                      known ? EvalCell::Int(configured) : EvalCell::Null(), suggestion});
  }
  return t;
}

EvalTable Counts(const Tallies& tallies, EvalPeriod period, std::vector<std::string> columns,
                 const std::vector<std::pair<std::string, std::string>>& sources) {
  // sources[i]: (prefix, part) of column i + 1; part "" = every field with the prefix.
  std::map<std::string, std::vector<std::int64_t>> rows;
  ForEachField(tallies, period, [&](const std::string&, const std::string& p, const auto& f,
                                    std::int64_t n) {
    for (std::size_t i = 0; i < sources.size(); ++i) {
      if (f.size() >= 2 && f[0] == sources[i].first &&
          (sources[i].second.empty() || f[1] == sources[i].second)) {
        auto& row = rows[p];
        row.resize(sources.size());
        row[i] += n;
      }
    }
  });
  EvalTable t;
  t.columns = std::move(columns);
  for (const auto& [p, counts] : rows) {
    std::vector<EvalCell> row = {EvalCell::Text(p)};
    for (std::int64_t c : counts) row.push_back(EvalCell::Int(c));
    t.rows.push_back(std::move(row));
  }
  return t;
}

void WriteCsvText(const std::string& s, std::string* out) {
  if (s.find_first_of(";\"\r\n") == std::string::npos) {
    out->append(s);
    return;
  }
  out->push_back('"');
  for (char c : s) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

std::string DecimalText(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  std::string s(buf);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

const std::vector<std::string>& EvalFigures() {
  static const std::vector<std::string> kFigures = {"capacity",  "bookings", "no_shows",
                                                    "lead_time", "next_free", "queue",
                                                    "durations", "demand",   "waitlist",
                                                    "reminders"};
  return kFigures;
}

std::optional<EvalPeriod> ParseEvalPeriod(std::string_view text) {
  if (text == "day") return EvalPeriod::kDay;
  if (text == "month") return EvalPeriod::kMonth;
  if (text == "year") return EvalPeriod::kYear;
  return std::nullopt;
}

const char* EvalPeriodName(EvalPeriod p) {
  switch (p) {
    case EvalPeriod::kDay: return "day";
    case EvalPeriod::kMonth: return "month";
    case EvalPeriod::kYear: return "year";
  }
  return "month";
}

std::optional<std::int64_t> HistogramQuantile(const Hist& hist, double q) {
  std::int64_t n = Sum(hist);
  if (n == 0) return std::nullopt;
  auto rank = static_cast<std::int64_t>(std::ceil(q * static_cast<double>(n)));
  rank = std::max<std::int64_t>(1, rank);
  std::int64_t seen = 0;
  for (const auto& [v, c] : hist) {
    seen += c;
    if (seen >= rank) return v;
  }
  return hist.rbegin()->first;
}

std::vector<TallyAdd> CapacitySnapshot(const OfficeInfo& office, LocalDate day) {
  std::vector<TallyAdd> out;
  const std::string d = FormatDate(day);
  OfficeCalendar calendar(office.schedule, DayRange{day, day});
  std::vector<LocalInterval> hours;
  PlanDay(office, calendar, day, &hours, [&](const std::string& desk, std::int64_t open, std::int64_t buffer) {
    out.push_back({d, "cp:" + desk, open});
    out.push_back({d, "co:" + desk, open - buffer});
  });
  out.push_back({d, kCapacitySnapshotField, 1});
  return out;
}

Result<EvalTable> BuildFigure(std::string_view figure, const OfficeInfo& office,
                              const Tallies& tallies, LocalDate from, LocalDate to,
                              EvalPeriod period, LocalDate today) {
  EvalTable t;
  if (figure == "capacity") {
    t = Capacity(office, tallies, from, to, period, today);
  } else if (figure == "bookings") {
    t = Bookings(tallies, period);
  } else if (figure == "no_shows") {
    t = NoShows(tallies);
  } else if (figure == "lead_time") {
    t = LeadTime(tallies, period);
  } else if (figure == "next_free") {
    t = NextFreeSamples(tallies, period);
  } else if (figure == "queue") {
    t = Queue(tallies, period);
  } else if (figure == "durations") {
    t = Durations(office, tallies);
  } else if (figure == "demand") {
    t = Counts(tallies, period, {"period", "searches_empty", "walkins_refused", "conflicts"},
               {{"nf", ""}, {"wr", ""}, {"cf", ""}});
  } else if (figure == "waitlist") {
    t = Counts(tallies, period,
               {"period", "wishes", "offers", "accepted", "declined", "withdrawn", "lapsed", "expired"},
               {{"wl", "made"}, {"wl", "offered"}, {"wl", "accepted"}, {"wl", "declined"},
                {"wl", "withdrawn"}, {"wl", "lapsed"}, {"wl", "expired"}});
  } else if (figure == "reminders") {
    t = Counts(tallies, period, {"period", "sent", "bounced", "dead_lettered"},
               {{"rm", "sent"}, {"rm", "bounced"}, {"rm", "dead"}});
  } else {
    return Status::NotFound("no such figure");
  }
  t.figure = std::string(figure);
  t.office_id = office.id;
  t.from = FormatDate(from);
  t.to = FormatDate(to);
  t.period = period;
  return t;
}

std::string EvalTableToJson(const EvalTable& table) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  auto str = [&w](const std::string& s) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  };
  w.StartObject();
  w.Key("figure");
  str(table.figure);
  w.Key("office");
  str(table.office_id);
  w.Key("from");
  str(table.from);
  w.Key("to");
  str(table.to);
  w.Key("period");
  w.String(EvalPeriodName(table.period));
  w.Key("columns");
  w.StartArray();
  for (const std::string& c : table.columns) str(c);
  w.EndArray();
  w.Key("rows");
  w.StartArray();
  for (const auto& row : table.rows) {
    w.StartArray();
    for (const EvalCell& c : row) {
      switch (c.kind) {
        case EvalCell::Kind::kNull: w.Null(); break;
        case EvalCell::Kind::kInt: w.Int64(c.integer); break;
        case EvalCell::Kind::kDecimal: w.Double(c.decimal); break;
        case EvalCell::Kind::kText: str(c.text); break;
      }
    }
    w.EndArray();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string EvalTableToCsv(const EvalTable& table) {
  std::string out = "\xEF\xBB\xBF";  // the BOM: Excel reads the file as UTF-8
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    if (i) out.push_back(';');
    WriteCsvText(table.columns[i], &out);
  }
  out.append("\r\n");
  for (const auto& row : table.rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i) out.push_back(';');
      const EvalCell& c = row[i];
      switch (c.kind) {
        case EvalCell::Kind::kNull: break;
        case EvalCell::Kind::kInt: out.append(std::to_string(c.integer)); break;
        case EvalCell::Kind::kDecimal: {
          std::string d = DecimalText(c.decimal);
          for (char& ch : d) {
            if (ch == '.') ch = ',';  // decimal comma
          }
          out.append(d);
          break;
        }
        case EvalCell::Kind::kText: WriteCsvText(c.text, &out); break;
      }
    }
    out.append("\r\n");
  }
  return out;
}

}  // namespace termin::api
