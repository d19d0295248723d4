#include "api/security/limits.h"

#include <doctest/doctest.h>

namespace termin::api {
namespace {

TEST_CASE("addresses and prefixes") {
  auto p = ParsePrefix("10.0.0.0/8");
  REQUIRE(p);
  CHECK(PrefixContains(*p, "10.1.2.3"));
  CHECK_FALSE(PrefixContains(*p, "11.0.0.1"));
  CHECK_FALSE(PrefixContains(*p, "::1"));
  CHECK(PrefixContains(*ParsePrefix("127.0.0.1"), "127.0.0.1"));
  CHECK_FALSE(PrefixContains(*ParsePrefix("127.0.0.1"), "127.0.0.2"));
  CHECK(PrefixContains(*ParsePrefix("2001:db8::/32"), "2001:db8:ffff::1"));
  CHECK(PrefixContains(*ParsePrefix("192.0.2.0/24"), "::ffff:192.0.2.9"));  // IPv4-mapped
  CHECK(PrefixContains(*ParsePrefix("10.0.0.0/9"), "10.127.0.1"));
  CHECK_FALSE(PrefixContains(*ParsePrefix("10.0.0.0/9"), "10.128.0.1"));
  CHECK_FALSE(ParsePrefix("10.0.0.0/33"));
  CHECK_FALSE(ParsePrefix("example.org"));
  CHECK_FALSE(ParsePrefix("10.0.0.0/"));
  CHECK_FALSE(ParsePrefix(""));
}

TEST_CASE("an IPv6 client counts by its /64, an IPv4 client by its address") {
  CHECK(AddressBucket("203.0.113.7") == "ip:203.0.113.7");
  CHECK(AddressBucket("::ffff:203.0.113.7") == "ip:203.0.113.7");
  CHECK(AddressBucket("2001:db8:1:2:aaaa::1") == "ip:2001:db8:1:2::/64");
  CHECK(AddressBucket("2001:db8:1:2:bbbb:cccc:dddd:eeee") == "ip:2001:db8:1:2::/64");
  CHECK(AddressBucket("2001:db8:1:3::1") == "ip:2001:db8:1:3::/64");
  CHECK(AddressBucket("[2001:db8:1:2::9]") == "ip:2001:db8:1:2::/64");
  CHECK(AddressBucket("garbage") == "ip:?");
}

TEST_CASE("the client address: the header only from a trusted proxy, the last hop it did not add") {
  FairUseOptions o;
  o.trusted_proxies = {"10.0.0.0/8", "::1"};
  FairUse fair(nullptr, o);
  HttpRequest r;
  r.peer = "198.51.100.4";
  r.headers["x-forwarded-for"] = "1.2.3.4";
  CHECK(fair.ClientAddress(r) == "198.51.100.4");  // not a proxy: its header is the client's word
  r.peer = "10.0.0.5";
  CHECK(fair.ClientAddress(r) == "1.2.3.4");
  r.headers["x-forwarded-for"] = "6.6.6.6, 203.0.113.9, 10.0.0.7";  // a spoofed first entry
  CHECK(fair.ClientAddress(r) == "203.0.113.9");
  r.headers["x-forwarded-for"] = "10.0.0.8";  // every hop a proxy: the first
  CHECK(fair.ClientAddress(r) == "10.0.0.8");
  r.headers["x-forwarded-for"] = "not-an-address, 203.0.113.9";
  CHECK(fair.ClientAddress(r) == "203.0.113.9");
  r.headers["x-forwarded-for"] = "203.0.113.9, junk";
  CHECK(fair.ClientAddress(r) == "10.0.0.5");  // garbage right after the proxy: its own peer
  r.headers.erase("x-forwarded-for");
  CHECK(fair.ClientAddress(r) == "10.0.0.5");
  FairUse none(nullptr, FairUseOptions{});
  r.headers["x-forwarded-for"] = "1.2.3.4";
  CHECK(none.ClientAddress(r) == "10.0.0.5");  // no trusted proxies: never the header
}

TEST_CASE("identities: one person, one identity, however the address is written") {
  CHECK(NormalizedEmail(" Erika.Muster+termin@Example.ORG ") == "erika.muster@example.org");
  CHECK(NormalizedEmail("e.r.i.k.a+1@googlemail.com") == "erika@gmail.com");
  CHECK(NormalizedEmail("erika@gmail.com") == "erika@gmail.com");
  CHECK(NormalizedEmail("+x@example.org") == "+x@example.org");  // no local part left: kept
  CHECK(NormalizedPhone("+49 7361 52-0") == "07361520");
  CHECK(NormalizedPhone("0049 (7361) 520") == "07361520");
  CHECK(NormalizedPhone("07361/520") == "07361520");
  CHECK(NormalizedPhone("+43 1 234567") == "00431234567");
  CHECK(NormalizedPhone("12") == "");
  Contact a;
  a.email = "Erika+a@example.org";
  a.phone = "+49 7361 52-0";
  Contact b;
  b.email = "erika@EXAMPLE.org";
  b.phone = "07361 520";
  CHECK(IdentityDigests(a) == IdentityDigests(b));
  CHECK(IdentityDigests(a).size() == 2);
  CHECK(IdentityDigests(Contact{}).empty());
  for (const auto& d : IdentityDigests(a)) CHECK(d.find("erika") == std::string::npos);
}

}  // namespace
}  // namespace termin::api
