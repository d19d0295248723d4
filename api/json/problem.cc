#include "api/json/problem.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string_view>

#include "api/http/utf8.h"

namespace termin::api {
namespace {

struct SlugInfo {
  const char* slug;
  int status;
  const char* title_de;
  const char* title_en;
};

constexpr SlugInfo kSlugs[] = {
    {"bad-request", 400, "Ungültige Anfrage", "Bad request"},
    {"unauthorized", 401, "Anmeldung erforderlich", "Unauthorized"},
    {"forbidden", 403, "Keine Berechtigung", "Forbidden"},
    {"not-found", 404, "Nicht gefunden", "Not found"},
    {"method-not-allowed", 405, "Methode nicht erlaubt", "Method not allowed"},
    {"slot-taken", 409, "Termin bereits vergeben", "Slot taken"},
    {"conflict", 409, "Konflikt", "Conflict"},
    {"no-ticket", 409, "Heute keine Wartenummer mehr", "No ticket today"},
    {"queue-empty", 404, "Niemand wartet", "Nobody waiting"},
    {"hold-extension-limit", 409, "Reservierung kann nicht weiter verlängert werden",
     "The hold cannot be extended any further"},
    {"hold-expired", 410, "Reservierung abgelaufen", "Hold expired"},
    {"hold-void", 410, "Reservierung nicht mehr gültig: Das Amt hat seine Zeiten geändert",
     "Hold no longer valid: the office changed its hours"},
    {"too-many-appointments", 409, "Mit diesen Kontaktdaten sind schon genug Termine gebucht",
     "These contact details already have enough appointments booked"},
    {"too-many-wishes", 409, "Mit diesen Kontaktdaten wird hier schon auf genug Termine gewartet",
     "These contact details already wait for enough places here"},
    {"request-timeout", 408, "Zeitüberschreitung der Anfrage", "Request timeout"},
    {"payload-too-large", 413, "Anfrage zu groß", "Payload too large"},
    {"unsupported-media-type", 415, "Nicht unterstützter Inhaltstyp", "Unsupported media type"},
    {"unprocessable", 422, "Nicht verarbeitbar", "Unprocessable"},
    {"too-many-requests", 429, "Zu viele Anfragen", "Too many requests"},
    {"release-queue", 429, "Neue Termine werden freigegeben: bitte in die Warteschlange",
     "New places are being released: please join the queue"},
    {"no-release", 409, "Hier wird gerade keine Warteschlange für neue Termine geführt",
     "No release queue is open here"},
    {"proof-of-work-required", 428, "Sicherheitsprüfung nötig: Ihr Gerät rechnet kurz",
     "Proof of work required"},
    {"header-too-large", 431, "Kopfzeilen zu groß", "Request header fields too large"},
    {"internal", 500, "Interner Fehler", "Internal error"},
    {"unavailable", 503, "Vorübergehend nicht verfügbar", "Service unavailable"},
};

const SlugInfo& Find(const std::string& slug) {
  for (const auto& s : kSlugs) {
    if (slug == s.slug) return s;
  }
  for (const auto& s : kSlugs) {
    if (std::string_view(s.slug) == "internal") return s;
  }
  return kSlugs[0];  // not reached: "internal" is in the table
}

}  // namespace

int ProblemStatus(const std::string& slug) { return Find(slug).status; }

std::string ProblemTitle(const std::string& slug, Language lang) {
  const SlugInfo& s = Find(slug);
  return lang == Language::kEn ? s.title_en : s.title_de;
}

Problem MakeProblem(std::string slug, std::string detail) {
  Problem p;
  p.slug = std::move(slug);
  p.detail = std::move(detail);
  return p;
}

Problem ProblemFromStatus(const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument: return MakeProblem("bad-request", status.message());
    case StatusCode::kUnprocessable: return MakeProblem("unprocessable", status.message());
    case StatusCode::kUnauthenticated: return MakeProblem("unauthorized", status.message());
    case StatusCode::kPermissionDenied: return MakeProblem("forbidden", status.message());
    case StatusCode::kNotFound: return MakeProblem("not-found", status.message());
    case StatusCode::kConflict: return MakeProblem("conflict", status.message());
    case StatusCode::kGone: return MakeProblem("hold-expired", status.message());
    case StatusCode::kFailedPrecondition: return MakeProblem("conflict", status.message());
    case StatusCode::kResourceExhausted: return MakeProblem("too-many-appointments", status.message());
    case StatusCode::kUnavailable:
    case StatusCode::kAborted:  // retried once after a reload; a second one is rare
      return MakeProblem("unavailable", "The service is temporarily unavailable; retry later.");
    case StatusCode::kOk:
    case StatusCode::kInternal:
      break;
  }
  return MakeProblem("internal", "An internal error occurred.");
}

HttpResponse RenderProblem(const Problem& problem, Language lang) {
  const SlugInfo& info = Find(problem.slug);
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("type");
  w.String((std::string(kProblemTypeBase) + info.slug).c_str());
  w.Key("title");
  w.String(lang == Language::kEn ? info.title_en : info.title_de);
  w.Key("status");
  w.Int(info.status);
  // A 500 never explains itself: the detail could leak internals.
  std::string detail = info.status == 500 ? "An internal error occurred." : ValidUtf8(problem.detail);
  if (detail.empty()) detail = info.title_en;
  w.Key("detail");
  w.String(detail.c_str(), static_cast<rapidjson::SizeType>(detail.size()));
  if (!problem.errors.empty()) {
    w.Key("errors");
    w.StartArray();
    for (const auto& e : problem.errors) {
      w.StartObject();
      const std::string field = ValidUtf8(e.field);
      const std::string message = ValidUtf8(e.message);
      w.Key("field");
      w.String(field.c_str(), static_cast<rapidjson::SizeType>(field.size()));
      w.Key("message");
      w.String(message.c_str(), static_cast<rapidjson::SizeType>(message.size()));
      w.EndObject();
    }
    w.EndArray();
  }
  if (problem.has_alternatives || !problem.alternatives.empty()) {
    w.Key("alternatives");
    w.StartArray();
    for (const auto& a : problem.alternatives) {
      w.StartObject();
      w.Key("office");
      w.String(a.office.c_str());
      w.Key("start");
      w.String(a.start.c_str());
      w.EndObject();
    }
    w.EndArray();
  }
  if (problem.has_appointments || !problem.appointments.empty()) {
    w.Key("appointments");
    w.StartArray();
    for (const auto& a : problem.appointments) {
      w.StartObject();
      w.Key("reference");
      w.String(a.reference.c_str());
      w.Key("start");
      w.String(a.start.c_str());
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
  HttpResponse r;
  r.status = info.status;
  r.content_type = "application/problem+json";
  r.body.assign(buf.GetString(), buf.GetSize());
  if (!problem.allow.empty()) r.headers.emplace_back("Allow", problem.allow);
  return r;
}

}  // namespace termin::api
