#include "service/redis/redis_cluster.h"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <charconv>
#include <strings.h>

namespace termin::service {

std::uint16_t Crc16(std::string_view data) {
  std::uint16_t crc = 0;
  for (char ch : data) {
    crc ^= static_cast<std::uint16_t>(static_cast<unsigned char>(ch)) << 8;
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 0x8000) ? static_cast<std::uint16_t>((crc << 1) ^ 0x1021)
                           : static_cast<std::uint16_t>(crc << 1);
    }
  }
  return crc;
}

int KeySlot(std::string_view key) {
  // The hash tag: from the first '{' to the next '}', if not empty
  // ("{}" or no closing brace: the whole key is hashed).
  std::size_t open = key.find('{');
  if (open != std::string_view::npos) {
    std::size_t close = key.find('}', open + 1);
    if (close != std::string_view::npos && close > open + 1) {
      key = key.substr(open + 1, close - open - 1);
    }
  }
  return Crc16(key) & (kClusterSlots - 1);
}

namespace {

bool Is(const std::string& word, const char* name) { return strcasecmp(word.c_str(), name) == 0; }

// numkeys of EVAL/EVALSHA, or -1 if malformed.
long NumKeys(const std::vector<std::string>& argv) {
  if (argv.size() < 3) return -1;
  long n = 0;
  auto [end, ec] = std::from_chars(argv[2].data(), argv[2].data() + argv[2].size(), n);
  if (ec != std::errc() || end != argv[2].data() + argv[2].size() || n < 0 ||
      static_cast<std::size_t>(n) > argv.size() - 3) {
    return -1;
  }
  return n;
}

bool Keyless(const std::string& command) {
  static constexpr const char* kKeyless[] = {"PING", "WAIT", "SCRIPT", "CLUSTER", "INFO",
                                             "ROLE", "AUTH", "SELECT", "ASKING", "DBSIZE",
                                             "FLUSHALL", "FLUSHDB", "TIME", "CONFIG"};
  for (const char* k : kKeyless) {
    if (Is(command, k)) return true;
  }
  return false;
}

}  // namespace

std::optional<std::size_t> RoutingKeyIndex(const std::vector<std::string>& argv) {
  if (argv.size() < 2 || Keyless(argv[0])) return std::nullopt;
  if (Is(argv[0], "EVAL") || Is(argv[0], "EVALSHA")) {
    if (NumKeys(argv) <= 0) return std::nullopt;
    return 3;
  }
  return 1;
}

std::vector<int> CommandSlots(const std::vector<std::string>& argv) {
  std::vector<int> slots;
  if (argv.empty()) return slots;
  if (Is(argv[0], "EVAL") || Is(argv[0], "EVALSHA")) {
    long n = NumKeys(argv);
    for (long i = 0; i < n; ++i) slots.push_back(KeySlot(argv[3 + static_cast<std::size_t>(i)]));
    return slots;
  }
  if (Is(argv[0], "DEL") || Is(argv[0], "UNLINK") || Is(argv[0], "EXISTS") || Is(argv[0], "MGET") ||
      Is(argv[0], "TOUCH")) {
    for (std::size_t i = 1; i < argv.size(); ++i) slots.push_back(KeySlot(argv[i]));
    return slots;
  }
  if (auto k = RoutingKeyIndex(argv)) slots.push_back(KeySlot(argv[*k]));
  return slots;
}

Result<SlotMap> SlotMap::FromClusterSlots(const redisReply& reply, const std::string& fallback_host) {
  const Status malformed = Status::InvalidArgument("CLUSTER SLOTS gave an answer we cannot read");
  if (reply.type != REDIS_REPLY_ARRAY) return malformed;
  SlotMap map;
  for (std::size_t i = 0; i < reply.elements; ++i) {
    const redisReply& range = *reply.element[i];
    if (range.type != REDIS_REPLY_ARRAY || range.elements < 3 ||
        range.element[0]->type != REDIS_REPLY_INTEGER || range.element[1]->type != REDIS_REPLY_INTEGER) {
      return malformed;
    }
    const long long first = range.element[0]->integer;
    const long long last = range.element[1]->integer;
    const redisReply& primary = *range.element[2];
    if (first < 0 || last >= kClusterSlots || first > last || primary.type != REDIS_REPLY_ARRAY ||
        primary.elements < 2 || primary.element[0]->type != REDIS_REPLY_STRING ||
        primary.element[1]->type != REDIS_REPLY_INTEGER) {
      return malformed;
    }
    ClusterNode node{std::string(primary.element[0]->str, primary.element[0]->len),
                     static_cast<int>(primary.element[1]->integer)};
    if (node.host.empty() || node.host == "?") node.host = fallback_host;
    const int index = map.IndexOf(node);
    std::fill(map.owner_.begin() + first, map.owner_.begin() + last + 1, static_cast<std::int16_t>(index));
  }
  return map;
}

int SlotMap::IndexOf(const ClusterNode& node) {
  auto it = std::find(nodes_.begin(), nodes_.end(), node);
  if (it != nodes_.end()) return static_cast<int>(it - nodes_.begin());
  nodes_.push_back(node);
  return static_cast<int>(nodes_.size() - 1);
}

const ClusterNode* SlotMap::NodeOf(int slot) const {
  if (slot < 0 || slot >= kClusterSlots || owner_[static_cast<std::size_t>(slot)] < 0) return nullptr;
  return &nodes_[static_cast<std::size_t>(owner_[static_cast<std::size_t>(slot)])];
}

void SlotMap::Assign(int slot, const ClusterNode& node) {
  if (slot < 0 || slot >= kClusterSlots) return;
  owner_[static_cast<std::size_t>(slot)] = static_cast<std::int16_t>(IndexOf(node));
}

bool SlotMap::Complete() const {
  return std::none_of(owner_.begin(), owner_.end(), [](std::int16_t o) { return o < 0; });
}

std::optional<Redirect> ParseRedirect(std::string_view error) {
  Redirect r;
  if (error.substr(0, 6) == "MOVED ") {
    r.kind = Redirect::Kind::kMoved;
    error.remove_prefix(6);
  } else if (error.substr(0, 4) == "ASK ") {
    r.kind = Redirect::Kind::kAsk;
    error.remove_prefix(4);
  } else {
    return std::nullopt;
  }
  std::size_t space = error.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  auto [end, ec] = std::from_chars(error.data(), error.data() + space, r.slot);
  if (ec != std::errc() || end != error.data() + space || r.slot < 0 || r.slot >= kClusterSlots) {
    return std::nullopt;
  }
  std::string_view address = error.substr(space + 1);
  std::size_t colon = address.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string_view port = address.substr(colon + 1);
  // Redis 7 may append "@cport" in some versions' node addresses; not in MOVED, but be lenient.
  if (std::size_t at = port.find('@'); at != std::string_view::npos) port = port.substr(0, at);
  auto [pend, pec] = std::from_chars(port.data(), port.data() + port.size(), r.node.port);
  if (pec != std::errc() || pend != port.data() + port.size() || r.node.port <= 0 || r.node.port > 65535) {
    return std::nullopt;
  }
  r.node.host = std::string(address.substr(0, colon));
  return r;
}

}  // namespace termin::service
