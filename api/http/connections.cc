#include "api/http/connections.h"

namespace termin::api {

void ConnectionTable::Count(const std::string& address, int delta) {
  auto it = per_address_.find(address);
  if (delta > 0) {
    if (it == per_address_.end()) {
      per_address_.emplace(address, 1);
    } else {
      ++it->second;
    }
  } else if (it != per_address_.end() && --it->second == 0) {
    per_address_.erase(it);
  }
}

std::size_t ConnectionTable::at_address(const std::string& address) const {
  auto it = per_address_.find(address);
  return it == per_address_.end() ? 0 : it->second;
}

ConnectionTable::Admission ConnectionTable::Open(int fd, const std::string& address,
                                                 Clock::time_point now) {
  Admission a;
  Close(fd);  // a descriptor we never saw closed (defensive: keeps the counts true)
  // Only served connections count per address (refused ones linger a
  // moment, holding no request).
  if (at_address(address) >= limits_.max_per_address) a.admitted = false;
  if (entries_.size() >= limits_.max_total) {
    // Make room: refused connections first, then the longest idle one
    // with no request under way.
    const Entry* best = nullptr;
    int best_fd = -1;
    for (const auto& [other, e] : entries_) {
      if (e.unfinished && !e.refused) continue;
      // A connection refused anyway makes room only among refused ones.
      if (!a.admitted && !e.refused) continue;
      if (!best || (e.refused && !best->refused) ||
          (e.refused == best->refused && e.last < best->last)) {
        best = &e;
        best_fd = other;
      }
    }
    if (best) {
      a.evict.push_back(best_fd);
      // It stays in the table until the adapter's Close; count it out now
      // so that a burst of opens evicts distinct connections.
      if (!best->refused) Count(best->address, -1);
      entries_.erase(best_fd);
    } else if (a.admitted) {
      a.admitted = false;
    }
  }
  Entry e;
  e.address = address;
  e.last = now;
  e.refused = !a.admitted;
  entries_.emplace(fd, std::move(e));
  if (a.admitted) Count(address, +1);
  return a;
}

void ConnectionTable::Close(int fd) {
  auto it = entries_.find(fd);
  if (it == entries_.end()) return;
  if (!it->second.refused) Count(it->second.address, -1);
  entries_.erase(it);
}

void ConnectionTable::Touch(int fd, bool unfinished, Clock::time_point now) {
  auto it = entries_.find(fd);
  if (it == entries_.end()) return;
  Entry& e = it->second;
  e.last = now;
  if (unfinished && !e.unfinished) e.unfinished_since = now;
  e.unfinished = unfinished;
}

std::vector<ConnectionTable::Expired> ConnectionTable::Due(Clock::time_point now) const {
  std::vector<Expired> out;
  for (const auto& [fd, e] : entries_) {
    if (e.refused) {
      if (now - e.last >= limits_.refused_linger) out.push_back({fd, Expiry::kRefused});
    } else if (e.unfinished) {
      if (now - e.unfinished_since >= limits_.header_timeout) {
        out.push_back({fd, Expiry::kHeaderTimeout});
      }
    } else if (now - e.last >= limits_.idle_timeout) {
      out.push_back({fd, Expiry::kIdle});
    }
  }
  return out;
}

}  // namespace termin::api
