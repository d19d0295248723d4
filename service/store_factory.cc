#include "service/store_factory.h"

#include "service/memory_store.h"

namespace termin::service {

Result<std::shared_ptr<api::Store>> OpenStore(const std::string& spec,
                                              std::shared_ptr<const api::Clock> clock) {
  if (spec == "memory") {
    return std::shared_ptr<api::Store>(std::make_shared<MemoryStore>(std::move(clock)));
  }
  if (spec.rfind("redis://", 0) == 0) {
    return Status::Unavailable("the Redis store is not available in this build yet; use --store memory");
  }
  return Status::InvalidArgument("unknown store \"" + spec + "\" (use memory)");
}

}  // namespace termin::service
