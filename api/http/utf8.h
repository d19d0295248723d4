// Valid UTF-8 for everything we write into JSON.
//
// Client bytes reach answers (a query value echoed in a problem's detail,
// `?services=%FF%FE`); RapidJSON's writer copies invalid sequences through,
// which makes the answer invalid JSON (RFC 8259, 8.1). Every string writer
// goes through ValidUtf8 first.
//
// Thread safety: pure function.
#ifndef TERMIN_API_HTTP_UTF8_H_
#define TERMIN_API_HTTP_UTF8_H_

#include <string>
#include <string_view>

namespace termin::api {

// `s` with every ill-formed sequence (overlong forms, surrogates, code
// points above U+10FFFF, truncated or stray bytes) replaced by U+FFFD, one
// per maximal ill-formed subpart (Unicode 15, 3.9). Valid input comes back
// unchanged.
std::string ValidUtf8(std::string_view s);
bool IsValidUtf8(std::string_view s);

}  // namespace termin::api

#endif  // TERMIN_API_HTTP_UTF8_H_
