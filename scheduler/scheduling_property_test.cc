// Randomized property tests of calendar, availability and assignment against
// a brute-force oracle.
//
// The oracle never maps local intervals to UTC. It walks UTC minute by
// minute, asks the zone for the local time of each minute, and evaluates the
// rules of calendar.h directly on that local date and time: holiday, office
// closure, desk exception or weekly hours, breaks, claims. Whatever the
// implementation does with offset periods must agree with it. Cases are kept
// small (1-3 days, 1-3 desks) and biased toward the DST nights of 2026 and
// 2027 and toward holidays, so 10,000 cases run in seconds.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <random>
#include <set>
#include <sstream>

#include "scheduler/assignment.h"
#include "scheduler/availability.h"
#include "scheduler/calendar.h"
#include "scheduler/holidays.h"

namespace termin {
namespace {

constexpr int kDayMinutes = 24 * 60;

int PropertyCases() {
  const char* env = std::getenv("TERMIN_PROPERTY_CASES");
  if (env != nullptr && std::atoi(env) > 0) return std::atoi(env);
  return 10000;
}

const date::time_zone* Berlin() {
  static const date::time_zone* zone = date::locate_zone("Europe/Berlin");
  return zone;
}

LocalDate Day(std::string_view text) { return *ParseDate(text); }

// ---- Random offices ---------------------------------------------------------

struct Case {
  Office office;
  Visit visit;
  DayRange days;
  Instant now;
  OfficeClaims claims;
};

class Generator {
 public:
  explicit Generator(std::uint64_t seed) : rng_(seed) {}

  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }

  // A time of day, often on a 5-minute mark, sometimes any minute.
  int Minute(int lo, int hi) {
    if (Chance(0.7)) return std::min(hi, lo + Int(0, (hi - lo) / 5) * 5);
    return Int(lo, hi);
  }

  // Sorted disjoint intervals of one day; often night hours over the DST gap.
  std::vector<LocalInterval> DayHours(int max_count) {
    const int pick = Int(0, 9);
    if (pick == 0) return {{Minutes{0}, Minutes{6 * 60}}};
    if (pick == 1) return {{Minutes{0}, Minutes{kDayMinutes}}};
    if (pick == 2) return {};
    std::vector<int> cuts;
    for (int n = Int(1, max_count) * 2; n > 0; --n) cuts.push_back(Minute(0, kDayMinutes));
    std::sort(cuts.begin(), cuts.end());
    std::vector<LocalInterval> out;
    for (std::size_t i = 0; i + 1 < cuts.size(); i += 2) {
      if (cuts[i] < cuts[i + 1] && (out.empty() || out.back().to <= Minutes{cuts[i]})) {
        out.push_back({Minutes{cuts[i]}, Minutes{cuts[i + 1]}});
      }
    }
    return out;
  }

  LocalDate FirstDay() {
    static const char* kSpecial[] = {"2026-03-29", "2026-10-25", "2027-03-28", "2027-10-31",
                                     "2026-03-28", "2026-10-24", "2027-03-27", "2027-10-30",
                                     "2026-05-01", "2026-05-14", "2026-12-24", "2026-12-31"};
    if (Chance(0.6)) return Day(kSpecial[Int(0, std::size(kSpecial) - 1)]);
    return Day("2026-01-01") + date::days{Int(0, 729)};
  }

  DateException Exception(LocalDate day) {
    DateException e;
    e.day = day;
    e.closed = Chance(0.4);
    if (!e.closed) e.hours = DayHours(2);
    return e;
  }

  Case Make() {
    Case c;
    Office& o = c.office;
    o.id = "o";
    o.zone = Berlin();
    o.holiday_region = Chance(0.5) ? "DE-BW" : "";
    static const int kGrids[] = {5, 10, 15, 20, 30, 45, 60};
    o.rules.grid = Minutes{kGrids[Int(0, std::size(kGrids) - 1)]};
    o.rules.min_notice = Minutes{Chance(0.3) ? 0 : Int(0, 600)};
    o.rules.max_days_ahead = Int(0, 3);
    o.services = {{"s1", Minutes{Int(5, 90)}, Minutes{Int(0, 15)}},
                  {"s2", Minutes{Int(5, 90)}, Minutes{Int(0, 15)}}};

    c.days.first = FirstDay();
    c.days.last = c.days.first + date::days{Int(0, 2)};
    const int span = static_cast<int>((c.days.last - c.days.first).count()) + 1;
    auto some_day = [&] { return c.days.first + date::days{Int(-1, span)}; };

    for (int d = Int(1, 3); d > 0; --d) {
      Desk desk;
      desk.id = "d" + std::to_string(d);
      for (auto& hours : desk.opening) hours = DayHours(3);
      for (auto& hours : desk.breaks) {
        if (Chance(0.4)) {
          const int b = Minute(0, kDayMinutes - 1);
          hours = {{Minutes{b}, Minutes{std::min(kDayMinutes, b + Int(1, 120))}}};
        }
      }
      std::set<LocalDate> used;
      for (int n = Int(0, 2); n > 0; --n) {
        const LocalDate day = some_day();
        if (used.insert(day).second) desk.exceptions.push_back(Exception(day));
      }
      const int services = Int(1, 3);
      if (services & 1) desk.services.push_back("s1");
      if (services & 2) desk.services.push_back("s2");
      o.desks.push_back(desk);
    }
    if (Chance(0.3)) o.closures.push_back(Exception(some_day()));

    const int wanted = Int(1, 3);
    for (const Service& s : o.services) {
      if (!(wanted & (s.id == "s1" ? 1 : 2))) continue;
      c.visit.service_ids.push_back(s.id);
      c.visit.duration += s.duration;
      c.visit.buffer = std::max(c.visit.buffer, s.buffer);
    }

    const Instant first_midnight{c.days.first.time_since_epoch()};
    c.now = first_midnight + Minutes{Int(-2 * kDayMinutes, (span + 1) * kDayMinutes)};
    for (std::size_t i = 0; i < o.desks.size(); ++i) {
      std::vector<Interval> busy;
      for (int n = Int(0, 6); n > 0; --n) {
        const Instant b = first_midnight + Minutes{Int(-180, span * kDayMinutes + 180)};
        busy.push_back({b, b + Minutes{Int(1, 120)}});
      }
      if (Chance(0.8)) c.claims.push_back(IntervalSet::FromUnsorted(busy));  // else: none given
    }
    return c;
  }

 private:
  std::mt19937_64 rng_;
};

// ---- The oracle ---------------------------------------------------------------

const DateException* Find(const std::vector<DateException>& list, LocalDate day) {
  for (const DateException& e : list) {
    if (e.day == day) return &e;
  }
  return nullptr;
}

bool CanDoAll(const Desk& desk, const Visit& visit) {
  for (const std::string& id : visit.service_ids) {
    if (!desk.CanDo(id)) return false;
  }
  return true;
}

int DayNumber(LocalDate day) { return static_cast<int>(day.time_since_epoch().count()); }

// Minute-by-minute facts over the UTC minutes [begin, begin + size). The hot
// loop uses plain integers (UTC minute, local day number, minute of day) so
// that the oracle stays fast in unoptimized sanitizer builds too.
class Oracle {
 public:
  explicit Oracle(const Case& c) : c_(c) {
    const Office& o = c.office;
    // Berlin is at most 2 h ahead of UTC: local days [first, last + 1] (the
    // day after for visits and gaps that cross midnight) lie inside.
    begin_ = Instant{c.days.first.time_since_epoch()} - Minutes{3 * 60};
    const Instant end = Instant{(c.days.last + date::days{2}).time_since_epoch()} + Minutes{3 * 60};
    size_ = static_cast<int>((end - begin_).count());
    std::set<int> holidays;
    if (!o.holiday_region.empty()) {
      const int y0 = static_cast<int>(Date{c.days.first}.year());
      for (int y = y0 - 1; y <= y0 + 1; ++y) {
        const Result<std::vector<Holiday>> list = HolidaysIn(o.holiday_region, y);
        REQUIRE(list.ok());
        for (const Holiday& h : *list) holidays.insert(DayNumber(h.day));
      }
    }
    const std::size_t desks = o.desks.size();
    day_.resize(size_);
    minute_of_day_.resize(size_);
    open_.assign(desks, std::vector<char>(size_, 0));
    free_prefix_.assign(desks, std::vector<int>(size_ + 1, 0));

    // Claims, painted minute by minute.
    std::vector<std::vector<char>> claimed(desks, std::vector<char>(size_, 0));
    const std::int64_t base = begin_.time_since_epoch().count();
    for (std::size_t d = 0; d < desks && d < c.claims.size(); ++d) {
      for (const Interval& iv : c.claims[d].intervals()) {
        const std::int64_t b = std::max<std::int64_t>(iv.begin.time_since_epoch().count() - base, 0);
        const std::int64_t e = std::min<std::int64_t>(iv.end.time_since_epoch().count() - base, size_);
        for (std::int64_t m = b; m < e; ++m) claimed[d][m] = 1;
      }
    }

    // The zone's answer for minute t holds until its `end`; ask again then.
    std::int64_t info_end = std::numeric_limits<std::int64_t>::min();
    std::int64_t offset = 0;
    int cached_day = std::numeric_limits<int>::min();
    // The rules of the current local date per desk, as flat [from, to) int
    // pairs so the per-minute checks are plain loops even at -O0.
    struct DayRules {
      bool closed = false;
      std::vector<int> hours, narrow, breaks;
      bool narrowed = false;
    };
    std::vector<DayRules> rules(desks);
    auto flatten = [](const std::vector<LocalInterval>& list, std::vector<int>* out) {
      out->clear();
      for (const LocalInterval& iv : list) {
        out->push_back(static_cast<int>(iv.from.count()));
        out->push_back(static_cast<int>(iv.to.count()));
      }
    };
    auto in = [](const std::vector<int>& pairs, int minute) {
      const int* p = pairs.data();
      const int* end = p + pairs.size();
      for (; p != end; p += 2) {
        if (p[0] <= minute && minute < p[1]) return true;
      }
      return false;
    };
    for (int m = 0; m < size_; ++m) {
      const std::int64_t t = base + m;
      if (t >= info_end) {
        const date::sys_info info = o.zone->get_info(date::sys_seconds{Minutes{t}});
        offset = std::chrono::floor<Minutes>(info.offset).count();
        info_end = std::chrono::ceil<Minutes>(info.end.time_since_epoch()).count();
      }
      const std::int64_t local = t + offset;
      const int day = static_cast<int>(local >= 0 ? local / kDayMinutes
                                                  : (local - kDayMinutes + 1) / kDayMinutes);
      const int minute_of_day = static_cast<int>(local - std::int64_t{day} * kDayMinutes);
      day_[m] = day;
      minute_of_day_[m] = minute_of_day;
      if (day != cached_day) {  // look up the rules of this local date
        cached_day = day;
        const LocalDate date{date::days{day}};
        const bool holiday = holidays.count(day) > 0;
        const int weekday = static_cast<int>(date::weekday{date}.iso_encoding()) - 1;
        const DateException* closure = Find(o.closures, date);
        for (std::size_t d = 0; d < desks; ++d) {
          const Desk& desk = o.desks[d];
          const DateException* own = Find(desk.exceptions, date);
          DayRules& r = rules[d];
          r.closed = holiday || (closure && closure->closed) || (own && own->closed);
          flatten(own ? own->hours : desk.opening[weekday], &r.hours);
          r.narrowed = closure != nullptr;
          flatten(closure ? closure->hours : std::vector<LocalInterval>{}, &r.narrow);
          flatten(desk.breaks[weekday], &r.breaks);
        }
      }
      for (std::size_t d = 0; d < desks; ++d) {
        const DayRules& r = rules.data()[d];
        const bool open = !r.closed && in(r.hours, minute_of_day) &&
                          (!r.narrowed || in(r.narrow, minute_of_day)) &&
                          !in(r.breaks, minute_of_day);
        open_.data()[d].data()[m] = open;
        int* prefix = free_prefix_.data()[d].data();
        prefix[m + 1] = prefix[m] + (open && !claimed.data()[d].data()[m] ? 1 : 0);
      }
    }
  }

  Instant begin() const { return begin_; }
  int size() const { return size_; }
  int DayAt(int m) const { return day_[m]; }
  bool Open(std::size_t desk, int m) const { return open_[desk][m] != 0; }
  bool Free(std::size_t desk, int m) const {
    return free_prefix_[desk][m + 1] - free_prefix_[desk][m] == 1;
  }
  // Free (open and unclaimed) for all of [m, m + len)?
  bool FreeFor(std::size_t desk, int m, int len) const {
    if (m < 0 || m + len > size_) return false;
    return free_prefix_[desk][m + len] - free_prefix_[desk][m] == len;
  }
  int Index(Instant t) const { return static_cast<int>((t - begin_).count()); }

  std::vector<Offer> Offers(const BookingRules& rules) const {
    const Office& o = c_.office;
    // `now` may lie before the minutes the oracle tabulates: ask the zone.
    const Minutes now_offset =
        std::chrono::floor<Minutes>(o.zone->get_info(date::sys_seconds{c_.now}).offset);
    const int today = DayNumber(
        LocalDate{std::chrono::floor<date::days>(c_.now.time_since_epoch() + now_offset)});
    const int first = std::max(DayNumber(c_.days.first), today);
    const int last = std::min(DayNumber(c_.days.last), today + rules.max_days_ahead);
    const int earliest = Index(c_.now + rules.min_notice);
    const int occupancy = static_cast<int>(c_.visit.occupancy().count());
    const int grid = static_cast<int>(rules.grid.count());
    std::vector<bool> suitable;
    for (const Desk& desk : o.desks) suitable.push_back(CanDoAll(desk, c_.visit));
    std::vector<Offer> offers;
    for (int m = std::max(0, earliest); m < size_; ++m) {
      if (day_[m] < first || day_[m] > last) continue;
      if (minute_of_day_[m] % grid != 0) continue;  // the grid is local
      int count = 0;
      for (std::size_t d = 0; d < o.desks.size(); ++d) {
        if (suitable[d] && FreeFor(d, m, occupancy)) ++count;
      }
      if (count > 0) offers.push_back({begin_ + Minutes{m}, count});
    }
    return offers;
  }

 private:
  const Case& c_;
  Instant begin_;
  int size_ = 0;
  std::vector<int> day_;            // local day number of each minute
  std::vector<int> minute_of_day_;  // local minute of day of each minute
  std::vector<std::vector<char>> open_;
  std::vector<std::vector<int>> free_prefix_;
};

std::string Describe(const Offer& o) {
  std::ostringstream out;
  out << FormatInstantLocal(o.start, Berlin()) << " x" << o.free_desks;
  return out.str();
}

// The first offer one list has and the other lacks (or counts differently).
std::string FirstDifference(const std::vector<Offer>& got, const std::vector<Offer>& want) {
  std::size_t i = 0;
  while (i < got.size() && i < want.size() && got[i] == want[i]) ++i;
  std::ostringstream out;
  out << "offers: got " << got.size() << ", oracle " << want.size() << "; first difference at #"
      << i << ": got " << (i < got.size() ? Describe(got[i]) : "-") << ", oracle "
      << (i < want.size() ? Describe(want[i]) : "-");
  return out.str();
}

std::string DescribeCase(const Case& c) {
  std::ostringstream out;
  out << "days " << FormatDate(c.days.first) << ".." << FormatDate(c.days.last) << " now "
      << FormatInstantLocal(c.now, Berlin()) << " grid " << c.office.rules.grid.count()
      << " notice " << c.office.rules.min_notice.count() << " ahead "
      << c.office.rules.max_days_ahead << " occupancy " << c.visit.occupancy().count()
      << " desks " << c.office.desks.size() << " region '" << c.office.holiday_region << "'";
  return out.str();
}

// ---- Properties -------------------------------------------------------------

TEST_CASE("property: DeskOpenTime equals the minute-by-minute local-time oracle") {
  const int cases = PropertyCases();
  std::mt19937_64 seeds(1);
  for (int k = 0; k < cases; ++k) {
    const std::uint64_t seed = seeds();
    INFO("seed=" << seed);
    const Case c = Generator(seed).Make();
    INFO(DescribeCase(c));
    const Oracle oracle(c);
    for (std::size_t d = 0; d < c.office.desks.size(); ++d) {
      const IntervalSet open = DeskOpenTime(c.office, c.office.desks[d], c.days);
      std::vector<char> got(oracle.size(), 0);
      bool inside = true;
      for (const Interval& iv : open.intervals()) {
        const int b = oracle.Index(iv.begin), e = oracle.Index(iv.end);
        if (b < 0 || e > oracle.size()) {
          inside = false;
          break;
        }
        for (int m = b; m < e; ++m) got[m] = 1;
      }
      REQUIRE(inside);
      const int first_day = DayNumber(c.days.first), last_day = DayNumber(c.days.last);
      int mismatches = 0, first = -1;
      for (int m = 0; m < oracle.size(); ++m) {
        const int day = oracle.DayAt(m);
        const bool want = day >= first_day && day <= last_day && oracle.Open(d, m);
        if (want != (got[m] != 0)) {
          ++mismatches;
          if (first < 0) first = m;
        }
      }
      CHECK_MESSAGE(mismatches == 0, "desk " << d << ": " << mismatches
                                             << " minutes differ, first at "
                                             << FormatInstantLocal(oracle.begin() + Minutes{first},
                                                                   Berlin()));
    }
  }
  MESSAGE("DeskOpenTime vs oracle: " << cases << " random cases");
}

TEST_CASE("property: Availability offers exactly what the oracle says fits") {
  const int cases = PropertyCases();
  std::mt19937_64 seeds(2);
  std::size_t offers_seen = 0;
  for (int k = 0; k < cases; ++k) {
    const std::uint64_t seed = seeds();
    INFO("seed=" << seed);
    const Case c = Generator(seed).Make();
    INFO(DescribeCase(c));
    const Oracle oracle(c);
    const auto got = Availability(c.office, c.visit, c.days, c.now, c.claims);
    const auto want = oracle.Offers(c.office.rules);
    offers_seen += got.size();
    // Safety: everything offered is allowed with at least as many desks as
    // claimed. Completeness: everything allowed is offered with its count.
    std::size_t unsafe = 0, j = 0;
    for (const Offer& o : got) {  // both lists are sorted by start
      while (j < want.size() && want[j].start < o.start) ++j;
      if (j == want.size() || want[j].start != o.start || want[j].free_desks < o.free_desks) {
        ++unsafe;
      }
    }
    CHECK_MESSAGE(unsafe == 0, FirstDifference(got, want));
    CHECK_MESSAGE(got == want, FirstDifference(got, want));
  }
  MESSAGE("Availability vs oracle: " << cases << " random cases, " << offers_seen << " offers");
}

TEST_CASE("property: AssignDesk picks a free desk, first/best fit as the oracle says") {
  const int cases = PropertyCases();
  std::mt19937_64 seeds(3);
  int assigned = 0;
  for (int k = 0; k < cases; ++k) {
    const std::uint64_t seed = seeds();
    INFO("seed=" << seed);
    Generator gen(seed);
    const Case c = gen.Make();
    INFO(DescribeCase(c));
    const Oracle oracle(c);
    const int occupancy = static_cast<int>(c.visit.occupancy().count());
    // A start in the days asked for; half of the time one the oracle finds
    // some desk free for, so fits are common.
    const int lo = oracle.Index(Instant{c.days.first.time_since_epoch()});
    const int hi = oracle.Index(Instant{(c.days.last + date::days{1}).time_since_epoch()});
    int m = gen.Int(lo, hi);
    if (gen.Chance(0.5)) {
      for (int tries = 0; tries < 200; ++tries) {
        const int probe = gen.Int(lo, hi);
        bool any = false;
        for (std::size_t d = 0; d < c.office.desks.size(); ++d) {
          any = any || oracle.FreeFor(d, probe, occupancy);
        }
        if (any) {
          m = probe;
          break;
        }
      }
    }
    const Instant start = oracle.begin() + Minutes{m};
    INFO("start " << FormatInstantLocal(start, Berlin()));

    // Oracle: free desks and the free gap around the visit within the local
    // days it touches.
    const int d0 = oracle.DayAt(m), d1 = oracle.DayAt(m + occupancy - 1);
    std::optional<std::size_t> first_fit, best_fit, least_waste;
    int best_gap = 0;
    std::pair<int, int> waste_key{0, 0};  // (lost minutes, gap length)
    for (std::size_t d = 0; d < c.office.desks.size(); ++d) {
      if (!CanDoAll(c.office.desks[d], c.visit) || !oracle.FreeFor(d, m, occupancy)) continue;
      auto in_days = [&](int x) { return oracle.DayAt(x) >= d0 && oracle.DayAt(x) <= d1; };
      int b = m, e = m + occupancy;
      while (b - 1 >= 0 && in_days(b - 1) && oracle.Free(d, b - 1)) --b;
      while (e < oracle.size() && in_days(e) && oracle.Free(d, e)) ++e;
      if (!first_fit) first_fit = d;
      if (!best_fit || e - b < best_gap) {
        best_fit = d;
        best_gap = e - b;
      }
      // Lost: a leftover piece shorter than every service this desk does.
      int shortest = std::numeric_limits<int>::max();
      for (const Service& s : c.office.services) {
        if (c.office.desks[d].CanDo(s.id)) {
          shortest = std::min(shortest, static_cast<int>((s.duration + s.buffer).count()));
        }
      }
      int lost = 0;
      for (const int piece : {m - b, e - (m + occupancy)}) {
        if (piece > 0 && piece < shortest) lost += piece;
      }
      if (!least_waste || std::make_pair(lost, e - b) < waste_key) {
        least_waste = d;
        waste_key = {lost, e - b};
      }
    }
    const auto got_first = AssignDesk(c.office, c.visit, start, c.claims, AssignmentPolicy::kFirstFit);
    const auto got_best = AssignDesk(c.office, c.visit, start, c.claims, AssignmentPolicy::kBestFit);
    const auto got_waste =
        AssignDesk(c.office, c.visit, start, c.claims, AssignmentPolicy::kLeastWaste);
    for (const auto& got : {got_first, got_best, got_waste}) {
      if (got) {
        REQUIRE(*got < c.office.desks.size());
        CHECK_MESSAGE(oracle.FreeFor(*got, m, occupancy), "assigned a busy or closed desk");
      }
    }
    CHECK(got_first == first_fit);
    CHECK(got_best == best_fit);
    CHECK(got_waste == least_waste);
    assigned += got_first ? 1 : 0;
  }
  MESSAGE("AssignDesk vs oracle: " << cases << " random cases, " << assigned << " assigned");
}

TEST_CASE("property: NextFree is the first n of every office's offers, merged") {
  const int cases = PropertyCases();
  std::mt19937_64 seeds(4);
  for (int k = 0; k < cases; ++k) {
    const std::uint64_t seed = seeds();
    INFO("seed=" << seed);
    Generator gen(seed);
    Case a = gen.Make(), b = gen.Make();
    a.office.id = "a";
    b.office.id = "b";
    b.now = a.now;
    const std::size_t n = static_cast<std::size_t>(gen.Int(1, 40));
    std::vector<OfficeOffer> want;
    for (const Case* c : {&b, &a}) {
      const LocalDate today = LocalDayOf(c->now, Berlin());
      for (const Offer& o :
           Availability(c->office, c->visit,
                        {today, today + date::days{c->office.rules.max_days_ahead}}, c->now,
                        c->claims)) {
        want.push_back({c->office.id, o.start, o.free_desks});
      }
    }
    std::stable_sort(want.begin(), want.end(), [](const OfficeOffer& x, const OfficeOffer& y) {
      return std::tie(x.start, x.office_id) < std::tie(y.start, y.office_id);
    });
    if (want.size() > n) want.resize(n);
    const auto got = NextFree({{&b.office, b.visit, &b.claims}, {&a.office, a.visit, &a.claims}},
                              a.now, n);
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      CHECK(got[i].office_id == want[i].office_id);
      CHECK(got[i].start == want[i].start);
      CHECK(got[i].free_desks == want[i].free_desks);
    }
  }
  MESSAGE("NextFree vs merged Availability: " << cases << " random cases");
}

}  // namespace
}  // namespace termin
