// Real receivers for the worker's tests, on loopback:
//   SmtpTestSink  the SMTP server tests/worker/smtp_sink.py as a child
//                 process; every accepted message is a JSON file in its
//                 directory (parsed by Python's email package). Stop() and
//                 Restart() (same port) take it away and bring it back.
//   SmsTestSink   an HTTP gateway (cpp-httplib server in a thread) that
//                 checks the HMAC signature and keeps what it received; it
//                 can be told to answer 503 for a while.
// Children get SIGKILL if the test process dies (PR_SET_PDEATHSIG).
//
// Thread safety: one thread drives each sink; SmsTestSink's accessors may be
// called while its server thread runs.
#ifndef TERMIN_SERVICE_NOTIFY_WORKER_TEST_SERVERS_H_
#define TERMIN_SERVICE_NOTIFY_WORKER_TEST_SERVERS_H_

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "scheduler/status.h"

namespace httplib {
class Server;
}

namespace termin::service {

struct SinkMail {
  std::string file;  // the JSON file's name, in arrival order
  std::string message_id;
  std::string from;
  std::vector<std::string> to;
  std::string subject;
  std::string text;
  std::string html;
  std::string ics;
  std::string ics_filename;
  std::string png_cids;  // Content-IDs of inline PNG images, space-separated
};

class SmtpTestSink {
 public:
  // `script`: path of smtp_sink.py. Waits up to 5 s for it to listen.
  static Result<std::unique_ptr<SmtpTestSink>> Start(const std::string& script,
                                                     bool count_only = false);
  ~SmtpTestSink();
  SmtpTestSink(const SmtpTestSink&) = delete;
  SmtpTestSink& operator=(const SmtpTestSink&) = delete;

  int port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  const std::string& dir() const { return dir_; }

  Status Stop();     // SIGTERM, reap (bounded); the port refuses connections after
  Status Restart();  // same port and directory
  // Every message received so far, in arrival order.
  std::vector<SinkMail> Messages() const;
  // Waits until at least `n` messages arrived or `timeout` passed; returns them.
  std::vector<SinkMail> WaitFor(std::size_t n, std::chrono::milliseconds timeout) const;
  // count-only mode: the count written at Stop().
  long long CountAtStop() const;

 private:
  SmtpTestSink(std::string script, std::string dir, bool count_only)
      : script_(std::move(script)), dir_(std::move(dir)), count_only_(count_only) {}
  Status Launch(int port);

  std::string script_;
  std::string dir_;
  bool count_only_;
  int port_ = 0;
  pid_t pid_ = -1;
};

struct SinkSms {
  std::string id;
  std::string to;
  std::string text;
};

class SmsTestSink {
 public:
  static Result<std::unique_ptr<SmsTestSink>> Start(std::string secret);
  ~SmsTestSink();
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/sms"; }
  // While true, answers 503 (and keeps nothing).
  void SetFailing(bool failing) { failing_.store(failing); }
  std::vector<SinkSms> Messages() const;
  std::vector<SinkSms> WaitFor(std::size_t n, std::chrono::milliseconds timeout) const;
  // Requests refused for a bad or missing signature.
  int bad_signatures() const { return bad_signatures_.load(); }

 private:
  SmsTestSink() = default;
  std::string secret_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<bool> failing_{false};
  std::atomic<int> bad_signatures_{0};
  mutable std::mutex mutex_;
  std::vector<SinkSms> messages_;  // GUARDED_BY(mutex_)
};

}  // namespace termin::service

#endif  // TERMIN_SERVICE_NOTIFY_WORKER_TEST_SERVERS_H_
