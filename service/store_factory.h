// Opens the store a configuration names: the seam between the API and its
// storage adapters.
//
// "memory" is the embedded store (service/memory_store.h). "redis://host:port"
// is reserved for the Redis store (the next release): today it is refused
// with a clear message rather than silently falling back to memory.
//
// Thread safety: call from main.
#ifndef TERMIN_SERVICE_STORE_FACTORY_H_
#define TERMIN_SERVICE_STORE_FACTORY_H_

#include <memory>
#include <string>

#include "api/clock.h"
#include "api/store.h"
#include "scheduler/status.h"

namespace termin::service {

Result<std::shared_ptr<api::Store>> OpenStore(const std::string& spec,
                                              std::shared_ptr<const api::Clock> clock);

}  // namespace termin::service

#endif  // TERMIN_SERVICE_STORE_FACTORY_H_
