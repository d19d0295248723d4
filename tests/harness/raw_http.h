// Raw HTTP over a plain TCP socket, for requests no HTTP library would send
// (garbage methods, bad Content-Length, invalid bytes). Everything is bounded:
// connect, send and read each give up at the deadline.
//
// Thread safety: free functions; safe from many threads.
#ifndef TERMIN_TESTS_HARNESS_RAW_HTTP_H_
#define TERMIN_TESTS_HARNESS_RAW_HTTP_H_

#include <chrono>
#include <functional>
#include <map>
#include <string>

namespace termin::testing {

struct RawResponse {
  bool connected = false;
  bool answered = false;   // a status line arrived
  bool complete = false;   // headers and the whole body (Content-Length) arrived
  int status = 0;
  std::string status_line;
  std::multimap<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string error;       // what went wrong on the transport
  std::string raw;         // every byte received

  std::string Header(const std::string& lower_name) const;
};

struct RawOptions {
  std::chrono::milliseconds timeout{10000};  // for the whole exchange
  bool half_close = false;  // shutdown(SHUT_WR) after sending: the server sees EOF
  // When set, decides from the bytes so far that the answer is complete
  // (for protocols other than HTTP); `raw` then holds them.
  std::function<bool(const std::string&)> complete;
};

// Sends `bytes` to 127.0.0.1:port and reads one response.
RawResponse SendRaw(int port, const std::string& bytes, const RawOptions& options = {});

}  // namespace termin::testing

#endif  // TERMIN_TESTS_HARNESS_RAW_HTTP_H_
