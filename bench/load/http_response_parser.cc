#include "bench/load/http_response_parser.h"

#include <algorithm>
#include <charconv>
#include <utility>

namespace termin::bench {
namespace {

// Bodies larger than this are not answers of termin-api (its largest, a
// week of availability, is a few hundred KiB): an error, not an allocation.
constexpr std::size_t kMaxBodyBytes = 64 * 1024 * 1024;

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

bool ContainsNoCase(std::string_view haystack, std::string_view needle) {
  if (needle.size() > haystack.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    if (EqualsNoCase(haystack.substr(i, needle.size()), needle)) return true;
  }
  return false;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

void ResponseParser::Reset() {
  phase_ = Phase::kHead;
  head_.clear();
  body_left_ = 0;
  response_.status = 0;
  response_.close = false;
  response_.body.clear();
  error_.clear();
}

ResponseParser::Step ResponseParser::Fail(std::string why, std::size_t used) {
  phase_ = Phase::kError;
  error_ = std::move(why);
  return {State::kError, used};
}

ResponseParser::Step ResponseParser::Feed(std::string_view data) {
  if (phase_ == Phase::kDone) return {State::kDone, 0};
  if (phase_ == Phase::kError) return {State::kError, 0};
  std::size_t used = 0;
  if (phase_ == Phase::kHead) {
    // The blank line may straddle two reads: look from 3 bytes back.
    std::size_t old_size = head_.size();
    std::size_t from = old_size < 3 ? 0 : old_size - 3;
    head_.append(data.data(), std::min(data.size(), kMaxHeadBytes + 4 - old_size));
    std::size_t end = head_.find("\r\n\r\n", from);
    if (end == std::string::npos) {
      if (head_.size() > kMaxHeadBytes) return Fail("response head too long", data.size());
      return {State::kNeedMore, data.size()};
    }
    used = end + 4 - old_size;
    head_.resize(end);
    if (!ParseHead(head_)) return Fail(error_, used);
    phase_ = Phase::kBody;
  }
  std::size_t take = std::min(body_left_, data.size() - used);
  response_.body.append(data.data() + used, take);
  used += take;
  body_left_ -= take;
  if (body_left_ > 0) return {State::kNeedMore, used};
  phase_ = Phase::kDone;
  return {State::kDone, used};
}

bool ResponseParser::ParseHead(std::string_view head) {
  std::size_t eol = head.find("\r\n");
  std::string_view status_line = head.substr(0, eol);
  head = eol == std::string_view::npos ? std::string_view() : head.substr(eol + 2);
  // "HTTP/1.1 200 OK": version, one space, three digits, then a space or end.
  if (status_line.size() < 12 || status_line.substr(0, 7) != "HTTP/1." || status_line[8] != ' ' ||
      (status_line.size() > 12 && status_line[12] != ' ')) {
    error_ = "bad status line";
    return false;
  }
  int status = 0;
  auto [end, ec] = std::from_chars(status_line.data() + 9, status_line.data() + 12, status);
  if (ec != std::errc() || end != status_line.data() + 12 || status < 100) {
    error_ = "bad status code";
    return false;
  }
  response_.status = status;

  bool have_length = false;
  while (!head.empty()) {
    eol = head.find("\r\n");
    std::string_view line = head.substr(0, eol);
    head = eol == std::string_view::npos ? std::string_view() : head.substr(eol + 2);
    std::size_t colon = line.find(':');
    // No obsolete line folding (a line starting with white space): Pistache
    // never folds, and a folded header would be misread.
    if (colon == std::string_view::npos || colon == 0 || line.front() == ' ' ||
        line.front() == '\t') {
      error_ = "bad header line";
      return false;
    }
    std::string_view name = line.substr(0, colon);
    std::string_view value = Trim(line.substr(colon + 1));
    if (EqualsNoCase(name, "content-length")) {
      std::size_t length = 0;
      auto [p, e] = std::from_chars(value.data(), value.data() + value.size(), length);
      if (e != std::errc() || p != value.data() + value.size() || value.empty() ||
          length > kMaxBodyBytes || (have_length && length != body_left_)) {
        error_ = "bad Content-Length";
        return false;
      }
      have_length = true;
      body_left_ = length;
    } else if (EqualsNoCase(name, "transfer-encoding")) {
      error_ = "Transfer-Encoding is not read (termin-api sends Content-Length)";
      return false;
    } else if (EqualsNoCase(name, "connection")) {
      response_.close = ContainsNoCase(value, "close");
    }
  }
  response_.body.reserve(body_left_);
  return true;
}

}  // namespace termin::bench
