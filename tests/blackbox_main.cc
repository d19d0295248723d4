// The main of the black-box test executables: doctest, then the shared
// termin-api is stopped with SIGTERM and must exit 0 (under ASan a leak or
// memory error makes that exit code non-zero, so it fails the run).
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "tests/harness/api_server.h"

int main(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);
  // One contract log per test executable and run: start it empty.
  if (const char* log = std::getenv("TERMIN_CONTRACT_LOG"); log != nullptr && *log != '\0') {
    int fd = ::open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) ::close(fd);
  }
  doctest::Context context(argc, argv);
  int rc = context.run();
  if (context.shouldExit()) return rc;

  bool started = false;
  auto info = termin::testing::StopSharedServer(&started);
  if (started) {
    if (info && info->clean()) {
      std::printf("shared termin-api stopped cleanly on SIGTERM (%s)\n", info->Describe().c_str());
    } else {
      std::printf("FAILED: shared termin-api did not stop cleanly on SIGTERM (%s)\n",
                  info ? info->Describe().c_str() : "still running after 10 s");
      if (rc == 0) rc = 1;
    }
  }
  return rc;
}
