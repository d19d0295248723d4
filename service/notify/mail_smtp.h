// Sending e-mail over SMTP with libcurl.
//
// One SmtpMailer keeps one curl handle, so consecutive messages reuse the
// connection (and its TLS session and login). STARTTLS: "none" never, "try"
// if the server offers it, "require" or fail; an smtps:// URL is TLS from the
// first byte. Login is used when a user is set.
//
// Errors: InvalidArgument when the server refuses the mailbox for good (550,
// 551, 553: retrying will not help); Unavailable for everything else (no
// connection, timeout, 4xx, other 5xx such as a refused login).
//
// Thread safety: a MailSender is used by one thread at a time.
#ifndef TERMIN_SERVICE_NOTIFY_MAIL_SMTP_H_
#define TERMIN_SERVICE_NOTIFY_MAIL_SMTP_H_

#include <chrono>
#include <memory>
#include <string>

#include "scheduler/status.h"

namespace termin::service {

class MailSender {
 public:
  virtual ~MailSender() = default;
  // `message` is a complete RFC 5322 message with CRLF line ends.
  virtual Status Send(const std::string& from, const std::string& to,
                      const std::string& message) = 0;
};

struct SmtpOptions {
  std::string url = "smtp://127.0.0.1:25";  // smtp://host:port or smtps://host:port
  std::string starttls = "try";             // "none" | "try" | "require"
  std::string user;                         // empty = no login
  std::string password;
  bool verify_peer = true;                  // TLS certificate check
  std::chrono::milliseconds timeout{10000}; // whole transaction
};

class SmtpMailer final : public MailSender {
 public:
  // InvalidArgument for a bad URL or starttls value.
  static Result<std::unique_ptr<SmtpMailer>> Create(SmtpOptions options);
  ~SmtpMailer() override;
  SmtpMailer(const SmtpMailer&) = delete;
  SmtpMailer& operator=(const SmtpMailer&) = delete;

  Status Send(const std::string& from, const std::string& to, const std::string& message) override;

 private:
  explicit SmtpMailer(SmtpOptions options) : options_(std::move(options)) {}
  SmtpOptions options_;
  void* curl_ = nullptr;  // CURL*, kept for connection reuse
};

}  // namespace termin::service

#endif  // TERMIN_SERVICE_NOTIFY_MAIL_SMTP_H_
