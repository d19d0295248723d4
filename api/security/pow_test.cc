#include "api/security/pow.h"

#include <openssl/evp.h>

#include <doctest/doctest.h>

namespace termin::api {
namespace {

std::string Base64(const std::string& s) {
  std::string out(4 * ((s.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string Payload(const PowChallenge& c, std::int64_t number, const std::string& salt = "") {
  return Base64("{\"algorithm\":\"SHA-256\",\"challenge\":\"" + c.challenge + "\",\"number\":" +
                std::to_string(number) + ",\"salt\":\"" + (salt.empty() ? c.salt : salt) +
                "\",\"signature\":\"" + c.signature + "\"}");
}

}  // namespace

TEST_CASE("proof of work: a solved challenge verifies until it expires; forgeries do not") {
  const std::string key = "a key of at least sixteen bytes";
  const TimePoint now = TimePoint{std::chrono::seconds{1800000000}};
  PowChallenge c = MakePowChallenge(key, 5000, now + std::chrono::minutes(5));
  CHECK(c.algorithm == "SHA-256");
  CHECK(c.salt.find("?expires=1800000300") != std::string::npos);
  auto n = SolvePowChallenge(c);
  REQUIRE(n);
  CHECK(*n <= 5000);
  std::string why;
  auto ok = VerifyPowSolution(key, Payload(c, *n), now, &why);
  REQUIRE_MESSAGE(ok, why);
  CHECK(ok->challenge == c.challenge);
  CHECK_FALSE(VerifyPowSolution(key, Payload(c, *n + 1), now, &why));
  CHECK_FALSE(VerifyPowSolution("another key of sixteen bytes", Payload(c, *n), now, &why));
  CHECK(why == "the challenge was not issued here");
  CHECK_FALSE(VerifyPowSolution(key, Payload(c, *n), now + std::chrono::minutes(5), &why));
  CHECK(why.find("expired") != std::string::npos);
  // A later expiry written into the salt breaks the hash.
  std::string late = c.salt.substr(0, c.salt.find('?')) + "?expires=1900000000";
  CHECK_FALSE(VerifyPowSolution(key, Payload(c, *n, late), now, &why));
  CHECK_FALSE(VerifyPowSolution(key, "!!!", now, &why));
  CHECK_FALSE(VerifyPowSolution(key, Base64("[1]"), now, &why));
  CHECK_FALSE(VerifyPowSolution(key, Base64("{\"number\":-1}"), now, &why));
}

}  // namespace termin::api
