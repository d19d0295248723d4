#include "api/security/limits.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "api/security/secrets.h"

namespace termin::api {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The address's family and bytes; 0 if it is none. "[::1]" and an
// IPv4-mapped IPv6 address ("::ffff:192.0.2.1") are read as what they are.
int ParseAddress(std::string_view text, std::array<unsigned char, 16>& bytes) {
  text = Trim(text);
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  if (text.empty() || text.size() > 45) return 0;
  const std::string s(text);
  bytes.fill(0);
  if (inet_pton(AF_INET, s.c_str(), bytes.data()) == 1) return AF_INET;
  if (inet_pton(AF_INET6, s.c_str(), bytes.data()) == 1) {
    static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(bytes.data(), kMapped, 12) == 0) {
      std::memmove(bytes.data(), bytes.data() + 12, 4);
      std::fill(bytes.begin() + 4, bytes.end(), 0);
      return AF_INET;
    }
    return AF_INET6;
  }
  return 0;
}

std::chrono::seconds RetrySeconds(std::chrono::milliseconds wait) {
  return std::chrono::seconds(std::max<std::int64_t>(1, (wait.count() + 999) / 1000));
}

}  // namespace

std::optional<AddressPrefix> ParsePrefix(std::string_view text) {
  AddressPrefix p;
  std::string_view address = text;
  int bits = -1;
  if (auto slash = text.find('/'); slash != std::string_view::npos) {
    address = text.substr(0, slash);
    std::string_view b = text.substr(slash + 1);
    if (b.empty() || b.size() > 3 || !std::all_of(b.begin(), b.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return std::nullopt;
    }
    bits = std::stoi(std::string(b));
  }
  p.family = ParseAddress(address, p.bytes);
  if (p.family == 0) return std::nullopt;
  const int max_bits = p.family == AF_INET ? 32 : 128;
  if (bits < 0) bits = max_bits;
  if (bits > max_bits) return std::nullopt;
  p.bits = bits;
  return p;
}

bool PrefixContains(const AddressPrefix& prefix, std::string_view address) {
  std::array<unsigned char, 16> bytes{};
  if (ParseAddress(address, bytes) != prefix.family) return false;
  int bits = prefix.bits;
  for (std::size_t i = 0; bits > 0; ++i, bits -= 8) {
    const unsigned char mask = bits >= 8 ? 0xff : static_cast<unsigned char>(0xff << (8 - bits));
    if ((bytes[i] & mask) != (prefix.bytes[i] & mask)) return false;
  }
  return true;
}

std::string AddressBucket(std::string_view address) {
  std::array<unsigned char, 16> bytes{};
  const int family = ParseAddress(address, bytes);
  char out[INET6_ADDRSTRLEN] = {0};
  if (family == AF_INET) {
    inet_ntop(AF_INET, bytes.data(), out, sizeof out);
    return "ip:" + std::string(out);
  }
  if (family == AF_INET6) {
    std::fill(bytes.begin() + 8, bytes.end(), 0);
    inet_ntop(AF_INET6, bytes.data(), out, sizeof out);
    return "ip:" + std::string(out) + "/64";
  }
  return "ip:?";
}

std::string NormalizedEmail(std::string_view email) {
  std::string e(Trim(email));
  for (char& c : e) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::size_t at = e.rfind('@');
  if (at == std::string::npos || at == 0 || at + 1 == e.size()) return e;
  std::string local = e.substr(0, at);
  std::string domain = e.substr(at + 1);
  if (auto plus = local.find('+'); plus != std::string::npos && plus > 0) local.resize(plus);
  if (domain == "googlemail.com") domain = "gmail.com";
  if (domain == "gmail.com") std::erase(local, '.');
  return local + "@" + domain;
}

std::string NormalizedPhone(std::string_view phone) {
  phone = Trim(phone);
  std::string digits;
  for (char c : phone) {
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  if (!phone.empty() && phone.front() == '+') digits = "00" + digits;
  if (digits.rfind("0049", 0) == 0) digits = "0" + digits.substr(4);
  if (digits.size() < 5) return "";
  return digits;
}

std::vector<std::string> IdentityDigests(const Contact& contact) {
  std::vector<std::string> out;
  if (std::string e = NormalizedEmail(contact.email); !e.empty()) {
    out.push_back(Sha256Hex("termin identity v1\nmail:" + e).substr(0, 32));
  }
  if (std::string p = NormalizedPhone(contact.phone); !p.empty()) {
    out.push_back(Sha256Hex("termin identity v1\ntel:" + p).substr(0, 32));
  }
  return out;
}

FairUse::FairUse(std::shared_ptr<Store> store, FairUseOptions options)
    : store_(std::move(store)), options_(std::move(options)) {
  for (const auto& text : options_.trusted_proxies) {
    if (auto p = ParsePrefix(text)) proxies_.push_back(*p);
  }
}

std::string FairUse::ClientAddress(const HttpRequest& request) const {
  auto trusted = [&](std::string_view a) {
    return std::any_of(proxies_.begin(), proxies_.end(),
                       [&](const AddressPrefix& p) { return PrefixContains(p, a); });
  };
  std::string address = request.peer;
  if (proxies_.empty() || !trusted(address)) return address;
  auto header = request.Header(options_.client_ip_header);
  if (!header) return address;
  // Right to left: each trusted proxy appended the address it saw.
  std::string_view rest = *header;
  while (!rest.empty()) {
    const std::size_t comma = rest.rfind(',');
    std::string_view hop = Trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    std::array<unsigned char, 16> bytes{};
    if (ParseAddress(hop, bytes) == 0) break;  // garbage: stop at the last good hop
    address = std::string(hop);
    if (!trusted(hop)) break;
  }
  return address;
}

std::optional<LimitRefusal> FairUse::AdmitRequest(
    const HttpRequest& request, const std::optional<std::string>& staff_key_digest) const {
  const bool staff = staff_key_digest.has_value();
  const int per_minute = staff ? options_.staff_requests_per_minute : options_.public_requests_per_minute;
  if (per_minute <= 0) return std::nullopt;
  const std::string bucket = staff ? "key:" + *staff_key_digest : AddressBucket(ClientAddress(request));
  auto d = store_->TakeToken(bucket, per_minute, std::chrono::minutes(1));
  if (!d.ok() || d->allowed) return std::nullopt;
  return LimitRefusal{RetrySeconds(d->retry_after),
                      staff ? "this API key sent more than " + std::to_string(per_minute) +
                                  " requests a minute; retry after the time given"
                            : "more than " + std::to_string(per_minute) +
                                  " requests a minute from this address; retry after the time given"};
}

std::optional<LimitRefusal> FairUse::AdmitHold(const HttpRequest& request, const std::string& hold_id,
                                               std::chrono::milliseconds ttl) const {
  const int max = options_.open_holds_per_client;
  if (max <= 0) return std::nullopt;
  auto d = store_->AdmitOpenHold("holds:" + AddressBucket(ClientAddress(request)), hold_id, max, ttl);
  if (!d.ok() || d->allowed) return std::nullopt;
  return LimitRefusal{RetrySeconds(d->retry_after),
                      "this address already holds " + std::to_string(max) +
                          " starts; confirm or give back one of them (DELETE /v1/holds/{id}), or "
                          "retry when one lapses"};
}

void FairUse::ForgetHold(const HttpRequest& request, const std::string& hold_id) const {
  if (options_.open_holds_per_client <= 0) return;
  (void)store_->ForgetOpenHold("holds:" + AddressBucket(ClientAddress(request)), hold_id);
}

}  // namespace termin::api
