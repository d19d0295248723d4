#include "api/log/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>

#include <date/date.h>

namespace termin::api {
namespace {

std::atomic<LogFormat> g_format{LogFormat::kJson};

void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          *out += buf;
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

// Text lines: a value with a space, quote or control character is quoted.
void AppendTextValue(std::string* out, std::string_view s) {
  bool plain = !s.empty();
  for (unsigned char c : s) {
    if (c <= 0x20 || c == '"' || c == 0x7f) plain = false;
  }
  if (plain) {
    out->append(s);
  } else {
    AppendJsonString(out, s);
  }
}

}  // namespace

LogField::LogField(std::string_view k, double v) : key(k), number(true) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  value = buf;
}

void SetLogFormat(LogFormat format) { g_format.store(format); }
LogFormat CurrentLogFormat() { return g_format.load(); }

bool ParseLogFormat(std::string_view text, LogFormat* out) {
  if (text == "json") {
    *out = LogFormat::kJson;
  } else if (text == "text") {
    *out = LogFormat::kText;
  } else {
    return false;
  }
  return true;
}

namespace {

bool AddressChar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '.' || c == '_' || c == '%' || c == '+' || c == '-' || c >= 0x80;
}

bool PhoneJoiner(char c) {
  return c == ' ' || c == '+' || c == '-' || c == '/' || c == '(' || c == ')';
}

}  // namespace

std::string ScrubContact(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (AddressChar(c)) {
      // A word; if an '@' joins it to another, the whole is an address.
      std::size_t e = i;
      while (e < text.size() && AddressChar(static_cast<unsigned char>(text[e]))) ++e;
      if (e < text.size() && text[e] == '@' && e + 1 < text.size() &&
          AddressChar(static_cast<unsigned char>(text[e + 1]))) {
        std::size_t d = e + 1;
        while (d < text.size() && AddressChar(static_cast<unsigned char>(text[d]))) ++d;
        out += "<address>";
        i = d;
        continue;
      }
      // Digits with joiners: a phone number if 6 or more digits.
      std::size_t j = i, digits = 0, last_digit = i;
      while (j < text.size() &&
             ((text[j] >= '0' && text[j] <= '9') || (digits > 0 && PhoneJoiner(text[j])) ||
              (digits == 0 && text[j] == '+'))) {
        if (text[j] >= '0' && text[j] <= '9') {
          ++digits;
          last_digit = j;
        }
        ++j;
      }
      if (digits >= 6) {
        out += "<number>";
        i = last_digit + 1;
        continue;
      }
      out.append(text.substr(i, e - i));
      i = e;
      continue;
    }
    out.push_back(static_cast<char>(c));
    ++i;
  }
  return out;
}

std::string Rfc3339UtcNow() {
  auto now = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  return date::format("%Y-%m-%dT%H:%M:%SZ", now);
}

std::string FormatLogLine(LogFormat format, std::string_view ts, std::string_view level,
                          std::string_view msg, std::initializer_list<LogField> fields) {
  std::string line;
  line.reserve(160);
  if (format == LogFormat::kText) {
    line.append(ts);
    line.push_back(' ');
    for (char c : level) line.push_back(static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c));
    line.push_back(' ');
    AppendTextValue(&line, msg);
    for (const LogField& f : fields) {
      line.push_back(' ');
      line.append(f.key);
      line.push_back('=');
      AppendTextValue(&line, f.value);
    }
    return line;
  }
  line += "{\"level\":";
  AppendJsonString(&line, level);
  line += ",\"ts\":";
  AppendJsonString(&line, ts);
  line += ",\"msg\":";
  AppendJsonString(&line, msg);
  for (const LogField& f : fields) {
    line.push_back(',');
    AppendJsonString(&line, f.key);
    line.push_back(':');
    if (f.number) {
      line += f.value;
    } else {
      AppendJsonString(&line, f.value);
    }
  }
  line.push_back('}');
  return line;
}

void Log(std::string_view level, std::string_view msg, std::initializer_list<LogField> fields) {
  std::string line = FormatLogLine(CurrentLogFormat(), Rfc3339UtcNow(), level, msg, fields);
  line.push_back('\n');
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace termin::api
