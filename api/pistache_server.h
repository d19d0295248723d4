// Serves an App over HTTP/1.1 with Pistache 0.0.5.
//
// Our handler derives from Http::Handler directly (no Rest::Router: its
// lookup writes to a shared map for unknown methods, a data race between
// worker threads). It copies each request into an HttpRequest, lets the App
// answer, and sets `Connection: keep-alive` on HTTP/1.1 unless the client
// asked to close (Pistache defaults to close when the client sent no
// Connection header, which costs a TCP handshake per request).
//
// Framing: Pistache 0.0.5 parses one request per read and drops whatever
// else the read held, so the handler cuts the byte stream into requests
// itself and hands Pistache one whole request at a time. Pipelined requests
// are answered, in order; a request split over many reads is answered once
// it is complete. After a refused request or a "Connection: close" answer
// the rest of the connection's input is dropped.
//
// Limits: a head that has not ended within kHeaderHeadroom bytes gets a 400
// problem+json, a Content-Length beyond the body limit a 413 problem+json,
// both before Pistache sees the request, so maxRequestSize (the body limit
// plus kHeaderHeadroom) is never reached and Pistache's own text/plain 413
// does not occur. A connection holds at most one incomplete request.
//
// Thread safety: Start from one thread; Shutdown from any thread once.
#ifndef TERMIN_API_PISTACHE_SERVER_H_
#define TERMIN_API_PISTACHE_SERVER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "api/app.h"
#include "scheduler/status.h"

namespace termin::api {

inline constexpr std::size_t kHeaderHeadroom = 1 << 20;  // 1 MiB: the longest request head

struct ServerOptions {
  std::string bind = "0.0.0.0";
  std::uint16_t port = 8080;  // 0 = any free port
  int threads = 2;
  std::size_t max_body = 65536;
};

class HttpServer {
 public:
  // Binds and starts serving on background threads.
  static Result<std::unique_ptr<HttpServer>> Start(App& app, const ServerOptions& options);
  ~HttpServer();

  std::uint16_t port() const;
  // Stops accepting and joins the server threads.
  void Shutdown();

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace termin::api

#endif  // TERMIN_API_PISTACHE_SERVER_H_
