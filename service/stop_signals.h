// How the daemons (termin-api, termin-worker) learn they should stop.
//
// BlockStopSignals, called first in main before any thread starts: SIGPIPE
// is ignored (a client that hangs up is an error value, not a death), and
// SIGTERM and SIGINT are blocked in this thread and every thread it starts,
// so that none of them is interrupted; main waits for them with sigwait or
// sigtimedwait on the returned set and then stops in order.
#ifndef TERMIN_SERVICE_STOP_SIGNALS_H_
#define TERMIN_SERVICE_STOP_SIGNALS_H_

#include <pthread.h>
#include <signal.h>

namespace termin::service {

inline sigset_t BlockStopSignals() {
  signal(SIGPIPE, SIG_IGN);
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  return stop_signals;
}

}  // namespace termin::service

#endif  // TERMIN_SERVICE_STOP_SIGNALS_H_
