#include "api/security/pow.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <charconv>
#include <vector>

#include <rapidjson/document.h>

#include "api/security/secrets.h"

namespace termin::api {
namespace {

std::string Hex(const unsigned char* data, std::size_t n) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 15];
  }
  return out;
}

std::string HmacHex(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
  return Hex(mac, len);
}

std::uint64_t RandomBelow(std::uint64_t n) {
  std::uint64_t r = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&r), sizeof r);
  return n == 0 ? 0 : r % n;
}

std::optional<std::string> Base64Decode(std::string_view in) {
  std::string s(in);
  for (char& c : s) {  // base64url as well
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  while (s.size() % 4 != 0) s += '=';
  if (s.empty() || s.size() > 4096) return std::nullopt;
  std::vector<unsigned char> out(s.size() / 4 * 3 + 1);
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(s.data()),
                                static_cast<int>(s.size()));
  if (n < 0) return std::nullopt;
  std::size_t len = static_cast<std::size_t>(n);
  // EVP_DecodeBlock counts the padding's zero bytes.
  for (std::size_t i = s.size(); i > 0 && s[i - 1] == '=' && len > 0; --i) --len;
  return std::string(reinterpret_cast<const char*>(out.data()), len);
}

// The expiry a salt carries ("<hex>?expires=<unix seconds>").
std::optional<std::int64_t> SaltExpiry(std::string_view salt) {
  const std::string_view tag = "?expires=";
  const std::size_t at = salt.find(tag);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view digits = salt.substr(at + tag.size());
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return v;
}

}  // namespace

PowChallenge MakePowChallenge(std::string_view key, std::int64_t maxnumber, TimePoint expires) {
  PowChallenge c;
  c.maxnumber = maxnumber;
  unsigned char random[12];
  RAND_bytes(random, sizeof random);
  const auto unix_seconds =
      std::chrono::duration_cast<std::chrono::seconds>(expires.time_since_epoch()).count();
  c.salt = Hex(random, sizeof random) + "?expires=" + std::to_string(unix_seconds);
  const std::uint64_t number = RandomBelow(static_cast<std::uint64_t>(maxnumber) + 1);
  c.challenge = Sha256Hex(c.salt + std::to_string(number));
  c.signature = HmacHex(key, c.challenge);
  return c;
}

std::optional<PowSolution> VerifyPowSolution(std::string_view key, std::string_view header,
                                             TimePoint now, std::string* why) {
  auto json = Base64Decode(header);
  if (!json) {
    *why = "X-Proof-Of-Work is not base64";
    return std::nullopt;
  }
  rapidjson::Document d;
  d.Parse<rapidjson::kParseValidateEncodingFlag>(json->c_str(), json->size());
  if (d.HasParseError() || !d.IsObject()) {
    *why = "X-Proof-Of-Work is not a JSON object";
    return std::nullopt;
  }
  auto str = [&](const char* name) -> std::optional<std::string> {
    auto it = d.FindMember(name);
    if (it == d.MemberEnd() || !it->value.IsString() || it->value.GetStringLength() > 200) {
      return std::nullopt;
    }
    return std::string(it->value.GetString(), it->value.GetStringLength());
  };
  auto algorithm = str("algorithm");
  auto challenge = str("challenge");
  auto salt = str("salt");
  auto signature = str("signature");
  auto number = d.FindMember("number");
  if (!algorithm || !challenge || !salt || !signature || number == d.MemberEnd() ||
      !number->value.IsInt64() || number->value.GetInt64() < 0) {
    *why = "X-Proof-Of-Work needs algorithm, challenge, number, salt and signature";
    return std::nullopt;
  }
  if (*algorithm != "SHA-256") {
    *why = "only SHA-256 challenges are issued";
    return std::nullopt;
  }
  if (!ConstantTimeEquals(HmacHex(key, *challenge), *signature)) {
    *why = "the challenge was not issued here";
    return std::nullopt;
  }
  if (Sha256Hex(*salt + std::to_string(number->value.GetInt64())) != *challenge) {
    *why = "the number does not solve the challenge";
    return std::nullopt;
  }
  // The challenge names its salt (a hash of it), so the signed challenge
  // vouches for the expiry written in the salt.
  auto expires = SaltExpiry(*salt);
  const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  if (!expires || *expires <= now_s) {
    *why = "the challenge has expired; fetch a new one";
    return std::nullopt;
  }
  return PowSolution{*challenge, TimePoint{std::chrono::seconds{*expires}}};
}

std::optional<std::int64_t> SolvePowChallenge(const PowChallenge& c) {
  for (std::int64_t n = 0; n <= c.maxnumber; ++n) {
    if (Sha256Hex(c.salt + std::to_string(n)) == c.challenge) return n;
  }
  return std::nullopt;
}

}  // namespace termin::api
