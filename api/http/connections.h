// The server adapter's book of open connections, for the limits a hostile
// client must not get past (#17): connections in all and per client
// address, a request head that must arrive in time, an idle keep-alive
// connection that is closed.
//
// Pure book-keeping: the adapter (api/http/pistache_server.cc) opens and closes
// the sockets; this class only says which to close. A connection is named
// by its socket descriptor, which is unique while the connection is open.
//
// Thread safety: none; the adapter holds one mutex around it.
#ifndef TERMIN_API_HTTP_CONNECTIONS_H_
#define TERMIN_API_HTTP_CONNECTIONS_H_

#include <chrono>
#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

namespace termin::api {

class ConnectionTable {
 public:
  using Clock = std::chrono::steady_clock;

  struct Limits {
    std::size_t max_total = 10000;
    std::size_t max_per_address = 256;
    std::chrono::milliseconds header_timeout{10000};  // an unfinished request's head and body
    std::chrono::milliseconds idle_timeout{120000};   // no request under way
    std::chrono::milliseconds refused_linger{1000};   // a refused connection, after its 503
  };

  explicit ConnectionTable(Limits limits) : limits_(limits) {}

  struct Admission {
    bool admitted = true;     // false: answer 503 and close this one
    std::vector<int> evict;   // close these first (the idlest), to make room
  };
  // A new connection from `address`. Over the per-address cap it is
  // refused; over the total cap the idlest connection without a request
  // under way is evicted, else (all are busy) the new one is refused. A
  // refused connection stays in the table (it holds a descriptor) until
  // Close, and is the first to be evicted.
  Admission Open(int fd, const std::string& address, Clock::time_point now);
  // The connection is gone (the adapter is about to close its descriptor).
  void Close(int fd);
  // Bytes arrived or an answer left: `unfinished` says whether a request
  // has begun to arrive and is not complete yet (its clock starts with the
  // first such call and stops with the next false).
  void Touch(int fd, bool unfinished, Clock::time_point now);

  enum class Expiry { kHeaderTimeout, kIdle, kRefused };
  struct Expired {
    int fd;
    Expiry why;
  };
  // The connections past their time, in no particular order.
  std::vector<Expired> Due(Clock::time_point now) const;

  std::size_t size() const { return entries_.size(); }
  // Served (not refused) connections from `address`.
  std::size_t at_address(const std::string& address) const;

 private:
  struct Entry {
    std::string address;
    Clock::time_point last{};
    Clock::time_point unfinished_since{};
    bool unfinished = false;
    bool refused = false;
  };
  void Count(const std::string& address, int delta);

  Limits limits_;
  std::unordered_map<int, Entry> entries_;
  std::unordered_map<std::string, std::size_t> per_address_;
};

}  // namespace termin::api

#endif  // TERMIN_API_HTTP_CONNECTIONS_H_
