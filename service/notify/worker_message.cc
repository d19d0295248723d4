#include "service/notify/worker_message.h"

#include <date/date.h>
#include <date/tz.h>

#include "api/domain/waitlist.h"
#include "api/json/render.h"
#include "api/security/secrets.h"
#include "scheduler/zone_rules.h"
#include "service/notify/qr_png.h"
#include "service/notify/sms_text.h"

namespace termin::service {

namespace {

constexpr const char* kWeekdaysDe[] = {"Sonntag", "Montag", "Dienstag", "Mittwoch",
                                       "Donnerstag", "Freitag", "Samstag"};
constexpr const char* kWeekdaysEn[] = {"Sunday", "Monday", "Tuesday", "Wednesday",
                                       "Thursday", "Friday", "Saturday"};
constexpr const char* kMonthsDe[] = {"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli",
                                     "August", "September", "Oktober", "November", "Dezember"};
constexpr const char* kMonthsEn[] = {"January", "February", "March", "April", "May", "June",
                                     "July", "August", "September", "October", "November",
                                     "December"};

struct LocalParts {
  date::year_month_day ymd;
  date::weekday wd;
  std::string hhmm;
};

LocalParts Local(Instant t, const date::time_zone* zone) {
  auto local = ToLocal(zone, date::sys_seconds{t});
  auto day = date::floor<date::days>(local);
  LocalParts p{date::year_month_day{day}, date::weekday{day}, ""};
  p.hhmm = date::format("%H:%M", local);
  return p;
}

std::string TwoDigits(unsigned v) { return (v < 10 ? "0" : "") + std::to_string(v); }

std::string LongDate(const LocalParts& p, bool en) {
  unsigned d = static_cast<unsigned>(p.ymd.day());
  unsigned m = static_cast<unsigned>(p.ymd.month());
  int y = static_cast<int>(p.ymd.year());
  unsigned w = p.wd.c_encoding();
  if (en) return std::string(kWeekdaysEn[w]) + ", " + std::to_string(d) + " " + kMonthsEn[m - 1] + " " + std::to_string(y);
  return std::string(kWeekdaysDe[w]) + ", " + std::to_string(d) + ". " + kMonthsDe[m - 1] + " " + std::to_string(y);
}

std::string ShortDate(const LocalParts& p, bool en) {
  unsigned d = static_cast<unsigned>(p.ymd.day());
  unsigned m = static_cast<unsigned>(p.ymd.month());
  std::string y = std::to_string(static_cast<int>(p.ymd.year()));
  if (en) return TwoDigits(d) + "/" + TwoDigits(m) + "/" + y;
  return TwoDigits(d) + "." + TwoDigits(m) + "." + y;
}

}  // namespace

std::string MessageIdFor(const api::OutboxJob& job, std::string_view domain) {
  return std::string(JobKindName(job.type)) + "." +
         std::to_string(job.due.time_since_epoch().count()) + "." + job.reference + "@" +
         std::string(domain);
}

std::string ManageLinkFor(const api::AppointmentRecord& a, const ComposeOptions& options) {
  const bool en = a.contact.language == "en";
  // ?lang=en picks the English page; the fragment is for the page's script.
  std::string link = options.base_url + "/manage" + (en ? "?lang=en" : "") + "#ref=" + a.reference;
  if (!options.link_key.empty() && !a.secret_hash.empty()) {
    link += "&secret=" + api::ManageLinkToken(options.link_key, a.reference, a.secret_hash);
  }
  return link + "&lang=" + (en ? "en" : "de");
}

Placeholders PlaceholdersFor(const api::AppointmentRecord& a, const api::OfficeInfo& office,
                             const api::Catalog& catalog, const ComposeOptions& options) {
  bool en = a.contact.language == "en";
  LocalParts start = Local(a.booking.start, office.schedule.zone);
  LocalParts end = Local(a.booking.end, office.schedule.zone);
  std::string services;
  std::string bring;
  for (const std::string& id : a.booking.services) {
    const api::ServiceInfo* s = catalog.FindService(id);
    std::string name = s ? (en && !s->name.en.empty() ? s->name.en : s->name.de) : id;
    if (!services.empty()) services += ", ";
    services += name;
    if (s) {
      const std::string& b = en && !s->bring.en.empty() ? s->bring.en : s->bring.de;
      if (!b.empty()) {
        if (!bring.empty()) bring += " ";
        bring += b;
      }
    }
  }
  if (bring.empty()) bring = en ? "your identity card or passport." : "Ihren Ausweis oder Reisepass.";
  Placeholders p;
  p["reference"] = a.reference;
  p["name"] = a.contact.name.empty() ? (en ? "Sir or Madam" : "Bürgerin, Bürger") : a.contact.name;
  p["office"] = office.name;
  p["address"] = office.address.street + ", " + office.address.postal_code + " " + office.address.city;
  p["date"] = LongDate(start, en);
  p["date_short"] = ShortDate(start, en);
  p["time"] = start.hhmm;
  p["end_time"] = end.hhmm;
  p["services"] = services;
  p["bring"] = bring;
  p["link"] = ManageLinkFor(a, options);
  return p;
}

Result<Notification> ComposeNotification(const TemplateSet& templates, const api::OutboxJob& job,
                                         const api::AppointmentRecord& a,
                                         const api::OfficeInfo& office,
                                         const api::Catalog& catalog,
                                         const ComposeOptions& options, api::TimePoint now) {
  Notification n;
  n.language = a.contact.language == "en" ? "en" : "de";
  n.message_id = MessageIdFor(job, options.domain);
  Placeholders p = PlaceholdersFor(a, office, catalog, options);
  if (job.type == api::JobType::kOptIn) {
    p["confirm_by"] = api::FormatTimeLocal(a.confirm_by, office.schedule.zone).substr(11, 5);
  }
  if (job.type == api::JobType::kWaitlistOffer) {
    // The offer page: it shows the place and accepts or declines it with
    // the token (api/domain/waitlist.h); no QR code, no calendar entry yet.
    p["link"] = options.base_url + "/offer" + (n.language == "en" ? "?lang=en" : "") + "#o=" +
                a.reference + "&t=" + api::OfferLinkToken(options.offer_key, a.reference);
    p["offer_until"] = api::FormatTimeLocal(a.closed_at, office.schedule.zone).substr(11, 5);
  }
  auto subject = templates.Render(job.type, n.language, TemplatePart::kSubject, p);
  if (!subject.ok()) return subject.status();
  auto text = templates.Render(job.type, n.language, TemplatePart::kText, p);
  if (!text.ok()) return text.status();
  auto html = templates.Render(job.type, n.language, TemplatePart::kHtml, p);
  if (!html.ok()) return html.status();
  n.subject = std::move(subject).value();
  n.text = std::move(text).value();
  n.html = std::move(html).value();
  if (job.type != api::JobType::kCancelled && job.type != api::JobType::kCancelledByOffice &&
      job.type != api::JobType::kWaitlistOffer && job.type != api::JobType::kOptIn) {
    n.qr_png = QrPng("TERMIN:" + a.reference);  // what the kiosk check-in reads (docs/api.md)
    n.qr_alt = n.language == "en"
                   ? "QR code of your booking reference " + a.reference + ": show it at the kiosk to check in"
                   : "QR-Code Ihrer Buchungsnummer " + a.reference + ": zum Anmelden am Terminal vorzeigen";
  }

  // The SMS: GSM-7 only; if it is too long for one part, shorten the office
  // name (the reference, date, time and link must survive whole); if that
  // is not enough (a link behind a long base URL), two joined parts; if not
  // even those, none: the e-mail still goes (an SMS-only contact then fails
  // the job, worker.cc).
  Placeholders sp = p;
  sp["office"] = ToGsm7(p["office"]);
  auto sms = templates.Render(job.type, n.language, TemplatePart::kSms, sp);
  if (!sms.ok()) return sms.status();
  std::string sms_text = ToGsm7(*sms);
  const std::size_t len = Gsm7Length(sms_text).value_or(kSmsLongMaxSeptets + 1);
  if (len > kSmsMaxSeptets) {
    const std::size_t over = len - kSmsMaxSeptets;
    const std::size_t office_len = Gsm7Length(sp["office"]).value_or(0);
    std::string shortened;
    if (office_len > over + 3) {
      sp["office"] = TruncateGsm7(sp["office"], office_len - over - 3) + "...";
      auto again = templates.Render(job.type, n.language, TemplatePart::kSms, sp);
      if (!again.ok()) return again.status();
      shortened = ToGsm7(*again);
    }
    if (!shortened.empty() &&
        Gsm7Length(shortened).value_or(kSmsMaxSeptets + 1) <= kSmsMaxSeptets) {
      sms_text = std::move(shortened);
    } else if (len > kSmsLongMaxSeptets) {
      sms_text.clear();
    }
  }
  n.sms = std::move(sms_text);

  if (job.type != api::JobType::kReminder && job.type != api::JobType::kWaitlistOffer &&
      job.type != api::JobType::kOptIn) {
    std::vector<std::string> names;
    for (const std::string& id : a.booking.services) {
      const api::ServiceInfo* s = catalog.FindService(id);
      names.push_back(s ? s->name.de : id);
    }
    n.ics = api::RenderIcs(a, office, names, now);
  }
  return n;
}

}  // namespace termin::service
