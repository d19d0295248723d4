// RFC 9457 problem details: every error the API answers with.
//
// A Problem names its kind by a slug (type
// "https://termin.example/problems/<slug>"); the HTTP status follows from
// the slug, the title from the slug and the language. `detail` is written for
// the client and must never carry internals or personal data (a 500 always
// says the same generic sentence).
//
// Thread safety: plain values and pure functions.
#ifndef TERMIN_API_JSON_PROBLEM_H_
#define TERMIN_API_JSON_PROBLEM_H_

#include <string>
#include <vector>

#include "api/domain/catalog.h"
#include "api/http/http_types.h"
#include "scheduler/status.h"

namespace termin::api {

inline constexpr const char* kProblemTypeBase = "https://termin.example/problems/";

// A free start offered instead of a taken one.
struct Alternative {
  std::string office;
  std::string start;  // RFC 3339, office offset
};

// An appointment an admin change would affect.
struct AffectedAppointment {
  std::string reference;
  std::string start;
};

struct Problem {
  std::string slug = "internal";  // "bad-request", "slot-taken", ...
  std::string detail;
  std::vector<FieldError> errors;
  std::vector<Alternative> alternatives;
  std::vector<AffectedAppointment> appointments;
  bool has_alternatives = false;  // render "alternatives" even if empty
  bool has_appointments = false;
  std::string allow;              // the Allow header (405)
};

// The HTTP status of a slug (500 for unknown slugs).
int ProblemStatus(const std::string& slug);
std::string ProblemTitle(const std::string& slug, Language lang);

// The problem a Status stands for (OK is not a problem: internal).
Problem ProblemFromStatus(const Status& status);
Problem MakeProblem(std::string slug, std::string detail);

HttpResponse RenderProblem(const Problem& problem, Language lang);

}  // namespace termin::api

#endif  // TERMIN_API_JSON_PROBLEM_H_
