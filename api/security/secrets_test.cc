#include "api/security/secrets.h"

#include <doctest/doctest.h>

#include <set>

namespace termin::api {

TEST_CASE("references use only the readable alphabet and the XXXX-XXXX form") {
  std::set<std::string> seen;
  for (int i = 0; i < 20000; ++i) {
    std::string r = NewReference();
    REQUIRE(r.size() == 9);
    CHECK(r[4] == '-');
    for (std::size_t k = 0; k < r.size(); ++k) {
      if (k == 4) continue;
      CHECK(kReferenceAlphabet.find(r[k]) != std::string_view::npos);
      CHECK(r[k] != '0');
      CHECK(r[k] != 'O');
      CHECK(r[k] != '1');
      CHECK(r[k] != 'I');
    }
    seen.insert(r);
  }
  // 40 random bits: 20,000 draws collide with probability ~2e-4.
  CHECK(seen.size() >= 19998);
}

TEST_CASE("every alphabet character shows up in references") {
  std::set<char> chars;
  for (int i = 0; i < 2000; ++i) {
    for (char c : NewReference()) chars.insert(c);
  }
  CHECK(chars.size() == kReferenceAlphabet.size() + 1);  // plus '-'
}

TEST_CASE("typed references are normalized") {
  CHECK(NormalizeReference("k7qm-4xpr") == std::optional<std::string>("K7QM-4XPR"));
  CHECK(NormalizeReference("K7QM4XPR") == std::optional<std::string>("K7QM-4XPR"));
  CHECK_FALSE(NormalizeReference("K7QM-4XP0"));   // 0 is not in the alphabet
  CHECK_FALSE(NormalizeReference("K7QM-4XPRR"));  // too long
  CHECK_FALSE(NormalizeReference("K7QM"));
  CHECK_FALSE(NormalizeReference(""));
  CHECK_FALSE(NormalizeReference("../../etc"));
}

TEST_CASE("secrets carry 144 bits in base64url and differ") {
  std::string a = NewSecret(), b = NewSecret();
  CHECK(a.size() == 24);
  CHECK(a != b);
  for (char c : a) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    CHECK(ok);
  }
  CHECK(NewId().size() == 16);
}

TEST_CASE("SHA-256 matches the FIPS 180-2 test vector") {
  CHECK(Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(Sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("constant-time comparison compares contents and lengths") {
  CHECK(ConstantTimeEquals("abc", "abc"));
  CHECK_FALSE(ConstantTimeEquals("abc", "abd"));
  CHECK_FALSE(ConstantTimeEquals("abc", "ab"));
  CHECK(ConstantTimeEquals("", ""));
  CHECK_FALSE(ConstantTimeEquals("", "a"));
}


TEST_CASE("a manage-link token names one appointment and its secret, under one key") {
  const std::string key = "0123456789abcdef0123456789abcdef-link";
  const std::string hash = Sha256Hex("the manage secret");
  const std::string t = ManageLinkToken(key, "K7QM-4XPR", hash);
  CHECK(t.starts_with(kLinkTokenPrefix));
  CHECK(t.size() == kLinkTokenPrefix.size() + 32);
  CHECK(t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.l") ==
        std::string::npos);
  CHECK(t == ManageLinkToken(key, "K7QM-4XPR", hash));  // computed, never stored
  CHECK(t != ManageLinkToken(key, "K7QM-4XPS", hash));
  CHECK(t != ManageLinkToken(key, "K7QM-4XPR", Sha256Hex("another secret")));
  CHECK(t != ManageLinkToken(key + "x", "K7QM-4XPR", hash));
}

}  // namespace termin::api
