#include "bench/load/load_connection.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <cassert>
#include <cerrno>
#include <cstring>
#include <utility>

namespace termin::bench {
namespace {

constexpr std::uint32_t kReadEvents = EPOLLIN | EPOLLRDHUP;

}  // namespace

LoadConnection::LoadConnection(EventLoop& loop, const Target& target,
                               LoadConnectionOptions options)
    : loop_(loop), options_(options) {
  // Resolved once here (setup, not measured): numeric hosts in practice.
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string port = std::to_string(target.port);
  if (::getaddrinfo(target.host.c_str(), port.c_str(), &hints, &found) == 0 && found != nullptr) {
    std::memcpy(&address_, found->ai_addr, found->ai_addrlen);
    address_len_ = found->ai_addrlen;
  }
  if (found != nullptr) ::freeaddrinfo(found);
  host_header_ = "Host: " + target.host + ":" + port + "\r\n";
  loop_.Track(this);
}

LoadConnection::~LoadConnection() {
  loop_.Untrack(this);
  CloseSocket();
}

LoadConnection::ReplyAwaiter LoadConnection::Get(std::string_view path,
                                                 std::string_view header_name,
                                                 std::string_view header_value) {
  return Start("GET", path, {}, false, header_name, header_value);
}

LoadConnection::ReplyAwaiter LoadConnection::PostJson(std::string_view path,
                                                      std::string_view body,
                                                      std::string_view header_name,
                                                      std::string_view header_value) {
  return Start("POST", path, body, true, header_name, header_value);
}

LoadConnection::ReplyAwaiter LoadConnection::Start(std::string_view method, std::string_view path,
                                                   std::string_view body, bool has_body,
                                                   std::string_view header_name,
                                                   std::string_view header_value) {
  assert(!in_flight_ && !reply_ready_ && "await each reply before the next request");
  out_.clear();
  out_.append(method).append(" ").append(path).append(" HTTP/1.1\r\n");
  out_.append(host_header_);
  out_.append("Connection: keep-alive\r\n");
  if (!header_name.empty()) out_.append(header_name).append(": ").append(header_value).append("\r\n");
  if (has_body) {
    out_.append("Content-Type: application/json\r\nContent-Length: ");
    out_.append(std::to_string(body.size())).append("\r\n\r\n").append(body);
  } else {
    out_.append("\r\n");
  }
  out_sent_ = 0;
  in_flight_ = true;
  started_ = Clock::now();
  sent_at_ = Clock::time_point();
  if (fd_ < 0) {
    Connect();
  } else {
    Write();
  }
  return ReplyAwaiter(this);
}

void LoadConnection::Connect() {
  if (address_len_ == 0) return Fail();
  fd_ = ::socket(address_.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return Fail();
  ++connects_;
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  int rc = ::connect(fd_, reinterpret_cast<const sockaddr*>(&address_), address_len_);
  if (rc != 0 && errno != EINPROGRESS) return Fail();
  if (rc != 0) {
    state_ = State::kConnecting;
    deadline_ = started_ + options_.connect_timeout;
    watching_out_ = true;
    if (!loop_.Watch(fd_, kReadEvents | EPOLLOUT, this)) return Fail();
    return;
  }
  watching_out_ = false;
  if (!loop_.Watch(fd_, kReadEvents, this)) return Fail();
  Write();
}

void LoadConnection::Write() {
  if (out_sent_ == 0) {
    sent_at_ = Clock::now();
    deadline_ = sent_at_ + options_.reply_timeout;
  }
  while (out_sent_ < out_.size()) {
    ssize_t n = ::send(fd_, out_.data() + out_sent_, out_.size() - out_sent_, MSG_NOSIGNAL);
    if (n > 0) {
      out_sent_ += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      state_ = State::kWriting;
      if (!watching_out_) {
        watching_out_ = true;
        if (!loop_.Change(fd_, kReadEvents | EPOLLOUT, this)) return Fail();
      }
      return;
    }
    return Fail();
  }
  state_ = State::kReading;
  if (watching_out_) {
    watching_out_ = false;
    if (!loop_.Change(fd_, kReadEvents, this)) return Fail();
  }
}

void LoadConnection::OnEvents(std::uint32_t events) {
  switch (state_) {
    case State::kClosed:
      return;  // a stale event of a socket closed in this batch
    case State::kConnecting: {
      int error = 0;
      socklen_t len = sizeof error;
      if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &len) != 0 || error != 0 ||
          (events & (EPOLLERR | EPOLLHUP)) != 0) {
        return Fail();
      }
      if ((events & EPOLLOUT) == 0) return;
      return Write();
    }
    case State::kWriting:
      // The server may answer (an early error) or close before reading all.
      if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP)) != 0) return Read();
      return Write();
    case State::kReading:
    case State::kIdle:
      return Read();
  }
}

void LoadConnection::Read() {
  char* buffer = loop_.read_buffer();
  ssize_t n = ::recv(fd_, buffer, EventLoop::kReadBufferBytes, 0);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
  if (!in_flight_) {
    // Idle: the server closed (keep-alive ended) or sent what nobody asked
    // for. Either way this socket is done; no request was on it.
    CloseSocket();
    return;
  }
  if (n <= 0) return Fail();  // EOF or error mid-request
  auto step = parser_.Feed(std::string_view(buffer, static_cast<std::size_t>(n)));
  if (step.state == ResponseParser::State::kNeedMore) return;
  // An error, or bytes beyond the one answer we asked for (we never
  // pipeline): the stream cannot be trusted for the next request.
  if (step.state == ResponseParser::State::kError || step.used != static_cast<std::size_t>(n)) {
    return Fail();
  }
  auto now = Clock::now();
  Reply reply;
  reply.status = parser_.response().status;
  reply.body = std::move(parser_.response().body);
  reply.micros = MicrosSinceStart(now);
  // An answer before the whole request was sent (the server refused it
  // early) is an answer, but the rest of the request must not follow it.
  bool close = parser_.response().close || state_ != State::kReading;
  parser_.Reset();
  if (close) {
    CloseSocket();
  } else {
    state_ = State::kIdle;
  }
  Complete(std::move(reply));
}

void LoadConnection::OnTick(Clock::time_point now) {
  if (in_flight_ && now >= deadline_) Fail();
}

double LoadConnection::MicrosSinceStart(Clock::time_point now) const {
  auto from = sent_at_ == Clock::time_point() ? started_ : sent_at_;
  return std::chrono::duration<double, std::micro>(now - from).count();
}

void LoadConnection::Fail() {
  double micros = MicrosSinceStart(Clock::now());
  CloseSocket();
  Reply reply;
  reply.micros = micros;
  Complete(std::move(reply));
}

void LoadConnection::Complete(Reply reply) {
  in_flight_ = false;
  reply_ = std::move(reply);
  reply_ready_ = true;
  // Resuming runs the body to its next request on this same connection,
  // so nothing of this call may touch members after it.
  if (auto waiter = std::exchange(waiter_, {})) waiter.resume();
}

void LoadConnection::CloseSocket() {
  if (fd_ >= 0) ::close(fd_);  // also leaves the epoll set
  fd_ = -1;
  state_ = State::kClosed;
  watching_out_ = false;
  parser_.Reset();
}

}  // namespace termin::bench
