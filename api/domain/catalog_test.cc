// Tests of the catalogue codec against the real data files (run from the
// repository root) and against broken documents derived from them.
#include "api/domain/catalog.h"

#include <tuple>

#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <rapidjson/pointer.h>

namespace termin::api {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot open " << path << " (run from the repository root)");
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

Catalog LoadOk(const std::string& path) {
  std::vector<FieldError> errors;
  auto catalog = LoadCatalogFile(path, &errors);
  INFO(path << ": " << catalog.status().message());
  REQUIRE(catalog.ok());
  CHECK(errors.empty());
  return std::move(catalog).value();
}

bool HasError(const std::vector<FieldError>& errors, const std::string& field,
              const std::string& message_part) {
  return std::any_of(errors.begin(), errors.end(), [&](const FieldError& e) {
    return e.field == field && e.message.find(message_part) != std::string::npos;
  });
}

std::string Dump(const std::vector<FieldError>& errors) {
  std::string out;
  for (const FieldError& e : errors) out += "  " + e.field + ": " + e.message + "\n";
  return out;
}

// Deep comparison of the parts of an office the core plans with.
void CheckSameSchedule(const Office& a, const Office& b) {
  CHECK(a.id == b.id);
  CHECK(a.zone == b.zone);
  CHECK(a.holiday_region == b.holiday_region);
  REQUIRE(a.holidays.size() == b.holidays.size());
  for (std::size_t i = 0; i < a.holidays.size(); ++i) {
    CHECK(a.holidays[i].month == b.holidays[i].month);
    CHECK(a.holidays[i].day == b.holidays[i].day);
    CHECK(a.holidays[i].year == b.holidays[i].year);
    CHECK(a.holidays[i].name == b.holidays[i].name);
  }
  CHECK(a.rules.grid == b.rules.grid);
  CHECK(a.rules.min_notice == b.rules.min_notice);
  CHECK(a.rules.max_days_ahead == b.rules.max_days_ahead);
  CHECK(a.rules.hold_ttl == b.rules.hold_ttl);
  REQUIRE(a.services.size() == b.services.size());
  for (std::size_t i = 0; i < a.services.size(); ++i) {
    CHECK(a.services[i].id == b.services[i].id);
    CHECK(a.services[i].duration == b.services[i].duration);
    CHECK(a.services[i].buffer == b.services[i].buffer);
  }
  REQUIRE(a.desks.size() == b.desks.size());
  for (std::size_t i = 0; i < a.desks.size(); ++i) {
    const Desk& x = a.desks[i];
    const Desk& y = b.desks[i];
    CHECK(x.id == y.id);
    CHECK(x.opening == y.opening);
    CHECK(x.breaks == y.breaks);
    CHECK(x.services == y.services);
    REQUIRE(x.exceptions.size() == y.exceptions.size());
    for (std::size_t j = 0; j < x.exceptions.size(); ++j) {
      CHECK(x.exceptions[j].day == y.exceptions[j].day);
      CHECK(x.exceptions[j].closed == y.exceptions[j].closed);
      CHECK(x.exceptions[j].hours == y.exceptions[j].hours);
    }
  }
  REQUIRE(a.closures.size() == b.closures.size());
  for (std::size_t i = 0; i < a.closures.size(); ++i) {
    CHECK(a.closures[i].day == b.closures[i].day);
    CHECK(a.closures[i].closed == b.closures[i].closed);
    CHECK(a.closures[i].hours == b.closures[i].hours);
  }
}

void CheckSameOffice(const OfficeInfo& a, const OfficeInfo& b) {
  CHECK(a.id == b.id);
  CHECK(a.name == b.name);
  CHECK(a.address == b.address);
  CHECK(a.timezone == b.timezone);
  CHECK(a.reminder_offsets == b.reminder_offsets);
  CHECK(a.appointments_per_identity == b.appointments_per_identity);
  CHECK(a.wishes_per_identity == b.wishes_per_identity);
  CHECK(a.pow_above_holds_per_minute == b.pow_above_holds_per_minute);
  CHECK(a.rerelease_delay == b.rerelease_delay);
  CHECK(a.waitlist_offer_ttl == b.waitlist_offer_ttl);
  CHECK(a.double_opt_in == b.double_opt_in);
  CHECK(a.schedule.rules.same_day_buffer_percent == b.schedule.rules.same_day_buffer_percent);
  CHECK(a.schedule.rules.same_day_release == b.schedule.rules.same_day_release);
  CHECK(a.walk_in_margin == b.walk_in_margin);
  CHECK(a.no_show_grace == b.no_show_grace);
  CHECK(a.desk_names == b.desk_names);
  CHECK(a.closure_reasons == b.closure_reasons);
  CheckSameSchedule(a.schedule, b.schedule);
}

LocalInterval Hours(const char* from, const char* to) {
  return {*ParseTimeOfDay(from), *ParseTimeOfDay(to)};
}

TEST_CASE("the demo city parses and looks like Aalen") {
  const Catalog c = LoadOk("data/demo-city.json");
  CHECK(c.demo);
  CHECK(c.city == "Aalen");
  CHECK(c.note.find("addresses unverified") != std::string::npos);
  CHECK(c.services.size() >= 10);
  for (const ServiceInfo& s : c.services) {
    CHECK(!s.name.de.empty());
    CHECK(!s.name.en.empty());
    CHECK(!s.bring.de.empty());
    CHECK(!s.bring.en.empty());
    CHECK(s.duration >= Minutes{5});
    CHECK(s.duration <= Minutes{40});
    CHECK(s.buffer <= Minutes{10});
  }
  for (const char* id : {"personalausweis", "reisepass", "wohnsitz-anmelden", "wohnsitz-ummelden",
                         "meldebescheinigung", "fuehrungszeugnis", "beglaubigung", "fundsachen"}) {
    CHECK_MESSAGE(c.FindService(id) != nullptr, id);
  }
  CHECK(c.FindService("personalausweis")->name.de == "Personalausweis beantragen");

  REQUIRE(c.offices.size() == 8);
  const OfficeInfo* rathaus = c.FindOffice("aalen-rathaus");
  REQUIRE(rathaus != nullptr);
  CHECK(rathaus->address == Address{"Marktplatz 30", "73430", "Aalen"});
  CHECK(rathaus->schedule.desks.size() >= 6);
  CHECK(rathaus->schedule.desks.size() <= 8);
  CHECK(rathaus->reminder_offsets == std::vector<Minutes>{Minutes{1440}, Minutes{120}});
  CHECK(rathaus->schedule.rules.grid == Minutes{5});
  CHECK(rathaus->schedule.rules.hold_ttl == Minutes{10});
  // Thursday is the long day, Wednesday afternoon is closed, and there is a
  // lunch break (desks inherit the office's hours unless they have their own).
  const Desk& d3 = rathaus->schedule.desks[2];
  CHECK(d3.opening[3] == std::vector<LocalInterval>{Hours("08:00", "18:00")});
  CHECK(d3.opening[2] == std::vector<LocalInterval>{Hours("08:00", "12:00")});
  CHECK(d3.breaks[0] == std::vector<LocalInterval>{Hours("12:00", "12:30")});
  CHECK(!rathaus->schedule.closures.empty());
  CHECK(rathaus->closure_reasons.size() == rathaus->schedule.closures.size());

  for (const char* district : {"dewangen", "ebnat", "fachsenfeld", "hofen", "unterkochen",
                               "waldhausen", "wasseralfingen"}) {
    const OfficeInfo* o = c.FindOffice(district);
    REQUIRE_MESSAGE(o != nullptr, district);
    CHECK(o->schedule.desks.size() >= 1);
    CHECK(o->schedule.desks.size() <= 3);
    CHECK(o->name.find("Bezirksamt") == 0);
  }
  std::size_t offices_without_all_services = 0;
  std::size_t desks_without_all_services = 0;
  for (const OfficeInfo& o : c.offices) {
    CHECK(o.timezone == "Europe/Berlin");
    CHECK(o.schedule.zone != nullptr);
    CHECK(o.schedule.holiday_region == "DE-BW");
    CHECK(o.desk_names.size() == o.schedule.desks.size());
    CHECK(ValidateOffice(o.schedule).ok());
    if (o.schedule.services.size() < c.services.size()) ++offices_without_all_services;
    for (const Desk& d : o.schedule.desks) {
      if (d.services.size() < o.schedule.services.size()) ++desks_without_all_services;
    }
    // Every offered service can be booked somewhere in the office.
    for (const Service& s : o.schedule.services) {
      CHECK_MESSAGE(MakeVisit(o.schedule, {s.id}).ok(), o.id << " " << s.id);
    }
  }
  CHECK(offices_without_all_services > 0);
  CHECK(desks_without_all_services > 0);
}

TEST_CASE("the test city is open every day 08:00-20:00 without holidays") {
  const Catalog c = LoadOk("data/test-city.json");
  REQUIRE(!c.offices.empty());
  for (const OfficeInfo& o : c.offices) {
    CHECK(o.schedule.holiday_region.empty());
    CHECK(o.schedule.closures.empty());
    for (const Desk& d : o.schedule.desks) {
      for (int day = 0; day < 7; ++day) {
        CHECK(d.opening[day] == std::vector<LocalInterval>{Hours("08:00", "20:00")});
        CHECK(d.breaks[day].empty());
      }
    }
  }
}

TEST_CASE("round trip: write, parse again, same values and same text") {
  for (const char* path : {"data/demo-city.json", "data/test-city.json"}) {
    INFO(path);
    const Catalog original = LoadOk(path);
    const std::string written = CatalogToJson(original);
    auto again = ParseCatalog(written);
    INFO(again.status().message());
    REQUIRE(again.ok());
    CHECK(again->city == original.city);
    CHECK(again->note == original.note);
    CHECK(again->demo == original.demo);
    CHECK(again->services == original.services);
    REQUIRE(again->offices.size() == original.offices.size());
    for (std::size_t i = 0; i < original.offices.size(); ++i) {
      CheckSameOffice(again->offices[i], original.offices[i]);
    }
    CHECK(CatalogToJson(*again) == written);

    // One office on its own, as the admin API GETs and PUTs it.
    for (const OfficeInfo& office : original.offices) {
      auto alone = ParseOfficeJson(OfficeToJson(office), original.services);
      REQUIRE_MESSAGE(alone.ok(), alone.status().message());
      CheckSameOffice(*alone, office);
    }
    for (const ServiceInfo& service : original.services) {
      auto alone = ParseServiceJson(ServiceToJson(service));
      REQUIRE_MESSAGE(alone.ok(), alone.status().message());
      CHECK(*alone == service);
    }
  }
}

TEST_CASE("the same-day buffer is read, written and read again") {
  std::string text = ReadFile("data/test-city.json");
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  REQUIRE(!doc.HasParseError());
  rapidjson::Pointer("/offices/0/rules/same_day_buffer_percent").Set(doc, 50);
  rapidjson::Pointer("/offices/0/rules/same_day_buffer_release").Set(doc, "07:30");
  rapidjson::Pointer("/offices/0/rules/walk_in_margin_minutes").Set(doc, 15);
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  doc.Accept(w);
  auto parsed = ParseCatalog(std::string_view(buffer.GetString(), buffer.GetSize()));
  REQUIRE_MESSAGE(parsed.ok(), parsed.status().message());
  CHECK(parsed->offices[0].schedule.rules.same_day_buffer_percent == 50);
  CHECK(parsed->offices[0].schedule.rules.same_day_release == Minutes{7 * 60 + 30});
  CHECK(parsed->offices[0].walk_in_margin == Minutes{15});
  auto again = ParseOfficeJson(OfficeToJson(parsed->offices[0]), parsed->services);
  REQUIRE_MESSAGE(again.ok(), again.status().message());
  CheckSameOffice(*again, parsed->offices[0]);
}

// A case: set the value at a JSON pointer in the test city (or erase it if
// `json` is null), parse, and expect an error at `field` with `message`.
struct BadCase {
  const char* pointer;
  const char* json;  // nullptr: erase the member
  const char* field;
  const char* message;
};

std::vector<FieldError> ErrorsAfter(const std::string& base, const BadCase& c) {
  rapidjson::Document doc;
  doc.Parse(base.data(), base.size());
  REQUIRE(!doc.HasParseError());
  const rapidjson::Pointer pointer(c.pointer);
  REQUIRE_MESSAGE(pointer.IsValid(), c.pointer);
  if (c.json == nullptr) {
    REQUIRE_MESSAGE(pointer.Erase(doc), c.pointer);
  } else {
    rapidjson::Document value(&doc.GetAllocator());
    value.Parse(c.json);
    REQUIRE_MESSAGE(!value.HasParseError(), c.json);
    pointer.Set(doc, value);
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  doc.Accept(w);
  std::vector<FieldError> errors;
  auto catalog = ParseCatalog(std::string_view(buffer.GetString(), buffer.GetSize()), &errors);
  CHECK(!catalog.ok());
  if (!catalog.ok()) CHECK(catalog.status().code() == StatusCode::kInvalidArgument);
  return errors;
}

TEST_CASE("bad documents name the field that is wrong") {
  const std::string base = ReadFile("data/test-city.json");
  REQUIRE(ParseCatalog(base).ok());
  const std::string long_text(2001, 'x');
  const std::string long_bring = "\"" + long_text + "\"";
  const BadCase cases[] = {
      {"/offices/0/desks/0/opening", R"({"mon": [["08:00", "25:00"]]})",
       "offices[0].desks[0].opening.mon[0][1]", "\"25:00\" is not a time of day"},
      {"/offices/0/opening/tue/0", R"(["12:00", "08:00"])", "offices[0].opening.tue[0]",
       "before it begins"},
      {"/offices/0/opening/wed", R"([["08:00", "12:00"], ["11:00", "13:00"]])",
       "offices[0].opening.wed[1]", "overlaps"},
      {"/offices/0/opening/thu", R"([["13:00", "14:00"], ["08:00", "12:00"]])",
       "offices[0].opening.thu[1]", "comes before"},
      {"/offices/0/opening/mon/0", R"(["08:00"])", "offices[0].opening.mon[0]", "pair"},
      {"/offices/0/opening/fri/0/0", R"("8:00")", "offices[0].opening.fri[0][0]",
       "not a time of day"},
      {"/offices/0/opening/sat/0/1", R"("24:01")", "offices[0].opening.sat[0][1]",
       "not a time of day"},
      {"/offices/0/opening/sun", R"({"from": "08:00"})", "offices[0].opening.sun",
       "must be an array"},
      {"/offices/0/opening/montag", R"([])", "offices[0].opening.montag", "unknown field"},
      {"/offices/0/desks/1/colour", R"("red")", "offices[0].desks[1].colour", "unknown field"},
      {"/offices/0/timezone", R"("Europe/Aalen")", "offices[0].timezone", "not a time zone"},
      {"/offices/0/timezone", R"("")", "offices[0].timezone", "must not be empty"},
      {"/offices/0/holiday_region", R"("DE-XX")", "offices[0].holiday_region",
       "not a known holiday region"},
      {"/offices/0/rules/grid_minutes", "7", "offices[0].rules.grid_minutes",
       "does not divide 24 hours"},
      {"/offices/0/rules/grid_minutes", "5.5", "offices[0].rules.grid_minutes",
       "whole number"},
      {"/offices/0/rules/grid_minutes", R"("5")", "offices[0].rules.grid_minutes",
       "must be a number, not a string"},
      {"/offices/0/rules/max_days_ahead", "1000", "offices[0].rules.max_days_ahead",
       "within 0..366"},
      {"/offices/0/rules/min_notice_minutes", "-5", "offices[0].rules.min_notice_minutes",
       "within 0..10080"},
      {"/offices/0/rules/same_day_buffer_percent", "101",
       "offices[0].rules.same_day_buffer_percent", "within 0..100"},
      {"/offices/0/rules/walk_in_margin_minutes", "121",
       "offices[0].rules.walk_in_margin_minutes", "within 0..120"},
      {"/offices/0/rules/same_day_buffer_release", R"("24:00")",
       "offices[0].rules.same_day_buffer_release", "before 24:00"},
      {"/offices/0/rules/hold_ttl_minutes", "0", "offices[0].rules.hold_ttl_minutes",
       "within 1..60"},
      {"/offices/0/rules/reminder_minutes_before", "[120, 1440]",
       "offices[0].rules.reminder_minutes_before[1]", "descending"},
      {"/offices/0/rules/reminder_minutes_before", "[1440, 120, 60, 30, 10, 5]",
       "offices[0].rules.reminder_minutes_before", "more than 5"},
      {"/offices/0/rules/slot", "5", "offices[0].rules.slot", "unknown field"},
      {"/offices/1/id", R"("Test Nord")", "offices[1].id", "is not an id"},
      {"/offices/1/id", R"("test-mitte")", "offices[1].id", "used by another office"},
      {"/offices/0/desks/2/id", R"("a")", "offices[0].desks[2].id", "used by another desk"},
      {"/offices/0/desks/1/services/0", R"("nope")", "offices[0].desks[1].services[0]",
       "not offered by this office"},
      {"/offices/0/desks/1/services/1", R"("kurz")", "offices[0].desks[1].services[1]",
       "listed twice"},
      {"/offices/1/desks/0/services", R"(["kurz", "selten"])",
       "offices[1].desks[0].services[1]", "not offered by this office"},
      {"/offices/0/services/2", R"("unbekannt")", "offices[0].services[2]",
       "not a service of the catalogue"},
      {"/offices/0/desks/0/services", R"(["kurz", "lang"])", "offices[0].services[2]",
       "done by no desk"},
      {"/offices/0/desks", "[]", "offices[0].desks", "1..200 desks"},
      {"/offices/0/desks/0/exceptions", R"([{"date": "2026-02-30", "closed": true}])",
       "offices[0].desks[0].exceptions[0].date", "not a date"},
      {"/offices/0/desks/0/exceptions",
       R"([{"date": "2026-12-24", "closed": true}, {"date": "2026-12-24", "closed": true}])",
       "offices[0].desks[0].exceptions[1].date", "listed twice"},
      {"/offices/0/desks/0/exceptions",
       R"([{"date": "2026-12-24", "closed": true, "hours": [["09:00", "12:00"]]}])",
       "offices[0].desks[0].exceptions[0].hours", "closed day has no hours"},
      {"/offices/0/desks/0/exceptions", R"([{"date": "2026-12-24", "closed": false}])",
       "offices[0].desks[0].exceptions[0].hours", "is required"},
      {"/offices/0/desks/0/exceptions", R"([{"date": "2026-12-24", "hours": []}])",
       "offices[0].desks[0].exceptions[0].hours", "is empty"},
      {"/offices/0/desks/0/exceptions", R"([{"closed": true}])",
       "offices[0].desks[0].exceptions[0].date", "is required"},
      {"/offices/0/closures", R"([{"date": "2026-12-24", "reason": "x", "extra": 1}])",
       "offices[0].closures[0].extra", "unknown field"},
      {"/offices/0/closures", R"([{"date": "24.12.2026"}])", "offices[0].closures[0].date",
       "not a date"},
      {"/offices/0/closures", R"([{"date": "2026-12-24"}, {"date": "2026-12-24"}])",
       "offices[0].closures[1].date", "listed twice"},
      {"/offices/0/name", R"("line\nbreak")", "offices[0].name", "control character"},
      {"/offices/0/address/postal_code", R"("7343")", "offices[0].address.postal_code",
       "five digits"},
      {"/offices/0/address/street", nullptr, "offices[0].address.street", "is required"},
      {"/offices/0/address", R"(["Teststraße 1"])", "offices[0].address",
       "must be an object, not an array"},
      {"/offices/0", R"("test-mitte")", "offices[0]", "must be an object, not a string"},
      {"/city", nullptr, "city", "is required"},
      // Regression: an unknown key at the level being read once went
      // unnoticed (its error was counted before the level's own tally).
      {"/colour", R"("red")", "colour", "unknown field"},
      {"/services/0/colour", R"("red")", "services[0].colour", "unknown field"},
      {"/format", R"("termin-city/2")", "format", "termin-city/1"},
      {"/demo", R"("yes")", "demo", "true or false"},
      {"/offices", "{}", "offices", "must be an array"},
      {"/services/0/duration_minutes", "0", "services[0].duration_minutes", "within 1..480"},
      {"/services/0/buffer_minutes", "121", "services[0].buffer_minutes", "within 0..120"},
      {"/services/0/duration_minutes", nullptr, "services[0].duration_minutes", "is required"},
      {"/services/0/name/de", R"("")", "services[0].name.de", "must not be empty"},
      {"/services/0/name", R"("Kurz")", "services[0].name", "must be an object, not a string"},
      {"/services/0/name/fr", R"("Court")", "services[0].name.fr", "unknown field"},
      {"/services/1/id", R"("kurz")", "services[1].id", "used by another service"},
      {"/services/0/bring/de", long_bring.c_str(), "services[0].bring.de",
       "longer than 2000 characters"},
      {"/services/0/id", R"("a-very-long-service-id-with-more-than-forty-chars")",
       "services[0].id", "not an id"},
  };
  for (const BadCase& c : cases) {
    INFO("case " << c.pointer << " = " << (c.json ? c.json : "(erased)"));
    const std::vector<FieldError> errors = ErrorsAfter(base, c);
    CHECK_MESSAGE(HasError(errors, c.field, c.message),
                  "want " << c.field << ": ..." << c.message << "...\ngot:\n"
                          << Dump(errors));
  }
}

TEST_CASE("the status message names the first field; all errors are listed") {
  std::string doc = ReadFile("data/test-city.json");
  const std::string from = R"("mon": [["08:00", "20:00"]])";
  const auto at = doc.find(from);
  REQUIRE(at != std::string::npos);
  doc.replace(at, from.size(), R"("mon": [["08:00", "25:00"]])");
  const std::string region = R"("holiday_region": "")";
  const auto at2 = doc.rfind(region);  // the second office's
  REQUIRE(at2 != std::string::npos);
  doc.replace(at2, region.size(), R"("holiday_region": "DE-XX")");

  std::vector<FieldError> errors;
  auto result = ParseCatalog(doc, &errors);
  REQUIRE(!result.ok());
  CHECK(result.status().message() ==
        "offices[0].opening.mon[0][1]: \"25:00\" is not a time of day (HH:MM, 00:00..24:00)"
        " (and 1 more errors)");
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].field == "offices[0].opening.mon[0][1]");
  CHECK(errors[1].field == "offices[1].holiday_region");
}

TEST_CASE("malformed JSON is rejected with a position, and never crashes") {
  struct Case {
    std::string text;
    const char* message;
  };
  const Case cases[] = {
      {"", "line 1, column 1"},
      {"{", "not valid JSON"},
      {"{} x", "not valid JSON"},
      {"{\"city\": \"a\",\n \"services\": [}", "line 2, column 15"},
      {"{\"city\": \"\xff\"}", "not valid JSON"},
      {"[]", "must be an object, not an array"},
      {"{\"city\": \"A\", \"city\": \"B\", \"services\": [], \"offices\": []}",
       "city: repeated field"},
      {std::string(200000, '['), "not valid JSON"},
      {"{\"city\": \"A\", \"services\": [], \"offices\": [], \"x\": NaN}", "not valid JSON"},
  };
  for (const Case& c : cases) {
    INFO(c.text.substr(0, 60));
    auto result = ParseCatalog(c.text);
    REQUIRE(!result.ok());
    CHECK(result.status().code() == StatusCode::kInvalidArgument);
    CHECK_MESSAGE(result.status().message().find(c.message) != std::string::npos,
                  result.status().message());
  }
}

TEST_CASE("error lists are bounded and limits hold") {
  // 150 services with a bad duration each: 50 errors kept, all counted.
  std::string doc = R"({"city": "X", "offices": [], "services": [)";
  for (int i = 0; i < 150; ++i) {
    doc += (i ? "," : "");
    doc += R"({"id": "s)" + std::to_string(i) + R"(", "name": {"de": "S"}, "duration_minutes": 0})";
  }
  doc += "]}";
  std::vector<FieldError> errors;
  auto result = ParseCatalog(doc, &errors);
  REQUIRE(!result.ok());
  CHECK(errors.size() == kMaxFieldErrors);
  CHECK(result.status().message().find("(and 149 more errors)") != std::string::npos);

  // More desks than allowed.
  std::string office = R"({"id": "o", "name": "O", "timezone": "Europe/Berlin",
    "address": {"street": "S 1", "postal_code": "12345", "city": "C"},
    "services": ["s"], "desks": [)";
  for (std::size_t i = 0; i <= kMaxDesks; ++i) {
    office += (i ? "," : "");
    office += R"({"id": "d)" + std::to_string(i) + R"(", "name": "D"})";
  }
  office += "]}";
  const std::vector<ServiceInfo> services = {
      ServiceInfo{"s", {"S", "S"}, {}, Minutes{10}, Minutes{0}}};
  auto too_many = ParseOfficeJson(office, services, &errors);
  REQUIRE(!too_many.ok());
  CHECK(HasError(errors, "desks", "1..200 desks"));
}

TEST_CASE("an office document alone: defaults, and paths from its root") {
  const std::vector<ServiceInfo> services = {
      ServiceInfo{"s", {"S", "S"}, {}, Minutes{10}, Minutes{5}},
      ServiceInfo{"t", {"T", ""}, {}, Minutes{20}, Minutes{0}}};
  const char* minimal = R"({"id": "o", "name": "O", "timezone": "Europe/Berlin",
    "address": {"street": "S 1", "postal_code": "12345", "city": "C"},
    "services": ["t", "s"], "opening": {"mon": [["09:00", "12:00"]]},
    "desks": [{"id": "d", "name": "D"}]})";
  std::vector<FieldError> errors;
  auto office = ParseOfficeJson(minimal, services, &errors);
  REQUIRE_MESSAGE(office.ok(), office.status().message());
  CHECK(errors.empty());
  CHECK(office->schedule.holiday_region.empty());
  CHECK(office->schedule.rules.grid == Minutes{5});
  CHECK(office->schedule.rules.min_notice == Minutes{60});
  CHECK(office->schedule.rules.max_days_ahead == 60);
  CHECK(office->reminder_offsets == std::vector<Minutes>{Minutes{1440}, Minutes{120}});
  // Desk without services does all the office offers (kept sorted for the
  // core); the office keeps its document order.
  CHECK(office->schedule.desks[0].services == std::vector<std::string>{"s", "t"});
  CHECK(office->schedule.services[0].id == "t");
  CHECK(office->schedule.services[1].duration == Minutes{10});
  CHECK(office->schedule.services[1].buffer == Minutes{5});
  CHECK(office->schedule.desks[0].opening[0] == std::vector<LocalInterval>{Hours("09:00", "12:00")});
  CHECK(office->schedule.zone->name() == "Europe/Berlin");

  auto bad = ParseOfficeJson(R"({"id": "o"})", services, &errors);
  REQUIRE(!bad.ok());
  CHECK(HasError(errors, "name", "is required"));
  CHECK(HasError(errors, "desks", "is required"));
  CHECK(bad.status().message().rfind("name: is required", 0) == 0);

  std::string typo = minimal;
  typo.replace(typo.find("\"name\": \"O\""), 11, R"("name": "O", "adress": {})");
  auto with_typo = ParseOfficeJson(typo, services, &errors);
  REQUIRE(!with_typo.ok());
  CHECK(with_typo.status().message() == "adress: unknown field");

  auto not_object = ParseOfficeJson("42", services, &errors);
  REQUIRE(!not_object.ok());
  CHECK(not_object.status().message() == "must be an object, not a number");
}

TEST_CASE("an office carries its own holidays: every year or once, written back as read") {
  const std::vector<ServiceInfo> services = {ServiceInfo{"s", {"S", "S"}, {}, Minutes{10}, Minutes{5}}};
  const char* doc = R"({"id": "augsburg", "name": "O", "timezone": "Europe/Berlin", "holiday_region": "DE-BY",
    "address": {"street": "S 1", "postal_code": "12345", "city": "Augsburg"},
    "services": ["s"], "opening": {"mon": [["09:00", "12:00"]]},
    "desks": [{"id": "d", "name": "D"}],
    "holidays": [{"every_year": "08-08", "name": "Augsburger Hohes Friedensfest"},
                 {"date": "2028-06-16", "name": "Einmaliger Schließtag"},
                 {"every_year": "02-29", "name": "Schalttag"}]})";
  std::vector<FieldError> errors;
  auto office = ParseOfficeJson(doc, services, &errors);
  REQUIRE_MESSAGE(office.ok(), office.status().message());
  REQUIRE(office->schedule.holidays.size() == 3);
  CHECK(office->schedule.holidays[0].month == 8);
  CHECK(office->schedule.holidays[0].day == 8);
  CHECK(office->schedule.holidays[0].year == 0);
  CHECK(office->schedule.holidays[1].year == 2028);
  const std::string written = OfficeToJson(*office);
  CHECK(written.find(R"("every_year":"08-08")") != std::string::npos);
  CHECK(written.find(R"("date":"2028-06-16")") != std::string::npos);
  auto again = ParseOfficeJson(written, services, &errors);
  REQUIRE_MESSAGE(again.ok(), again.status().message());
  CheckSameSchedule(office->schedule, again->schedule);
  CHECK(OfficeToJson(*again) == written);

  for (const auto& [holidays, field, message] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {R"([{"every_year": "13-01", "name": "x"}])", "holidays[0].every_year", "not a day of the year"},
           {R"([{"every_year": "02-30", "name": "x"}])", "holidays[0].every_year", "not a day of the year"},
           {R"([{"name": "x"}])", "holidays[0]", "exactly one"},
           {R"([{"date": "2028-06-16", "every_year": "06-16", "name": "x"}])", "holidays[0]", "exactly one"},
           {R"([{"every_year": "08-08"}])", "holidays[0].name", ""},
           {R"([{"every_year": "08-08", "name": "a"}, {"every_year": "08-08", "name": "b"}])", "holidays[1]", "twice"},
           {R"({"every_year": "08-08"})", "holidays", "array"}}) {
    INFO(holidays);
    std::string bad = doc;
    bad.replace(bad.find(R"([{"every_year": "08-08")"), std::string::npos, holidays + "}");
    std::vector<FieldError> errs;
    auto parsed = ParseOfficeJson(bad, services, &errs);
    CHECK_FALSE(parsed.ok());
    bool named = false;
    for (const auto& e : errs) named = named || (e.field == field && e.message.find(message) != std::string::npos);
    CHECK_MESSAGE(named, (errs.empty() ? std::string("no errors") : errs.front().field + ": " + errs.front().message));
  }
}

TEST_CASE("an office closure is all day, or narrows every desk to its hours; written back as read") {
  const std::vector<ServiceInfo> services = {ServiceInfo{"s", {"S", "S"}, {}, Minutes{10}, Minutes{5}}};
  const std::string doc = R"({"id": "o", "name": "O", "timezone": "Europe/Berlin",
    "address": {"street": "S 1", "postal_code": "12345", "city": "Aalen"},
    "services": ["s"], "opening": {"mon": [["08:00", "16:00"]]},
    "desks": [{"id": "d", "name": "D"}],
    "closures": [{"date": "2028-06-16", "reason": "Betriebsausflug"},
                 {"date": "2028-06-19", "reason": "Personalversammlung", "hours": [["00:00", "12:00"]]}]})";
  std::vector<FieldError> errors;
  auto office = ParseOfficeJson(doc, services, &errors);
  REQUIRE_MESSAGE(office.ok(), office.status().message());
  REQUIRE(office->schedule.closures.size() == 2);
  CHECK(office->schedule.closures[0].closed);
  CHECK_FALSE(office->schedule.closures[1].closed);
  CHECK(office->schedule.closures[1].hours == std::vector<LocalInterval>{Hours("00:00", "12:00")});
  const std::string written = OfficeToJson(*office);
  CHECK(written.find(R"("reason":"Personalversammlung","hours":[["00:00","12:00"]])") != std::string::npos);
  auto again = ParseOfficeJson(written, services, &errors);
  REQUIRE_MESSAGE(again.ok(), again.status().message());
  CHECK(again->schedule.closures[1].hours == office->schedule.closures[1].hours);
  CHECK(OfficeToJson(*again) == written);

  for (const auto& [hours, message] : std::vector<std::pair<std::string, std::string>>{
           {"[]", "is empty"}, {R"([["12:00", "08:00"]])", "before it begins"}, {R"("12:00")", "array"}}) {
    INFO(hours);
    std::string bad = doc;
    bad.replace(bad.find(R"([["00:00", "12:00"]])"), 20, hours);
    std::vector<FieldError> errs;
    CHECK_FALSE(ParseOfficeJson(bad, services, &errs).ok());
    bool named = false;
    for (const auto& e : errs) named = named || (e.field.find("closures[1].hours") == 0 && e.message.find(message) != std::string::npos);
    CHECK_MESSAGE(named, (errs.empty() ? std::string("no errors") : errs.front().field + ": " + errs.front().message));
  }
}

TEST_CASE("UpsertService refreshes the offices; UpsertOffice replaces by id") {
  Catalog c = LoadOk("data/test-city.json");
  ServiceInfo kurz = *c.FindService("kurz");
  kurz.duration = Minutes{15};
  UpsertService(c, kurz);
  CHECK(c.FindService("kurz")->duration == Minutes{15});
  for (const OfficeInfo& o : c.offices) {
    CHECK(o.schedule.FindService("kurz")->duration == Minutes{15});
  }
  const std::size_t before = c.services.size();
  UpsertService(c, ServiceInfo{"neu", {"Neu", "New"}, {}, Minutes{5}, Minutes{0}});
  CHECK(c.services.size() == before + 1);

  OfficeInfo nord = *c.FindOffice("test-nord");
  nord.name = "Testamt Nord (neu)";
  UpsertOffice(c, nord);
  CHECK(c.offices.size() == 2);
  CHECK(c.FindOffice("test-nord")->name == "Testamt Nord (neu)");
  CHECK(c.FindOffice("nowhere") == nullptr);
  CHECK(c.FindService("nothing") == nullptr);
}

TEST_CASE("a missing file is NotFound") {
  auto result = LoadCatalogFile("data/no-such-city.json");
  REQUIRE(!result.ok());
  CHECK(result.status().code() == StatusCode::kNotFound);
}

}  // namespace
}  // namespace termin::api
