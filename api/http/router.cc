#include "api/http/router.h"

#include <optional>

namespace termin::api {
namespace {

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.empty() || path[0] != '/') return out;
  std::size_t pos = 1;
  while (true) {
    std::size_t next = path.find('/', pos);
    if (next == std::string_view::npos) {
      out.push_back(path.substr(pos));
      break;
    }
    out.push_back(path.substr(pos, next - pos));
    pos = next + 1;
  }
  return out;
}

bool IsParam(std::string_view seg) {
  return seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> Decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int hi = HexValue(text[i + 1]);
      int lo = HexValue(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      char d = static_cast<char>(hi * 16 + lo);
      if (d == '\0') return std::nullopt;
      out += d;
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      if (c == '\0') return std::nullopt;
      out += c;
    }
  }
  return out;
}

}  // namespace

const std::string& Call::Param(const std::string& name) const {
  static const std::string kEmpty;
  auto it = params.find(name);
  return it == params.end() ? kEmpty : it->second;
}

void Router::Add(std::string method, std::string path, Handler handler) {
  Route r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.handler = std::move(handler);
  for (auto seg : Split(r.path)) r.segments.emplace_back(seg);
  routes_.push_back(std::move(r));
}

void Router::LimitParam(std::string name, std::size_t max_length) {
  param_limits_[std::move(name)] = max_length;
}

Router::Lookup Router::Find(std::string_view method, std::string_view path) const {
  Lookup result;
  std::vector<std::string_view> segs = Split(path);
  if (segs.empty()) return result;
  for (const Route& r : routes_) {
    if (r.segments.size() != segs.size()) continue;
    std::map<std::string, std::string> params;
    bool match = true;
    for (std::size_t i = 0; i < segs.size() && match; ++i) {
      const std::string& t = r.segments[i];
      if (IsParam(t)) {
        std::string_view name = std::string_view(t).substr(1, t.size() - 2);
        auto limit_it = param_limits_.find(name);
        const std::size_t limit =
            limit_it == param_limits_.end() ? kDefaultParamLimit : limit_it->second;
        // Three bytes per decoded byte at most ("%41"): longer is too long
        // without decoding it.
        if (segs[i].size() > 3 * limit) {
          match = false;
          continue;
        }
        auto decoded = PercentDecode(segs[i]);
        if (segs[i].empty() || !decoded || decoded->empty() || decoded->size() > limit ||
            decoded->find('/') != std::string::npos) {
          match = false;
        } else {
          params[t.substr(1, t.size() - 2)] = *decoded;
        }
      } else if (t != segs[i]) {
        match = false;
      }
    }
    if (!match) continue;
    if (r.method == method) {
      result.route = &r;
      result.params = std::move(params);
      return result;
    }
    if (("," + result.allow + ",").find("," + r.method + ",") == std::string::npos &&
        (", " + result.allow + ",").find(" " + r.method + ",") == std::string::npos) {
      if (!result.allow.empty()) result.allow += ", ";
      result.allow += r.method;
    }
  }
  return result;
}

std::vector<std::string> Router::List() const {
  std::vector<std::string> out;
  for (const Route& r : routes_) out.push_back(r.method + " " + r.path);
  return out;
}

std::optional<std::string> PercentDecode(std::string_view text) { return Decode(text, false); }
std::optional<std::string> DecodeQueryComponent(std::string_view text) {
  return Decode(text, true);
}

}  // namespace termin::api
