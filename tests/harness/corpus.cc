#include "tests/harness/corpus.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace termin::testing {

namespace {

constexpr char kBodyLengthMark[] = "\x01\x02BODY-LENGTH\x02\x01";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Escapes only (no macros).
bool Unescape(const std::string& in, std::string* out, std::string* error) {
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c != '\\') {
      out->push_back(c);
      continue;
    }
    if (i + 1 >= in.size()) {
      *error = "dangling backslash";
      return false;
    }
    char e = in[++i];
    switch (e) {
      case 'r': out->push_back('\r'); break;
      case 'n': out->push_back('\n'); break;
      case 't': out->push_back('\t'); break;
      case '\\': out->push_back('\\'); break;
      case '#': out->push_back('#'); break;
      case '{': out->push_back('{'); break;
      case 'x': {
        if (i + 2 >= in.size()) {
          *error = "short \\x escape";
          return false;
        }
        int hi = HexValue(in[i + 1]), lo = HexValue(in[i + 2]);
        if (hi < 0 || lo < 0) {
          *error = "bad \\x escape";
          return false;
        }
        out->push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        break;
      }
      default:
        *error = std::string("unknown escape \\") + e;
        return false;
    }
  }
  return true;
}

}  // namespace

std::vector<CorpusEntry> ReadCorpusFile(const std::string& path, std::string* error) {
  std::vector<CorpusEntry> entries;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot read " + path;
    return entries;
  }
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind("===", 0) == 0) {
      std::istringstream header(line.substr(3));
      std::string expect, name;
      header >> expect;
      std::getline(header, name);
      size_t b = name.find_first_not_of(' ');
      name = b == std::string::npos ? "" : name.substr(b);
      CorpusEntry e;
      e.file = path;
      e.line = line_no;
      e.name = name;
      if (expect == "4xx") {
        e.expect = Expect::k4xx;
      } else if (expect == "any") {
        e.expect = Expect::kAny;
      } else if (expect == "maybe") {
        e.expect = Expect::kMaybe;
      } else {
        *error = path + ":" + std::to_string(line_no) + ": unknown expectation '" + expect + "'";
        return {};
      }
      if (name.empty()) {
        *error = path + ":" + std::to_string(line_no) + ": entry without a name";
        return {};
      }
      entries.push_back(std::move(e));
      continue;
    }
    if (!line.empty() && line[0] == '#') continue;
    if (entries.empty()) {
      if (!line.empty()) {
        *error = path + ":" + std::to_string(line_no) + ": text before the first === entry";
        return {};
      }
      continue;
    }
    entries.back().text += line;
  }
  return entries;
}

std::string ExpandCorpusText(const std::string& text,
                             const std::map<std::string, std::string>& vars, std::string* error) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find("{{", pos);
    // A "\{{" is an escaped brace, not a macro: let Unescape handle it.
    while (open != std::string::npos && open > 0 && text[open - 1] == '\\') {
      open = text.find("{{", open + 1);
    }
    std::string plain = text.substr(pos, open == std::string::npos ? std::string::npos : open - pos);
    if (!Unescape(plain, &out, error)) return "";
    if (open == std::string::npos) break;
    size_t close = text.find("}}", open + 2);
    if (close == std::string::npos) {
      *error = "unclosed {{";
      return "";
    }
    std::string macro = text.substr(open + 2, close - open - 2);
    pos = close + 2;
    if (macro == "body-length") {
      out += kBodyLengthMark;
    } else if (macro.rfind("repeat ", 0) == 0) {
      std::istringstream m(macro.substr(7));
      long count = -1;
      m >> count;
      std::string rest;
      std::getline(m, rest);
      if (!rest.empty() && rest[0] == ' ') rest.erase(0, 1);
      if (count < 0 || count > 16 * 1024 * 1024) {
        *error = "bad repeat count in {{" + macro + "}}";
        return "";
      }
      std::string unit;
      if (!Unescape(rest, &unit, error)) return "";
      out.reserve(out.size() + unit.size() * static_cast<size_t>(count));
      for (long i = 0; i < count; ++i) out += unit;
    } else {
      auto it = vars.find(macro);
      if (it == vars.end()) {
        *error = "unknown macro {{" + macro + "}}";
        return "";
      }
      out += it->second;
    }
  }
  size_t mark = out.find(kBodyLengthMark);
  if (mark != std::string::npos) {
    std::string without = out;
    without.erase(mark, sizeof kBodyLengthMark - 1);
    size_t header_end = without.find("\r\n\r\n");
    size_t body = header_end == std::string::npos ? 0 : without.size() - header_end - 4;
    out.replace(mark, sizeof kBodyLengthMark - 1, std::to_string(body));
  }
  return out;
}

}  // namespace termin::testing
