// What termin-api answers besides the API itself: the built web clients
// (static files) and CORS for the public API, so a city page on another
// origin can embed the booking widget.
//
// Static files: the whole web root (clients/web/dist) is read into memory at
// start (a few hundred KB), so a request never touches the file system and
// no path can climb out of the root. Names with an esbuild content hash
// ("booking-6QXKZ3TL.js") are immutable and cached for a year; everything
// else (index.html, the pages, the loader "booking.js" a city embeds by its
// stable name) is cached for five minutes. A file "x.gz" beside "x" is sent
// instead when the client accepts gzip.
//
// CORS: only origins on the allow-list (--allowed-origin, repeatable; never
// "*"), only on the public routes (/v1/offices, /v1/services,
// /v1/availability, /v1/holds, /v1/appointments). Staff routes (/v1/hotline,
// /v1/kiosk, /v1/admin) and ops routes never carry CORS headers, so a
// browser on another origin can never read them even with a stolen key.
// OPTIONS answers 204 with Allow (and, for an allowed origin on a public
// route, the preflight headers); it used to be 405.
//
// Thread safety: built before serving, then const: many threads at once.
#ifndef TERMIN_API_HTTP_WEB_FRONT_H_
#define TERMIN_API_HTTP_WEB_FRONT_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http/http_types.h"
#include "scheduler/status.h"

namespace termin::api {

struct StaticFile {
  std::string content_type;
  std::string body;
  std::optional<std::string> gzip;  // the same bytes, gzipped
  bool immutable = false;           // hashed name: cache for a year
};

class WebFront {
 public:
  // web_root "" = no static files. Fails if the root is set but unreadable,
  // or an origin is "*" or not "scheme://host[:port]".
  static Result<WebFront> Create(const std::string& web_root,
                                 std::vector<std::string> allowed_origins);

  // An answer that does not go through the route table: a static file, an
  // OPTIONS request. nullopt = let the App route it.
  std::optional<HttpResponse> Before(const HttpRequest& request,
                                     const std::string& allow_for_path) const;
  // Adds CORS headers to an API answer when the request's origin is allowed
  // and the route is public.
  void After(const HttpRequest& request, HttpResponse& response) const;

  static bool IsPublicApiPath(std::string_view path);
  static bool IsApiPath(std::string_view path);
  std::size_t file_count() const { return files_.size(); }

 private:
  bool OriginAllowed(const std::optional<std::string>& origin) const;
  const StaticFile* FindFile(const std::string& path) const;

  std::map<std::string, StaticFile> files_;  // "/index.html" -> file
  std::vector<std::string> allowed_origins_;
};

}  // namespace termin::api

#endif  // TERMIN_API_HTTP_WEB_FRONT_H_
