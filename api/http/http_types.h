// The API's own view of an HTTP exchange, independent of Pistache.
//
// The server adapter (api/http/pistache_server.h) fills an HttpRequest and sends
// the HttpResponse; everything in between (routing, handlers, the wrapper)
// is plain code that unit tests can call without a socket.
//
// Thread safety: plain values.
#ifndef TERMIN_API_HTTP_HTTP_TYPES_H_
#define TERMIN_API_HTTP_HTTP_TYPES_H_

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace termin::api {

enum class Language { kDe, kEn };

struct HttpRequest {
  std::string method;    // "GET", ...
  std::string path;      // the raw resource, without the query
  std::map<std::string, std::string> query;    // percent-decoded
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  bool http10 = false;   // HTTP/1.0 request
  std::string peer;      // the socket's remote address ("" in unit tests)

  // nullopt if the header is absent.
  std::optional<std::string> Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    if (it == headers.end()) return std::nullopt;
    return it->second;
  }
  std::optional<std::string> Query(const std::string& name) const {
    auto it = query.find(name);
    if (it == query.end()) return std::nullopt;
    return it->second;
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
};

}  // namespace termin::api

#endif  // TERMIN_API_HTTP_HTTP_TYPES_H_
