// Opens the notification JobQueue that belongs to a store spec (as
// store_factory.h names stores), for termin-api's admin dead-letter routes
// and its in-process worker.
//
// "memory": a MemoryJobQueue over the given (embedded) store. It takes the
// store's due jobs into this process's memory: only one such queue may run
// over a store, and its jobs live as long as the process (as the embedded
// store's do). "redis://host:port": a RedisJobQueue on the store's keys
// (default key prefix, as OpenStore uses), with its own connection pool.
//
// Thread safety: call from main; the queues themselves are thread-safe.
#ifndef TERMIN_SERVICE_JOB_QUEUE_FACTORY_H_
#define TERMIN_SERVICE_JOB_QUEUE_FACTORY_H_

#include <cstddef>
#include <memory>
#include <string>

#include "api/store.h"
#include "scheduler/status.h"
#include "service/job_queue.h"

namespace termin::service {

// InvalidArgument for an unknown spec; Unavailable if Redis cannot be reached.
Result<std::shared_ptr<JobQueue>> OpenJobQueue(const std::string& spec,
                                               std::shared_ptr<api::Store> store,
                                               std::size_t connections = 2);

}  // namespace termin::service

#endif  // TERMIN_SERVICE_JOB_QUEUE_FACTORY_H_
