// The city's catalogue: services and offices as citizens and admins see them
// (names, addresses, texts) together with the core's scheduling model of each
// office (scheduler/office.h), and the JSON codec for both.
//
// The JSON format is documented in docs/data-format.md. It is one format for
// the seed file (data/demo-city.json), the admin API's office and service
// documents, and what the API renders back: WriteX(ParseX(doc)) parses again
// to the same values.
//
// Parsing is strict and never throws: malformed JSON, unknown or repeated
// keys, wrong types, out-of-range numbers and inconsistent references all
// give Status::InvalidArgument whose message names the field path, e.g.
//   offices[2].desks[0].opening.mon[1]: "25:00" is not a time of day
// and, if the caller passes a vector, every error found (up to
// kMaxFieldErrors) as FieldError values for problem+json "errors".
//
// Thread safety: plain values and pure functions; a const Catalog may be read
// from many threads at once.
#ifndef TERMIN_API_DOMAIN_CATALOG_H_
#define TERMIN_API_DOMAIN_CATALOG_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "scheduler/office.h"
#include "scheduler/status.h"
#include "scheduler/time.h"

namespace termin::api {

// Limits of the format (also in docs/data-format.md).
inline constexpr std::size_t kMaxIdLength = 40;       // ids: [a-z0-9-]{1,40}
inline constexpr std::size_t kMaxTextLength = 200;    // names, streets (code points)
inline constexpr std::size_t kMaxLongTextLength = 2000;  // "bring" texts
inline constexpr std::size_t kMaxServices = 200;      // per catalogue
inline constexpr std::size_t kMaxOffices = 200;       // per catalogue
inline constexpr std::size_t kMaxDesks = 200;         // per office
inline constexpr std::size_t kMaxExceptions = 1000;   // per desk, and closures per office
inline constexpr std::size_t kMaxIntervalsPerDay = 24;
inline constexpr std::size_t kMaxReminders = 5;
inline constexpr std::size_t kMaxFieldErrors = 50;    // collected before giving up
inline constexpr Minutes kDefaultNoShowGrace{10};     // rules.no_show_grace_minutes
inline constexpr int kDefaultReleaseAdmitPerSecond = 10;  // rules.release_admit_per_second

// One problem in a document: `field` is the path ("desks[0].opening.mon[1]",
// "" for the document itself), `message` says what is wrong with it.
struct FieldError {
  std::string field;
  std::string message;
  friend bool operator==(const FieldError&, const FieldError&) = default;
};

struct LocalizedText {
  std::string de;
  std::string en;
  friend bool operator==(const LocalizedText&, const LocalizedText&) = default;
};

struct ServiceInfo {
  std::string id;
  LocalizedText name;   // "Personalausweis beantragen" / "Apply for an ID card"
  LocalizedText bring;  // what to bring (Mitzubringende Unterlagen)
  Minutes duration{0};  // 1..480
  Minutes buffer{0};    // 0..120

  // The core's view of it.
  Service ToService() const { return Service{id, duration, buffer}; }
  friend bool operator==(const ServiceInfo&, const ServiceInfo&) = default;
};

struct Address {
  std::string street;       // "Marktplatz 30"
  std::string postal_code;  // "73430" (five digits)
  std::string city;         // "Aalen"
  friend bool operator==(const Address&, const Address&) = default;
};

// An office as the catalogue knows it. Invariants (kept by the parser, to be
// kept by whoever edits one): desk_names.size() == schedule.desks.size() and
// closure_reasons.size() == schedule.closures.size(), index by index;
// schedule.services holds the offered services in document order, with
// durations and buffers taken from the catalogue's ServiceInfo.
struct OfficeInfo {
  std::string id;        // == schedule.id
  std::string name;      // "Bürgeramt Aalen (Rathaus)"
  Address address;
  std::string timezone;  // IANA name, == schedule.zone->name()
  std::string email;     // the office's public mailbox; "" = none (the .ics ORGANIZER)
  std::vector<Minutes> reminder_offsets;  // before the start, descending, e.g. 24 h, 2 h
  // Fair use: future appointments one identity (e-mail, phone) may book
  // online here per service (ZMS's appointmentsPerMail); 0 = no limit.
  int appointments_per_identity = 0;
  // Fair use of the waitlist: wishes one identity (e-mail, phone) may have
  // open here at once (until each ends: withdrawn, answered, or expired);
  // 0 = no limit.
  int wishes_per_identity = 0;
  // Bot defence (api/security/pow.h): a hold here needs a solved proof-of-work
  // challenge once more than this many holds a minute are placed at the
  // office (all replicas together); 0 = always; -1 = never.
  int pow_above_holds_per_minute = -1;
  // Slowing (ZMS's deallocationDuration, "to prevent appointment
  // trading"): a place freed by a cancellation or a given-back or lapsed
  // hold returns to public booking (web holds, the public availability)
  // only this long after it was freed; staff see it free at once. 0 = at
  // once; at most 1440 (api::kReleasedKept).
  Minutes rerelease_delay{0};
  // The waitlist (api/store.h, Wish): how long an offered place is kept for
  // the wish it was offered to (5..2880 minutes; Düsseldorf's Terminagent
  // gives two days).
  Minutes waitlist_offer_ttl{120};
  // Double opt-in (TEVIS, ZMS): a web booking here stays preconfirmed until
  // the link in its message is followed within this long, else its place
  // goes back (re-release delay, waitlist). 0 = off; else 5..1440.
  Minutes double_opt_in{0};
  // The day's queue: an appointment not checked in by its start plus this
  // becomes no_show, and its desk time goes back to the day (0..240).
  Minutes no_show_grace = kDefaultNoShowGrace;
  // rules.walk_in_margin_minutes: the cut-off issues a number only if the
  // plan serves it this long before the desk's close (room for visits that
  // take longer than their median); the expected waits use the real close.
  Minutes walk_in_margin{0};
  // A fair release (api/domain/release_queue.h): with schedule.rules.
  // release_time set, holds on the day it opens that arrive in the first
  // `release_window` after it join a pre-queue that is drawn by lot at the
  // window's end and admitted at `release_admit_per_second`; 0 = no queue.
  std::chrono::seconds release_window{0};
  int release_admit_per_second = kDefaultReleaseAdmitPerSecond;
  std::vector<std::string> desk_names;    // display names, "Schalter 1"
  std::vector<std::string> closure_reasons;  // "Betriebsausflug"; may be empty
  Office schedule;
  // The store's version of this office's configuration document (0: read
  // from a file, not from the store). Booking steps pass it on (Booking::
  // office_version) so that a replica that has not yet seen an admin change
  // cannot book by the old configuration.
  std::uint64_t config_version = 0;
};

struct Catalog {
  std::string city;  // "Aalen"
  std::string note;  // free text, e.g. "Demo data, addresses unverified"
  bool demo = false; // true for invented data
  std::vector<ServiceInfo> services;
  std::vector<OfficeInfo> offices;

  // nullptr if there is none.
  const OfficeInfo* FindOffice(std::string_view id) const;
  const ServiceInfo* FindService(std::string_view id) const;
};

// --- Parsing -------------------------------------------------------------
// `errors`, if given, receives every error found (paths relative to the
// value passed in); the Status carries the first one and a count.

// A whole city file: {"city", "note", "demo", "services": [...], "offices": [...]}.
Result<Catalog> ParseCatalog(std::string_view json, std::vector<FieldError>* errors = nullptr);
// Reads and parses a city file (e.g. "data/demo-city.json"). NotFound if it
// cannot be read.
Result<Catalog> LoadCatalogFile(const std::string& path,
                                std::vector<FieldError>* errors = nullptr);

// One service document.
Result<ServiceInfo> ParseService(const rapidjson::Value& value,
                                 std::vector<FieldError>* errors = nullptr);
Result<ServiceInfo> ParseServiceJson(std::string_view json,
                                     std::vector<FieldError>* errors = nullptr);

// One office document; its "services" and its desks' services must name
// entries of `services`. The result passes ValidateOffice.
Result<OfficeInfo> ParseOffice(const rapidjson::Value& value,
                               const std::vector<ServiceInfo>& services,
                               std::vector<FieldError>* errors = nullptr);
Result<OfficeInfo> ParseOfficeJson(std::string_view json, const std::vector<ServiceInfo>& services,
                                   std::vector<FieldError>* errors = nullptr);

// --- Writing ---------------------------------------------------------------
// The same format the parsers read (desks always carry their own hours).

void WriteService(const ServiceInfo& service, rapidjson::Writer<rapidjson::StringBuffer>& w);
void WriteOffice(const OfficeInfo& office, rapidjson::Writer<rapidjson::StringBuffer>& w);
void WriteCatalog(const Catalog& catalog, rapidjson::Writer<rapidjson::StringBuffer>& w);

std::string ServiceToJson(const ServiceInfo& service);
std::string OfficeToJson(const OfficeInfo& office);
std::string CatalogToJson(const Catalog& catalog);

// --- Editing (for the admin API) ------------------------------------------

// Replaces the service with the same id or appends it, and refreshes the
// duration and buffer of that service in every office's schedule.
void UpsertService(Catalog& catalog, ServiceInfo service);
// Replaces the office with the same id or appends it.
void UpsertOffice(Catalog& catalog, OfficeInfo office);

}  // namespace termin::api

#endif  // TERMIN_API_DOMAIN_CATALOG_H_
