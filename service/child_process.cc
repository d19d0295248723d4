#include "service/child_process.h"

#include <signal.h>
#include <sys/wait.h>

#include <thread>

namespace termin::service {

bool SignalAndReap(pid_t pid, int sig, std::chrono::milliseconds within) {
  ::kill(pid, sig);
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

}  // namespace termin::service
