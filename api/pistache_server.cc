#include "api/pistache_server.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <sstream>

#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/net.h>
#include <pistache/peer.h>

#include <sys/socket.h>

#include "api/request_screen.h"
#include "api/router.h"

namespace termin::api {
namespace {

using namespace Pistache;

}  // namespace
}  // namespace termin::api

// Pistache's own input step (parse, then onRequest). It is a private virtual
// of Http::Handler, so a subclass that overrides onInput cannot name it; we
// call the exported symbol directly, which is that function without virtual
// dispatch. Tied to libpistache 0.0.5's ABI (Debian 12), like everything here.
extern void PistacheHttpHandlerOnInput(Pistache::Http::Handler* self, const char* buffer,
                                       std::size_t len,
                                       const std::shared_ptr<Pistache::Tcp::Peer>& peer) __asm__(
    "_ZN8Pistache4Http7Handler7onInputEPKcmRKSt10shared_ptrINS_3Tcp4PeerEE");

namespace termin::api {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// A header with a name chosen at run time. Pistache 0.0.5 sends only typed
// headers (addRaw ones are dropped when the response is written), so every
// header we set goes through this.
class NamedHeader : public Http::Header::Header {
 public:
  NamedHeader(std::string name, std::string value)
      : name_(std::move(name)), value_(std::move(value)) {}
  const char* name() const override { return name_.c_str(); }
  void write(std::ostream& os) const override { os << value_; }
#ifdef SAFE_HEADER_CAST
  uint64_t hash() const override { return 0; }
#endif

 private:
  std::string name_;
  std::string value_;
};

// A connection's request that has not fully arrived (see onInput). Stored
// on the Tcp::Peer, which only its reactor thread touches.
struct Framing {
  std::string pending;     // the start of the next request
  std::size_t scanned = 0; // where the search for the head's end resumes
  std::size_t length = 0;  // the whole request's bytes once its head is in, else 0
  bool done = false;       // refused or closed: further input is dropped

  void Clear() {
    // A large head or body is not held for the rest of the connection.
    if (pending.capacity() > 65536) {
      std::string().swap(pending);
    } else {
      pending.clear();
    }
    scanned = 0;
    length = 0;
  }
};

// What onRequest tells the onInput that called it: Pistache runs onRequest
// synchronously inside its own input step, on the same thread.
struct RequestOutcome {
  bool answered = false;  // onRequest ran (else Pistache answered by itself)
  bool close = false;     // the client asked to close after this answer
};
thread_local RequestOutcome t_outcome;

class PistacheHandler : public Http::Handler {
 public:
  HTTP_PROTOTYPE(PistacheHandler)

  PistacheHandler(App* app, std::size_t max_body) : app_(app), max_body_(max_body) {}

  void onRequest(const Http::Request& request, Http::ResponseWriter response) override {
    t_outcome.answered = true;
    HttpResponse out;
    bool client_close = false;
    bool http10 = request.version() == Http::Version::Http10;
    try {
      HttpRequest in;
      in.method = Http::methodString(request.method());
      in.path = request.resource();
      in.http10 = http10;
      in.peer = request.address().host();
      const auto& query = request.query();
      for (auto it = query.parameters_begin(); it != query.parameters_end(); ++it) {
        auto key = DecodeQueryComponent(it->first);
        auto value = DecodeQueryComponent(it->second);
        // An undecodable parameter is kept raw: handlers reject what they
        // cannot use, with the field named.
        in.query[key ? *key : it->first] = value ? *value : it->second;
      }
      for (const auto& [name, raw] : request.headers().rawList()) {
        in.headers[Lower(name)] = raw.value();
      }
      for (const auto& header : request.headers().list()) {
        std::ostringstream os;
        header->write(os);
        in.headers[Lower(header->name())] = os.str();
      }
      auto connection = in.Header("connection");
      client_close = connection && Lower(*connection).find("close") != std::string::npos;
      if (http10) client_close = !connection || Lower(*connection).find("keep-alive") == std::string::npos;
      in.body = request.body();
      t_outcome.close = client_close;
      out = app_->Handle(in);
    } catch (...) {
      out = RenderProblem(MakeProblem("internal", ""), Language::kDe);
    }
    std::shared_ptr<Tcp::Peer> peer = response.getPeer();
    if (!peer) return;  // the client is gone
    if (!peer->tryGetData(kQueuedData)) {
      SendDirect(peer, Serialize(out, http10, client_close), client_close);
      return;
    }
    // An earlier response of this connection is still in Pistache's queue:
    // this one must queue behind it.
    response.headers().remove<Http::Header::Connection>();
    response.headers().add<Http::Header::Connection>(
        client_close ? Http::ConnectionControl::Close : Http::ConnectionControl::KeepAlive);
    if (!out.content_type.empty()) {
      response.headers().add(std::make_shared<NamedHeader>("Content-Type", out.content_type));
    }
    for (const auto& [name, value] : out.headers) {
      response.headers().add(std::make_shared<NamedHeader>(name, value));
    }
    response.send(static_cast<Http::Code>(out.status), out.body);
  }

 private:
  // Pistache 0.0.5 takes whatever one read brought as (part of) one request:
  // its onInput feeds the bytes to the parser, answers the first request
  // and then resets the parser, which throws away everything after it. A
  // pipelined request that arrived in the same read got no answer at all.
  // So we cut the byte stream into requests here and hand Pistache exactly
  // one whole request per call; what belongs to a request that has not
  // fully arrived waits in the connection's Framing. The cut is safe
  // because the screen lets through only heads whose request is exactly
  // head + Content-Length bytes (no Transfer-Encoding, one length).
  // onRequest answers synchronously inside the call, so answers leave in
  // request order. A read that holds whole requests only (the common case:
  // one) is fed without a copy.
  void onInput(const char* buffer, std::size_t len,
               const std::shared_ptr<Tcp::Peer>& peer) override {
    auto framing = std::static_pointer_cast<Framing>(peer->tryGetData(kFramingData));
    if (framing && framing->done) return;
    std::string_view input(buffer, len);
    std::size_t scanned = 0;  // bytes at the start of `input` known to hold no head end
    const bool from_pending = framing && !framing->pending.empty();
    if (from_pending) {
      framing->pending.append(buffer, len);
      if (framing->length > framing->pending.size()) return;  // the body is still arriving
      input = framing->pending;
      scanned = framing->scanned;
    }
    std::size_t used = 0;       // bytes of `input` fed to Pistache
    std::size_t keep_scanned = 0;
    std::size_t keep_length = 0;
    while (used < input.size()) {
      std::string_view rest = input.substr(used);
      std::size_t head_end = rest.find("\r\n\r\n", scanned);
      scanned = 0;
      if (head_end == std::string_view::npos) {
        // Pistache would hold up to maxRequestSize of a head; we hold no
        // more head than kHeaderHeadroom.
        if (rest.size() >= kHeaderHeadroom) return Refuse(peer, HeadTooLarge());
        // Refuse a bad line at once, before the head ends (a client may
        // wait for an answer before it sends more). Only while the head is
        // short and only when a line has ended in this read: screening
        // grows with the head, and a head that trickles in must not cost
        // its length squared.
        if (rest.size() <= kEarlyScreenBytes &&
            (!from_pending || std::memchr(buffer, '\n', len) != nullptr)) {
          ScreenResult screen = ScreenRequestHead(rest, max_body_);
          if (screen.reject) return Refuse(peer, screen);
        }
        keep_scanned = rest.size() >= 3 ? rest.size() - 3 : 0;
        break;
      }
      const std::size_t head_length = head_end + 4;
      if (head_length > kHeaderHeadroom) return Refuse(peer, HeadTooLarge());
      ScreenResult screen = ScreenRequestHead(rest.substr(0, head_length), max_body_);
      if (screen.reject) return Refuse(peer, screen);
      const std::size_t length = head_length + screen.content_length;
      if (rest.size() < length) {
        keep_scanned = head_end;
        keep_length = length;
        break;
      }
      t_outcome = RequestOutcome{};
      PistacheHttpHandlerOnInput(this, rest.data(), length, peer);
      used += length;
      auto parser = Http::Handler::getParser(peer);
      if (!parser || !parser->step() || parser->step()->id() != Http::Private::RequestLineStep::Id) {
        // Pistache wants more bytes than the screen said the request has:
        // we no longer know where the next request starts.
        return Refuse(peer, Reject("bad-request", "malformed request head"));
      }
      if (!t_outcome.answered) {
        // Pistache refused the request itself (its parser threw) and put
        // that answer in its write queue: later answers must queue behind it.
        if (!peer->tryGetData(kQueuedData)) peer->putData(kQueuedData, std::make_shared<bool>(true));
      } else if (t_outcome.close) {
        // Answered with "Connection: close": nothing after it is a request
        // we serve (RFC 9112, 9.6).
        MutableFraming(peer, framing).done = true;
        return;
      }
    }
    std::string_view rest = input.substr(used);
    if (rest.empty()) {
      if (from_pending) framing->Clear();
      return;
    }
    Framing& keep = MutableFraming(peer, framing);
    if (from_pending) {
      keep.pending.erase(0, used);
    } else {
      keep.pending.assign(rest);
    }
    keep.scanned = keep_scanned;
    keep.length = keep_length;
  }

  // Answers a refused request (problem+json, or routing for an unknown
  // method), closes the connection and drops whatever else it sends.
  void Refuse(const std::shared_ptr<Tcp::Peer>& peer, const ScreenResult& screen) {
    std::shared_ptr<Framing> framing;
    Framing& state = MutableFraming(peer, framing);
    state.done = true;
    state.Clear();
    HttpResponse out;
    if (screen.unknown_method) {
      HttpRequest in;
      in.method = screen.method;
      in.path = screen.path;
      out = app_->Handle(in);
    } else {
      out = RenderProblem(MakeProblem(screen.slug, screen.detail), Language::kDe);
    }
    RejectAndClose(peer, out);
  }

  static ScreenResult Reject(std::string slug, std::string detail) {
    ScreenResult r;
    r.reject = true;
    r.slug = std::move(slug);
    r.detail = std::move(detail);
    return r;
  }

  static ScreenResult HeadTooLarge() { return Reject("bad-request", "request head too large"); }

  // The connection's Framing, made on first use (most connections never
  // need one). `framing` is what the caller already looked up, if anything.
  static Framing& MutableFraming(const std::shared_ptr<Tcp::Peer>& peer,
                                 std::shared_ptr<Framing>& framing) {
    if (!framing) framing = std::static_pointer_cast<Framing>(peer->tryGetData(kFramingData));
    if (!framing) {
      framing = std::make_shared<Framing>();
      peer->putData(kFramingData, framing);
    }
    return *framing;
  }

  // Writes the answer on the socket directly and closes the connection: the
  // rest of the request (a body we refused) must not be read as a new one.
  static void RejectAndClose(const std::shared_ptr<Tcp::Peer>& peer, const HttpResponse& out) {
    std::string raw = Serialize(out, false, true);
    std::size_t sent = 0;
    while (sent < raw.size()) {
      ssize_t n = ::send(peer->fd(), raw.data() + sent, raw.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<std::size_t>(n);
    }
    ::shutdown(peer->fd(), SHUT_RDWR);
  }

  // The response as it goes on the wire, in the form Pistache writes it.
  static std::string Serialize(const HttpResponse& out, bool http10, bool close) {
    std::string raw;
    raw.reserve(160 + out.body.size());
    raw += http10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    raw += std::to_string(out.status);
    raw += ' ';
    raw += Http::codeString(static_cast<Http::Code>(out.status));
    raw += close ? "\r\nConnection: Close\r\n" : "\r\nConnection: Keep-Alive\r\n";
    if (!out.content_type.empty()) raw += "Content-Type: " + out.content_type + "\r\n";
    for (const auto& [name, value] : out.headers) raw += name + ": " + value + "\r\n";
    raw += "Content-Length: " + std::to_string(out.body.size()) + "\r\n\r\n";
    raw += out.body;
    return raw;
  }

  // Pistache 0.0.5 sends every response through its transport's write
  // queue, even from the peer's own reactor thread: an eventfd wake-up,
  // EPOLLOUT armed, another epoll round, then the send, and EPOLLOUT
  // disarmed: about ten system calls around each send (strace; bench/
  // README.md). onRequest runs on the peer's reactor thread and answers at
  // once, so it writes on the (non-blocking) socket itself. What the socket
  // does not take at once is handed to Pistache's queue, and the connection
  // is marked so that its later responses queue behind it (ours must never
  // overtake bytes Pistache still holds). A write error is left to
  // Pistache, which sees the connection fail on its next read. After a
  // "Connection: close" answer sent whole, our side of the connection is
  // shut (RFC 9112, 9.6); Pistache itself never closed it.
  static void SendDirect(const std::shared_ptr<Tcp::Peer>& peer, std::string raw, bool close) {
    peer->setIdle(true);  // what ResponseWriter::send does: no request pending
    std::size_t sent = 0;
    while (sent < raw.size()) {
      ssize_t n = ::send(peer->fd(), raw.data() + sent, raw.size() - sent, MSG_NOSIGNAL);
      if (n > 0) {
        sent += static_cast<std::size_t>(n);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        peer->putData(kQueuedData, std::make_shared<bool>(true));
        raw.erase(0, sent);
        std::size_t length = raw.size();
        peer->send(RawBuffer(std::move(raw), length));
        return;
      } else {
        return;
      }
    }
    if (close) ::shutdown(peer->fd(), SHUT_WR);
  }

  static constexpr const char* kQueuedData = "termin.queued";
  static constexpr const char* kFramingData = "termin.framing";
  // Heads up to this size are screened while they still arrive.
  static constexpr std::size_t kEarlyScreenBytes = 8192;

  App* app_;
  std::size_t max_body_;
};

}  // namespace

struct HttpServer::Impl {
  std::unique_ptr<Http::Endpoint> endpoint;
  std::uint16_t port = 0;
  bool stopped = false;
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Shutdown(); }

std::uint16_t HttpServer::port() const { return impl_->port; }

Result<std::unique_ptr<HttpServer>> HttpServer::Start(App& app, const ServerOptions& options) {
  auto impl = std::make_unique<Impl>();
  try {
    Pistache::Address addr(options.bind, Pistache::Port(options.port));
    impl->endpoint = std::make_unique<Http::Endpoint>(addr);
    auto opts = Http::Endpoint::options()
                    .threads(std::max(1, options.threads))
                    .flags(Tcp::Options::ReuseAddr)
                    .maxRequestSize(options.max_body + kHeaderHeadroom)
                    .headerTimeout(std::chrono::seconds(30))
                    .bodyTimeout(std::chrono::seconds(60));
    impl->endpoint->init(opts);
    auto handler = Http::make_handler<PistacheHandler>(&app, options.max_body);
    impl->endpoint->setHandler(handler);
    impl->endpoint->serveThreaded();
    impl->port = static_cast<std::uint16_t>(impl->endpoint->getPort());
  } catch (const std::exception& e) {
    return Status::Unavailable(std::string("cannot serve on ") + options.bind + ":" +
                               std::to_string(options.port) + ": " + e.what());
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

void HttpServer::Shutdown() {
  if (!impl_ || impl_->stopped) return;
  impl_->stopped = true;
  try {
    impl_->endpoint->shutdown();
  } catch (...) {
    // Shutting down: nothing left to tell anyone.
  }
}

}  // namespace termin::api
