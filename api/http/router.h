// The route table: which handler serves which method and path.
//
// Templates use OpenAPI syntax ("/v1/offices/{officeId}"); a path matches a
// template segment by segment, a {param} matching one non-empty segment
// (percent-decoded). Lookup tells apart an unknown path (404) from a known
// path with another method (405, with the Allow list). Matching is our own,
// over an immutable table, so no request ever writes to shared state (the
// Pistache router inserts on unknown methods: a data race).
//
// Thread safety: Add before serving; Find and Routes from many threads.
#ifndef TERMIN_API_HTTP_ROUTER_H_
#define TERMIN_API_HTTP_ROUTER_H_

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "api/http/http_types.h"

namespace termin::api {

// What a handler gets: the request, its path parameters and language.
struct Call {
  const HttpRequest& request;
  const std::map<std::string, std::string>& params;
  Language lang;
  const std::string& route;  // the template, for logs and metrics

  const std::string& Param(const std::string& name) const;
};

using Handler = std::function<HttpResponse(const Call&)>;

struct Route {
  std::string method;
  std::string path;  // template
  Handler handler;
  std::vector<std::string> segments;
};

class Router {
 public:
  void Add(std::string method, std::string path, Handler handler);
  // The longest value (percent-decoded) a {name} parameter may have, as
  // openapi.yaml says; a longer segment matches no route (404), so it never
  // reaches a handler, the store or an idempotency record. Parameters not
  // named here may be kDefaultParamLimit long.
  void LimitParam(std::string name, std::size_t max_length);
  static constexpr std::size_t kDefaultParamLimit = 200;

  struct Lookup {
    const Route* route = nullptr;               // set if method and path match
    std::map<std::string, std::string> params;  // of the matched route
    std::string allow;                          // if only the path matched: "GET, POST"
  };
  Lookup Find(std::string_view method, std::string_view path) const;

  // "METHOD /path/{param}" per route, in table order.
  std::vector<std::string> List() const;

 private:
  std::vector<Route> routes_;
  std::map<std::string, std::size_t, std::less<>> param_limits_;
};

// "%41b+c" -> "Ab+c" ('+' stays: it is only a space in form bodies and
// queries, see DecodeQueryComponent). nullopt on a malformed escape or a NUL.
std::optional<std::string> PercentDecode(std::string_view text);
// Like PercentDecode, and '+' becomes a space.
std::optional<std::string> DecodeQueryComponent(std::string_view text);

}  // namespace termin::api

#endif  // TERMIN_API_HTTP_ROUTER_H_
