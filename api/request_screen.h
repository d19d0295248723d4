// A look at a request's head before Pistache parses it.
//
// Pistache 0.0.5 answers some malformed requests itself, outside any
// handler: a bad Content-Length becomes a 500 carrying the C++ exception
// text ("basic_string::_M_create"), an unparsable Content-Type or method a
// text/plain 4xx, a body beyond maxRequestSize a text/plain 413. The server
// adapter runs ScreenRequestHead on the start of each new request while its
// head is still arriving, and on the whole head once it has ended; if it says
// reject, the adapter answers with problem+json itself and closes the
// connection. It checks only what it can see in complete lines; anything it
// lets through is still parsed strictly by Pistache and the handlers. For an
// accepted head it also says how long the body is, so that the adapter can
// cut pipelined requests apart.
//
// Thread safety: pure function.
#ifndef TERMIN_API_REQUEST_SCREEN_H_
#define TERMIN_API_REQUEST_SCREEN_H_

#include <cstddef>
#include <string>
#include <string_view>

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

}  // namespace termin::api

#endif  // TERMIN_API_REQUEST_SCREEN_H_
