// Fair use: limits that keep one client from taking what is meant for many
// (issue: fair access under scarcity). Shared by every replica: the counters
// live in the store (Store::TakeToken, Store::AdmitOpenHold; in Redis one
// script each), so ten replicas allow what one does.
//
// - Requests per client address (an IPv6 client by its /64, which one
//   subscriber usually gets whole) and per staff key, as token buckets: a
//   burst of N, then N a minute. /healthz, /readyz and /metrics are exempt.
// - Open holds per client address: at most N at once (a citizen needs one);
//   a hold stops counting when it is confirmed, given back or lapses.
// Over a limit: 429 too-many-requests with Retry-After.
//
// The client address is the socket's peer, or, when the peer is one of the
// configured trusted proxies, the last address in the configured header
// (X-Forwarded-For) that is not itself a trusted proxy: a client cannot pick
// its own bucket by sending the header.
//
// A store that cannot answer lets the request through (the step itself
// then answers 503 if it needs the store): a limit never adds an outage.
//
// Thread safety: const methods, safe from any thread.
#ifndef TERMIN_API_SECURITY_LIMITS_H_
#define TERMIN_API_SECURITY_LIMITS_H_

#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http/http_types.h"
#include "api/store.h"

namespace termin::api {

struct FairUseOptions {
  int public_requests_per_minute = 0;  // per client address; 0 = no limit
  int staff_requests_per_minute = 0;   // per staff key; 0 = no limit
  int open_holds_per_client = 0;       // 0 = no limit
  std::vector<std::string> trusted_proxies;  // addresses or prefixes, "10.0.0.0/8", "::1"
  std::string client_ip_header = "x-forwarded-for";  // lower case
};

// An address or prefix ("192.0.2.0/24", "2001:db8::/32", "127.0.0.1").
struct AddressPrefix {
  int family = 0;  // AF_INET or AF_INET6
  std::array<unsigned char, 16> bytes{};
  int bits = 0;
};
std::optional<AddressPrefix> ParsePrefix(std::string_view text);
bool PrefixContains(const AddressPrefix& prefix, std::string_view address);

// The bucket an address counts in: "ip:<IPv4>" or "ip:<IPv6 /64>::/64";
// "ip:?" for what is no address.
std::string AddressBucket(std::string_view address);

// The identities a contact counts as for a per-identity quota (an office's
// appointments_per_identity): digests of the normalised e-mail (lower case,
// "+tag" dropped from the local part, and at Gmail the dots) and of the
// normalised phone (digits only, +49 and 0049 read as a leading 0). Digests,
// so the store keeps no contact data for them. Empty for a contact without
// either.
std::vector<std::string> IdentityDigests(const Contact& contact);
std::string NormalizedEmail(std::string_view email);  // "" if none
std::string NormalizedPhone(std::string_view phone);  // "" if fewer than 5 digits

// A refusal: 429 with Retry-After (whole seconds, at least 1).
struct LimitRefusal {
  std::chrono::seconds retry_after{1};
  std::string detail;
};

class FairUse {
 public:
  // Unparsable trusted proxies are skipped (service/config.cc refuses them
  // at start-up).
  FairUse(std::shared_ptr<Store> store, FairUseOptions options);

  // The client's address (see above).
  std::string ClientAddress(const HttpRequest& request) const;
  // One request of a client; `staff_key_digest` names an authenticated
  // staff key (its requests count per key, not per address).
  std::optional<LimitRefusal> AdmitRequest(const HttpRequest& request,
                                           const std::optional<std::string>& staff_key_digest) const;
  // One more open hold of the request's client, open for `ttl`.
  std::optional<LimitRefusal> AdmitHold(const HttpRequest& request, const std::string& hold_id,
                                        std::chrono::milliseconds ttl) const;
  // The hold no longer counts (confirmed, given back, not placed).
  void ForgetHold(const HttpRequest& request, const std::string& hold_id) const;

  const FairUseOptions& options() const { return options_; }

 private:
  std::shared_ptr<Store> store_;
  FairUseOptions options_;
  std::vector<AddressPrefix> proxies_;
};

}  // namespace termin::api

#endif  // TERMIN_API_SECURITY_LIMITS_H_
