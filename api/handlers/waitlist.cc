// Handlers of the waitlist ("notify me", #14; api/domain/waitlist.h): a
// citizen leaves a wish when nothing fits, withdraws it with its secret, and
// answers an offer (the link in the worker's message carries the offer's
// token, OfferLinkToken) by accepting it (an appointment) or declining it
// (the place goes to the next wish). The matching itself is the store's
// (api/store.h, Wish).
#include "api/app.h"
#include "api/domain/waitlist.h"
#include "api/http/request_parsing.h"
#include "api/json/json_input.h"
#include "api/json/render.h"
#include "api/security/limits.h"
#include "api/security/secrets.h"

namespace termin::api {
namespace {

HttpResponse NoContent() {
  HttpResponse resp;
  resp.status = 204;
  resp.content_type.clear();
  return resp;
}

}  // namespace

void App::ForgetWishQuota(const Wish& wish) {
  for (const std::string& identity : IdentityDigests(wish.contact)) {
    (void)store_->ForgetOpenHold(WishQuotaBucket(wish.office_id, identity), wish.id);
  }
}

HttpResponse App::CreateWish(const Call& call) {
  rapidjson::Document doc;
  if (auto bad = ReadJson(call, doc)) return *bad;
  std::vector<FieldError> errors;
  ObjectReader r(doc, "", &errors);
  WishRequest wish;
  auto services = r.StringArray("services", true, kMaxServicesPerVisit, kMaxIdLength);
  auto offices = r.StringArray("offices", false, 64, kMaxIdLength);
  auto weekdays = r.StringArray("weekdays", false, 7, 3);
  auto from = r.String("from", false, 5);
  auto to = r.String("to", false, 5);
  auto latest = r.String("latest", true, 10);
  const rapidjson::Value* contact_value = r.Object("contact", true);
  r.Finish();
  if (services) wish.services = *services;
  if (services && services->empty()) errors.push_back({"services", "must not be empty"});
  if (offices) wish.offices = *offices;
  if (weekdays) {
    static constexpr const char* kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    for (const std::string& d : *weekdays) {
      int index = 0;
      while (index < 7 && d != kDays[index]) ++index;
      if (index == 7) {
        errors.push_back({"weekdays", "each day must be one of mon, tue, wed, thu, fri, sat, sun"});
        break;
      }
      wish.weekdays.push_back(index + 1);
    }
  }
  if (from) {
    if (auto t = ParseTimeOfDay(*from)) wish.from = *t; else errors.push_back({"from", "must be HH:MM"});
  }
  if (to) {
    if (*to == "24:00") {
      wish.to = Minutes(24 * 60);
    } else if (auto t = ParseTimeOfDay(*to)) {
      wish.to = *t;
    } else {
      errors.push_back({"to", "must be HH:MM"});
    }
  }
  if (wish.from >= wish.to) errors.push_back({"to", "must be after from"});
  if (latest) {
    if (auto d = ParseDate(*latest)) wish.latest = *d; else errors.push_back({"latest", "must be YYYY-MM-DD"});
  }
  if (contact_value) ParseContact(*contact_value, "contact", errors, wish.contact);
  if (errors.empty() && wish.contact.email.empty() && wish.contact.phone.empty()) {
    errors.push_back({"contact", "needs an e-mail address or a phone number to send the offer to"});
  }
  if (!errors.empty()) return BadRequest(call, std::move(errors), "invalid wish");
  const std::string secret = NewSecret();
  auto catalog = catalog_.Get();
  auto made = MakeWishes(*catalog, wish, Sha256Hex(secret), offer_key_, clock_->Now());
  if (!made.ok()) return Error(call, made.status());
  // Fair use (rules.appointments_per_identity): a person who already has as
  // many future appointments at an office as it allows, for a service of the
  // wish, could accept no offer there (the confirm would be refused), so the
  // wish is refused as a booking would be, before anything is written. The
  // store passes such a wish over at every offer too (Wish::identities),
  // for one who books up to the quota later. A store that cannot answer
  // lets the wish through.
  for (const Wish& w : *made) {
    if (w.identity_limit <= 0) continue;
    auto full = store_->IdentityAtLimit(w.office_id, w.identities, w.services, w.identity_limit);
    if (full.ok() && *full) {
      return Problem(call, MakeProblem("too-many-appointments",
                                       "these contact details already have " +
                                           std::to_string(w.identity_limit) +
                                           " appointment(s) for these services at " + w.office_id +
                                           "; an offer there could not be accepted"));
    }
  }
  // Fair use (rules.wishes_per_identity): every identity of the contact
  // counts its open wishes per office in the store's counters, shared by
  // every replica, each until its wish ends or expires. A store that cannot
  // answer lets the wish through (a limit never adds an outage).
  std::vector<Wish> admitted;
  auto forget_admitted = [&] {
    for (const Wish& w : admitted) ForgetWishQuota(w);
  };
  const std::vector<std::string> identities = IdentityDigests(wish.contact);
  for (const Wish& w : *made) {
    const OfficeInfo* office = catalog->FindOffice(w.office_id);
    if (!office || office->wishes_per_identity <= 0) continue;
    const auto ttl = std::chrono::duration_cast<std::chrono::milliseconds>(w.expires_at - clock_->Now());
    for (const std::string& identity : identities) {
      auto decision = store_->AdmitOpenHold(WishQuotaBucket(w.office_id, identity), w.id,
                                            office->wishes_per_identity, ttl);
      if (decision.ok() && !decision->allowed) {
        forget_admitted();
        ForgetWishQuota(w);
        return Problem(call, MakeProblem("too-many-wishes",
                                         "these contact details already wait for " +
                                             std::to_string(office->wishes_per_identity) +
                                             " place(s) at " + office->id +
                                             "; withdraw a wish there first"));
      }
    }
    admitted.push_back(w);
  }
  std::string body = "{\"secret\":\"" + secret + "\",\"wishes\":[";
  bool first = true;
  for (Wish& w : *made) {
    auto added = store_->AddWish(w);
    if (!added.ok()) {
      forget_admitted();
      return Error(call, added.status());
    }
    // A place already freed and waiting (lapsed, or released during the
    // office's delay) may suit at once.
    (void)store_->OfferReleased(w.office_id);
    const OfficeInfo* office = catalog->FindOffice(w.office_id);
    if (!first) body += ",";
    first = false;
    body += "{\"id\":\"" + w.id + "\",\"office\":\"" + w.office_id + "\",\"expires_at\":\"" +
            FormatTimeLocal(w.expires_at, office ? office->schedule.zone : nullptr) + "\"}";
  }
  body += "]}";
  return Json(201, std::move(body));
}

HttpResponse App::WithdrawWish(const Call& call) {
  auto secret = call.request.Header("x-wish-secret");
  if (!secret || secret->empty() || secret->size() > 200) {
    return Problem(call, MakeProblem("not-found", "no such wish"));
  }
  const std::string& id = call.Param("wishId");
  auto wish = store_->GetWish(id);
  Status s = store_->WithdrawWish(id, Sha256Hex(*secret));
  if (!s.ok()) return Error(call, s);
  if (wish.ok()) ForgetWishQuota(*wish);
  booker_.ForgetClaims(std::string(OfficeInHoldId(id)));
  return NoContent();
}

Result<HoldRecord> App::OfferForCall(const Call& call) {
  auto token = call.request.Header("x-offer-token");
  const std::string& hold_id = call.Param("holdId");
  if (!token || token->empty() || token->size() > 200) return Status::NotFound("no such offer");
  const bool good = ConstantTimeEquals(OfferLinkToken(offer_key_, hold_id), *token);
  auto hold = store_->GetHold(hold_id);
  if (!good || !hold.ok() || hold->wish_id.empty()) return Status::NotFound("no such offer");
  return hold;
}

HttpResponse App::GetOffer(const Call& call) {
  auto hold = OfferForCall(call);
  if (!hold.ok()) return Error(call, hold.status());
  auto catalog = catalog_.Get();
  const OfficeInfo* office = catalog->FindOffice(hold->booking.office_id);
  if (!office) return Error(call, Status::NotFound("no such offer"));
  const bool live = hold->expires_at > clock_->Now() && !hold->voided;
  std::string services;
  for (const std::string& s : hold->booking.services) {
    services += (services.empty() ? "\"" : ",\"") + s + "\"";
  }
  return Json(200, "{\"id\":\"" + hold->id + "\",\"office\":\"" + office->id +
                       "\",\"services\":[" + services + "],\"start\":\"" +
                       FormatInstant(hold->booking.start, *office) + "\",\"end\":\"" +
                       FormatInstant(hold->booking.end, *office) + "\",\"expires_at\":\"" +
                       FormatTimeLocal(hold->expires_at, office->schedule.zone) +
                       "\",\"open\":" + (live ? "true" : "false") + "}");
}

HttpResponse App::AcceptOffer(const Call& call) {
  auto hold = OfferForCall(call);
  if (!hold.ok()) return Error(call, hold.status());
  auto wish = store_->GetWish(hold->wish_id);
  if (!wish.ok()) {
    if (wish.status().code() == StatusCode::kNotFound) {
      return Problem(call, MakeProblem("hold-expired", "the offer lapsed or was answered already"));
    }
    return Error(call, wish.status());
  }
  auto catalog = catalog_.Get();
  ConfirmRefusal refusal;
  auto token = call.request.Header("x-offer-token");
  auto made = booker_.Confirm(*catalog, hold->id, *token, std::nullopt, wish->contact, &refusal);
  if (!made.ok()) {
    if (made.status().code() == StatusCode::kGone) {
      struct Problem p = MakeProblem("hold-expired", "the offer lapsed; nothing was booked");
      p.alternatives = std::move(refusal.alternatives);
      p.has_alternatives = true;
      return Problem(call, p);
    }
    return Error(call, made.status());
  }
  const OfficeInfo* office = catalog->FindOffice(made->record.booking.office_id);
  if (!office) return Error(call, Status::Internal("office vanished"));
  ForgetWishQuota(*wish);
  AppointmentView view;
  view.manage_secret = made->manage_secret;
  HttpResponse resp = Json(201, RenderAppointment(made->record, *office, view));
  resp.headers.emplace_back("Location", "/v1/appointments/" + made->record.reference);
  return resp;
}

HttpResponse App::DeclineOffer(const Call& call) {
  auto hold = OfferForCall(call);
  if (!hold.ok()) return Error(call, hold.status());
  auto token = call.request.Header("x-offer-token");
  auto wish = store_->GetWish(hold->wish_id);
  Status s = store_->ReleaseHold(hold->id, Sha256Hex(*token));
  if (!s.ok()) return Error(call, s);
  if (wish.ok()) ForgetWishQuota(*wish);
  booker_.ForgetClaims(hold->booking.office_id);
  return NoContent();
}

void App::SweepWaitlist() {
  auto catalog = catalog_.Get();
  for (const OfficeInfo& office : catalog->offices) {
    auto offered = store_->OfferReleased(office.id);
    if (offered.ok() && *offered > 0) booker_.ForgetClaims(office.id);
  }
}

}  // namespace termin::api
