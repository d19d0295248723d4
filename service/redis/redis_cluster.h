// Redis Cluster routing, the pure part: which hash slot a key is in, which
// node serves a slot (the slot map read from CLUSTER SLOTS), and what a MOVED
// or ASK reply says. hiredis 0.14 knows nothing of Redis Cluster (and Debian
// 12 packages no hiredis-cluster), so RedisPool (redis_connection.h) routes
// each command itself with these functions.
//
// A key's slot is CRC16 (XMODEM) of the key modulo 16384; when the key holds
// a '{' followed later by a '}' with at least one character between them,
// only the part between the first '{' and the next '}' is hashed (the hash
// tag). Every key of one office carries {o:<office>} (redis_keys.h), so an
// office lives in one slot and each booking script touches one node.
//
// Thread safety: plain functions and a value type; a SlotMap is not
// synchronized (RedisPool guards its copy with a mutex).
#ifndef TERMIN_SERVICE_REDIS_REDIS_CLUSTER_H_
#define TERMIN_SERVICE_REDIS_REDIS_CLUSTER_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scheduler/status.h"

struct redisReply;

namespace termin::service {

inline constexpr int kClusterSlots = 16384;

// CRC16-CCITT (XMODEM: polynomial 0x1021, initial value 0), as Redis Cluster uses it.
std::uint16_t Crc16(std::string_view data);

// The hash slot of `key` (0..16383), honouring the hash tag.
int KeySlot(std::string_view key);

// The index in `argv` of the key a command is routed by, or nullopt for a
// command without a key (PING, WAIT, SCRIPT LOAD, CLUSTER ...), which goes
// to whichever node the caller chooses. EVAL/EVALSHA: the first declared key
// (nullopt with numkeys 0); every other command we send: argv[1].
std::optional<std::size_t> RoutingKeyIndex(const std::vector<std::string>& argv);

// The slots of every key a command names, as far as we know its shape (EVAL
// and EVALSHA: every declared key; DEL, UNLINK, EXISTS, MGET, TOUCH: every
// argument; otherwise the routing key alone). Used to refuse a cross-slot
// command before it is sent, with a message that names the command.
std::vector<int> CommandSlots(const std::vector<std::string>& argv);

struct ClusterNode {
  std::string host;
  int port = 0;
  std::string Address() const { return host + ":" + std::to_string(port); }
  bool operator==(const ClusterNode&) const = default;
};

// Which primary serves each slot.
class SlotMap {
 public:
  SlotMap() { owner_.fill(-1); }

  // From a CLUSTER SLOTS reply: [[start, end, [host, port, id...], replicas...], ...].
  // An empty host (a node that does not know its own address) becomes
  // `fallback_host`, the address we asked. InvalidArgument if malformed.
  static Result<SlotMap> FromClusterSlots(const redisReply& reply, const std::string& fallback_host);

  // The node of `slot`, or nullptr if no node serves it.
  const ClusterNode* NodeOf(int slot) const;
  // Points `slot` at `node` (after a MOVED), adding the node if new.
  void Assign(int slot, const ClusterNode& node);
  // Every primary that serves at least one slot.
  const std::vector<ClusterNode>& nodes() const { return nodes_; }
  // True if every one of the 16384 slots has a node.
  bool Complete() const;

 private:
  int IndexOf(const ClusterNode& node);  // adds if missing

  std::array<std::int16_t, kClusterSlots> owner_;  // index into nodes_, -1 = none
  std::vector<ClusterNode> nodes_;
};

// A MOVED or ASK error reply: "MOVED 3999 127.0.0.1:6381".
struct Redirect {
  enum class Kind { kMoved, kAsk };
  Kind kind = Kind::kMoved;
  int slot = 0;
  ClusterNode node;
};
// The redirect an error reply asks for, or nullopt if it is another error.
std::optional<Redirect> ParseRedirect(std::string_view error);

}  // namespace termin::service

#endif  // TERMIN_SERVICE_REDIS_REDIS_CLUSTER_H_
