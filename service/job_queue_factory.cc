#include "service/job_queue_factory.h"

#include <algorithm>
#include <utility>

#include "service/memory/job_queue_memory.h"
#include "service/redis/job_queue_redis.h"
#include "service/redis/redis_connection.h"

namespace termin::service {

Result<std::shared_ptr<JobQueue>> OpenJobQueue(const std::string& spec,
                                               std::shared_ptr<api::Store> store,
                                               std::size_t connections) {
  if (spec == "memory") {
    return std::shared_ptr<JobQueue>(std::make_shared<MemoryJobQueue>(std::move(store)));
  }
  if (IsRedisUrl(spec)) {
    auto options = RedisOptionsFromUrl(spec);
    if (!options.ok()) return options.status();
    options->pool_size = std::max<std::size_t>(1, connections);
    auto queue = RedisJobQueue::Connect(*options);
    if (!queue.ok()) return queue.status();
    return std::shared_ptr<JobQueue>(std::move(queue).value());
  }
  return Status::InvalidArgument("unknown store \"" + spec +
                                 "\" (use memory, redis://[user:password@]host:port[/db] or redis+sentinel://host:port,.../master[/db] or redis+cluster://host:port,...)");
}

}  // namespace termin::service
