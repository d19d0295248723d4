// Proof of work for holds, in the ALTCHA style (#14): self-hosted,
// cookie-less, no third party, no cognitive test (WCAG 3.3.8).
//
// GET /v1/challenge gives {algorithm "SHA-256", challenge, maxnumber, salt,
// signature}: challenge = hex SHA-256(salt + decimal number) for a secret
// random number in [0, maxnumber]; salt = random hex + "?expires=<unix s>";
// signature = hex HMAC-SHA256(server key, challenge). The client tries
// numbers until the hash matches (on average maxnumber / 2 SHA-256 of a
// short string: the widget does it in a Web Worker) and sends
// `X-Proof-Of-Work: base64(JSON {algorithm, challenge, number, salt,
// signature})` with its hold. The server checks the signature (so it keeps
// no challenge), the hash, the expiry, and that the solution was not used
// before (Store::AdmitOpenHold on the challenge, shared by all replicas).
// Any replica with the same key verifies any replica's challenge.
//
// Thread safety: all functions are safe to call concurrently.
#ifndef TERMIN_API_SECURITY_POW_H_
#define TERMIN_API_SECURITY_POW_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "api/clock.h"

namespace termin::api {

struct PowChallenge {
  std::string algorithm = "SHA-256";
  std::string challenge;
  std::int64_t maxnumber = 0;
  std::string salt;
  std::string signature;
};

// A fresh challenge, valid until `expires`.
PowChallenge MakePowChallenge(std::string_view key, std::int64_t maxnumber, TimePoint expires);

struct PowSolution {
  std::string challenge;  // names the solution for single use
  TimePoint expires;
};
// The solved challenge of an X-Proof-Of-Work header, if it is one of ours,
// solved and unexpired at `now`; else nullopt and *why says what is wrong.
std::optional<PowSolution> VerifyPowSolution(std::string_view key, std::string_view header,
                                             TimePoint now, std::string* why);

// The number that solves `c` (tests and the benchmark; a client does the same).
std::optional<std::int64_t> SolvePowChallenge(const PowChallenge& c);

}  // namespace termin::api

#endif  // TERMIN_API_SECURITY_POW_H_
