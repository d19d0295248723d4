#include "service/notify/sms_text.h"

#include <string>

namespace termin::service {

namespace {

// The GSM 03.38 default alphabet outside ASCII, as UTF-8 code points.
constexpr char32_t kBasicNonAscii[] = {
    U'£', U'¥', U'è', U'é', U'ù', U'ì', U'ò', U'Ç', U'Ø', U'ø', U'Å', U'å', U'Δ', U'Φ', U'Γ',
    U'Λ', U'Ω', U'Π', U'Ψ', U'Σ', U'Θ', U'Ξ', U'Æ', U'æ', U'ß', U'É', U'¤', U'¡', U'Ä', U'Ö',
    U'Ñ', U'Ü', U'§', U'¿', U'ä', U'ö', U'ñ', U'ü', U'à'};

// ASCII characters that are not in the basic set: extension table (2
// septets) or absent ('`').
int AsciiSeptets(char32_t c) {
  switch (c) {
    case U'^': case U'{': case U'}': case U'\\': case U'[': case U']': case U'~': case U'|':
      return 2;
    case U'`':
      return 0;  // not representable
    default:
      return (c >= 0x20 && c < 0x7F) || c == U'\n' || c == U'\r' ? 1 : 0;
  }
}

// Septets of one code point; 0 if not in GSM-7.
int Septets(char32_t c) {
  if (c < 0x80) return AsciiSeptets(c);
  if (c == U'€') return 2;
  for (char32_t b : kBasicNonAscii) {
    if (b == c) return 1;
  }
  return 0;
}

// Decodes one code point at s[*pos]; false if malformed.
bool Next(std::string_view s, std::size_t* pos, char32_t* out, std::size_t* len) {
  unsigned char c = static_cast<unsigned char>(s[*pos]);
  std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || *pos + n > s.size()) return false;
  char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
  for (std::size_t i = 1; i < n; ++i) {
    unsigned char cc = static_cast<unsigned char>(s[*pos + i]);
    if ((cc & 0xC0) != 0x80) return false;
    cp = (cp << 6) | (cc & 0x3F);
  }
  *out = cp;
  *len = n;
  *pos += n;
  return true;
}

}  // namespace

std::optional<std::size_t> Gsm7Length(std::string_view utf8) {
  std::size_t pos = 0;
  std::size_t total = 0;
  while (pos < utf8.size()) {
    char32_t cp = 0;
    std::size_t len = 0;
    if (!Next(utf8, &pos, &cp, &len)) return std::nullopt;
    int n = Septets(cp);
    if (n == 0) return std::nullopt;
    total += static_cast<std::size_t>(n);
  }
  return total;
}

std::string ToGsm7(std::string_view utf8) {
  std::string out;
  std::size_t pos = 0;
  while (pos < utf8.size()) {
    std::size_t start = pos;
    char32_t cp = 0;
    std::size_t len = 0;
    if (!Next(utf8, &pos, &cp, &len)) {
      out += '?';
      pos = start + 1;
      continue;
    }
    if (Septets(cp) > 0) {
      out.append(utf8.substr(start, len));
      continue;
    }
    switch (cp) {
      case U'–': case U'—': out += '-'; break;
      case U'„': case U'“': case U'”': out += '"'; break;
      case U'‚': case U'‘': case U'’': case U'`': out += '\''; break;
      case U'á': case U'â': case U'ã': case U'ā': case U'ą': out += 'a'; break;
      case U'č': case U'ć': case U'ç': out += 'c'; break;
      case U'Č': case U'Ć': out += 'C'; break;
      case U'Ł': out += 'L'; break;
      case U'Š': case U'Ś': case U'Ş': out += 'S'; break;
      case U'Ž': case U'Ź': case U'Ż': out += 'Z'; break;
      case U'Ř': out += 'R'; break;
      case U'ê': case U'ë': case U'ě': case U'ę': out += 'e'; break;
      case U'í': case U'î': case U'ï': out += 'i'; break;
      case U'ł': out += 'l'; break;
      case U'ń': case U'ň': out += 'n'; break;
      case U'ó': case U'ô': case U'õ': out += 'o'; break;
      case U'ř': out += 'r'; break;
      case U'š': case U'ś': case U'ş': out += 's'; break;
      case U'ú': case U'û': case U'ů': out += 'u'; break;
      case U'ý': out += 'y'; break;
      case U'ž': case U'ź': case U'ż': out += 'z'; break;
      default: out += '?';
    }
  }
  return out;
}

std::string TruncateGsm7(std::string_view utf8, std::size_t septets) {
  std::size_t pos = 0;
  std::size_t used = 0;
  while (pos < utf8.size()) {
    std::size_t start = pos;
    char32_t cp = 0;
    std::size_t len = 0;
    if (!Next(utf8, &pos, &cp, &len)) return std::string(utf8.substr(0, start));
    int n = Septets(cp);
    if (n == 0) n = 1;
    if (used + static_cast<std::size_t>(n) > septets) return std::string(utf8.substr(0, start));
    used += static_cast<std::size_t>(n);
  }
  return std::string(utf8);
}

}  // namespace termin::service
