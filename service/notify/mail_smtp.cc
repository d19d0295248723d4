#include "service/notify/mail_smtp.h"

#include <curl/curl.h>

#include <cstring>
#include <mutex>

namespace termin::service {

namespace {

struct Upload {
  const std::string* data;
  std::size_t pos = 0;
};

std::size_t ReadChunk(char* buffer, std::size_t size, std::size_t nitems, void* user) {
  auto* up = static_cast<Upload*>(user);
  std::size_t n = std::min(size * nitems, up->data->size() - up->pos);
  std::memcpy(buffer, up->data->data() + up->pos, n);
  up->pos += n;
  return n;
}

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Addresses go to the server inside <...>: refuse anything that could break
// out of the command line.
bool PlainAddress(const std::string& a) {
  if (a.empty() || a.size() > 254 || a.find('@') == std::string::npos) return false;
  for (char c : a) {
    if (c <= 0x20 || c == '<' || c == '>' || c == 0x7F) return false;
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<SmtpMailer>> SmtpMailer::Create(SmtpOptions options) {
  if (options.url.rfind("smtp://", 0) != 0 && options.url.rfind("smtps://", 0) != 0) {
    return Status::InvalidArgument("SMTP URL must start with smtp:// or smtps://");
  }
  if (options.starttls != "none" && options.starttls != "try" && options.starttls != "require") {
    return Status::InvalidArgument("starttls must be none, try or require");
  }
  GlobalInit();
  std::unique_ptr<SmtpMailer> m(new SmtpMailer(std::move(options)));
  m->curl_ = curl_easy_init();
  if (!m->curl_) return Status::Internal("curl_easy_init failed");
  return m;
}

SmtpMailer::~SmtpMailer() {
  if (curl_) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

Status SmtpMailer::Send(const std::string& from, const std::string& to, const std::string& message) {
  if (!PlainAddress(from) || !PlainAddress(to)) {
    return Status::InvalidArgument("not a usable e-mail address");
  }
  CURL* c = static_cast<CURL*>(curl_);
  curl_easy_reset(c);  // keeps the connection cache
  Upload up{&message};
  std::string mail_from = "<" + from + ">";
  std::string rcpt = "<" + to + ">";
  curl_slist* rcpts = curl_slist_append(nullptr, rcpt.c_str());
  curl_easy_setopt(c, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpts);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadChunk);
  curl_easy_setopt(c, CURLOPT_READDATA, &up);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  if (options_.starttls == "try") curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
  if (options_.starttls == "require") curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!options_.verify_peer) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!options_.user.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, options_.user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, options_.password.c_str());
  }
  CURLcode rc = curl_easy_perform(c);
  long reply = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
  curl_slist_free_all(rcpts);
  if (rc == CURLE_OK) return Status::Ok();
  // Only a refused mailbox (550 unavailable, 551 not local, 553 name not
  // allowed) is final for this message; any other failure, also a 5xx such as
  // 535 (login refused), is more likely our configuration or the server's
  // state and must not bury every message at once: it is retried with
  // backoff and dead-lettered after the last attempt. Recipient, address and
  // content details are never put into the status message.
  std::string what = std::string("SMTP: ") + curl_easy_strerror(rc);
  if (reply == 550 || reply == 551 || reply == 553) {
    return Status::InvalidArgument(what + " (reply " + std::to_string(reply) + ")");
  }
  if (reply > 0) what += " (reply " + std::to_string(reply) + ")";
  return Status::Unavailable(what);
}

}  // namespace termin::service
