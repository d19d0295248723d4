// Targets, replies, and a blocking keep-alive HTTP/1.1 connection (over
// cpp-httplib) with every call timed.
//
// The measured load runs on LoadConnection (event-driven, many connections
// per thread: bench/load/load_connection.h); ApiConnection is for what is
// not timed, such as VerifyRush reading the rush's outcome back. cpp-httplib
// reconnects by itself if the server closes the connection. Every request
// says `Connection: keep-alive`: Pistache 0.0.5 closes the connection after
// each answer otherwise (shared/DESIGN.md).
//
// Thread safety: none; one connection per thread.
#ifndef TERMIN_BENCH_LOAD_API_CONNECTION_H_
#define TERMIN_BENCH_LOAD_API_CONNECTION_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "scheduler/status.h"

namespace httplib {
class Client;
}

namespace termin::bench {

struct Target {
  std::string host;
  int port = 0;
};

// "127.0.0.1:8080,127.0.0.1:8081" -> targets; InvalidArgument if malformed.
Result<std::vector<Target>> ParseTargets(std::string_view text);

struct Reply {
  int status = 0;      // 0: no answer (connect, send or read failed or timed out)
  std::string body;
  double micros = 0;   // wall time from sending the first byte to the whole answer read
};

class ApiConnection {
 public:
  explicit ApiConnection(const Target& target);
  ~ApiConnection();
  ApiConnection(const ApiConnection&) = delete;
  ApiConnection& operator=(const ApiConnection&) = delete;

  Reply Get(const std::string& path, const std::string& header_name = "",
            const std::string& header_value = "");
  Reply PostJson(const std::string& path, const std::string& body,
                 const std::string& header_name = "", const std::string& header_value = "");

 private:
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace termin::bench

#endif  // TERMIN_BENCH_LOAD_API_CONNECTION_H_
