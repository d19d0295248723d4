// The id that ties a request's log line to what the client or the proxy in
// front saw: taken from X-Request-Id when it is one (1..64 printable ASCII
// characters, no space), else the trace id of a W3C traceparent
// ("00-<32 hex>-<16 hex>-<2 hex>", not all zeros), else a new random one
// (32 hex characters). termin-api echoes it as X-Request-Id in every answer.
//
// Thread safety: may be called from many threads at once.
#ifndef TERMIN_API_LOG_REQUEST_ID_H_
#define TERMIN_API_LOG_REQUEST_ID_H_

#include <optional>
#include <string>
#include <string_view>

namespace termin::api {

inline constexpr std::size_t kMaxRequestIdLength = 64;

bool ValidRequestId(std::string_view id);
// The trace id of a traceparent header, or nullopt if it is none.
std::optional<std::string> TraceIdOf(std::string_view traceparent);
std::string NewRequestId();
std::string RequestIdFor(const std::optional<std::string>& x_request_id,
                         const std::optional<std::string>& traceparent);

}  // namespace termin::api

#endif  // TERMIN_API_LOG_REQUEST_ID_H_
