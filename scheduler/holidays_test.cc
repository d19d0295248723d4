#include "scheduler/holidays.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

namespace termin {
namespace {

std::string Ymd(LocalDate day) {
  std::ostringstream out;
  out << date::year_month_day{day};
  return out.str();
}

// "YYYY-MM-DD Name" per holiday, in the order HolidaysIn returns them.
std::vector<std::string> Listed(std::string_view region, int year) {
  auto holidays = HolidaysIn(region, year);
  REQUIRE(holidays.ok());
  std::vector<std::string> out;
  for (const Holiday& h : *holidays) out.push_back(Ymd(h.day) + " " + h.name_de);
  return out;
}

TEST_CASE("Easter Sunday of known years") {
  // Dates from the published Easter tables.
  CHECK(Ymd(EasterSunday(1818)) == "1818-03-22");  // earliest possible date
  CHECK(Ymd(EasterSunday(1943)) == "1943-04-25");  // latest possible date
  CHECK(Ymd(EasterSunday(1970)) == "1970-03-29");
  CHECK(Ymd(EasterSunday(1981)) == "1981-04-19");
  CHECK(Ymd(EasterSunday(2000)) == "2000-04-23");
  CHECK(Ymd(EasterSunday(2008)) == "2008-03-23");
  CHECK(Ymd(EasterSunday(2011)) == "2011-04-24");
  CHECK(Ymd(EasterSunday(2019)) == "2019-04-21");
  CHECK(Ymd(EasterSunday(2024)) == "2024-03-31");
  CHECK(Ymd(EasterSunday(2025)) == "2025-04-20");
  CHECK(Ymd(EasterSunday(2026)) == "2026-04-05");
  CHECK(Ymd(EasterSunday(2027)) == "2027-03-28");
  CHECK(Ymd(EasterSunday(2028)) == "2028-04-16");
  CHECK(Ymd(EasterSunday(2029)) == "2029-04-01");
  CHECK(Ymd(EasterSunday(2030)) == "2030-04-21");
  CHECK(Ymd(EasterSunday(2038)) == "2038-04-25");
  CHECK(Ymd(EasterSunday(2049)) == "2049-04-18");
  CHECK(Ymd(EasterSunday(2100)) == "2100-03-28");
  CHECK(Ymd(EasterSunday(2200)) == "2200-04-06");
}

TEST_CASE("Easter Sunday is a Sunday between 22 March and 25 April") {
  for (int year = 1970; year <= 2200; ++year) {
    const LocalDate easter = EasterSunday(year);
    CHECK(date::weekday{easter} == date::Sunday);
    const date::year_month_day ymd{easter};
    CHECK(ymd.year() == date::year{year});
    CHECK(ymd >= date::year{year} / date::March / 22);
    CHECK(ymd <= date::year{year} / date::April / 25);
  }
}

TEST_CASE("Baden-Württemberg 2025 to 2030, the official dates") {
  CHECK(Listed("DE-BW", 2025) == std::vector<std::string>{
                                     "2025-01-01 Neujahr",
                                     "2025-01-06 Heilige Drei Könige",
                                     "2025-04-18 Karfreitag",
                                     "2025-04-21 Ostermontag",
                                     "2025-05-01 Tag der Arbeit",
                                     "2025-05-29 Christi Himmelfahrt",
                                     "2025-06-09 Pfingstmontag",
                                     "2025-06-19 Fronleichnam",
                                     "2025-10-03 Tag der Deutschen Einheit",
                                     "2025-11-01 Allerheiligen",
                                     "2025-12-25 1. Weihnachtstag",
                                     "2025-12-26 2. Weihnachtstag",
                                 });
  CHECK(Listed("DE-BW", 2026) == std::vector<std::string>{
                                     "2026-01-01 Neujahr",
                                     "2026-01-06 Heilige Drei Könige",
                                     "2026-04-03 Karfreitag",
                                     "2026-04-06 Ostermontag",
                                     "2026-05-01 Tag der Arbeit",
                                     "2026-05-14 Christi Himmelfahrt",
                                     "2026-05-25 Pfingstmontag",
                                     "2026-06-04 Fronleichnam",
                                     "2026-10-03 Tag der Deutschen Einheit",
                                     "2026-11-01 Allerheiligen",
                                     "2026-12-25 1. Weihnachtstag",
                                     "2026-12-26 2. Weihnachtstag",
                                 });
  CHECK(Listed("DE-BW", 2027) == std::vector<std::string>{
                                     "2027-01-01 Neujahr",
                                     "2027-01-06 Heilige Drei Könige",
                                     "2027-03-26 Karfreitag",
                                     "2027-03-29 Ostermontag",
                                     "2027-05-01 Tag der Arbeit",
                                     "2027-05-06 Christi Himmelfahrt",
                                     "2027-05-17 Pfingstmontag",
                                     "2027-05-27 Fronleichnam",
                                     "2027-10-03 Tag der Deutschen Einheit",
                                     "2027-11-01 Allerheiligen",
                                     "2027-12-25 1. Weihnachtstag",
                                     "2027-12-26 2. Weihnachtstag",
                                 });
  CHECK(Listed("DE-BW", 2028) == std::vector<std::string>{
                                     "2028-01-01 Neujahr",
                                     "2028-01-06 Heilige Drei Könige",
                                     "2028-04-14 Karfreitag",
                                     "2028-04-17 Ostermontag",
                                     "2028-05-01 Tag der Arbeit",
                                     "2028-05-25 Christi Himmelfahrt",
                                     "2028-06-05 Pfingstmontag",
                                     "2028-06-15 Fronleichnam",
                                     "2028-10-03 Tag der Deutschen Einheit",
                                     "2028-11-01 Allerheiligen",
                                     "2028-12-25 1. Weihnachtstag",
                                     "2028-12-26 2. Weihnachtstag",
                                 });
  CHECK(Listed("DE-BW", 2029) == std::vector<std::string>{
                                     "2029-01-01 Neujahr",
                                     "2029-01-06 Heilige Drei Könige",
                                     "2029-03-30 Karfreitag",
                                     "2029-04-02 Ostermontag",
                                     "2029-05-01 Tag der Arbeit",
                                     "2029-05-10 Christi Himmelfahrt",
                                     "2029-05-21 Pfingstmontag",
                                     "2029-05-31 Fronleichnam",
                                     "2029-10-03 Tag der Deutschen Einheit",
                                     "2029-11-01 Allerheiligen",
                                     "2029-12-25 1. Weihnachtstag",
                                     "2029-12-26 2. Weihnachtstag",
                                 });
  CHECK(Listed("DE-BW", 2030) == std::vector<std::string>{
                                     "2030-01-01 Neujahr",
                                     "2030-01-06 Heilige Drei Könige",
                                     "2030-04-19 Karfreitag",
                                     "2030-04-22 Ostermontag",
                                     "2030-05-01 Tag der Arbeit",
                                     "2030-05-30 Christi Himmelfahrt",
                                     "2030-06-10 Pfingstmontag",
                                     "2030-06-20 Fronleichnam",
                                     "2030-10-03 Tag der Deutschen Einheit",
                                     "2030-11-01 Allerheiligen",
                                     "2030-12-25 1. Weihnachtstag",
                                     "2030-12-26 2. Weihnachtstag",
                                 });
}

TEST_CASE("every holiday has an English name too") {
  for (const std::string& region : KnownHolidayRegions()) {
    for (int year : {1975, 1990, 2017, 2026}) {
      auto holidays = HolidaysIn(region, year);
      REQUIRE(holidays.ok());
      CHECK(!holidays->empty());
      for (const Holiday& h : *holidays) {
        CHECK(!h.name_de.empty());
        CHECK(!h.name_en.empty());
      }
      CHECK(std::is_sorted(holidays->begin(), holidays->end(),
                           [](const Holiday& a, const Holiday& b) { return a.day < b.day; }));
    }
  }
  auto bw = HolidaysIn("DE-BW", 2026);
  REQUIRE(bw.ok());
  CHECK((*bw)[5].name_en == "Ascension Day");
}

TEST_CASE("Bayern: as Baden-Württemberg, without the local Mariä Himmelfahrt") {
  auto by = Listed("DE-BY", 2026);
  auto bw = Listed("DE-BW", 2026);
  CHECK(by == bw);
  for (const std::string& line : by) CHECK(line.find("-08-15") == std::string::npos);
}

TEST_CASE("Berlin: Frauentag from 2019, no Fronleichnam or Allerheiligen") {
  CHECK(Listed("DE-BE", 2026) == std::vector<std::string>{
                                     "2026-01-01 Neujahr",
                                     "2026-03-08 Internationaler Frauentag",
                                     "2026-04-03 Karfreitag",
                                     "2026-04-06 Ostermontag",
                                     "2026-05-01 Tag der Arbeit",
                                     "2026-05-14 Christi Himmelfahrt",
                                     "2026-05-25 Pfingstmontag",
                                     "2026-10-03 Tag der Deutschen Einheit",
                                     "2026-12-25 1. Weihnachtstag",
                                     "2026-12-26 2. Weihnachtstag",
                                 });
  auto before = Listed("DE-BE", 2018);
  CHECK(std::none_of(before.begin(), before.end(), [](const std::string& line) {
    return line.find("Frauentag") != std::string::npos;
  }));
  // The one-off 8 May 2025 (80 years since the end of the war).
  auto y2025 = Listed("DE-BE", 2025);
  CHECK(std::find(y2025.begin(), y2025.end(), "2025-05-08 Tag der Befreiung") != y2025.end());
  // The one-off 17 June 2028 (75 years since the uprising of 17 June 1953), in Berlin only.
  auto y2028 = Listed("DE-BE", 2028);
  CHECK(std::find(y2028.begin(), y2028.end(),
                  "2028-06-17 75. Jahrestag des Volksaufstandes vom 17. Juni 1953") != y2028.end());
  for (const char* other : {"DE-BW", "DE-BY", "DE-HE", "DE-NW"}) {
    auto y = Listed(other, 2028);
    CHECK(std::none_of(y.begin(), y.end(), [](const std::string& l) { return l.rfind("2028-06-17", 0) == 0; }));
  }
  for (int year : {2027, 2029}) {
    auto y = Listed("DE-BE", year);
    CHECK(std::none_of(y.begin(), y.end(), [](const std::string& l) { return l.find("-06-17") != std::string::npos; }));
  }
}

TEST_CASE("rules with a history: unity day, Buß- und Bettag, Reformationstag 2017") {
  auto y1989 = Listed("DE-BW", 1989);
  CHECK(std::find(y1989.begin(), y1989.end(), "1989-06-17 Tag der deutschen Einheit") !=
        y1989.end());
  CHECK(std::find(y1989.begin(), y1989.end(), "1989-11-22 Buß- und Bettag") != y1989.end());
  auto y1994 = Listed("DE-BW", 1994);
  CHECK(std::find(y1994.begin(), y1994.end(), "1994-11-16 Buß- und Bettag") != y1994.end());
  CHECK(std::find(y1994.begin(), y1994.end(), "1994-10-03 Tag der Deutschen Einheit") !=
        y1994.end());
  auto y1995 = Listed("DE-BW", 1995);
  CHECK(y1995.size() == 12);
  auto y2017 = Listed("DE-BW", 2017);
  CHECK(y2017.size() == 13);
  CHECK(std::find(y2017.begin(), y2017.end(), "2017-10-31 Reformationstag") != y2017.end());
  CHECK(Listed("DE-BW", 2018).size() == 12);
}

TEST_CASE("years outside 1970..2200 have no known holidays") {
  auto before = HolidaysIn("DE-BW", 1969);
  REQUIRE(before.ok());
  CHECK(before->empty());
  auto after = HolidaysIn("DE-BW", 2201);
  REQUIRE(after.ok());
  CHECK(after->empty());
  auto last = HolidaysIn("DE-BW", 2200);
  REQUIRE(last.ok());
  CHECK(last->size() == 12);
}

TEST_CASE("unknown region is NotFound") {
  for (std::string_view region : {"DE-XX", "", "de-bw", "DE-BW ", "BW", "DE"}) {
    auto result = HolidaysIn(region, 2026);
    REQUIRE(!result.ok());
    CHECK(result.status().code() == StatusCode::kNotFound);
  }
  auto regions = KnownHolidayRegions();
  CHECK(regions.front() == "DE-BW");
  CHECK(std::find(regions.begin(), regions.end(), "DE-BY") != regions.end());
  CHECK(std::find(regions.begin(), regions.end(), "DE-BE") != regions.end());
}

}  // namespace
}  // namespace termin
