// Public holidays as a table of rules.
//
// Each row says when a holiday falls (a fixed day, an offset from Easter
// Sunday, or "the Wednesday before 23 November" for Buß- und Bettag), in which
// years the law had it, and in which regions. Adding a Land is adding its code
// to rows, not code.
//
// Scope, and what we chose not to model:
//  - Years 1970..2200. Outside that range HolidaysIn returns an empty list for
//    a known region: we make no claim about laws we have not written down, and
//    no booking horizon reaches that far.
//  - Only holidays of a whole Land. Local ones (Mariä Himmelfahrt in parts of
//    Bayern, Augsburger Friedensfest) are closures in the office data.
//  - Before 3 October 1990 the rows follow West German law (Tag der deutschen
//    Einheit on 17 June; Buß- und Bettag everywhere until 1994). Berlin
//    before 1990 means West Berlin.
//  - Sundays that some Länder list as holidays (Ostersonntag in Brandenburg)
//    are left out with their Länder; the regions here do not list them.
#include "scheduler/holidays.h"

#include <algorithm>
#include <array>
#include <string>

namespace termin {
namespace {

constexpr int kFirstYear = 1970;
constexpr int kLastYear = 2200;

enum class RuleKind {
  kFixed,              // month/day every year
  kEaster,             // Easter Sunday + offset days
  kWednesdayBefore23,  // the Wednesday before 23 November (Buß- und Bettag)
};

struct Rule {
  RuleKind kind;
  unsigned month;      // kFixed only
  unsigned day;        // kFixed only
  int easter_offset;   // kEaster only
  int from_year;       // first year the law had it
  int to_year;         // last year the law had it
  const char* name_de;
  const char* name_en;
  // Regions separated by spaces, each framed by spaces for an exact match.
  const char* regions;
};

constexpr int kForever = kLastYear;

// Regions: Baden-Württemberg, Bayern, Berlin, Hessen, Nordrhein-Westfalen.
constexpr std::array kRules = {
    Rule{RuleKind::kFixed, 1, 1, 0, kFirstYear, kForever, "Neujahr", "New Year's Day",
         " DE-BW DE-BY DE-BE DE-HE DE-NW "},
    Rule{RuleKind::kFixed, 1, 6, 0, kFirstYear, kForever, "Heilige Drei Könige", "Epiphany",
         " DE-BW DE-BY "},
    Rule{RuleKind::kFixed, 3, 8, 0, 2019, kForever, "Internationaler Frauentag",
         "International Women's Day", " DE-BE "},
    Rule{RuleKind::kEaster, 0, 0, -2, kFirstYear, kForever, "Karfreitag", "Good Friday",
         " DE-BW DE-BY DE-BE DE-HE DE-NW "},
    Rule{RuleKind::kEaster, 0, 0, 1, kFirstYear, kForever, "Ostermontag", "Easter Monday",
         " DE-BW DE-BY DE-BE DE-HE DE-NW "},
    Rule{RuleKind::kFixed, 5, 1, 0, kFirstYear, kForever, "Tag der Arbeit", "Labour Day",
         " DE-BW DE-BY DE-BE DE-HE DE-NW "},
    // One-off Berlin holidays for the 75th and 80th anniversary of the end of
    // the Second World War.
    Rule{RuleKind::kFixed, 5, 8, 0, 2020, 2020, "Tag der Befreiung", "Liberation Day",
         " DE-BE "},
    Rule{RuleKind::kFixed, 5, 8, 0, 2025, 2025, "Tag der Befreiung", "Liberation Day",
         " DE-BE "},
    // One-off Berlin holiday: 75 years since the uprising of 17 June 1953
    // (Berliner Feiertagsgesetz, § 1).
    Rule{RuleKind::kFixed, 6, 17, 0, 2028, 2028, "75. Jahrestag des Volksaufstandes vom 17. Juni 1953",
         "75th anniversary of the uprising of 17 June 1953", " DE-BE "},
    Rule{RuleKind::kEaster, 0, 0, 39, kFirstYear, kForever, "Christi Himmelfahrt",
         "Ascension Day", " DE-BW DE-BY DE-BE DE-HE DE-NW "},
    Rule{RuleKind::kEaster, 0, 0, 50, kFirstYear, kForever, "Pfingstmontag", "Whit Monday",
         " DE-BW DE-BY DE-BE DE-HE DE-NW "},
    Rule{RuleKind::kEaster, 0, 0, 60, kFirstYear, kForever, "Fronleichnam", "Corpus Christi",
         " DE-BW DE-BY DE-HE DE-NW "},
    // West Germany's day of unity until reunification (both days in 1990).
    Rule{RuleKind::kFixed, 6, 17, 0, kFirstYear, 1990, "Tag der deutschen Einheit",
         "Day of German Unity", " DE-BW DE-BY DE-BE DE-HE DE-NW "},
    Rule{RuleKind::kFixed, 10, 3, 0, 1990, kForever, "Tag der Deutschen Einheit",
         "German Unity Day", " DE-BW DE-BY DE-BE DE-HE DE-NW "},
    // 500 years of the Reformation: once, in every Land.
    Rule{RuleKind::kFixed, 10, 31, 0, 2017, 2017, "Reformationstag", "Reformation Day",
         " DE-BW DE-BY DE-BE DE-HE DE-NW "},
    Rule{RuleKind::kFixed, 11, 1, 0, kFirstYear, kForever, "Allerheiligen", "All Saints' Day",
         " DE-BW DE-BY DE-NW "},
    // Abolished from 1995 to fund the long-term care insurance (except Sachsen).
    Rule{RuleKind::kWednesdayBefore23, 0, 0, 0, kFirstYear, 1994, "Buß- und Bettag",
         "Day of Repentance and Prayer", " DE-BW DE-BE DE-HE DE-NW "},
    // Bayern had it only in mainly Protestant municipalities until 1981.
    Rule{RuleKind::kWednesdayBefore23, 0, 0, 0, 1981, 1994, "Buß- und Bettag",
         "Day of Repentance and Prayer", " DE-BY "},
    Rule{RuleKind::kFixed, 12, 25, 0, kFirstYear, kForever, "1. Weihnachtstag", "Christmas Day",
         " DE-BW DE-BY DE-BE DE-HE DE-NW "},
    Rule{RuleKind::kFixed, 12, 26, 0, kFirstYear, kForever, "2. Weihnachtstag",
         "Boxing Day (St Stephen's Day)", " DE-BW DE-BY DE-BE DE-HE DE-NW "},
};

constexpr std::array<const char*, 5> kRegions = {"DE-BW", "DE-BY", "DE-BE", "DE-HE", "DE-NW"};

bool RuleCovers(const Rule& rule, std::string_view region) {
  // Built with += rather than " " + s + " ": the latter trips g++ 12's false
  // -Wrestrict at -O3 (GCC bug 105329).
  std::string framed;
  framed.reserve(region.size() + 2);
  framed += ' ';
  framed += region;
  framed += ' ';
  return std::string_view(rule.regions).find(framed) != std::string_view::npos;
}

LocalDate DayOf(const Rule& rule, int year) {
  using namespace date;
  switch (rule.kind) {
    case RuleKind::kFixed:
      return local_days{date::year{year} / rule.month / rule.day};
    case RuleKind::kEaster:
      return EasterSunday(year) + days{rule.easter_offset};
    case RuleKind::kWednesdayBefore23: {
      // The last Wednesday strictly before 23 November: 16..22 November.
      const local_days nov22{date::year{year} / November / 22};
      return nov22 - (weekday{nov22} - Wednesday);
    }
  }
  return {};
}

}  // namespace

// The anonymous Gregorian computus (Meeus/Jones/Butcher): exact for every
// Gregorian year, no tables.
LocalDate EasterSunday(int year) {
  const int a = year % 19;
  const int b = year / 100;
  const int c = year % 100;
  const int d = b / 4;
  const int e = b % 4;
  const int f = (b + 8) / 25;
  const int g = (b - f + 1) / 3;
  const int h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4;
  const int k = c % 4;
  const int l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int month = (h + l - 7 * m + 114) / 31;
  const int day = ((h + l - 7 * m + 114) % 31) + 1;
  return date::local_days{date::year{year} / static_cast<unsigned>(month) /
                          static_cast<unsigned>(day)};
}

Result<std::vector<Holiday>> HolidaysIn(std::string_view region, int year) {
  if (std::find(kRegions.begin(), kRegions.end(), region) == kRegions.end()) {
    return Status::NotFound("unknown holiday region \"" + std::string(region) + "\"");
  }
  std::vector<Holiday> out;
  if (year < kFirstYear || year > kLastYear) return out;
  for (const Rule& rule : kRules) {
    if (year < rule.from_year || year > rule.to_year || !RuleCovers(rule, region)) continue;
    out.push_back(Holiday{DayOf(rule, year), rule.name_de, rule.name_en});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Holiday& a, const Holiday& b) { return a.day < b.day; });
  return out;
}

std::vector<std::string> KnownHolidayRegions() {
  return std::vector<std::string>(kRegions.begin(), kRegions.end());
}

}  // namespace termin
