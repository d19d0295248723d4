// Parsing of query parameters and small values, without exceptions.
//
// Thread safety: pure functions.
#ifndef TERMIN_API_HTTP_REQUEST_PARSING_H_
#define TERMIN_API_HTTP_REQUEST_PARSING_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/domain/catalog.h"
#include "scheduler/time.h"

namespace termin::api {

inline constexpr std::size_t kMaxServicesPerVisit = 10;
inline constexpr std::size_t kMaxOfficesPerQuery = 200;

// [a-z0-9-]{1,40}
bool ValidId(std::string_view id);

// "a,b,c" -> ids; each must be a ValidId; at most `max` of them, none twice.
// Problems are appended to `errors` under `field`.
std::optional<std::vector<std::string>> ParseIdList(std::string_view text, const std::string& field,
                                                    std::size_t max,
                                                    std::vector<FieldError>& errors);

// A decimal integer in [min, max] (no sign, no spaces, no leading '+').
std::optional<long long> ParseBoundedInt(std::string_view text, long long min, long long max);

// Loose but useful e-mail and phone checks (the messages go out through
// gateways that check again).
bool PlausibleEmail(std::string_view email);
bool PlausiblePhone(std::string_view phone);
// The digits of a phone number ("+49 7361 52-0" -> "497361520").
std::string PhoneDigits(std::string_view phone);

}  // namespace termin::api

#endif  // TERMIN_API_HTTP_REQUEST_PARSING_H_
