#include "api/secrets.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>
#include <cstdlib>
#include <cstdio>

namespace termin::api {
namespace {

// A CSPRNG that fails leaves us without any safe identifier; carrying on
// with weak randomness would be worse than stopping.
void FillRandom(unsigned char* out, int n) {
  if (RAND_bytes(out, n) != 1) {
    std::fputs("termin: RAND_bytes failed\n", stderr);
    std::abort();
  }
}

std::string Base64Url(const unsigned char* data, std::size_t n) {
  static constexpr char kChars[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    unsigned v = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    out += kChars[(v >> 18) & 63];
    out += kChars[(v >> 12) & 63];
    out += kChars[(v >> 6) & 63];
    out += kChars[v & 63];
  }
  if (n - i == 1) {
    unsigned v = data[i] << 16;
    out += kChars[(v >> 18) & 63];
    out += kChars[(v >> 12) & 63];
  } else if (n - i == 2) {
    unsigned v = (data[i] << 16) | (data[i + 1] << 8);
    out += kChars[(v >> 18) & 63];
    out += kChars[(v >> 12) & 63];
    out += kChars[(v >> 6) & 63];
  }
  return out;
}

}  // namespace

std::string NewReference() {
  // 5 random bytes = 40 bits = 8 characters of 5 bits each: no modulo bias,
  // since the alphabet has exactly 32 characters.
  std::array<unsigned char, 5> bytes;
  FillRandom(bytes.data(), static_cast<int>(bytes.size()));
  unsigned long long bits = 0;
  for (unsigned char b : bytes) bits = (bits << 8) | b;
  std::string out;
  for (int i = 7; i >= 0; --i) {
    out += kReferenceAlphabet[(bits >> (5 * i)) & 31];
    if (i == 4) out += '-';
  }
  return out;
}

std::optional<std::string> NormalizeReference(std::string_view typed) {
  std::string chars;
  for (char c : typed) {
    if (c == '-' || c == ' ') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (kReferenceAlphabet.find(c) == std::string_view::npos) return std::nullopt;
    chars += c;
    if (chars.size() > 8) return std::nullopt;
  }
  if (chars.size() != 8) return std::nullopt;
  return chars.substr(0, 4) + "-" + chars.substr(4);
}

std::string NewSecret() {
  std::array<unsigned char, 18> bytes;
  FillRandom(bytes.data(), static_cast<int>(bytes.size()));
  return Base64Url(bytes.data(), bytes.size());
}

std::string NewId() {
  std::array<unsigned char, 12> bytes;
  FillRandom(bytes.data(), static_cast<int>(bytes.size()));
  return Base64Url(bytes.data(), bytes.size());
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * SHA256_DIGEST_LENGTH);
  for (unsigned char b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace termin::api
