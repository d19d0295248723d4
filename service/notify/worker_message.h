// What the worker sends for one job: texts from the templates, filled with
// the appointment as it is now, in the citizen's language.
//
// The manage link: the store keeps only the SHA-256 of the manage secret, so
// the worker cannot put the secret into a link. With a link key (shared with
// termin-api) the link carries a token derived from that hash
// ("<base>/manage#ref=<reference>&secret=<token>&lang=<lang>",
// api::ManageLinkToken), which the API takes in place of the secret; the
// token is in the fragment, so no server log sees it. Without a key the link
// names the reference only (docs/notifications.md has the reasoning).
//
// Every message carries an id derived from its job only ("<kind>.<due
// ms>.<reference>@<domain>"): the same job sent twice (at-least-once) gives
// the same e-mail Message-ID and SMS id, so a receiver can drop the repeat.
//
// Thread safety: pure functions.
#ifndef TERMIN_SERVICE_NOTIFY_WORKER_MESSAGE_H_
#define TERMIN_SERVICE_NOTIFY_WORKER_MESSAGE_H_

#include <string>
#include <string_view>

#include "api/domain/catalog.h"
#include "api/store.h"
#include "service/notify/worker_templates.h"

namespace termin::service {

struct ComposeOptions {
  std::string base_url = "https://termine.example.de";  // the booking site, no trailing slash
  std::string domain = "termin.example";                // right of '@' in message ids
  std::string link_key;  // manage-link tokens (api::ManageLinkToken); empty: none
  // Waitlist offer links (api::OfferLinkToken): the same key as termin-api's
  // (--link-key-file; termin-api without one uses a key of its own process,
  // which its in-process worker shares).
  std::string offer_key;
};

// The manage link of `a` in its contact's language (see above).
std::string ManageLinkFor(const api::AppointmentRecord& a, const ComposeOptions& options);

struct Notification {
  std::string message_id;  // without angle brackets
  std::string language;    // "de" | "en"
  std::string subject;
  std::string text;
  std::string html;
  // Fits one SMS (kSmsMaxSeptets), or two joined (kSmsLongMaxSeptets) when
  // not even a shortened office name makes it fit one; empty if it cannot
  // be made to fit two either (the SMS is then not sent, the e-mail is).
  std::string sms;
  std::string ics;         // RFC 5545 (api::RenderIcs); empty for reminders
  // The reference as a QR code (service/notify/qr_png.h) for the kiosk's scanner,
  // shown in the HTML part; empty for cancellations.
  std::string qr_png;
  std::string qr_alt;      // its text alternative
};

std::string MessageIdFor(const api::OutboxJob& job, std::string_view domain);

// The placeholder values for an appointment (all of them, for every template).
Placeholders PlaceholdersFor(const api::AppointmentRecord& a, const api::OfficeInfo& office,
                             const api::Catalog& catalog, const ComposeOptions& options);

// InvalidArgument if a template does not render. The SMS is made to fit
// one part by shortening the office name if that is enough, else it may
// take two parts, else it is left empty (see Notification::sms).
Result<Notification> ComposeNotification(const TemplateSet& templates, const api::OutboxJob& job,
                                         const api::AppointmentRecord& a,
                                         const api::OfficeInfo& office,
                                         const api::Catalog& catalog,
                                         const ComposeOptions& options, api::TimePoint now);

}  // namespace termin::service

#endif  // TERMIN_SERVICE_NOTIFY_WORKER_MESSAGE_H_
