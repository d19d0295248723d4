// The bench city: many offices with many desks and long hours, so that
// bookings spread over them rarely meet (few conflicts), plus one small
// office for the midnight rush, where 100 places are fought over.
//
// The city is written as a termin-city/1 document (docs/data-format.md) that
// termin-api loads with --seed; the same options give the places the load
// generator books, so the file and the load cannot drift apart.
//
// - Offices bench-01 .. bench-NN: `desks` desks each, open every day from
//   06:00 to 22:00 Europe/Berlin, no holidays, 5-minute grid, no notice,
//   60 days ahead. One service, bench-visit, 5 minutes, no buffer: every
//   grid start is a place of its own.
// - Office bench-rush: one desk, same hours. The rush fights over
//   `rush_places` consecutive starts of one day on that desk, so two
//   confirmed appointments at one start would be a double booking.
//
// Thread safety: plain values and pure functions.
#ifndef TERMIN_BENCH_LOAD_BENCH_CITY_H_
#define TERMIN_BENCH_LOAD_BENCH_CITY_H_

#include <cstddef>
#include <string>
#include <vector>

#include "scheduler/time.h"

namespace termin::bench {

inline constexpr char kBenchService[] = "bench-visit";
inline constexpr char kRushOffice[] = "bench-rush";
inline constexpr char kBenchZone[] = "Europe/Berlin";
inline constexpr int kBenchGridMinutes = 5;
inline constexpr int kBenchOpenMinute = 6 * 60;    // 06:00 local
inline constexpr int kBenchCloseMinute = 22 * 60;  // 22:00 local
inline constexpr int kBenchDaysAhead = 60;

struct BenchCityOptions {
  int offices = 20;       // bench-01 ..
  int desks = 20;         // per office
  int rush_places = 100;  // consecutive starts on the rush office's one desk
};

// "bench-07" for 7.
std::string BenchOfficeId(int index);

// The city document.
std::string BenchCityJson(const BenchCityOptions& options);

// A keys file (api/security/auth.h) with one hotline key for every office.
std::string BenchKeysJson(const std::string& hotline_key);

// A start at an office: what a booking request names.
struct Place {
  std::string office;
  Instant start;
};

// Every start of the spread offices on local days first_day .. first_day +
// days - 1, numbered 0 .. size() - 1 (office-major, then day, then minute).
class SpreadPlaces {
 public:
  SpreadPlaces(const BenchCityOptions& options, LocalDate first_day, int days);
  std::size_t size() const { return size_; }
  Place At(std::size_t index) const;
  // Desks behind each place: how many bookings one place can take.
  int desks_per_place() const { return desks_; }

 private:
  int offices_;
  int desks_;
  LocalDate first_day_;
  int days_;
  std::size_t starts_per_day_;
  std::size_t size_;
};

// The rush's places: `rush_places` starts from 08:00 on `day`, one grid step
// apart, all on the rush office's one desk.
std::vector<Place> RushPlaces(const BenchCityOptions& options, LocalDate day);

// The local day and RFC 3339 text of an instant in the bench zone.
LocalDate BenchLocalDay(Instant t);
std::string BenchInstantText(Instant t);

}  // namespace termin::bench

#endif  // TERMIN_BENCH_LOAD_BENCH_CITY_H_
