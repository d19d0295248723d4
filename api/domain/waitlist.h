// The waitlist ("notify me", #14): from a citizen's wish to the store's
// Wish records (api/store.h), one per office.
//
// What the store's matching cannot judge is judged here, when the wish is
// made: which desks of the office can do every service, how long the visit
// and its claim are, and the UTC ranges in which a start suits the citizen
// (the weekdays and local times they gave, from the office's minimum notice
// to the latest date they gave, at most the office's booking horizon).
// The offer-hold's secret is the hash of the offer link's token
// (OfferLinkToken), so the worker can send a link that accepts the offer
// without any secret being stored.
//
// Thread safety: pure functions.
#ifndef TERMIN_API_DOMAIN_WAITLIST_H_
#define TERMIN_API_DOMAIN_WAITLIST_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/domain/catalog.h"
#include "api/store.h"

namespace termin::api {

struct WishRequest {
  std::vector<std::string> services;
  std::vector<std::string> offices;  // empty: every office that offers the services
  std::vector<int> weekdays;         // 1 = Monday .. 7 = Sunday; empty: every day
  TimeOfDay from{0};                 // local, each suiting day
  TimeOfDay to{24 * 60};
  LocalDate latest;                  // the last day that suits
  Contact contact;
};

// How long a wish is kept at most (days), whatever its latest date.
inline constexpr int kMaxWishDays = 180;

// The token of an offer link ("w1." + base64url of an HMAC-SHA256 under the
// link key over the offer-hold's id): the credential that accepts or
// declines the offer. Its SHA-256 is the offer-hold's secret hash.
std::string OfferLinkToken(std::string_view link_key, std::string_view offer_hold_id);

// The counter of an identity's open wishes at an office (rules
// wishes_per_identity), in the store's open-hold counters
// (Store::AdmitOpenHold; `identity` from IdentityDigests).
inline std::string WishQuotaBucket(const std::string& office_id, const std::string& identity) {
  return "wish:" + office_id + ":" + identity;
}

// The wishes `request` means, one per office that offers its services and
// has a start range that suits before the latest date; each with a new id,
// `secret_hash`, and the offer-hold's secret from `link_key`.
// Unprocessable if no office can serve it (unknown service, nothing before
// the latest date).
Result<std::vector<Wish>> MakeWishes(const Catalog& catalog, const WishRequest& request,
                                     const std::string& secret_hash, std::string_view link_key,
                                     TimePoint now);

}  // namespace termin::api

#endif  // TERMIN_API_DOMAIN_WAITLIST_H_
