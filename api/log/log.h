// One log line per event, on stderr: JSON lines for a log collector (the
// default), or plain text for a person at a terminal (--log-format text).
//
// A line is {"level":..,"ts":..,"msg":..} and then the event's fields in the
// order given. ts is RFC 3339 in UTC with milliseconds. Values are escaped
// here, so a caller never builds JSON by hand. What goes into a field is the
// caller's decision, and the rule is: no personal data (names, phone numbers,
// e-mail addresses), no secrets, no request bodies. Ids, references, routes,
// counts and status codes are fine.
//
// Thread safety: every function may be called from many threads; each line
// is written with one fwrite, so lines never interleave.
#ifndef TERMIN_API_LOG_LOG_H_
#define TERMIN_API_LOG_LOG_H_

#include <initializer_list>
#include <string>
#include <string_view>

namespace termin::api {

enum class LogFormat {
  kJson,  // one JSON object per line (the default)
  kText,  // "ts LEVEL msg key=value ..." for people
};

// Set once in main, before any thread logs.
void SetLogFormat(LogFormat format);
LogFormat CurrentLogFormat();
// "json" or "text"; false for anything else.
bool ParseLogFormat(std::string_view text, LogFormat* out);

struct LogField {
  LogField(std::string_view k, std::string_view v) : key(k), value(v) {}
  LogField(std::string_view k, const std::string& v) : key(k), value(v) {}
  LogField(std::string_view k, const char* v) : key(k), value(v) {}
  LogField(std::string_view k, long long v) : key(k), value(std::to_string(v)), number(true) {}
  LogField(std::string_view k, int v) : LogField(k, static_cast<long long>(v)) {}
  LogField(std::string_view k, double v);
  std::string_view key;  // a literal: [a-z_]+
  std::string value;
  bool number = false;  // written without quotes
};

// level: "debug", "info", "warn" or "error".
void Log(std::string_view level, std::string_view msg, std::initializer_list<LogField> fields = {});
// The line Log would write, without the newline (for tests).
std::string FormatLogLine(LogFormat format, std::string_view ts, std::string_view level,
                          std::string_view msg, std::initializer_list<LogField> fields);
// `text` with what looks like contact data replaced: e-mail addresses
// (x@y) by <address>, runs of 6 or more digits (with + - / ( ) and spaces
// between them: phone numbers) by <number>. For error texts of other
// systems (a mail relay's "550 <erika@example.org> unknown") before they
// are logged.
std::string ScrubContact(std::string_view text);
// Now as 2026-12-07T16:34:47.123Z.
std::string Rfc3339UtcNow();

}  // namespace termin::api

#endif  // TERMIN_API_LOG_LOG_H_
