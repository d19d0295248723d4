// Sending SMS through an HTTP gateway.
//
// One POST per message to the configured URL, body JSON:
//   {"id": "<message id>", "to": "<phone>", "text": "<GSM-7 text>"}
// with headers
//   X-Termin-Timestamp: <unix seconds>
//   X-Termin-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>
// so the gateway can check that the request comes from us, is unchanged and
// fresh; "id" lets it drop a repeat (delivery is at-least-once).
//
// Answers: 2xx sent; 4xx other than 408/429 refused for good
// (InvalidArgument); anything else, or no answer, Unavailable.
//
// Only http:// URLs: the Debian cpp-httplib is built into several of our
// translation units without OpenSSL support, and mixing both would break the
// one-definition rule. A gateway reached over the Internet goes through a
// local TLS proxy (stunnel, the mesh sidecar).
//
// Thread safety: a SmsSender is used by one thread at a time.
#ifndef TERMIN_SERVICE_NOTIFY_SMS_GATEWAY_H_
#define TERMIN_SERVICE_NOTIFY_SMS_GATEWAY_H_

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "api/clock.h"
#include "scheduler/status.h"

namespace termin::service {

class SmsSender {
 public:
  virtual ~SmsSender() = default;
  virtual Status Send(const std::string& id, const std::string& to, const std::string& text) = 0;
};

struct SmsOptions {
  std::string url;     // http://host:port/path
  std::string secret;  // HMAC key
  std::chrono::milliseconds timeout{5000};
};

// hex(HMAC-SHA256(key, data)).
std::string HmacSha256Hex(std::string_view key, std::string_view data);

class HttpSmsGateway final : public SmsSender {
 public:
  // InvalidArgument for a URL that is not http://host[:port][/path] or an
  // empty secret.
  static Result<std::unique_ptr<HttpSmsGateway>> Create(SmsOptions options,
                                                        std::shared_ptr<const api::Clock> clock);
  Status Send(const std::string& id, const std::string& to, const std::string& text) override;

 private:
  HttpSmsGateway(SmsOptions options, std::shared_ptr<const api::Clock> clock)
      : options_(std::move(options)), clock_(std::move(clock)) {}
  SmsOptions options_;
  std::shared_ptr<const api::Clock> clock_;
  std::string origin_;  // "http://host:port"
  std::string path_;    // "/path"
};

}  // namespace termin::service

#endif  // TERMIN_SERVICE_NOTIFY_SMS_GATEWAY_H_
