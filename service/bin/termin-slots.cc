// termin-slots: the next free appointment starts of a city, straight from its
// data file and the scheduling core, without a server or any bookings.
//
//   termin-slots --city data/demo-city.json --service personalausweis
//                [--office aalen-rathaus]... [--count 10] [--now 2026-12-01T08:00:00Z]
//
// Useful to check a city file before it is loaded ("does anyone offer a
// Rentenantrag before Christmas?") and to see what the widget will offer on
// an empty calendar. Exit status: 0 on success (also when nothing is free),
// 1 if the city file is unreadable or invalid, 2 on bad arguments.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "api/domain/catalog.h"
#include "scheduler/availability.h"
#include "scheduler/office.h"
#include "scheduler/time.h"
#include "scheduler/zone_rules.h"

namespace {

using termin::Instant;
using termin::api::Catalog;
using termin::api::OfficeInfo;

constexpr int kBadData = 1;
constexpr int kBadArguments = 2;

std::string LocalTime(Instant t, const date::time_zone* zone) {
  const auto info = termin::ZoneInfoAt(zone, date::sys_seconds{t});
  const auto local = date::local_seconds{date::sys_seconds{t}.time_since_epoch() + info.offset};
  const long minutes = static_cast<long>(info.offset.count() / 60);
  char offset[48];
  std::snprintf(offset, sizeof offset, "%c%02ld:%02ld", minutes < 0 ? '-' : '+',
                std::labs(minutes) / 60, std::labs(minutes) % 60);
  return date::format("%a %Y-%m-%d %H:%M", date::floor<std::chrono::minutes>(local)) +
         " (UTC" + offset + ")";
}

void PrintCatalog(const Catalog& catalog) {
  std::printf("Services of %s:\n", catalog.city.c_str());
  for (const auto& s : catalog.services) {
    std::printf("  %-20s %3lld min (+%lld)  %s\n", s.id.c_str(),
                static_cast<long long>(s.duration.count()),
                static_cast<long long>(s.buffer.count()), s.name.de.c_str());
  }
  std::printf("Offices:\n");
  for (const auto& o : catalog.offices) {
    std::printf("  %-20s %zu desk(s)  %s, %s, %s %s\n", o.id.c_str(), o.schedule.desks.size(),
                o.name.c_str(), o.address.street.c_str(), o.address.postal_code.c_str(),
                o.address.city.c_str());
  }
}

int Run(int argc, char** argv) {
  CLI::App app{"Prints the next free appointment starts of a city's offices (no bookings)."};
  std::string city_path;
  std::vector<std::string> service_ids;
  std::vector<std::string> office_ids;
  std::size_t count = 10;
  std::string now_text;
  bool per_office = false;
  bool list = false;
  app.add_option("--city", city_path, "City file, e.g. data/demo-city.json")->required();
  app.add_option("--service", service_ids,
                 "Service id; repeat for one visit with several services (default: the first "
                 "service of the file)");
  app.add_option("--office", office_ids, "Office id; repeat for several (default: all offices "
                                         "that offer the services)");
  app.add_option("--count", count, "How many starts to print (per office with --per-office)")
      ->check(CLI::Range(1, 1000));
  app.add_option("--now", now_text, "Search from this instant, RFC 3339 (default: now)");
  app.add_flag("--per-office", per_office, "The next starts of each office, not of all together");
  app.add_flag("--list", list, "List the services and offices of the file and exit");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kBadArguments;
  }

  std::vector<termin::api::FieldError> errors;
  auto catalog = termin::api::LoadCatalogFile(city_path, &errors);
  if (!catalog.ok()) {
    std::fprintf(stderr, "termin-slots: %s\n", catalog.status().message().c_str());
    for (std::size_t i = 1; i < errors.size(); ++i) {
      std::fprintf(stderr, "  also %s: %s\n", errors[i].field.c_str(), errors[i].message.c_str());
    }
    return kBadData;
  }
  if (list) {
    PrintCatalog(*catalog);
    return 0;
  }
  if (catalog->services.empty() || catalog->offices.empty()) {
    std::fprintf(stderr, "termin-slots: %s has no services or no offices\n", city_path.c_str());
    return kBadData;
  }

  Instant now = std::chrono::floor<termin::Minutes>(std::chrono::system_clock::now());
  if (!now_text.empty()) {
    auto parsed = termin::ParseInstant(now_text);
    if (!parsed) {
      std::fprintf(stderr,
                   "termin-slots: --now %s is not an RFC 3339 time with zero seconds "
                   "(e.g. 2026-12-01T08:00:00Z)\n",
                   now_text.c_str());
      return kBadArguments;
    }
    now = *parsed;
  }

  if (service_ids.empty()) service_ids.push_back(catalog->services.front().id);
  std::string visit_name;
  for (const std::string& id : service_ids) {
    const auto* service = catalog->FindService(id);
    if (service == nullptr) {
      std::fprintf(stderr, "termin-slots: no service \"%s\" in %s (see --list)\n", id.c_str(),
                   city_path.c_str());
      return kBadArguments;
    }
    visit_name += (visit_name.empty() ? "" : " + ") + service->name.de;
  }

  // The offices to search: the named ones (each must offer the visit), or
  // every office that can take it.
  std::vector<const OfficeInfo*> offices;
  if (office_ids.empty()) {
    for (const OfficeInfo& o : catalog->offices) offices.push_back(&o);
  } else {
    for (const std::string& id : office_ids) {
      const OfficeInfo* o = catalog->FindOffice(id);
      if (o == nullptr) {
        std::fprintf(stderr, "termin-slots: no office \"%s\" in %s (see --list)\n", id.c_str(),
                     city_path.c_str());
        return kBadArguments;
      }
      offices.push_back(o);
    }
  }
  const termin::OfficeClaims no_claims;
  std::vector<termin::OfficeQuery> queries;
  for (const OfficeInfo* o : offices) {
    auto visit = termin::MakeVisit(o->schedule, service_ids);
    if (!visit.ok()) {
      if (!office_ids.empty()) {
        std::fprintf(stderr, "termin-slots: %s: %s\n", o->id.c_str(),
                     visit.status().message().c_str());
        return kBadArguments;
      }
      continue;  // this office does not do it; the others may
    }
    queries.push_back(termin::OfficeQuery{&o->schedule, std::move(visit).value(), &no_claims});
  }
  if (queries.empty()) {
    std::printf("No office offers %s.\n", visit_name.c_str());
    return 0;
  }

  std::printf("%s: next free starts from %s (%zu office%s, no bookings counted)\n",
              visit_name.c_str(), termin::FormatInstantUtc(now).c_str(), queries.size(),
              queries.size() == 1 ? "" : "s");
  std::vector<std::vector<termin::OfficeQuery>> groups;
  if (per_office) {
    for (const auto& q : queries) groups.push_back({q});
  } else {
    groups.push_back(queries);
  }
  for (const auto& group : groups) {
    const auto offers = termin::NextFree(group, now, count);
    if (per_office) std::printf("\n");
    if (offers.empty()) {
      const OfficeInfo* o = catalog->FindOffice(group.front().office->id);
      std::printf("  nothing free within the booking window%s%s\n", per_office ? " at " : "",
                  per_office ? o->name.c_str() : "");
    }
    for (const auto& offer : offers) {
      const OfficeInfo* o = catalog->FindOffice(offer.office_id);
      std::printf("  %s  %d desk%s free  %s\n", LocalTime(offer.start, o->schedule.zone).c_str(),
                  offer.free_desks, offer.free_desks == 1 ? " " : "s", o->name.c_str());
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Nothing below should throw (the catalogue and the core return errors as
  // values); this is the last line of defence of a command-line tool.
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "termin-slots: internal error: %s\n", e.what());
    return kBadData;
  }
}
