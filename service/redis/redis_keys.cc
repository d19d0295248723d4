#include "service/redis/redis_keys.h"

namespace termin::service {

bool RedisKeys::ValidId(std::string_view id) {
  if (id.empty() || id.size() > 200) return false;
  for (char c : id) {
    if (c == '{' || c == '}' || static_cast<unsigned char>(c) < 0x20) return false;
  }
  return true;
}

std::string RedisKeys::OfficeKey(std::string_view office, std::string_view rest) const {
  std::string k;
  k.reserve(prefix_.size() + office.size() + rest.size() + 6);
  k.append(prefix_).append("{o:").append(office).append("}:").append(rest);
  return k;
}

std::string RedisKeys::OfficeConfig(std::string_view office) const { return OfficeKey(office, "cfg"); }
std::string RedisKeys::Desks(std::string_view office) const { return OfficeKey(office, "desks"); }
std::string RedisKeys::Claims(std::string_view office, std::string_view desk) const {
  return OfficeKey(office, std::string("c:").append(desk));
}
std::string RedisKeys::ClaimMax(std::string_view office) const { return OfficeKey(office, "cmax"); }
std::string RedisKeys::Wish(std::string_view office, std::string_view wish_id) const {
  return OfficeKey(office, std::string("w:").append(wish_id));
}
std::string RedisKeys::Wishes(std::string_view office) const { return OfficeKey(office, "wl"); }
std::string RedisKeys::HoldVersion(std::string_view office) const { return OfficeKey(office, "hv"); }
std::string RedisKeys::Hold(std::string_view office, std::string_view hold_id) const {
  return OfficeKey(office, std::string("h:").append(hold_id));
}
std::string RedisKeys::Appointment(std::string_view office, std::string_view ref) const {
  return OfficeKey(office, std::string("a:").append(ref));
}
std::string RedisKeys::Notes(std::string_view office, std::string_view ref) const {
  return OfficeKey(office, std::string("n:").append(ref));
}
std::string RedisKeys::Appointments(std::string_view office) const { return OfficeKey(office, "appts"); }
std::string RedisKeys::Active(std::string_view office) const { return OfficeKey(office, "active"); }
std::string RedisKeys::Tickets(std::string_view office, std::string_view day) const {
  return OfficeKey(office, std::string("t:").append(day));
}
std::string RedisKeys::Outbox(std::string_view office) const { return OfficeKey(office, "ob"); }
std::string RedisKeys::OutboxSeq(std::string_view office) const { return OfficeKey(office, "obseq"); }

std::string RedisKeys::StepMarker(std::string_view office, std::string_view token) const {
  // A request without a token still names a key of the office's slot (Redis
  // Cluster checks declared keys); the script does not touch it.
  return OfficeKey(office, std::string("ik:").append(token.empty() ? "-" : token));
}

std::string RedisKeys::Queue(std::string_view office, std::string_view day) const {
  return OfficeKey(office, std::string("q:").append(day));
}
std::string RedisKeys::QueueEntries(std::string_view office, std::string_view day) const {
  return OfficeKey(office, std::string("q:").append(day).append(":e"));
}
std::string RedisKeys::QueueDesks(std::string_view office, std::string_view day) const {
  return OfficeKey(office, std::string("q:").append(day).append(":d"));
}
std::string RedisKeys::QueueCalls(std::string_view office, std::string_view day) const {
  return OfficeKey(office, std::string("q:").append(day).append(":c"));
}
std::string RedisKeys::QueueDurations(std::string_view office) const { return OfficeKey(office, "qdur"); }
std::string RedisKeys::ReleaseQueue(std::string_view office, std::string_view day,
                                    std::string_view part) const {
  return OfficeKey(office, std::string("rq:").append(day).append(":").append(part));
}
std::string RedisKeys::Tallies(std::string_view office, std::string_view day) const {
  return OfficeKey(office, std::string("ev:").append(day));
}

std::string RedisKeys::Audit(std::string_view office) const { return OfficeKey(office, "audit"); }

std::string RedisKeys::HoldIndex(std::string_view hold_id) const {
  return prefix_ + "hold:" + std::string(hold_id);
}
std::string RedisKeys::RefIndex(std::string_view ref) const { return prefix_ + "ref:" + std::string(ref); }
std::string RedisKeys::Idempotency(std::string_view key) const {
  return prefix_ + "idem:" + std::string(key);
}
std::string RedisKeys::TokenBucket(std::string_view digest) const {
  return prefix_ + "lim:tb:" + std::string(digest);
}
std::string RedisKeys::Identity(std::string_view office, std::string_view digest) const {
  return OfficeKey(office, std::string("id:").append(digest));
}
std::string RedisKeys::OpenHolds(std::string_view digest) const {
  return prefix_ + "lim:oh:" + std::string(digest);
}
std::string RedisKeys::ServiceDocs() const { return prefix_ + "{svc}:docs"; }
std::string RedisKeys::ServiceVersions() const { return prefix_ + "{svc}:ver"; }
std::string RedisKeys::Offices() const { return prefix_ + "offices"; }
std::string RedisKeys::Secret(std::string_view name) const {
  return prefix_ + "secret:" + std::string(name);
}
std::string RedisKeys::DataFormat() const { return prefix_ + "format"; }
std::string RedisKeys::Once(std::string_view slot) const { return prefix_ + "once:" + std::string(slot); }

}  // namespace termin::service
