// Random identifiers, secrets and their comparison.
//
// Every random value comes from OpenSSL's CSPRNG (RAND_bytes). References are
// meant to be read aloud on the phone: 8 characters from a 32-letter alphabet
// without 0/O and 1/I ("K7QM-4XPR", 40 bits; the store keeps them unique).
// Secrets carry 144 random bits, base64url without padding; only their
// SHA-256 is stored, and comparisons of secrets or their hashes take time
// independent of where they differ.
//
// Thread safety: all functions may be called from many threads at once.
#ifndef TERMIN_API_SECURITY_SECRETS_H_
#define TERMIN_API_SECURITY_SECRETS_H_

#include <optional>
#include <string>
#include <string_view>

namespace termin::api {

// The 32 characters a reference is made of.
inline constexpr std::string_view kReferenceAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

// "XXXX-XXXX".
std::string NewReference();
// The canonical form of a reference a person typed: upper case, the dash
// optional; nullopt if it cannot be one.
std::optional<std::string> NormalizeReference(std::string_view typed);

// 144 random bits, base64url (24 characters).
std::string NewSecret();
// 96 random bits, base64url (16 characters): hold ids.
std::string NewId();

std::string Sha256Hex(std::string_view data);

// A secret of NewSecret's form derived from `seed` (HMAC-SHA256): the same
// seed gives the same secret. For a manage secret that the retry of a
// request must get again without the store keeping it (the seed is the
// request's Idempotency-Key with its credential, which no store holds).
std::string DeriveSecret(std::string_view seed);

// The credential of a manage link in a notification (docs/notifications.md,
// "The manage link"): the worker never sees the manage secret, so the link
// carries this token instead, and the API takes it wherever it takes the
// secret (X-Manage-Secret, ?secret=). kLinkTokenPrefix + base64url of an
// HMAC-SHA256 (24 bytes) under the deployment's link key over the reference
// and the SHA-256 of the manage secret, which is what the store keeps: the
// token names one appointment, is good exactly as long as its secret, and
// cannot be made without the key. Nothing stores it; it is computed when a
// message is composed and when a request is checked.
inline constexpr std::string_view kLinkTokenPrefix = "l1.";
std::string ManageLinkToken(std::string_view link_key, std::string_view reference,
                            std::string_view secret_hash);

// HMAC-SHA256 of `message` under `key`, its first 24 bytes in base64url
// (32 characters): a token only the key's holder can make.
std::string MacToken(std::string_view key, std::string_view message);

// Authenticated encryption (AES-256-GCM, random nonce) under a key derived
// from `key_material` (SHA-256). Unseal is nullopt for anything that was
// not sealed under the same material, or was changed.
std::string Seal(std::string_view key_material, std::string_view plaintext);
std::optional<std::string> Unseal(std::string_view key_material, std::string_view sealed);

// Equal contents, compared in time that depends only on the lengths.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace termin::api

#endif  // TERMIN_API_SECURITY_SECRETS_H_
