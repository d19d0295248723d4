#include "service/notify/worker_templates.h"

#include <fstream>
#include <sstream>

namespace termin::service {

namespace {

constexpr api::JobType kAllTypes[] = {api::JobType::kConfirmation, api::JobType::kReminder,
                                      api::JobType::kMoved, api::JobType::kCancelled,
                                      api::JobType::kCancelledByOffice,
                                      api::JobType::kWaitlistOffer, api::JobType::kOptIn};

std::string_view PartName(TemplatePart p) {
  switch (p) {
    case TemplatePart::kSubject: return "subject";
    case TemplatePart::kText: return "text";
    case TemplatePart::kHtml: return "html";
    case TemplatePart::kSms: return "sms";
  }
  return "text";
}

std::string Key(api::JobType type, std::string_view lang, TemplatePart part) {
  return std::string(JobKindName(type)) + "." + std::string(lang) + "." + std::string(PartName(part));
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("template missing: " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::string_view JobKindName(api::JobType type) {
  switch (type) {
    case api::JobType::kConfirmation: return "confirmation";
    case api::JobType::kReminder: return "reminder";
    case api::JobType::kMoved: return "moved";
    case api::JobType::kCancelled: return "cancelled";
    case api::JobType::kCancelledByOffice: return "cancelled_by_office";
    case api::JobType::kWaitlistOffer: return "waitlist_offer";
    case api::JobType::kOptIn: return "opt_in";
  }
  return "confirmation";
}

std::string HtmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

Result<std::string> RenderTemplate(std::string_view text, const Placeholders& values, bool html) {
  std::string out;
  out.reserve(text.size() + 256);
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      out.append(text.substr(pos));
      break;
    }
    out.append(text.substr(pos, open - pos));
    std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) return Status::InvalidArgument("unclosed {{ in template");
    std::string_view key = text.substr(open + 2, close - open - 2);
    auto it = values.find(key);
    if (it == values.end()) {
      return Status::InvalidArgument("unknown placeholder {{" + std::string(key) + "}}");
    }
    out += html ? HtmlEscape(it->second) : it->second;
    pos = close + 2;
  }
  return out;
}

Result<TemplateSet> TemplateSet::Load(const std::string& dir) {
  TemplateSet set;
  for (api::JobType type : kAllTypes) {
    for (const char* lang : kTemplateLanguages) {
      std::string base = dir + "/" + std::string(JobKindName(type)) + "." + lang;
      auto txt = ReadFile(base + ".txt");
      if (!txt.ok()) return txt.status();
      constexpr std::string_view kSubject = "Subject: ";
      std::size_t eol = txt->find('\n');
      if (txt->rfind(kSubject, 0) != 0 || eol == std::string::npos) {
        return Status::InvalidArgument(base + ".txt: the first line must be \"Subject: ...\"");
      }
      set.texts_[Key(type, lang, TemplatePart::kSubject)] =
          txt->substr(kSubject.size(), eol - kSubject.size());
      std::size_t body = eol + 1;
      if (body < txt->size() && (*txt)[body] == '\n') ++body;  // the blank line
      set.texts_[Key(type, lang, TemplatePart::kText)] = txt->substr(body);
      auto html = ReadFile(base + ".html");
      if (!html.ok()) return html.status();
      set.texts_[Key(type, lang, TemplatePart::kHtml)] = std::move(html).value();
      auto sms = ReadFile(base + ".sms.txt");
      if (!sms.ok()) return sms.status();
      std::string s = std::move(sms).value();
      while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
      set.texts_[Key(type, lang, TemplatePart::kSms)] = std::move(s);
    }
  }
  return set;
}

const std::string& TemplateSet::Raw(api::JobType type, const std::string& language,
                                    TemplatePart part) const {
  return texts_.at(Key(type, language == "en" ? "en" : "de", part));
}

Result<std::string> TemplateSet::Render(api::JobType type, const std::string& language,
                                        TemplatePart part, const Placeholders& values) const {
  return RenderTemplate(Raw(type, language, part), values, part == TemplatePart::kHtml);
}

}  // namespace termin::service
