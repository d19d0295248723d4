#include "api/json/render.h"

#include <algorithm>
#include <bitset>

#include <date/date.h>

#include "api/http/utf8.h"
#include "scheduler/zone_rules.h"

namespace termin::api {

void WriteString(JsonWriter& w, std::string_view s) {
  const std::string valid = ValidUtf8(s);
  w.String(valid.data(), static_cast<rapidjson::SizeType>(valid.size()));
}

std::string JsonString(const rapidjson::StringBuffer& buf) {
  return std::string(buf.GetString(), buf.GetSize());
}

std::string FormatTimeLocal(TimePoint t, const date::time_zone* zone) {
  auto secs = std::chrono::floor<std::chrono::seconds>(t);
  auto info = ZoneInfoAt(zone, secs);
  auto local = date::local_seconds((secs + info.offset).time_since_epoch());
  std::string out = date::format("%Y-%m-%dT%H:%M:%S", local);
  auto off = std::chrono::duration_cast<std::chrono::minutes>(info.offset).count();
  char sign = off < 0 ? '-' : '+';
  if (off < 0) off = -off;
  char buf[8];
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", sign, static_cast<int>(off / 60),
                static_cast<int>(off % 60));
  return out + buf;
}

std::string FormatInstant(Instant t, const OfficeInfo& office) {
  return FormatInstantLocal(t, office.schedule.zone);
}

std::string StatusName(AppointmentStatus s) {
  switch (s) {
    case AppointmentStatus::kConfirmed: return "confirmed";
    case AppointmentStatus::kCheckedIn: return "checked_in";
    case AppointmentStatus::kDone: return "done";
    case AppointmentStatus::kCancelled: return "cancelled";
    case AppointmentStatus::kNoShow: return "no_show";
    case AppointmentStatus::kPreconfirmed: return "preconfirmed";
  }
  return "confirmed";
}

std::string ChannelName(Channel c) {
  switch (c) {
    case Channel::kWeb: return "web";
    case Channel::kHotline: return "hotline";
    case Channel::kKiosk: return "kiosk";
  }
  return "web";
}

std::string JobTypeName(JobType t) {
  switch (t) {
    case JobType::kConfirmation: return "confirmation";
    case JobType::kReminder: return "reminder";
    case JobType::kMoved: return "moved";
    case JobType::kCancelled: return "cancelled";
    case JobType::kCancelledByOffice: return "cancelled_by_office";
    case JobType::kWaitlistOffer: return "waitlist_offer";
    case JobType::kOptIn: return "opt_in";
  }
  return "confirmation";
}

void WriteOfficePublic(JsonWriter& w, const OfficeInfo& office) {
  w.StartObject();
  w.Key("id");
  WriteString(w, office.id);
  w.Key("name");
  WriteString(w, office.name);
  w.Key("address");
  w.StartObject();
  w.Key("street");
  WriteString(w, office.address.street);
  w.Key("postal_code");
  WriteString(w, office.address.postal_code);
  w.Key("city");
  WriteString(w, office.address.city);
  w.EndObject();
  if (!office.email.empty()) {
    w.Key("email");
    WriteString(w, office.email);
  }
  w.Key("timezone");
  WriteString(w, office.timezone);
  w.Key("services");
  w.StartArray();
  for (const auto& s : office.schedule.services) WriteString(w, s.id);
  w.EndArray();
  // The union over desks of (opening minus breaks), per weekday: what a
  // citizen reads as "the office is open". A minute bitmap per day is
  // simple and exact for wall-clock hours.
  static constexpr const char* kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  w.Key("opening_hours");
  w.StartObject();
  for (int d = 0; d < 7; ++d) {
    std::bitset<1440> open;
    for (const Desk& desk : office.schedule.desks) {
      std::bitset<1440> desk_open;
      for (const LocalInterval& iv : desk.opening[d]) {
        for (auto m = iv.from.count(); m < iv.to.count() && m < 1440; ++m) desk_open.set(m);
      }
      for (const LocalInterval& iv : desk.breaks[d]) {
        for (auto m = iv.from.count(); m < iv.to.count() && m < 1440; ++m) desk_open.reset(m);
      }
      open |= desk_open;
    }
    w.Key(kDays[d]);
    w.StartArray();
    int m = 0;
    while (m < 1440) {
      if (!open.test(m)) {
        ++m;
        continue;
      }
      int begin = m;
      while (m < 1440 && open.test(m)) ++m;
      w.StartArray();
      WriteString(w, FormatTimeOfDay(Minutes(begin)));
      WriteString(w, FormatTimeOfDay(Minutes(m)));
      w.EndArray();
    }
    w.EndArray();
  }
  w.EndObject();
  // A release time: the latest bookable day opens at this local time.
  if (office.schedule.rules.release_time >= Minutes{0}) {
    w.Key("release");
    w.StartObject();
    w.Key("time");
    WriteString(w, FormatTimeOfDay(office.schedule.rules.release_time));
    w.Key("days_ahead");
    w.Int(office.schedule.rules.max_days_ahead);
    w.Key("window_seconds");
    w.Int64(office.release_window.count());
    w.EndObject();
  }
  w.EndObject();
}

void WriteServicePublic(JsonWriter& w, const ServiceInfo& service, Language lang) {
  w.StartObject();
  w.Key("id");
  WriteString(w, service.id);
  w.Key("name");
  WriteString(w, lang == Language::kEn && !service.name.en.empty() ? service.name.en
                                                                    : service.name.de);
  w.Key("bring");
  WriteString(w, lang == Language::kEn && !service.bring.en.empty() ? service.bring.en
                                                                     : service.bring.de);
  w.Key("duration_minutes");
  w.Int(static_cast<int>(service.duration.count()));
  w.EndObject();
}

void WriteAppointment(JsonWriter& w, const AppointmentRecord& a, const OfficeInfo& office,
                      const AppointmentView& view) {
  w.StartObject();
  w.Key("reference");
  WriteString(w, a.reference);
  if (!view.manage_secret.empty()) {
    w.Key("manage_secret");
    WriteString(w, view.manage_secret);
  }
  w.Key("status");
  WriteString(w, StatusName(a.status));
  if (a.status == AppointmentStatus::kPreconfirmed) {
    w.Key("confirm_by");  // double opt-in: the link must be followed by then
    WriteString(w, FormatTimeLocal(a.confirm_by, office.schedule.zone));
  }
  w.Key("office");
  WriteString(w, a.booking.office_id);
  w.Key("services");
  w.StartArray();
  for (const auto& s : a.booking.services) WriteString(w, s);
  w.EndArray();
  w.Key("start");
  WriteString(w, FormatInstant(a.booking.start, office));
  w.Key("end");
  WriteString(w, FormatInstant(a.booking.end, office));
  if (!a.contact_erased && a.channel != Channel::kKiosk) {
    w.Key("contact");
    w.StartObject();
    w.Key("name");
    WriteString(w, a.contact.name);
    if (!a.contact.email.empty()) {
      w.Key("email");
      WriteString(w, a.contact.email);
    }
    if (!a.contact.phone.empty()) {
      w.Key("phone");
      WriteString(w, a.contact.phone);
    }
    w.Key("language");
    WriteString(w, a.contact.language);
    w.Key("reminders");
    w.Bool(a.contact.reminders);
    w.EndObject();
  }
  w.Key("channel");
  WriteString(w, ChannelName(a.channel));
  if (!a.ticket.empty()) {
    w.Key("ticket");
    WriteString(w, a.ticket);
  }
  if (view.staff) {
    w.Key("notes");
    w.StartArray();
    for (const Note& n : a.notes) {
      w.StartObject();
      w.Key("at");
      WriteString(w, FormatTimeLocal(n.at, office.schedule.zone));
      w.Key("author");
      WriteString(w, n.author);
      w.Key("text");
      WriteString(w, n.text);
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
}

std::string RenderAppointment(const AppointmentRecord& a, const OfficeInfo& office,
                              const AppointmentView& view) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  WriteAppointment(w, a, office, view);
  return JsonString(buf);
}

std::string RenderKioskVisit(const AppointmentRecord& a, const OfficeInfo& office) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("reference");
  WriteString(w, a.reference);
  w.Key("status");
  WriteString(w, StatusName(a.status));
  w.Key("ticket");
  WriteString(w, a.ticket);
  w.Key("office");
  WriteString(w, a.booking.office_id);
  w.Key("services");
  w.StartArray();
  for (const auto& s : a.booking.services) WriteString(w, s);
  w.EndArray();
  w.Key("start");
  WriteString(w, FormatInstant(a.booking.start, office));
  w.Key("end");
  WriteString(w, FormatInstant(a.booking.end, office));
  w.EndObject();
  return JsonString(buf);
}

std::string RenderHold(const HoldRecord& hold, const std::string& secret, const OfficeInfo& office,
                       int extensions_left) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("id");
  WriteString(w, hold.id);
  if (!secret.empty()) {
    w.Key("secret");
    WriteString(w, secret);
  }
  w.Key("version");
  w.Uint64(hold.version);
  w.Key("office");
  WriteString(w, hold.booking.office_id);
  w.Key("services");
  w.StartArray();
  for (const auto& s : hold.booking.services) WriteString(w, s);
  w.EndArray();
  w.Key("start");
  WriteString(w, FormatInstant(hold.booking.start, office));
  w.Key("end");
  WriteString(w, FormatInstant(hold.booking.end, office));
  w.Key("expires_at");
  WriteString(w, FormatTimeLocal(hold.expires_at, office.schedule.zone));
  w.Key("extensions_left");
  w.Int(std::max(0, extensions_left));
  w.EndObject();
  return JsonString(buf);
}

std::string IcsEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case ';': out += "\\;"; break;
      case ',': out += "\\,"; break;
      case '\n': out += "\\n"; break;
      case '\r': break;
      default: out += c;
    }
  }
  return out;
}

namespace {

std::string IcsTime(TimePoint t) {
  return date::format("%Y%m%dT%H%M%SZ", std::chrono::floor<std::chrono::seconds>(t));
}

// RFC 5545 3.1: lines longer than 75 octets are folded (CRLF + space). We
// fold at octet boundaries that do not split a UTF-8 sequence.
void AppendFolded(std::string& out, const std::string& line) {
  std::size_t pos = 0;
  bool first = true;
  while (pos < line.size()) {
    std::size_t limit = first ? 75 : 74;
    std::size_t n = std::min(limit, line.size() - pos);
    while (n > 0 && pos + n < line.size() &&
           (static_cast<unsigned char>(line[pos + n]) & 0xC0) == 0x80) {
      --n;
    }
    if (!first) out += ' ';
    out.append(line, pos, n);
    out += "\r\n";
    pos += n;
    first = false;
  }
}

}  // namespace

namespace {

// A parameter value (CN=...): quoted, since names hold commas and colons;
// DQUOTE and control characters cannot appear in one (RFC 5545 3.1).
std::string IcsParam(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || (static_cast<unsigned char>(c) < 0x20)) continue;
    out += c;
  }
  return out + "\"";
}

}  // namespace

// The calendar file of an appointment (RFC 5545, methods of RFC 5546), so
// that a calendar that has the event updates it: one UID per reference, a
// SEQUENCE that grows with each move and the cancellation, DTSTAMP, the
// office as ORGANIZER. A new appointment is PUBLISH; after a move it is
// REQUEST (an update of the event, to the citizen's address as ATTENDEE; PUBLISH when
// there is no e-mail address to name); a cancellation is CANCEL with
// STATUS:CANCELLED. Times are UTC ("Z"): unambiguous in every client, with
// no VTIMEZONE to keep in step with the tz database; clients show them in
// the reader's zone. Alarms match the reminder choice: the office's
// reminder offsets if the citizen asked for reminders, none otherwise.
std::string RenderIcs(const AppointmentRecord& a, const OfficeInfo& office,
                      const std::vector<std::string>& service_names, TimePoint now) {
  std::string summary;
  for (const auto& n : service_names) {
    if (!summary.empty()) summary += ", ";
    summary += n;
  }
  std::string location = office.name + ", " + office.address.street + ", " +
                         office.address.postal_code + " " + office.address.city;
  const bool cancelled = a.status == AppointmentStatus::kCancelled;
  const bool attendee = !a.contact_erased && !a.contact.email.empty();
  const char* method = cancelled                        ? "CANCEL"
                       : (a.revision > 0 && attendee) ? "REQUEST"
                                                        : "PUBLISH";
  const std::string organizer = office.email.empty() ? "noreply@" + office.id + ".invalid" : office.email;
  std::string out;
  AppendFolded(out, "BEGIN:VCALENDAR");
  AppendFolded(out, "VERSION:2.0");
  AppendFolded(out, "PRODID:-//Termin//Buergeramt//DE");
  AppendFolded(out, "CALSCALE:GREGORIAN");
  AppendFolded(out, std::string("METHOD:") + method);
  AppendFolded(out, "BEGIN:VEVENT");
  AppendFolded(out, "UID:" + a.reference + "@termin.example");
  AppendFolded(out, "SEQUENCE:" + std::to_string(std::max(0, a.revision)));
  AppendFolded(out, "DTSTAMP:" + IcsTime(now));
  AppendFolded(out, "DTSTART:" + IcsTime(ToTimePoint(a.booking.start)));
  AppendFolded(out, "DTEND:" + IcsTime(ToTimePoint(a.booking.end)));
  AppendFolded(out, "ORGANIZER;CN=" + IcsParam(office.name) + ":mailto:" + organizer);
  if (attendee) {
    // The address the update is for, without the name: the file travels
    // (mail, downloads, calendar sync) and needs no more personal data.
    AppendFolded(out, "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:" +
                          a.contact.email);
  }
  AppendFolded(out, "SUMMARY:" + IcsEscape("Termin " + office.name + ": " + summary));
  AppendFolded(out, "LOCATION:" + IcsEscape(location));
  AppendFolded(out, "DESCRIPTION:" + IcsEscape("Vorgangsnummer / Reference: " + a.reference));
  AppendFolded(out, std::string("STATUS:") + (cancelled ? "CANCELLED" : "CONFIRMED"));
  AppendFolded(out, "TRANSP:OPAQUE");
  if (!cancelled && a.contact.reminders) {
    for (Minutes before : office.reminder_offsets) {
      AppendFolded(out, "BEGIN:VALARM");
      AppendFolded(out, "ACTION:DISPLAY");
      AppendFolded(out, "DESCRIPTION:" + IcsEscape("Termin " + office.name + ": " + summary));
      AppendFolded(out, "TRIGGER:-PT" + std::to_string(before.count()) + "M");
      AppendFolded(out, "END:VALARM");
    }
  }
  AppendFolded(out, "END:VEVENT");
  AppendFolded(out, "END:VCALENDAR");
  return out;
}

}  // namespace termin::api
