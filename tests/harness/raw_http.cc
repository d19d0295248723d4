#include "tests/harness/raw_http.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

namespace termin::testing {

namespace {

using Clock = std::chrono::steady_clock;

int MillisLeft(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  size_t e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// Parses what arrived so far. Returns true when the response is complete.
bool ParseResponse(const std::string& data, bool eof, RawResponse* out) {
  size_t header_end = data.find("\r\n\r\n");
  if (header_end == std::string::npos) return false;
  out->answered = true;
  out->headers.clear();
  size_t line_end = data.find("\r\n");
  out->status_line = data.substr(0, line_end);
  if (out->status_line.rfind("HTTP/", 0) == 0) {
    size_t sp = out->status_line.find(' ');
    if (sp != std::string::npos) out->status = std::atoi(out->status_line.c_str() + sp + 1);
  }
  size_t pos = line_end + 2;
  while (pos < header_end) {
    size_t next = data.find("\r\n", pos);
    std::string line = data.substr(pos, next - pos);
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
      out->headers.emplace(Lower(Trim(line.substr(0, colon))), Trim(line.substr(colon + 1)));
    }
    pos = next + 2;
  }
  std::string body = data.substr(header_end + 4);
  std::string length = out->Header("content-length");
  if (!length.empty()) {
    size_t want = std::strtoull(length.c_str(), nullptr, 10);
    if (body.size() >= want) {
      out->body = body.substr(0, want);
      return true;
    }
    out->body = body;
    return false;
  }
  out->body = body;
  // Without Content-Length the body ends with the connection (or is empty
  // for status codes that have none).
  return eof || out->status == 204 || out->status == 304 || (out->status >= 100 && out->status < 200);
}

}  // namespace

std::string RawResponse::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

RawResponse SendRaw(int port, const std::string& bytes, const RawOptions& options) {
  RawResponse out;
  const auto deadline = Clock::now() + options.timeout;
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    out.error = std::string("socket: ") + std::strerror(errno);
    return out;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 && errno != EINPROGRESS) {
    out.error = std::string("connect: ") + std::strerror(errno);
    ::close(fd);
    return out;
  }
  pollfd p{fd, POLLOUT, 0};
  if (::poll(&p, 1, MillisLeft(deadline)) != 1) {
    out.error = "connect timed out";
    ::close(fd);
    return out;
  }
  int so_error = 0;
  socklen_t len = sizeof so_error;
  ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
  if (so_error != 0) {
    out.error = std::string("connect: ") + std::strerror(so_error);
    ::close(fd);
    return out;
  }
  out.connected = true;

  // Send and read at the same time: a server may answer (413) and close
  // before it has read a large body.
  std::string data;
  size_t sent = 0;
  bool send_done = bytes.empty();
  bool eof = false;
  if (send_done && options.half_close) ::shutdown(fd, SHUT_WR);
  char buf[65536];
  while (MillisLeft(deadline) > 0) {
    pollfd pf{fd, static_cast<short>(POLLIN | (send_done ? 0 : POLLOUT)), 0};
    int r = ::poll(&pf, 1, std::min(MillisLeft(deadline), 200));
    if (r < 0 && errno != EINTR) break;
    if (r <= 0) continue;
    if (!send_done && (pf.revents & POLLOUT)) {
      ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n > 0) {
        sent += static_cast<size_t>(n);
        if (sent == bytes.size()) {
          send_done = true;
          if (options.half_close) ::shutdown(fd, SHUT_WR);
        }
      } else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
        send_done = true;  // the server closed its side; read what it said
      }
    }
    if (pf.revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n > 0) {
        data.append(buf, static_cast<size_t>(n));
      } else if (n == 0) {
        eof = true;
      } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
        eof = true;
        if (data.empty()) out.error = std::string("recv: ") + std::strerror(errno);
      }
      if (options.complete ? options.complete(data) : ParseResponse(data, eof, &out)) {
        out.complete = true;
        break;
      }
      if (eof) break;
    }
  }
  if (!out.complete && out.error.empty()) {
    out.error = eof ? "connection closed before a complete response"
                    : "no complete response before the deadline";
  }
  out.raw = std::move(data);
  ::close(fd);
  return out;
}

}  // namespace termin::testing
