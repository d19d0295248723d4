#include "api/http/request_parsing.h"

#include <algorithm>
#include <set>

namespace termin::api {

bool ValidId(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdLength) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

std::optional<std::vector<std::string>> ParseIdList(std::string_view text, const std::string& field,
                                                    std::size_t max,
                                                    std::vector<FieldError>& errors) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  if (text.empty()) {
    errors.push_back({field, "must list at least one id"});
    return std::nullopt;
  }
  std::size_t pos = 0;
  while (true) {
    std::size_t comma = text.find(',', pos);
    std::string_view item = text.substr(pos, comma == std::string_view::npos ? text.npos : comma - pos);
    if (!ValidId(item)) {
      errors.push_back({field, "\"" + std::string(item.substr(0, 50)) +
                                   "\" is not an id ([a-z0-9-]{1,40})"});
      return std::nullopt;
    }
    if (!seen.insert(std::string(item)).second) {
      errors.push_back({field, "\"" + std::string(item) + "\" appears twice"});
      return std::nullopt;
    }
    out.emplace_back(item);
    if (out.size() > max) {
      errors.push_back({field, "lists more than " + std::to_string(max) + " ids"});
      return std::nullopt;
    }
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return out;
}

std::optional<long long> ParseBoundedInt(std::string_view text, long long min, long long max) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  long long v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v < min || v > max) return std::nullopt;
  return v;
}

bool PlausibleEmail(std::string_view email) {
  if (email.size() < 3 || email.size() > 254) return false;
  auto at = email.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= email.size()) return false;
  if (email.find('@', at + 1) != std::string_view::npos) return false;
  for (char c : email) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '<' || c == '>' || c == '"' || c == ',' ||
        c == ';' || c == '\\') {
      return false;
    }
  }
  std::string_view domain = email.substr(at + 1);
  return domain.find('.') != std::string_view::npos && domain.front() != '.' &&
         domain.back() != '.';
}

bool PlausiblePhone(std::string_view phone) {
  if (phone.size() < 3 || phone.size() > 30) return false;
  std::size_t digits = 0;
  for (std::size_t i = 0; i < phone.size(); ++i) {
    char c = phone[i];
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c == '+' && i == 0) {
    } else if (c != ' ' && c != '-' && c != '/' && c != '(' && c != ')') {
      return false;
    }
  }
  return digits >= 3 && digits <= 20;
}

std::string PhoneDigits(std::string_view phone) {
  std::string out;
  for (char c : phone) {
    if (c >= '0' && c <= '9') out += c;
  }
  return out;
}

}  // namespace termin::api
