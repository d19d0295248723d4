// One keep-alive HTTP/1.1 connection of the load generator to one
// termin-api, driven by a load thread's EventLoop, every request timed.
//
// A request is started by Get/PostJson and its Reply is had by co_await:
//
//   Reply r = co_await conn.PostJson("/v1/holds", body);
//
// One request at a time (no pipelining: Pistache 0.0.5 does not answer a
// second request sent before the first's answer). The connection is a small
// state machine:
//
//   kClosed --request--> kConnecting --connected--> kWriting
//   kClosed --request, connected at once--> kWriting
//   kIdle --request--> kWriting --all bytes sent--> kReading
//   kReading --whole answer--> kIdle   (or kClosed on `Connection: close`)
//   any state with a request --error, EOF, timeout--> kClosed, Reply{0}
//   kIdle --server closed--> kClosed   (no request: nothing fails)
//
// A request on a kClosed connection reconnects first; so a connection the
// server closed is an error for the request it was on, and the next one
// finds a fresh connection. Every request says `Connection: keep-alive`:
// Pistache 0.0.5 closes after each answer otherwise (shared/DESIGN.md).
//
// Reply::micros runs from the moment the request's first byte is handed to
// send() to the moment its whole answer was parsed; a connect before it is
// not in it (the healthz handshake connects before any measured window).
// Head and body go out in one send(), so Nagle's delay cannot split them;
// TCP_NODELAY is set all the same.
//
// Thread safety: none; a connection, its loop and the coroutine awaiting it
// belong to one load thread.
#ifndef TERMIN_BENCH_LOAD_LOAD_CONNECTION_H_
#define TERMIN_BENCH_LOAD_LOAD_CONNECTION_H_

#include <sys/socket.h>

#include <chrono>
#include <coroutine>
#include <cstddef>
#include <string>
#include <string_view>

#include "bench/load/api_connection.h"
#include "bench/load/event_loop.h"
#include "bench/load/http_response_parser.h"

namespace termin::bench {

struct LoadConnectionOptions {
  // Generous bounds, as the blocking client had: a request that needs more
  // is an error worth seeing, and no benchmark can hang on a dead server.
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds reply_timeout{10000};  // from the first byte sent
};

class LoadConnection final : public EventHandler {
 public:
  enum class State {
    kClosed,      // no socket
    kConnecting,  // non-blocking connect under way, request waiting
    kWriting,     // request partly sent, waiting for room in the socket
    kReading,     // request sent, answer not yet whole
    kIdle,        // connected, no request
  };

  // Awaiting it suspends the calling body until the Reply is there (or not
  // at all, if the request already failed, e.g. connection refused).
  class [[nodiscard]] ReplyAwaiter {
   public:
    explicit ReplyAwaiter(LoadConnection* conn) : conn_(conn) {}
    bool await_ready() const noexcept { return conn_->reply_ready_; }
    void await_suspend(std::coroutine_handle<> waiter) noexcept { conn_->waiter_ = waiter; }
    Reply await_resume() {
      conn_->reply_ready_ = false;
      return std::move(conn_->reply_);
    }

   private:
    LoadConnection* conn_;
  };

  LoadConnection(EventLoop& loop, const Target& target, LoadConnectionOptions options = {});
  ~LoadConnection() override;
  LoadConnection(const LoadConnection&) = delete;
  LoadConnection& operator=(const LoadConnection&) = delete;

  // One optional extra header (e.g. Authorization). The previous request's
  // Reply must have been awaited.
  ReplyAwaiter Get(std::string_view path, std::string_view header_name = {},
                   std::string_view header_value = {});
  ReplyAwaiter PostJson(std::string_view path, std::string_view body,
                        std::string_view header_name = {}, std::string_view header_value = {});

  State state() const { return state_; }
  // TCP connections opened so far (the first, plus every reconnect).
  std::size_t connects() const { return connects_; }

  void OnEvents(std::uint32_t events) override;
  void OnTick(std::chrono::steady_clock::time_point now) override;

 private:
  using Clock = std::chrono::steady_clock;

  ReplyAwaiter Start(std::string_view method, std::string_view path, std::string_view body,
                     bool has_body, std::string_view header_name, std::string_view header_value);
  void Connect();
  void Write();
  void Read();
  // Ends the request in flight with `reply` and resumes its body: callers
  // must return right after (the body may have started the next request).
  void Complete(Reply reply);
  void Fail();  // closes, then completes with status 0
  void CloseSocket();
  double MicrosSinceStart(Clock::time_point now) const;

  EventLoop& loop_;
  LoadConnectionOptions options_;
  sockaddr_storage address_{};
  socklen_t address_len_ = 0;  // 0: the target did not resolve
  std::string host_header_;    // "Host: 127.0.0.1:8081\r\n"

  int fd_ = -1;
  State state_ = State::kClosed;
  bool watching_out_ = false;  // EPOLLOUT is in the registered events
  std::size_t connects_ = 0;

  bool in_flight_ = false;
  std::string out_;            // the request, head and body
  std::size_t out_sent_ = 0;
  Clock::time_point started_;  // request started (maybe before connecting)
  Clock::time_point sent_at_;  // first byte handed to send()
  Clock::time_point deadline_;
  ResponseParser parser_;

  bool reply_ready_ = false;
  Reply reply_;
  std::coroutine_handle<> waiter_;
};

}  // namespace termin::bench

#endif  // TERMIN_BENCH_LOAD_LOAD_CONNECTION_H_
