#include "service/store_factory.h"

#include <algorithm>
#include <utility>

#include "service/memory/memory_store.h"
#include "service/redis/redis_connection.h"
#include "service/redis/redis_store.h"

namespace termin::service {

Result<std::shared_ptr<api::Store>> OpenStore(const std::string& spec,
                                              std::shared_ptr<const api::Clock> clock,
                                              StoreOptions options) {
  if (spec == "memory") {
    return std::shared_ptr<api::Store>(std::make_shared<MemoryStore>(std::move(clock)));
  }
  if (IsRedisUrl(spec)) {
    auto redis_options = RedisOptionsFromUrl(spec);
    if (!redis_options.ok()) return redis_options.status();
    // One more connection than request threads: the configuration poll
    // (GetConfigVersions, every 250 ms) need not wait for a booking.
    redis_options->pool_size = std::max<std::size_t>(1, options.connections) + 1;
    redis_options->wait_replicas = options.wait_replicas;
    redis_options->wait_timeout = std::chrono::milliseconds(options.wait_ms);
    auto store = RedisStore::Connect(*redis_options, std::move(clock));
    if (!store.ok()) return store.status();
    return std::shared_ptr<api::Store>(std::move(store).value());
  }
  return Status::InvalidArgument("unknown store \"" + spec +
                                 "\" (use memory, redis://[user:password@]host:port[/db] or redis+sentinel://host:port,.../master[/db] or redis+cluster://host:port,...)");
}

}  // namespace termin::service
