// Message texts of the notification worker, loaded from template files.
//
// The texts are files, not code (service/templates/), so that the city can
// word them without a rebuild. For each job kind and language there are:
//   <kind>.<lang>.txt       "Subject: ..." on the first line, a blank line,
//                           then the plain-text body of the e-mail
//   <kind>.<lang>.html      the HTML body of the e-mail
//   <kind>.<lang>.sms.txt   the SMS (must fit one SMS: 160 GSM-7 characters)
// kind: confirmation, reminder, moved, cancelled, cancelled_by_office;
// lang: de, en. Placeholders are {{name}}; an unknown placeholder or an
// unclosed "{{" is an error when rendering, so a typo in a template shows up
// in the tests rather than in a citizen's inbox. In .html, values are
// HTML-escaped.
//
// Thread safety: a loaded TemplateSet is immutable; const methods from any thread.
#ifndef TERMIN_SERVICE_NOTIFY_WORKER_TEMPLATES_H_
#define TERMIN_SERVICE_NOTIFY_WORKER_TEMPLATES_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "api/store.h"
#include "scheduler/status.h"

namespace termin::service {

using Placeholders = std::map<std::string, std::string, std::less<>>;

enum class TemplatePart {
  kSubject,  // the first line of .txt, without "Subject: "
  kText,     // the rest of .txt
  kHtml,     // .html
  kSms,      // .sms.txt, trailing newlines removed
};

// "confirmation", "reminder", "moved", "cancelled", "cancelled_by_office".
std::string_view JobKindName(api::JobType type);
inline constexpr const char* kTemplateLanguages[] = {"de", "en"};

// Replaces every {{key}} with its value (HTML-escaped if `html`).
// InvalidArgument for an unknown key or an unclosed "{{".
Result<std::string> RenderTemplate(std::string_view text, const Placeholders& values, bool html);

std::string HtmlEscape(std::string_view s);

class TemplateSet {
 public:
  // Reads every template of every kind and language from `dir`; NotFound
  // names the first missing file, InvalidArgument a .txt without a subject.
  static Result<TemplateSet> Load(const std::string& dir);

  // `language` other than "en" falls back to "de" (German by default).
  Result<std::string> Render(api::JobType type, const std::string& language, TemplatePart part,
                             const Placeholders& values) const;

  // The raw text (tests check placeholders and lengths over all of them).
  const std::string& Raw(api::JobType type, const std::string& language, TemplatePart part) const;

 private:
  std::map<std::string, std::string> texts_;  // "<kind>.<lang>.<part>" -> text
};

}  // namespace termin::service

#endif  // TERMIN_SERVICE_NOTIFY_WORKER_TEMPLATES_H_
