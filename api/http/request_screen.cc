#include "api/http/request_screen.h"

#include <algorithm>
#include <cctype>

#include "api/http/router.h"

namespace termin::api {
namespace {

constexpr std::string_view kMethods[] = {"OPTIONS", "GET",   "POST",  "HEAD",   "PUT",
                                         "PATCH",   "DELETE", "TRACE", "CONNECT"};

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

ScreenResult Reject(std::string slug, std::string detail) {
  ScreenResult r;
  r.reject = true;
  r.slug = std::move(slug);
  r.detail = std::move(detail);
  return r;
}

}  // namespace

ScreenResult ScreenRequestHead(std::string_view head, std::size_t max_body) {
  // A line that ends in a bare LF: Pistache 0.0.5 looks only for CRLF, so it
  // would read on into the next line (a request line becomes a bad version,
  // text/plain 400) or wait for a CRLF that never comes (no answer at all).
  // RFC 9112, 2.2 lets a server refuse it; we do, at once.
  std::size_t head_end = head.find("\r\n\r\n");
  std::string_view lines = head_end == std::string_view::npos ? head : head.substr(0, head_end + 4);
  for (std::size_t lf = lines.find('\n'); lf != std::string_view::npos; lf = lines.find('\n', lf + 1)) {
    if (lf == 0 || lines[lf - 1] != '\r') return Reject("bad-request", "lines must end with CRLF");
  }
  std::size_t eol = head.find("\r\n");
  if (eol == std::string_view::npos) return {};  // the request line is not complete yet
  std::string_view line = head.substr(0, eol);
  std::size_t sp1 = line.find(' ');
  std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp1 == std::string_view::npos || sp2 == std::string_view::npos || sp1 == 0 ||
      line.substr(sp2 + 1).rfind("HTTP/", 0) != 0) {
    return Reject("bad-request", "malformed request line");
  }
  // Pistache knows 1.0 and 1.1 only and answers any other version itself,
  // in text/plain.
  if (std::string_view version = line.substr(sp2 + 1); version != "HTTP/1.1" && version != "HTTP/1.0") {
    return Reject("bad-request", "only HTTP/1.0 and HTTP/1.1 are served");
  }
  std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  if (std::find(std::begin(kMethods), std::end(kMethods), method) == std::end(kMethods)) {
    ScreenResult r;
    r.reject = true;
    r.unknown_method = true;
    r.method = std::string(method.substr(0, 20));
    r.path = std::string(target.substr(0, target.find('?')));
    return r;
  }
  // A body's type matters only on methods that carry one: a GET with a text
  // Content-Type is answered as a GET (openapi.yaml lists no 415 there).
  const bool has_body_method = method == "POST" || method == "PUT" || method == "PATCH";
  ScreenResult result;
  std::size_t pos = eol + 2;
  std::string content_length;
  while (true) {
    std::size_t end = head.find("\r\n", pos);
    if (end == std::string_view::npos) break;  // an incomplete line: leave it to Pistache
    std::string_view h = head.substr(pos, end - pos);
    pos = end + 2;
    if (h.empty()) break;  // end of the headers
    std::size_t colon = h.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return Reject("bad-request", "malformed header line");
    }
    std::string name = Lower(Trim(h.substr(0, colon)));
    std::string_view value = Trim(h.substr(colon + 1));
    if (name == "content-length") {
      if (value.empty() || value.size() > 18 ||
          !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return Reject("bad-request", "Content-Length must be a decimal number of bytes");
      }
      if (!content_length.empty() && content_length != value) {
        return Reject("bad-request", "conflicting Content-Length headers");
      }
      content_length = std::string(value);
      result.content_length = std::stoull(content_length);
      if (result.content_length > max_body) {
        return Reject("payload-too-large",
                      "the request body exceeds " + std::to_string(max_body) + " bytes");
      }
    } else if (name == "transfer-encoding") {
      return Reject("bad-request", "send the body with Content-Length (no Transfer-Encoding)");
    } else if (name == "content-type" && has_body_method) {
      std::string media = Lower(Trim(value.substr(0, value.find(';'))));
      if (media != "application/json") {
        return Reject("unsupported-media-type", "request bodies must be application/json");
      }
    }
  }
  return result;
}

void ParseRequestHead(std::string_view head, HttpRequest& out) {
  std::size_t eol = head.find("\r\n");
  if (eol == std::string_view::npos) return;
  std::string_view line = head.substr(0, eol);
  std::size_t sp1 = line.find(' ');
  std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return;
  out.method = std::string(line.substr(0, sp1));
  out.http10 = line.substr(sp2 + 1) == "HTTP/1.0";
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::size_t question = target.find('?');
  out.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) {
    std::string_view query = target.substr(question + 1);
    while (!query.empty()) {
      std::size_t amp = query.find('&');
      std::string_view item = query.substr(0, amp);
      query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
      if (item.empty()) continue;
      std::size_t eq = item.find('=');
      std::string_view raw_key = item.substr(0, eq);
      std::string_view raw_value = eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
      auto key = DecodeQueryComponent(raw_key);
      auto value = DecodeQueryComponent(raw_value);
      out.query.emplace(key ? *key : std::string(raw_key), value ? *value : std::string(raw_value));
    }
  }
  std::size_t pos = eol + 2;
  while (pos < head.size()) {
    std::size_t end = head.find("\r\n", pos);
    if (end == std::string_view::npos) break;
    std::string_view h = head.substr(pos, end - pos);
    pos = end + 2;
    if (h.empty()) break;
    std::size_t colon = h.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name = Lower(Trim(h.substr(0, colon)));
    std::string value(Trim(h.substr(colon + 1)));
    auto [it, inserted] = out.headers.emplace(std::move(name), value);
    if (!inserted) it->second += ", " + value;
  }
}

}  // namespace termin::api
