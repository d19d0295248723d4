// JSON (and iCalendar) renderings of what the API answers with.
//
// Times are RFC 3339 with the office's UTC offset at that instant. The
// public appointment view never carries staff notes; contact data is left
// out once it has been erased. Availability never names desks.
//
// Thread safety: pure functions.
#ifndef TERMIN_API_JSON_RENDER_H_
#define TERMIN_API_JSON_RENDER_H_

#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "api/domain/catalog.h"
#include "api/clock.h"
#include "api/http/http_types.h"
#include "api/store.h"
#include "scheduler/availability.h"

namespace termin::api {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void WriteString(JsonWriter& w, std::string_view s);
std::string JsonString(const rapidjson::StringBuffer& buf);

// "2026-12-01T09:30:05+01:00" (seconds kept, for expiry times).
std::string FormatTimeLocal(TimePoint t, const date::time_zone* zone);
std::string FormatInstant(Instant t, const OfficeInfo& office);

std::string StatusName(AppointmentStatus s);
std::string ChannelName(Channel c);
std::string JobTypeName(JobType t);

// The public view of an office (opening hours: union over its desks).
void WriteOfficePublic(JsonWriter& w, const OfficeInfo& office);
void WriteServicePublic(JsonWriter& w, const ServiceInfo& service, Language lang);

struct AppointmentView {
  bool staff = false;              // include notes
  std::string manage_secret;       // only in the answer that created it
};
void WriteAppointment(JsonWriter& w, const AppointmentRecord& a, const OfficeInfo& office,
                      const AppointmentView& view);
std::string RenderAppointment(const AppointmentRecord& a, const OfficeInfo& office,
                              const AppointmentView& view);
// What a kiosk may see: no contact, no notes.
std::string RenderKioskVisit(const AppointmentRecord& a, const OfficeInfo& office);

// A hold; `secret` is left out when empty (only the answer that created
// the hold carries it). `extensions_left`: how often it may still be extended.
std::string RenderHold(const HoldRecord& hold, const std::string& secret, const OfficeInfo& office,
                       int extensions_left);

// RFC 5545 VCALENDAR with one VEVENT (times in UTC), CRLF line ends; METHOD,
// SEQUENCE, ORGANIZER, alarms: see render.cc.
std::string RenderIcs(const AppointmentRecord& a, const OfficeInfo& office,
                      const std::vector<std::string>& service_names, TimePoint now);

// Escapes text for an iCalendar TEXT value.
std::string IcsEscape(std::string_view text);

}  // namespace termin::api

#endif  // TERMIN_API_JSON_RENDER_H_
