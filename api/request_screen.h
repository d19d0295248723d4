// A look at a request's head before Pistache parses it.
//
// Pistache 0.0.5 answers some malformed requests itself, outside any
// handler: a bad Content-Length becomes a 500 carrying the C++ exception
// text ("basic_string::_M_create"), an unparsable Content-Type or method a
// text/plain 4xx, a body beyond maxRequestSize a text/plain 413. The server
// adapter runs ScreenRequestHead on the first bytes of each new request and,
// if it says reject, answers with problem+json itself and closes the
// connection. It checks only what it can see in complete lines; anything it
// lets through is still parsed strictly by Pistache and the handlers.
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
};

ScreenResult ScreenRequestHead(std::string_view head, std::size_t max_body);

}  // namespace termin::api

#endif  // TERMIN_API_REQUEST_SCREEN_H_
