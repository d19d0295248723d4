// Staff credentials: API keys with a role and the offices they cover.
//
// Keys are configured only as SHA-256 hex digests (the keys file never holds
// a usable key): [{"sha256": "<64 hex>", "role": "hotline"|"kiosk"|"desk"|
// "admin", "offices": ["aalen-rathaus"], "desk": "schalter-1", "name":
// "Hotline Team 1"}]. A request presents "Authorization: Bearer <key>"; the
// table looks up the digest. Kiosk and desk keys are bound to exactly one
// office, a desk key optionally to one desk of it ("desk"; absent = any desk
// of the office); hotline keys to their list (empty = every office); admin
// keys to every office.
//
// Thread safety: a const KeyTable may be used from many threads at once.
#ifndef TERMIN_API_SECURITY_AUTH_H_
#define TERMIN_API_SECURITY_AUTH_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scheduler/status.h"

namespace termin::api {

enum class Role {
  kHotline,  // phone staff: book, find, move, cancel
  kKiosk,    // the entrance terminal of one office: check-in, walk-ins
  kDesk,     // desk staff of one office (optionally one desk): the day's queue
  kAdmin,    // office managers: configuration
};

struct Principal {
  Role role = Role::kHotline;
  std::vector<std::string> offices;  // empty = every office (hotline, admin)
  std::string name;                  // for notes and logs; not a person's name
  std::string desk;                  // desk keys: the one desk it acts for; "" = any

  // Desk keys: whether the key may act for `desk_id` of its office.
  bool ActsFor(const std::string& desk_id) const { return desk.empty() || desk == desk_id; }

  bool Covers(const std::string& office_id) const;
};

class KeyTable {
 public:
  static Result<KeyTable> Parse(std::string_view json);
  static Result<KeyTable> Load(const std::string& path);

  // Unauthenticated for a missing/malformed header or an unknown key.
  Result<Principal> Authenticate(const std::optional<std::string>& authorization) const;
  std::size_t size() const { return by_digest_.size(); }

 private:
  std::map<std::string, Principal> by_digest_;
};

// Unauthenticated/PermissionDenied unless `p` has role `role`.
Status RequireRole(const Principal& p, Role role);

}  // namespace termin::api

#endif  // TERMIN_API_SECURITY_AUTH_H_
