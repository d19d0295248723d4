#include "api/app.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "api/domain/booking.h"
#include "api/json/json_input.h"
#include "api/json/render.h"
#include "api/log/log.h"
#include "api/log/request_id.h"
#include "api/security/secrets.h"

namespace termin::api {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string Trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return std::string(s.substr(b, e - b));
}

// Method names come from the client: log only what looks like one.
std::string LoggableMethod(const std::string& m) {
  if (m.empty() || m.size() > 10) return "OTHER";
  for (char c : m) {
    if (c < 'A' || c > 'Z') return "OTHER";
  }
  return m;
}

void WriteAccessLog(const std::string& request_id, const std::string& method,
                    const std::string& route, int status, double ms) {
  // The route template, never the path: a path can hold a reference.
  Log(status >= 500 ? "error" : "info", "request",
      {{"request_id", request_id}, {"method", method}, {"route", route}, {"status", status},
       {"ms", ms}});
}

}  // namespace

Language ParseAcceptLanguage(const std::optional<std::string>& header) {
  if (!header) return Language::kDe;
  // "en-US,en;q=0.9,de;q=0.8": the highest-ranked of de/en wins; ties go to
  // the earlier entry; de if neither appears.
  double best_q = -1;
  Language best = Language::kDe;
  std::string_view rest = *header;
  while (!rest.empty()) {
    std::size_t comma = rest.find(',');
    std::string item = Trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    std::string tag = Lower(Trim(item.substr(0, item.find(';'))));
    double q = 1.0;
    std::size_t qpos = item.find(";q=");
    if (qpos == std::string::npos) qpos = item.find("; q=");
    if (qpos != std::string::npos) {
      std::string qs = item.substr(item.find('=', qpos) + 1);
      char* end = nullptr;
      q = std::strtod(qs.c_str(), &end);
      if (end == qs.c_str() || q < 0 || q > 1) q = 0;
    }
    std::string primary = tag.substr(0, tag.find('-'));
    if ((primary == "de" || primary == "en") && q > best_q && q > 0) {
      best_q = q;
      best = primary == "en" ? Language::kEn : Language::kDe;
    }
  }
  return best;
}

bool ValidIdempotencyKey(const std::string& key) {
  if (key.empty() || key.size() > 200) return false;
  return std::all_of(key.begin(), key.end(), [](char c) { return c >= 0x21 && c <= 0x7e; });
}

App::App(std::shared_ptr<Store> store, std::shared_ptr<const Clock> clock, Catalog catalog,
         KeyTable keys, ApiOptions options)
    : store_(std::move(store)),
      clock_(std::move(clock)),
      catalog_(std::move(catalog)),
      keys_(std::move(keys)),
      options_(options),
      booker_(*store_, *clock_, &metrics_,
              BookingOptions{options.max_attempts, options.hold_ttl_override, 5,
                             options.claims_snapshot_max_age, options.claims_refusal_max_age,
                             options.max_hold_extensions}),
      fair_use_(store_, options.fair_use),
      pow_key_(options.pow_key.empty() ? NewSecret() + NewSecret() : options.pow_key),
      offer_key_(!options.offer_key.empty() ? options.offer_key
                 : options.link_key.empty() ? NewSecret() + NewSecret()
                                            : options.link_key) {
  RegisterRoutes();
  booker_.SetCatalogReloader([this] {
    (void)RefreshCatalog();  // a document that does not parse keeps its last good version
    // An admin change of this process saves to the store and then to the
    // catalogue under admin_mutex_: a step that met the store's new version
    // waits for the catalogue to follow.
    { std::lock_guard<std::mutex> wait(admin_mutex_); }
    return catalog_.Get();
  });
}

Status App::SeedStore() {
  auto catalog = catalog_.Get();
  auto services = store_->GetServiceConfigs();
  if (!services.ok()) return services.status();
  for (const ServiceInfo& s : catalog->services) {
    if (services->count(s.id)) continue;
    auto put = store_->PutServiceConfig(s.id, ServiceToJson(s));
    if (!put.ok()) return put.status();
  }
  // Each office's version in the store goes into the catalogue, so that
  // every booking step carries it (the office config fence, api/store.h)
  // from the first request on, on the embedded store too.
  Catalog next = *catalog;
  for (OfficeInfo& o : next.offices) {
    auto current = store_->GetOfficeConfig(o.id);
    if (!current.ok()) return current.status();
    if (current->version == 0) {
      OfficeChange first;
      first.document = OfficeToJson(o);
      auto put = store_->PutOfficeConfig(o.id, first);
      // Conflict: another replica starting at the same moment seeded it
      // first; what the store holds wins, as for an office found above.
      if (!put.ok() && put.status().code() != StatusCode::kConflict) return put.status();
      if (put.ok()) o.config_version = put->version;
    }  // else the document in the store may differ: RefreshCatalog loads it with its version
  }
  catalog_.Set(std::move(next));
  return Status::Ok();
}

// Services first: offices are parsed against the services they offer, and
// UpsertService refreshes a changed service's duration in every office. Only
// offices whose version moved are read and parsed again. The versions
// recorded are those of the documents read (which may be newer than the
// poll's): a version that moves between poll and read just causes one more
// reload on the next poll. A document that does not parse is not recorded,
// so it is tried again on every poll until it is fixed.
Status App::RefreshCatalog() {
  auto versions = store_->GetConfigVersions();
  if (!versions.ok()) {
    if (versions.status().code() == StatusCode::kFailedPrecondition) return Status::Ok();
    return versions.status();
  }
  std::lock_guard<std::mutex> lock(admin_mutex_);
  if (loaded_versions_ && *loaded_versions_ == *versions) return Status::Ok();
  Catalog next = *catalog_.Get();
  ConfigVersions loaded;
  int broken = 0;
  if (loaded_versions_ && loaded_versions_->services == versions->services) {
    loaded.services = loaded_versions_->services;
  } else {
    auto docs = store_->GetServiceConfigs();
    if (!docs.ok()) return docs.status();
    for (const auto& [id, doc] : *docs) {
      auto parsed = ParseServiceJson(doc.document);
      if (!parsed.ok() || parsed->id != id) {
        ++broken;
        continue;
      }
      UpsertService(next, std::move(parsed).value());
      loaded.services[id] = doc.version;
    }
  }
  for (const auto& [id, version] : versions->offices) {
    if (loaded_versions_) {
      auto seen = loaded_versions_->offices.find(id);
      if (seen != loaded_versions_->offices.end() && seen->second == version) {
        loaded.offices[id] = version;
        continue;
      }
    }
    auto doc = store_->GetOfficeConfig(id);
    if (!doc.ok()) return doc.status();
    if (doc->version == 0) continue;
    auto parsed = ParseOfficeJson(doc->document, next.services);
    if (!parsed.ok() || parsed->id != id) {
      ++broken;
      continue;
    }
    parsed->config_version = doc->version;
    UpsertOffice(next, std::move(parsed).value());
    loaded.offices[id] = doc->version;
  }
  catalog_.Set(std::move(next));
  loaded_versions_ = std::move(loaded);
  if (broken > 0) {
    return Status::Unprocessable(std::to_string(broken) +
                                 " configuration document(s) in the store do not parse; their "
                                 "last good version stays in service");
  }
  return Status::Ok();
}

HttpResponse App::Json(int status, std::string body) const {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(body);
  return r;
}

HttpResponse App::Problem(const Call& call, const struct Problem& p) const {
  return RenderProblem(p, call.lang);
}

HttpResponse App::Error(const Call& call, const Status& s) const {
  return RenderProblem(ProblemFromStatus(s), call.lang);
}

HttpResponse App::AppointmentResponse(const Call& call, const AppointmentRecord& a,
                                      const AppointmentView& view) const {
  auto catalog = catalog_.Get();
  const OfficeInfo* office = catalog->FindOffice(a.booking.office_id);
  if (!office) return Error(call, Status::Internal("office vanished"));
  return Json(200, RenderAppointment(a, *office, view));
}

HttpResponse App::BadRequest(const Call& call, std::vector<FieldError> errors,
                             std::string detail) const {
  struct Problem p = MakeProblem("bad-request", std::move(detail));
  p.errors = std::move(errors);
  return RenderProblem(p, call.lang);
}

std::optional<HttpResponse> App::ReadJson(const Call& call, rapidjson::Document& doc) const {
  auto ct = call.request.Header("content-type");
  std::string media = ct ? Lower(Trim(ct->substr(0, ct->find(';')))) : "";
  if (media != "application/json") {
    return Problem(call, MakeProblem("unsupported-media-type",
                                     "the request body must be application/json"));
  }
  std::vector<FieldError> errors;
  if (Status s = ParseJsonBody(call.request.body, doc, &errors); !s.ok()) {
    return BadRequest(call, std::move(errors), "the request body is not acceptable JSON");
  }
  return std::nullopt;
}

Result<Principal> App::Authenticate(const Call& call) const {
  return keys_.Authenticate(call.request.Header("authorization"));
}

HttpResponse App::TooManyRequests(const Call& call, const LimitRefusal& refusal) const {
  HttpResponse resp = Problem(call, MakeProblem("too-many-requests", refusal.detail));
  resp.headers.emplace_back("Retry-After", std::to_string(refusal.retry_after.count()));
  return resp;
}

std::optional<HttpResponse> App::OverRequestLimit(const Call& call) {
  const std::string& path = call.route;
  if (path == "/healthz" || path == "/readyz" || path == "/metrics") return std::nullopt;
  // A staff key counts per key; an unknown key counts as its address (so
  // made-up keys do not open new buckets).
  std::optional<std::string> staff;
  if (auto auth = call.request.Header("authorization"); auth && Authenticate(call).ok()) {
    staff = Sha256Hex(*auth);
  }
  auto refused = fair_use_.AdmitRequest(call.request, staff);
  if (!refused) return std::nullopt;
  metrics_.CountLimited(staff ? "staff_requests" : "requests");
  return TooManyRequests(call, *refused);
}

HttpResponse App::Refusal(const std::string& method, const std::string& slug,
                          const std::string& detail) {
  HttpResponse resp = RenderProblem(MakeProblem(slug, detail), Language::kDe);
  resp.headers.emplace_back("Cache-Control", "no-store");
  // Refused before a request was read whole: no header of it is trusted.
  const std::string request_id = NewRequestId();
  resp.headers.emplace_back("X-Request-Id", request_id);
  std::string logged = method.empty() ? "OTHER" : LoggableMethod(method);
  metrics_.ObserveRequest(logged, "unmatched", resp.status, 0);
  if (options_.access_log) WriteAccessLog(request_id, logged, "unmatched", resp.status, 0);
  return resp;
}

namespace {

// Routes whose answers hold neither personal data nor secrets: the public
// catalogue and the probes. Every other answer says Cache-Control: no-store.
bool Cacheable(const std::string& route) {
  return route == "/v1/offices" || route == "/v1/offices/{officeId}" ||
         route == "/v1/services" || route == "/v1/availability" || route == "/healthz" ||
         route == "/readyz";
}

}  // namespace

HttpResponse App::Handle(const HttpRequest& req) {
  const std::string request_id =
      RequestIdFor(req.Header("x-request-id"), req.Header("traceparent"));
  if (web_) {
    // Static files and OPTIONS are answered before the route table.
    std::string allow = req.method == "OPTIONS" ? router_.Find(req.method, req.path).allow : "";
    if (auto early = web_->Before(req, allow)) {
      early->headers.emplace_back("X-Request-Id", request_id);
      return *early;
    }
  }
  auto t0 = std::chrono::steady_clock::now();
  Language lang = ParseAcceptLanguage(req.Header("accept-language"));
  std::string route_name = "unmatched";
  HttpResponse resp;
  static const std::map<std::string, std::string> kNoParams;
  try {
    // HEAD is GET without the body (RFC 9110, 9.3.2); the server drops it.
    Router::Lookup lookup = router_.Find(req.method == "HEAD" ? "GET" : req.method, req.path);
    if ((", " + lookup.allow + ",").find(" GET,") != std::string::npos) lookup.allow += ", HEAD";
    if (!lookup.route) {
      Call call{req, kNoParams, lang, route_name};
      if (!lookup.allow.empty()) {
        struct Problem p = MakeProblem("method-not-allowed",
                                       "this resource allows " + lookup.allow);
        p.allow = lookup.allow;
        resp = Problem(call, p);
      } else {
        resp = Problem(call, MakeProblem("not-found", "no such resource"));
      }
    } else {
      route_name = lookup.route->path;
      Call call{req, lookup.params, lang, route_name};
      auto key = req.Header("idempotency-key");
      if (auto limited = OverRequestLimit(call)) {
        resp = std::move(*limited);
      } else if (req.body.size() > options_.max_body) {
        resp = Problem(call, MakeProblem("payload-too-large",
                                         "the request body exceeds " +
                                             std::to_string(options_.max_body) + " bytes"));
      } else if (req.method == "POST" && key) {
        if (!ValidIdempotencyKey(*key)) {
          resp = BadRequest(call, {FieldError{"Idempotency-Key", "must be 1 to 200 visible ASCII characters"}},
                            "invalid Idempotency-Key header");
        } else {
          // The record is named by a hash of the route, the caller's
          // credential and the key (docs/api.md, "Idempotent retries"): a
          // stranger who sends the same key without the credential names
          // another record, so nothing replays to them, and nobody can
          // pre-seed a victim's key. The credential is the staff key, else
          // the manage secret or the hold secret (extend, DELETE has no
          // key); a public hold or confirm has none but the
          // key itself (a confirm's hold secret is in the body, which the
          // request hash binds: the same key with another body is a
          // mismatch, never a replay). The stored answer is sealed under the
          // same material, which no store holds: what a store keeps is an
          // opaque name and ciphertext, never a secret or contact data in
          // clear.
          auto auth = req.Header("authorization");
          auto manage = req.Header("x-manage-secret");
          auto hold = req.Header("x-hold-secret");
          std::string credential = auth     ? "key:" + *auth
                                   : manage ? "manage:" + *manage
                                   : hold   ? "hold:" + *hold
                                            : std::string("anonymous");
          const std::string material =
              req.method + " " + req.path + "\n" + credential + "\n" + *key;
          const std::string store_key = Sha256Hex("termin idempotency record v1\n" + material);
          const std::string seal_key = "termin idempotency answer v1\n" + material;
          std::string request_hash = Sha256Hex(req.body);
          auto begin = store_->BeginIdempotent(store_key, request_hash, options_.idempotency_ttl,
                                               options_.idempotency_lease);
          if (!begin.ok()) {
            resp = Error(call, begin.status());
          } else if (begin->outcome == IdempotencyBegin::Outcome::kReplay) {
            auto body = Unseal(seal_key, begin->response.body);
            if (!body) {
              resp = Error(call, Status::Internal("idempotency record does not open"));
            } else {
              resp.status = begin->response.status;
              resp.content_type = begin->response.content_type;
              resp.body = std::move(*body);
              if (!begin->response.location.empty()) {
                resp.headers.emplace_back("Location", begin->response.location);
              }
              resp.headers.emplace_back("Idempotent-Replayed", "true");
            }
          } else if (begin->outcome == IdempotencyBegin::Outcome::kMismatch) {
            resp = Problem(call, MakeProblem("unprocessable",
                                             "this Idempotency-Key was used with a different "
                                             "request"));
          } else if (begin->outcome == IdempotencyBegin::Outcome::kInProgress) {
            resp = Problem(call, MakeProblem("conflict",
                                             "a request with this Idempotency-Key is still in "
                                             "progress; retry in a second"));
            resp.headers.emplace_back("Retry-After", "1");
          } else {
            // The booking steps record this request's token with their own
            // write (StepKey), so a retry after an unknown outcome finds
            // what the first attempt did, whatever this record says.
            StepScope step(StepContext{
                StepKey{Sha256Hex("termin idempotency step v1\n" + material).substr(0, 40),
                        options_.idempotency_ttl},
                "termin idempotency secret v1\n" + material});
            try {
              resp = lookup.route->handler(call);
            } catch (...) {
              (void)store_->AbandonIdempotent(store_key);
              throw;
            }
            if (resp.status >= 400) {
              // A refusal changed nothing worth replaying (and a 5xx is an
              // unknown outcome, which the step markers settle on retry):
              // nothing is kept.
              (void)store_->AbandonIdempotent(store_key);
            } else {
              StoredResponse stored{resp.status, resp.content_type, Seal(seal_key, resp.body), ""};
              for (const auto& [name, value] : resp.headers) {
                if (name == "Location") stored.location = value;
              }
              (void)store_->FinishIdempotent(store_key, stored);
            }
          }
        }
      } else {
        resp = lookup.route->handler(call);
      }
      Audit(call, resp);
    }
  } catch (...) {
    // Nothing of the exception reaches the client: it may name internals.
    resp = RenderProblem(MakeProblem("internal", ""), lang);
  }
  // A handler that chose its own caching (the call display: no-cache with
  // an ETag) keeps it.
  const bool has_cache_control =
      std::any_of(resp.headers.begin(), resp.headers.end(),
                  [](const auto& h) { return h.first == "Cache-Control"; });
  if (!has_cache_control && (!Cacheable(route_name) || resp.status >= 400)) {
    resp.headers.emplace_back("Cache-Control", "no-store");
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::string method = LoggableMethod(req.method);
  metrics_.ObserveRequest(method, route_name, resp.status, seconds);
  resp.headers.emplace_back("X-Request-Id", request_id);
  if (options_.access_log) {
    WriteAccessLog(request_id, method, route_name, resp.status, seconds * 1000);
  }
  if (web_) web_->After(req, resp);
  return resp;
}

}  // namespace termin::api
