// How long a text is as an SMS.
//
// One SMS carries 160 characters of the GSM 03.38 7-bit default alphabet
// (German umlauts and ß are in it); characters of its extension table
// (^ { } \ [ ] ~ | €) take two. A text with any other character would be sent
// as UCS-2 and fit only 70 characters, so our templates stay in GSM-7.
//
// Thread safety: pure functions.
#ifndef TERMIN_SERVICE_NOTIFY_SMS_TEXT_H_
#define TERMIN_SERVICE_NOTIFY_SMS_TEXT_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace termin::service {

inline constexpr std::size_t kSmsMaxSeptets = 160;
// A concatenated SMS of two parts (each part gives 7 septets to the header
// that joins them): what a text with a link that cannot be shortened (a
// waitlist offer behind a long base URL) may take; it costs two SMS.
inline constexpr std::size_t kSmsLongMaxSeptets = 2 * 153;

// Septets `utf8` takes in GSM-7; nullopt if it has a character outside
// GSM-7 (or is not valid UTF-8).
std::optional<std::size_t> Gsm7Length(std::string_view utf8);

// `text` with every character outside GSM-7 replaced by a close one
// ("é" stays, "č" -> "c", "–" -> "-", anything else -> "?").
std::string ToGsm7(std::string_view utf8);

// The first characters of `utf8` that take at most `septets` (GSM-7 assumed).
std::string TruncateGsm7(std::string_view utf8, std::size_t septets);

}  // namespace termin::service

#endif  // TERMIN_SERVICE_NOTIFY_SMS_TEXT_H_
