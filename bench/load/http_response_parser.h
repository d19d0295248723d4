// An incremental parser of HTTP/1.1 responses, for the load generator's
// event-driven connections: bytes arrive in whatever pieces the socket
// delivers, and the parser says when one whole answer has been read.
//
// It reads only what termin-api (Pistache 0.0.5) sends: a status line,
// header lines, and a body framed by Content-Length. Pistache's
// ResponseWriter::send always writes Content-Length, and api/ never streams
// (the only chunked writer, ResponseStream, is unused), so a response with
// `Transfer-Encoding` is refused as an error instead of being half-read. A
// response without Content-Length has an empty body (what 1xx, 204 and 304
// are; Pistache writes Content-Length on everything else).
//
// Use: Feed() bytes until it answers kDone, take response(), Reset() for
// the next answer on the same connection. Feed() says how many bytes it
// used, so several answers in one read are parsed one after the other.
//
// Thread safety: none; one parser per connection.
#ifndef TERMIN_BENCH_LOAD_HTTP_RESPONSE_PARSER_H_
#define TERMIN_BENCH_LOAD_HTTP_RESPONSE_PARSER_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace termin::bench {

struct ParsedResponse {
  int status = 0;
  bool close = false;  // the server said `Connection: close`
  std::string body;
};

class ResponseParser {
 public:
  enum class State {
    kNeedMore,  // feed more bytes
    kDone,      // response() is one whole answer
    kError,     // not an answer this parser reads; error() says why
  };
  struct Step {
    State state;
    std::size_t used;  // bytes of the input that belong to this answer
  };

  // A head longer than this is an error (termin-api's are ~150 bytes).
  static constexpr std::size_t kMaxHeadBytes = 16 * 1024;

  // After kDone or kError, Feed() uses nothing until Reset().
  Step Feed(std::string_view data);
  void Reset();

  const ParsedResponse& response() const { return response_; }
  ParsedResponse& response() { return response_; }
  const std::string& error() const { return error_; }

 private:
  enum class Phase { kHead, kBody, kDone, kError };

  // Parses head_ (status line and headers, without the blank line).
  bool ParseHead(std::string_view head);
  Step Fail(std::string why, std::size_t used);

  Phase phase_ = Phase::kHead;
  std::string head_;               // bytes of the head read so far
  std::size_t body_left_ = 0;      // bytes of the body still to read
  ParsedResponse response_;
  std::string error_;
};

}  // namespace termin::bench

#endif  // TERMIN_BENCH_LOAD_HTTP_RESPONSE_PARSER_H_
