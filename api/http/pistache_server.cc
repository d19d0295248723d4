#include "api/http/pistache_server.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <string_view>
#include <thread>

#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/net.h>
#include <pistache/peer.h>

#include <sys/resource.h>
#include <sys/socket.h>

#include "api/http/connections.h"
#include "api/http/request_screen.h"
#include "api/http/router.h"

// Pistache's own steps of Http::Handler (parse, then onRequest; make the
// connection's parser). They are private virtuals, so a subclass that
// overrides them cannot name them; we call the exported symbols directly,
// which are those functions without virtual dispatch. Tied to libpistache
// 0.0.5's ABI (Debian 12), like everything here.
extern void PistacheHttpHandlerOnInput(Pistache::Http::Handler* self, const char* buffer,
                                       std::size_t len,
                                       const std::shared_ptr<Pistache::Tcp::Peer>& peer) __asm__(
    "_ZN8Pistache4Http7Handler7onInputEPKcmRKSt10shared_ptrINS_3Tcp4PeerEE");
extern void PistacheHttpHandlerOnConnection(
    Pistache::Http::Handler* self, const std::shared_ptr<Pistache::Tcp::Peer>& peer) __asm__(
    "_ZN8Pistache4Http7Handler12onConnectionERKSt10shared_ptrINS_3Tcp4PeerEE");

namespace termin::api {
namespace {

using namespace Pistache;
using Clock = std::chrono::steady_clock;

// An unfinished request may hold this much without counting against the
// shared budget: every ordinary request fits.
constexpr std::size_t kFreeHeld = 16384;
// Heads up to this size are screened while they still arrive.
constexpr std::size_t kEarlyScreenBytes = 8192;
// Pipelined requests answered in one go; the rest wait until Pistache has
// written the last of these answers, so that one connection's pipeline
// does not hold its reactor thread while others wait.
constexpr int kRequestsPerTurn = 16;
// Descriptors kept free of connections: the store, log files, the metrics
// listener, the kernel's accept backlog being drained.
constexpr std::size_t kReservedDescriptors = 256;

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// What every handler clone (one per reactor thread, and the metrics
// listener's) shares: the limits' state, and the sweeper that enforces the
// timeouts.
struct Shared {
  App* app = nullptr;
  ServerOptions options;
  std::mutex mu;                       // guards table
  ConnectionTable table{ConnectionTable::Limits{}};
  std::atomic<std::size_t> held{0};    // bytes of unfinished requests beyond kFreeHeld each

  // The sweeper: closes connections past their time, every 250 ms.
  std::mutex stop_mu;
  std::condition_variable stop_cv;
  bool stopping = false;
  std::thread sweeper;
};

// A connection's state. Stored on the Tcp::Peer and touched only by its
// reactor thread (onInput, onRequest, and the continuations of its writes,
// which Pistache runs on that thread too).
struct Connection {
  std::shared_ptr<Shared> shared;
  std::string pending;       // the start of the next request(s), not answered yet
  std::size_t scanned = 0;   // where the search for the pending head's end resumes
  std::size_t accounted = 0; // bytes of `pending` counted in shared->held
  std::size_t unsent = 0;    // bytes of answers in Pistache's write queue
  bool queued = false;       // an answer went to Pistache's queue: later ones follow it
  bool pistache_wrote = false;  // Pistache queued an answer of its own (not counted in unsent)
  bool paused = false;       // requests wait for queued answers to drain (see Process)
  bool done = false;         // refused or closed: further input is dropped

  ~Connection() {
    if (shared) shared->held -= accounted;
  }
};

// What onRequest tells the onInput that called it: Pistache runs onRequest
// synchronously inside its own input step, on the same thread.
struct RequestOutcome {
  bool answered = false;  // onRequest ran (else Pistache answered by itself)
  bool close = false;     // the client asked to close after this answer
  std::map<std::string, std::string>* headers = nullptr;  // read by us, not Pistache
  Connection* connection = nullptr;
};
thread_local RequestOutcome t_outcome;

const char* ReasonPhrase(int status) {
  return Http::codeString(static_cast<Http::Code>(status));
}

// The response as it goes on the wire. Every answer carries nosniff and
// Referrer-Policy (docs/api.md, "Headers on every answer"). A HEAD answer
// has the GET answer's headers and Content-Length, and no body.
std::string Serialize(const HttpResponse& out, bool http10, bool close, bool head) {
  std::string raw;
  raw.reserve(256 + (head ? 0 : out.body.size()));
  raw += http10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  raw += std::to_string(out.status);
  raw += ' ';
  raw += ReasonPhrase(out.status);
  raw += close ? "\r\nConnection: close\r\n" : "\r\nConnection: keep-alive\r\n";
  if (!out.content_type.empty()) raw += "Content-Type: " + out.content_type + "\r\n";
  for (const auto& [name, value] : out.headers) raw += name + ": " + value + "\r\n";
  raw += "X-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\n";
  raw += "Content-Length: " + std::to_string(out.body.size()) + "\r\n\r\n";
  if (!head) raw += out.body;
  return raw;
}

// The head Pistache parses: the request line and the body's length. Every
// other header is ours to read (see the file comment in the header).
std::string MinimalHead(std::string_view head, std::size_t content_length) {
  std::string out(head.substr(0, head.find("\r\n") + 2));
  if (content_length > 0) out += "Content-Length: " + std::to_string(content_length) + "\r\n";
  out += "\r\n";
  return out;
}

// Writes `raw` on the socket now, as far as it takes it; returns the bytes
// written (a write error counts as everything written: the connection is
// failing, and Pistache sees that on its next read).
std::size_t WriteNow(int fd, std::string_view raw) {
  std::size_t sent = 0;
  while (sent < raw.size()) {
    ssize_t n = ::send(fd, raw.data() + sent, raw.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return sent;
    } else {
      return raw.size();
    }
  }
  return sent;
}

ScreenResult Reject(std::string slug, std::string detail) {
  ScreenResult r;
  r.reject = true;
  r.slug = std::move(slug);
  r.detail = std::move(detail);
  return r;
}

class PistacheHandler : public Http::Handler {
 public:
  HTTP_PROTOTYPE(PistacheHandler)

  PistacheHandler(std::shared_ptr<Shared> shared, bool metrics_listener)
      : shared_(std::move(shared)), metrics_listener_(metrics_listener) {}

  void onConnection(const std::shared_ptr<Tcp::Peer>& peer) override {
    PistacheHttpHandlerOnConnection(this, peer);
    auto c = std::make_shared<Connection>();
    c->shared = shared_;
    peer->putData(kConnectionData, c);
    ConnectionTable::Admission admission;
    {
      std::lock_guard<std::mutex> lock(shared_->mu);
      admission = shared_->table.Open(peer->fd(), peer->address().host(), Clock::now());
      // Under the lock: a descriptor in the table is still open (onDisconnection
      // takes it out before Pistache closes it).
      for (int fd : admission.evict) ::shutdown(fd, SHUT_RDWR);
    }
    if (!admission.admitted) {
      // Answered at once and half-closed: the client reads the 503 whenever
      // it sends; what it sends is dropped, and the sweeper closes it soon.
      c->done = true;
      HttpResponse out = shared_->app->Refusal(
          "", "unavailable", "too many connections from this address; try again in a moment");
      out.headers.emplace_back("Retry-After", "1");
      WriteNow(peer->fd(), Serialize(out, false, true, false));
      ::shutdown(peer->fd(), SHUT_WR);
    }
  }

  void onDisconnection(const std::shared_ptr<Tcp::Peer>& peer) override {
    std::lock_guard<std::mutex> lock(shared_->mu);
    shared_->table.Close(peer->fd());
  }

  void onRequest(const Http::Request& request, Http::ResponseWriter response) override {
    t_outcome.answered = true;
    Connection* c = t_outcome.connection;
    HttpResponse out;
    bool client_close = false;
    const bool http10 = request.version() == Http::Version::Http10;
    const bool head = request.method() == Http::Method::Head;
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
      if (t_outcome.headers) in.headers = std::move(*t_outcome.headers);
      auto connection = in.Header("connection");
      const std::string conn = connection ? Lower(*connection) : "";
      client_close = conn.find("close") != std::string::npos;
      if (http10) client_close = conn.find("keep-alive") == std::string::npos;
      in.body = request.body();
      t_outcome.close = client_close;
      if (shared_->options.metrics_port != 0 && (in.path == "/metrics") != metrics_listener_) {
        out = shared_->app->Refusal(in.method, "not-found", "no such resource");
      } else {
        out = shared_->app->Handle(in);
      }
    } catch (...) {
      out = RenderProblem(MakeProblem("internal", ""), Language::kDe);
    }
    std::shared_ptr<Tcp::Peer> peer = response.getPeer();
    if (!peer || !c) return;  // the client is gone
    peer->setIdle(true);  // what ResponseWriter::send does: no request pending
    Send(peer, *c, Serialize(out, http10, client_close, head), client_close ? SHUT_WR : -1);
  }

 private:
  static std::shared_ptr<Connection> Get(const std::shared_ptr<Tcp::Peer>& peer) {
    return std::static_pointer_cast<Connection>(peer->tryGetData(kConnectionData));
  }

  // Pistache 0.0.5 takes whatever one read brought as (part of) one request:
  // its onInput feeds the bytes to the parser, answers the first request
  // and then resets the parser, which throws away everything after it. So
  // we cut the byte stream into requests here and hand Pistache exactly
  // one whole request per call (its request line, its length and its
  // body; the headers we read ourselves); what belongs to a request that
  // has not fully arrived waits in the connection's `pending`. The cut is
  // safe because the screen lets through only heads whose request is
  // exactly head + Content-Length bytes (no Transfer-Encoding, one length).
  // onRequest answers synchronously inside the call, so answers leave in
  // request order.
  void onInput(const char* buffer, std::size_t len,
               const std::shared_ptr<Tcp::Peer>& peer) override {
    auto c = Get(peer);
    if (!c || c->done) return;
    c->pending.append(buffer, len);
    const ServerOptions& o = shared_->options;
    if (c->paused) {
      // The client does not read its answers. It may send one more
      // request's worth meanwhile; beyond that it is cut off (no answer:
      // it reads none).
      if (c->pending.size() > o.max_head + o.max_body) {
        c->done = true;
        Release(*c);
        ::shutdown(peer->fd(), SHUT_RDWR);
        return;
      }
      if (!Account(*c)) return Refuse(peer, *c, HeldBudget());
      Touch(peer, true);
      return;
    }
    Process(peer, *c, std::memchr(buffer, '\n', len) != nullptr);
  }

  void Process(const std::shared_ptr<Tcp::Peer>& peer, Connection& c, bool line_arrived) {
    const ServerOptions& o = shared_->options;
    std::size_t used = 0;
    int answered = 0;
    const std::string_view input = c.pending;
    while (used < input.size()) {
      // A client that does not read its answers is not answered further
      // until they drain; a long pipeline yields its thread after
      // kRequestsPerTurn answers. Both resume in Drained: the last answer
      // before a yield goes through Pistache's queue for that reason.
      if (c.unsent > o.max_unsent || (answered >= kRequestsPerTurn && c.unsent > 0)) {
        c.paused = true;
        break;
      }
      if (answered == kRequestsPerTurn - 1) c.queued = true;
      std::string_view rest = input.substr(used);
      std::size_t head_end = rest.find("\r\n\r\n", c.scanned);
      if (head_end == std::string_view::npos) {
        if (rest.size() > o.max_head) return Refuse(peer, c, HeadTooLarge());
        // Refuse a bad line at once, before the head ends (a client may
        // wait for an answer before it sends more). Only while the head is
        // short and only when a line has ended in this read: screening
        // grows with the head, and a head that trickles in must not cost
        // its length squared.
        if (rest.size() <= kEarlyScreenBytes && line_arrived) {
          ScreenResult screen = ScreenRequestHead(rest, o.max_body);
          if (screen.reject) return Refuse(peer, c, screen);
        }
        c.scanned = rest.size() >= 3 ? rest.size() - 3 : 0;
        break;
      }
      const std::size_t head_length = head_end + 4;
      if (head_length > o.max_head) return Refuse(peer, c, HeadTooLarge());
      const std::string_view head_text = rest.substr(0, head_length);
      ScreenResult screen = ScreenRequestHead(head_text, o.max_body);
      if (screen.reject) return Refuse(peer, c, screen);
      const std::size_t length = head_length + screen.content_length;
      if (rest.size() < length) {
        c.scanned = head_end;
        break;
      }
      c.scanned = 0;
      HttpRequest parsed;
      ParseRequestHead(head_text, parsed);
      std::string request = MinimalHead(head_text, screen.content_length);
      request.append(rest.substr(head_length, screen.content_length));
      t_outcome = RequestOutcome{};
      t_outcome.headers = &parsed.headers;
      t_outcome.connection = &c;
      PistacheHttpHandlerOnInput(this, request.data(), request.size(), peer);
      t_outcome.headers = nullptr;
      used += length;
      ++answered;
      auto parser = Http::Handler::getParser(peer);
      if (!parser || !parser->step() || parser->step()->id() != Http::Private::RequestLineStep::Id) {
        // Pistache wants more bytes than the screen said the request has:
        // we no longer know where the next request starts.
        return Refuse(peer, c, Reject("bad-request", "malformed request head"));
      }
      if (!t_outcome.answered) {
        // Pistache refused the request itself (its parser threw) and put
        // that answer in its write queue: later answers must queue behind it.
        c.queued = true;
        c.pistache_wrote = true;
      } else if (t_outcome.close) {
        // Answered with "Connection: close": nothing after it is a request
        // we serve (RFC 9112, 9.6).
        c.done = true;
        Release(c);
        return;
      }
    }
    c.pending.erase(0, used);
    if (c.pending.empty() && c.pending.capacity() > 65536) std::string().swap(c.pending);
    if (!Account(c)) return Refuse(peer, c, HeldBudget());
    Touch(peer, !c.pending.empty());
  }

  void Touch(const std::shared_ptr<Tcp::Peer>& peer, bool unfinished) {
    std::lock_guard<std::mutex> lock(shared_->mu);
    shared_->table.Touch(peer->fd(), unfinished, Clock::now());
  }

  // Counts the connection's unfinished bytes beyond kFreeHeld into the
  // shared budget; false (and nothing counted) if they do not fit.
  bool Account(Connection& c) {
    const std::size_t want = c.pending.size() > kFreeHeld ? c.pending.size() - kFreeHeld : 0;
    if (want > c.accounted) {
      const std::size_t add = want - c.accounted;
      if (shared_->held.fetch_add(add) + add > shared_->options.held_budget) {
        shared_->held -= add;
        return false;
      }
    } else {
      shared_->held -= c.accounted - want;
    }
    c.accounted = want;
    return true;
  }

  static void Release(Connection& c) {
    std::string().swap(c.pending);
    c.scanned = 0;
    if (c.shared) c.shared->held -= c.accounted;
    c.accounted = 0;
  }

  // Answers a refused request (problem+json, or routing for an unknown
  // method), closes the connection and drops whatever else it sends.
  void Refuse(const std::shared_ptr<Tcp::Peer>& peer, Connection& c, const ScreenResult& screen) {
    c.done = true;
    Release(c);
    HttpResponse out;
    if (screen.unknown_method) {
      HttpRequest in;
      in.method = screen.method;
      in.path = screen.path;
      out = shared_->app->Handle(in);
    } else {
      out = shared_->app->Refusal("", screen.slug, screen.detail);
      if (out.status == 503) out.headers.emplace_back("Retry-After", "1");
    }
    // The rest of the request (a body we refused) must not be read as a
    // new one: the connection is shut both ways once the answer is out.
    Send(peer, c, Serialize(out, false, true, false), SHUT_RDWR);
  }

  ScreenResult HeadTooLarge() const {
    return Reject("header-too-large", "the request head is too large (at most " +
                                          std::to_string(shared_->options.max_head) + " bytes)");
  }

  static ScreenResult HeldBudget() {
    return Reject("unavailable", "the server holds too many unfinished requests; try again");
  }

  // Pistache 0.0.5 sends every response through its transport's write
  // queue, even from the peer's own reactor thread: an eventfd wake-up,
  // EPOLLOUT armed, another epoll round, then the send, and EPOLLOUT
  // disarmed: about ten system calls around each send (strace; bench/
  // README.md). onRequest runs on the peer's reactor thread and answers at
  // once, so it writes on the (non-blocking) socket itself. What the socket
  // does not take at once is handed to Pistache's queue, and the connection
  // is marked so that its later answers queue behind it (ours must never
  // overtake bytes Pistache still holds); those bytes count as unsent
  // until Pistache has written them. `shut` (SHUT_WR after a "Connection:
  // close" answer, RFC 9112 9.6; SHUT_RDWR after a refusal) is applied
  // once the answer is out; -1 keeps the connection open.
  void Send(const std::shared_ptr<Tcp::Peer>& peer, Connection& c, std::string raw, int shut) {
    if (!c.queued) {
      const std::size_t sent = WriteNow(peer->fd(), raw);
      if (sent == raw.size()) {
        if (shut >= 0) ::shutdown(peer->fd(), shut);
        return;
      }
      c.queued = true;
      raw.erase(0, sent);
    }
    const std::size_t size = raw.size();
    c.unsent += size;
    std::weak_ptr<Tcp::Peer> weak = peer;
    peer->send(RawBuffer(std::move(raw), size))
        .then([this, weak, size, shut](ssize_t) { Drained(weak, size, shut); },
              [this, weak, size](std::exception_ptr) { Drained(weak, size, -1); });
  }

  // Pistache wrote (or gave up on) `size` queued bytes; runs on the peer's
  // reactor thread, while the peer's descriptor is still open.
  void Drained(const std::weak_ptr<Tcp::Peer>& weak, std::size_t size, int shut) {
    auto peer = weak.lock();
    if (!peer) return;
    auto c = Get(peer);
    if (!c) return;
    c->unsent -= std::min(size, c->unsent);
    if (shut >= 0) ::shutdown(peer->fd(), shut);
    // Pistache's queue for this socket is empty: answers may go out
    // directly again.
    if (c->unsent == 0 && !c->pistache_wrote) c->queued = false;
    if (c->paused && !c->done && c->unsent <= shared_->options.max_unsent / 2) {
      c->paused = false;
      Process(peer, *c, true);
    }
  }

  static constexpr const char* kConnectionData = "termin.connection";

  std::shared_ptr<Shared> shared_;
  bool metrics_listener_ = false;
};

void Sweep(Shared& s) {
  std::unique_lock<std::mutex> stop(s.stop_mu);
  while (!s.stop_cv.wait_for(stop, std::chrono::milliseconds(250), [&] { return s.stopping; })) {
    std::lock_guard<std::mutex> lock(s.mu);
    for (const auto& due : s.table.Due(Clock::now())) {
      if (due.why == ConnectionTable::Expiry::kHeaderTimeout) {
        HttpResponse out = s.app->Refusal(
            "", "request-timeout",
            "the request did not arrive within " +
                std::to_string(s.options.header_timeout.count()) + " ms");
        WriteNow(due.fd, Serialize(out, false, true, false));
      }
      // Out of the table now, under the lock: its descriptor stays open
      // until Pistache sees the shutdown and closes it.
      ::shutdown(due.fd, SHUT_RDWR);
      s.table.Close(due.fd);
    }
  }
}

}  // namespace

struct HttpServer::Impl {
  std::shared_ptr<Shared> shared;
  std::unique_ptr<Http::Endpoint> endpoint;
  std::unique_ptr<Http::Endpoint> metrics;
  std::uint16_t port = 0;
  std::uint16_t metrics_port = 0;
  bool stopped = false;
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Shutdown(); }

std::uint16_t HttpServer::port() const { return impl_->port; }
std::uint16_t HttpServer::metrics_port() const { return impl_->metrics_port; }
std::size_t HttpServer::max_connections() const { return impl_->shared->options.max_connections; }

Result<std::unique_ptr<HttpServer>> HttpServer::Start(App& app, const ServerOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->shared = std::make_shared<Shared>();
  Shared& shared = *impl->shared;
  shared.app = &app;
  shared.options = options;
  // The cap stays below the descriptor limit: Pistache's accept loop logs
  // and retries an EMFILE at once, spinning a core while it lasts.
  if (rlimit files{}; ::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY) {
    const std::size_t fit = files.rlim_cur > 2 * kReservedDescriptors
                                ? static_cast<std::size_t>(files.rlim_cur) - kReservedDescriptors
                                : static_cast<std::size_t>(files.rlim_cur) / 2;
    shared.options.max_connections = std::min(shared.options.max_connections, fit);
  }
  ConnectionTable::Limits limits;
  limits.max_total = shared.options.max_connections;
  limits.max_per_address = options.max_connections_per_ip;
  limits.header_timeout = options.header_timeout;
  limits.idle_timeout = options.idle_timeout;
  shared.table = ConnectionTable(limits);
  auto start = [&](std::uint16_t port, int threads, bool metrics,
                   std::unique_ptr<Http::Endpoint>& endpoint) {
    Pistache::Address addr(options.bind, Pistache::Port(port));
    endpoint = std::make_unique<Http::Endpoint>(addr);
    auto opts = Http::Endpoint::options()
                    .threads(std::max(1, threads))
                    .flags(Tcp::Options::ReuseAddr)
                    .maxRequestSize(options.max_head + options.max_body);
    endpoint->init(opts);
    endpoint->setHandler(Http::make_handler<PistacheHandler>(impl->shared, metrics));
    endpoint->serveThreaded();
    return static_cast<std::uint16_t>(endpoint->getPort());
  };
  std::uint16_t trying = options.port;
  try {
    impl->port = start(options.port, options.threads, false, impl->endpoint);
    if (options.metrics_port != 0) {
      trying = options.metrics_port;
      impl->metrics_port = start(options.metrics_port, 1, true, impl->metrics);
    }
  } catch (const std::exception& e) {
    if (impl->endpoint) impl->endpoint->shutdown();
    return Status::Unavailable(std::string("cannot serve on ") + options.bind + ":" +
                               std::to_string(trying) + ": " + e.what());
  }
  impl->shared->sweeper = std::thread([s = impl->shared] { Sweep(*s); });
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

void HttpServer::Shutdown() {
  if (!impl_ || impl_->stopped) return;
  impl_->stopped = true;
  try {
    impl_->endpoint->shutdown();
    if (impl_->metrics) impl_->metrics->shutdown();
  } catch (...) {
    // Shutting down: nothing left to tell anyone.
  }
  {
    std::lock_guard<std::mutex> lock(impl_->shared->stop_mu);
    impl_->shared->stopping = true;
  }
  impl_->shared->stop_cv.notify_all();
  if (impl_->shared->sweeper.joinable()) impl_->shared->sweeper.join();
}

}  // namespace termin::api
