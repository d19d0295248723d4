// A look at a request's head before Pistache parses it.
//
// The server (api/http_server.h) runs ScreenRequestHead on the start of each
// new request while its head is still arriving, and on the whole head once it
// has ended; if it says reject, the server answers with problem+json and
// closes the connection. It checks only what it can see in complete lines.
// For an accepted head it also says how long the body is, so that the server
// can cut pipelined requests apart, and ParseRequestHead reads it. No header
// value is interpreted here beyond what framing needs (Content-Length,
// Transfer-Encoding) and the body's Content-Type on methods that carry one:
// Host, Date, Cache-Control, Accept and the like are the handlers' business
// (Pistache, which parsed them before #17, answered a bad Host port or
// Date with its own 500 text/plain).
//
// Thread safety: pure function.
#ifndef TERMIN_API_HTTP_REQUEST_SCREEN_H_
#define TERMIN_API_HTTP_REQUEST_SCREEN_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "api/http/http_types.h"

namespace termin::api {

struct ScreenResult {
  bool reject = false;
  bool unknown_method = false;  // answer by routing: 405 with Allow, or 404
  std::string slug;             // problem slug otherwise
  std::string detail;
  std::string method;           // as sent (for unknown_method)
  std::string path;             // the request target without query
  std::size_t content_length = 0;  // of an accepted head: its body's bytes (0 if none)
};

ScreenResult ScreenRequestHead(std::string_view head, std::size_t max_body);

// Reads a whole head that ScreenRequestHead accepted (request line, header
// lines, the empty line) into `out`: method, path (the target up to '?'),
// query parameters (percent-decoded; the first of a repeated name wins; one
// that does not decode is kept raw, for the handler to name), headers (names
// in lower case, values trimmed, repeated ones joined with ", "), http10.
// The body is not touched.
void ParseRequestHead(std::string_view head, HttpRequest& out);

}  // namespace termin::api

#endif  // TERMIN_API_HTTP_REQUEST_SCREEN_H_
