// What a client computes itself, as the widget and the worker do: SHA-256
// in hex (proof of work), base64 (the X-Proof-Of-Work header), and a
// waitlist offer link's token (api/domain/waitlist.h, OfferLinkToken),
// written here again on purpose: the tests hold the API to the documented
// formats, not to its own code.
#ifndef TERMIN_TESTS_HARNESS_TOKENS_H_
#define TERMIN_TESTS_HARNESS_TOKENS_H_

#include <string>

namespace termin::testing {

std::string Sha256Hex(const std::string& s);
std::string Base64(const std::string& s);  // standard alphabet, padded
// "w1." + base64url of the first 18 bytes of HMAC-SHA256(key, "termin waitlist offer v1\n" + id).
std::string OfferToken(const std::string& key, const std::string& hold_id);

}  // namespace termin::testing

#endif  // TERMIN_TESTS_HARNESS_TOKENS_H_
