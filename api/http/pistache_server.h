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
// Limits against hostile clients (#17, docs/api.md "Hostile clients"):
// - a head longer than max_head gets a 431, a Content-Length beyond the
//   body limit a 413, both problem+json before Pistache sees the request;
// - only the request line and Content-Length reach Pistache's parser; the
//   other headers are read here (Pistache 0.0.5 parses Host, Date,
//   Cache-Control, Accept, Content-Type, Cookie ... itself and answers a
//   value it does not like with its own 500 or 415 text/plain);
// - unfinished requests may hold 16 KiB each for free; beyond that all
//   connections together share held_budget, and a connection that would
//   exceed it gets a 503;
// - while more than max_unsent bytes of a connection's answers wait in
//   Pistache's write queue (the client does not read), its further
//   requests are not answered; they wait, and a client that sends more
//   than one more request's worth meanwhile is disconnected (Pistache keeps
//   reading the socket, so holding back the reads is not ours to do);
// - connections are capped in all and per client address; over the total
//   cap the idlest connection is closed (api/http/connections.h); the cap stays
//   below the descriptor limit, so Pistache's accept loop never meets
//   EMFILE (it would spin on it);
// - a request must arrive within header_timeout (408), an idle keep-alive
//   connection is closed after idle_timeout;
// - every answer says X-Content-Type-Options: nosniff and Referrer-Policy:
//   no-referrer; a HEAD answer has no body; every refusal is problem+json,
//   counted in /metrics and written to the access log (App::Refusal);
// - with metrics_port set, /metrics is served there only.
//
// Thread safety: Start from one thread; Shutdown from any thread once.
#ifndef TERMIN_API_HTTP_PISTACHE_SERVER_H_
#define TERMIN_API_HTTP_PISTACHE_SERVER_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "api/app.h"
#include "scheduler/status.h"

namespace termin::api {

struct ServerOptions {
  std::string bind = "0.0.0.0";
  std::uint16_t port = 8080;  // 0 = any free port
  int threads = 2;
  std::size_t max_body = 65536;
  std::uint16_t metrics_port = 0;  // 0 = /metrics on `port`
  std::size_t max_connections = 10000;  // lowered to fit the descriptor limit
  std::size_t max_connections_per_ip = 256;
  std::size_t max_head = 65536;
  std::size_t held_budget = 32u << 20;
  std::size_t max_unsent = 1u << 20;
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds idle_timeout{120000};
};

class HttpServer {
 public:
  // Binds and starts serving on background threads.
  static Result<std::unique_ptr<HttpServer>> Start(App& app, const ServerOptions& options);
  ~HttpServer();

  std::uint16_t port() const;
  std::uint16_t metrics_port() const;  // 0 if /metrics is on port()
  // The connection cap in force (max_connections, lowered to fit).
  std::size_t max_connections() const;
  // Stops accepting and joins the server threads.
  void Shutdown();

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace termin::api

#endif  // TERMIN_API_HTTP_PISTACHE_SERVER_H_
