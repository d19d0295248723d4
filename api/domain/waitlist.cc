#include "api/domain/waitlist.h"

#include <openssl/hmac.h>

#include <algorithm>

#include <date/tz.h>

#include "api/security/limits.h"
#include "api/security/secrets.h"
#include "scheduler/availability.h"
#include "scheduler/calendar.h"

namespace termin::api {
namespace {

std::string Base64UrlOf(const unsigned char* data, std::size_t n) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::size_t i = 0; i < n; ++i) {
    acc = (acc << 8) | data[i];
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> bits) & 63]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 63]);
  return out;
}

// Local wall-clock time `t` on `day` as an instant (in a spring-forward gap:
// the instant after it; on a fall-back night: the earlier one).
Instant AtLocal(const date::time_zone* zone, LocalDate day, Minutes t) {
  if (zone == nullptr) return std::chrono::time_point_cast<Minutes>(date::sys_days{day.time_since_epoch()} + t);
  auto local = date::local_seconds{day.time_since_epoch()} + t;
  auto info = zone->get_info(local);
  date::sys_seconds sys;
  if (info.result == date::local_info::nonexistent) {
    sys = info.first.end;
  } else {
    sys = date::sys_seconds{local.time_since_epoch()} - info.first.offset;
  }
  return std::chrono::time_point_cast<Minutes>(sys);
}

}  // namespace

std::string OfferLinkToken(std::string_view link_key, std::string_view offer_hold_id) {
  std::string message = "termin waitlist offer v1\n";
  message.append(offer_hold_id);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), link_key.data(), static_cast<int>(link_key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len);
  return "w1." + Base64UrlOf(mac, 18);
}

Result<std::vector<Wish>> MakeWishes(const Catalog& catalog, const WishRequest& request,
                                     const std::string& secret_hash, std::string_view link_key,
                                     TimePoint now) {
  std::vector<const OfficeInfo*> offices;
  if (request.offices.empty()) {
    for (const OfficeInfo& o : catalog.offices) offices.push_back(&o);
  } else {
    for (const std::string& id : request.offices) {
      const OfficeInfo* o = catalog.FindOffice(id);
      if (!o) return Status::Unprocessable("no such office: " + id);
      offices.push_back(o);
    }
  }
  const Instant now_min = std::chrono::time_point_cast<Minutes>(std::chrono::floor<Minutes>(now));
  std::vector<Wish> out;
  for (const OfficeInfo* office : offices) {
    auto visit = MakeVisit(office->schedule, request.services);
    if (!visit.ok()) continue;  // this office does not offer them
    Wish w;
    w.office_id = office->id;
    w.services = visit->service_ids;
    w.duration = visit->duration;
    w.occupancy = visit->occupancy();
    for (const Desk& d : office->schedule.desks) {
      if (std::all_of(w.services.begin(), w.services.end(),
                      [&](const std::string& s) { return d.CanDo(s); })) {
        w.desks.push_back(d.id);
      }
    }
    if (w.desks.empty()) continue;
    const date::time_zone* zone = office->schedule.zone;
    const BookingRules& rules = office->schedule.rules;
    const LocalDate today = LocalDayOf(now_min, zone);
    LocalDate last = std::min(request.latest, LastBookableDay(zone, rules, now_min));
    last = std::min(last, today + date::days(kMaxWishDays));
    const Instant earliest = now_min + rules.min_notice;
    for (LocalDate day = today; day <= last; day += date::days(1)) {
      const int weekday = WeekdayIndex(day);  // 0 = Monday
      if (!request.weekdays.empty() &&
          std::find(request.weekdays.begin(), request.weekdays.end(), weekday + 1) ==
              request.weekdays.end()) {
        continue;
      }
      Instant b = std::max(AtLocal(zone, day, request.from), earliest);
      Instant e = AtLocal(zone, day, request.to);
      if (b < e) {
        w.windows.push_back(Interval{b, e});
        w.window_days.push_back(FormatDate(day));
      }
    }
    if (w.windows.empty()) continue;
    w.id = office->id + "." + NewId();
    w.secret_hash = secret_hash;
    w.contact = request.contact;
    // Fair use: judged again at every offer (Wish::identities).
    w.identity_limit = office->appointments_per_identity;
    if (w.identity_limit > 0) w.identities = IdentityDigests(request.contact);
    w.created_at = now;
    w.day = FormatDate(today);
    w.expires_at = ToTimePoint(w.windows.back().end);
    w.offer_secret_hash = Sha256Hex(OfferLinkToken(link_key, OfferHoldId(w.id)));
    w.offer_ttl = std::chrono::duration_cast<std::chrono::milliseconds>(office->waitlist_offer_ttl);
    out.push_back(std::move(w));
  }
  if (out.empty()) {
    return Status::Unprocessable(
        "no office offers these services at times that suit before the latest date");
  }
  return out;
}

}  // namespace termin::api
