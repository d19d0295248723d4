#include "api/log/request_id.h"

#include <random>

namespace termin::api {
namespace {

bool LowerHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

bool ValidRequestId(std::string_view id) {
  if (id.empty() || id.size() > kMaxRequestIdLength) return false;
  for (char c : id) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

std::optional<std::string> TraceIdOf(std::string_view tp) {
  // version "-" trace-id "-" parent-id "-" flags; a later version may add
  // fields after the flags, version ff is invalid (W3C Trace Context, 3.2).
  if (tp.size() < 55 || tp[2] != '-' || tp[35] != '-' || tp[52] != '-') return std::nullopt;
  if (tp.size() > 55 && tp[55] != '-') return std::nullopt;
  std::string_view version = tp.substr(0, 2), trace = tp.substr(3, 32), parent = tp.substr(36, 16),
                   flags = tp.substr(53, 2);
  if (!LowerHex(version) || version == "ff" || !LowerHex(trace) || !LowerHex(parent) ||
      !LowerHex(flags)) {
    return std::nullopt;
  }
  if (version == "00" && tp.size() != 55) return std::nullopt;
  if (trace.find_first_not_of('0') == std::string_view::npos) return std::nullopt;
  if (parent.find_first_not_of('0') == std::string_view::npos) return std::nullopt;
  return std::string(trace);
}

std::string NewRequestId() {
  // Not a secret (it is echoed and logged): a per-thread generator will do.
  thread_local std::mt19937_64 gen{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(32, '0');
  for (int half = 0; half < 2; ++half) {
    std::uint64_t v = gen();
    for (int i = 0; i < 16; ++i) id[half * 16 + i] = kHex[(v >> (i * 4)) & 0xf];
  }
  return id;
}

std::string RequestIdFor(const std::optional<std::string>& x_request_id,
                         const std::optional<std::string>& traceparent) {
  if (x_request_id && ValidRequestId(*x_request_id)) return *x_request_id;
  if (traceparent) {
    if (auto trace = TraceIdOf(*traceparent)) return *trace;
  }
  return NewRequestId();
}

}  // namespace termin::api
