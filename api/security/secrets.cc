#include "api/security/secrets.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <memory>

#include <algorithm>
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

std::string DeriveSecret(std::string_view seed) {
  static constexpr std::string_view kPurpose = "termin manage secret v1";
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), seed.data(), static_cast<int>(seed.size()),
       reinterpret_cast<const unsigned char*>(kPurpose.data()), kPurpose.size(), mac, &len);
  return Base64Url(mac, 18);  // as long as NewSecret's
}

std::string MacToken(std::string_view key, std::string_view message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len);
  return Base64Url(mac, 24);
}

std::string ManageLinkToken(std::string_view link_key, std::string_view reference,
                            std::string_view secret_hash) {
  std::string message = "termin manage link v1\n";
  message.append(reference);
  message.push_back('\n');
  message.append(secret_hash);
  return std::string(kLinkTokenPrefix) + MacToken(link_key, message);
}

namespace {

constexpr int kNonce = 12;
constexpr int kTag = 16;

std::array<unsigned char, SHA256_DIGEST_LENGTH> SealKey(std::string_view material) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> key;
  SHA256(reinterpret_cast<const unsigned char*>(material.data()), material.size(), key.data());
  return key;
}

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

}  // namespace

std::string Seal(std::string_view key_material, std::string_view plaintext) {
  auto key = SealKey(key_material);
  std::string out(kNonce + plaintext.size() + kTag, '\0');
  auto* bytes = reinterpret_cast<unsigned char*>(out.data());
  FillRandom(bytes, kNonce);
  CipherContext ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int n = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), bytes) != 1 ||
      EVP_EncryptUpdate(ctx.get(), bytes + kNonce, &n,
                        reinterpret_cast<const unsigned char*>(plaintext.data()),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), bytes + kNonce + n, &n) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag,
                          bytes + kNonce + plaintext.size()) != 1) {
    std::fputs("termin: AES-GCM failed\n", stderr);
    std::abort();  // as for RAND_bytes: no safe way on
  }
  return out;
}

std::optional<std::string> Unseal(std::string_view key_material, std::string_view sealed) {
  if (sealed.size() < static_cast<std::size_t>(kNonce + kTag)) return std::nullopt;
  auto key = SealKey(key_material);
  const auto* bytes = reinterpret_cast<const unsigned char*>(sealed.data());
  const std::size_t len = sealed.size() - kNonce - kTag;
  std::string out(len, '\0');
  CipherContext ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int n = 0;
  std::array<unsigned char, kTag> tag;
  std::copy(bytes + kNonce + len, bytes + kNonce + len + kTag, tag.begin());
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), bytes) != 1 ||
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &n, bytes + kNonce,
                        static_cast<int>(len)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag, tag.data()) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + n, &n) != 1) {
    return std::nullopt;
  }
  return out;
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
