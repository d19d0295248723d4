// Ending a child process within a bounded time, for the test servers that
// tests start (redis-server, the SMTP sink).
//
// Thread safety: plain functions; a pid must be reaped by one caller only.
#ifndef TERMIN_SERVICE_CHILD_PROCESS_H_
#define TERMIN_SERVICE_CHILD_PROCESS_H_

#include <sys/types.h>

#include <chrono>

namespace termin::service {

// Sends `sig` to `pid` and waits up to `within` for it to end, reaping it.
// True if it ended (and was reaped) in time.
bool SignalAndReap(pid_t pid, int sig, std::chrono::milliseconds within);

}  // namespace termin::service

#endif  // TERMIN_SERVICE_CHILD_PROCESS_H_
