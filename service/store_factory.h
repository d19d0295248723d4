// Opens the store a configuration names: the seam between the API and its
// storage adapters.
//
// "memory" is the embedded store (service/memory/memory_store.h): one process.
// "redis://host:port" is the Redis store (service/redis/redis_store.h): any number
// of API replicas on one Redis share every hold, appointment and
// configuration. The returned Redis store also answers GetConfigVersions (the
// versions replicas poll to notice an admin change made elsewhere): from the
// office set and the per-office/per-service version fields RedisStore writes,
// read in two round trips on a connection of its own.
//
// Opening the Redis store fails with Unavailable if Redis cannot be reached
// at that moment (termin-api then exits non-zero and its supervisor restarts
// it); once open, an outage makes calls fail fast with Unavailable and service
// resumes when Redis is back.
//
// Thread safety: call from main; the stores themselves are thread-safe.
#ifndef TERMIN_SERVICE_STORE_FACTORY_H_
#define TERMIN_SERVICE_STORE_FACTORY_H_

#include <cstddef>
#include <memory>
#include <string>

#include "api/clock.h"
#include "api/store.h"
#include "scheduler/status.h"

namespace termin::service {

struct StoreOptions {
  std::size_t connections = 8;  // Redis: pooled connections (>= API worker threads)
  int wait_replicas = 0;        // Redis: WAIT after each booking step (RedisOptions)
  int wait_ms = 0;              // its timeout
};

// InvalidArgument for an unknown or malformed spec.
Result<std::shared_ptr<api::Store>> OpenStore(const std::string& spec,
                                              std::shared_ptr<const api::Clock> clock,
                                              StoreOptions options = {});

}  // namespace termin::service

#endif  // TERMIN_SERVICE_STORE_FACTORY_H_
