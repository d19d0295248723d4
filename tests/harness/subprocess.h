// A child process for black-box tests: started with fork+exec, its stdout and
// stderr redirected to a log file, stopped with a signal and reaped with a
// bounded wait. The child gets SIGKILL if the test process dies first
// (PR_SET_PDEATHSIG), so a crashed test never leaves servers behind.
//
// Thread safety: one Subprocess is used by one thread at a time.
#ifndef TERMIN_TESTS_HARNESS_SUBPROCESS_H_
#define TERMIN_TESTS_HARNESS_SUBPROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace termin::testing {

// How a child ended, as waitpid reported it.
struct ExitInfo {
  bool exited = false;    // ended through exit(); else killed by a signal
  int code = -1;          // exit code if exited
  int signal = 0;         // the signal if !exited
  std::chrono::milliseconds took{0};  // from the stop request to the end

  bool clean() const { return exited && code == 0; }
  std::string Describe() const;
};

class Subprocess {
 public:
  // Starts argv[0] (a path) with argv; output goes to log_path (truncated).
  // Returns nullopt and fills *error when fork/exec fail.
  static std::optional<Subprocess> Start(const std::vector<std::string>& argv,
                                         const std::string& log_path, std::string* error);

  Subprocess(Subprocess&& other) noexcept;
  Subprocess& operator=(Subprocess&& other) noexcept;
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;
  // Kills (SIGKILL) and reaps a child that is still running.
  ~Subprocess();

  pid_t pid() const { return pid_; }
  const std::string& log_path() const { return log_path_; }

  // Non-blocking: the exit info if the child has ended (it is then reaped).
  std::optional<ExitInfo> Poll();
  // Sends `sig` and waits up to `timeout` for the end. nullopt on timeout
  // (the child keeps running; the destructor kills it).
  std::optional<ExitInfo> SignalAndWait(int sig, std::chrono::milliseconds timeout);

  // The last `max_bytes` of the child's log, for failure messages.
  std::string LogTail(size_t max_bytes = 4000) const;

 private:
  Subprocess(pid_t pid, std::string log_path) : pid_(pid), log_path_(std::move(log_path)) {}

  pid_t pid_ = -1;  // -1 once reaped
  std::string log_path_;
  std::optional<ExitInfo> exit_;
};

}  // namespace termin::testing

#endif  // TERMIN_TESTS_HARNESS_SUBPROCESS_H_
