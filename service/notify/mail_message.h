// The e-mail of a notification as an RFC 5322 / MIME message:
//
//   multipart/mixed
//     multipart/alternative
//       text/plain; charset=utf-8   (base64)
//       text/html;  charset=utf-8   (base64), or with the reference's QR code:
//       multipart/related { text/html, image/png (Content-ID, inline) }
//     text/calendar; method=PUBLISH; name="termin.ics"  (attachment, base64)
//
// The .ics part is left out when the notification has none (reminders).
// The Message-ID is the notification's id, so a repeat of the same job
// carries the same Message-ID. Header values with non-ASCII text use RFC 2047
// encoded words. Lines end in CRLF, none longer than 78 characters.
//
// Thread safety: pure functions.
#ifndef TERMIN_SERVICE_NOTIFY_MAIL_MESSAGE_H_
#define TERMIN_SERVICE_NOTIFY_MAIL_MESSAGE_H_

#include <string>
#include <string_view>

#include "api/clock.h"
#include "service/notify/worker_message.h"

namespace termin::service {

// Base64 with CRLF after every 76 characters (and at the end).
std::string Base64Lines(std::string_view data);
// An RFC 2047 "=?UTF-8?B?...?=" header value (words joined by CRLF SP), or
// the text itself if it is printable ASCII.
std::string EncodeHeaderText(std::string_view utf8);
// "Tue, 01 Dec 2026 09:30:00 +0000".
std::string Rfc5322Date(api::TimePoint t);

std::string BuildMailMessage(const Notification& n, std::string_view from, std::string_view to,
                             api::TimePoint now);

}  // namespace termin::service

#endif  // TERMIN_SERVICE_NOTIFY_MAIL_MESSAGE_H_
