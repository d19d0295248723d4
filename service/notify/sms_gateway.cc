#include "service/notify/sms_gateway.h"

#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace termin::service {

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[mac[i] >> 4];
    out += kHex[mac[i] & 0xF];
  }
  return out;
}

Result<std::unique_ptr<HttpSmsGateway>> HttpSmsGateway::Create(
    SmsOptions options, std::shared_ptr<const api::Clock> clock) {
  constexpr std::string_view kScheme = "http://";
  if (options.url.rfind(kScheme, 0) != 0) {
    return Status::InvalidArgument("SMS gateway URL must start with http://");
  }
  if (options.secret.empty()) return Status::InvalidArgument("SMS gateway secret is empty");
  std::size_t slash = options.url.find('/', kScheme.size());
  std::string origin = options.url.substr(0, slash);
  std::string path = slash == std::string::npos ? "/" : options.url.substr(slash);
  if (origin.size() == kScheme.size()) return Status::InvalidArgument("SMS gateway URL has no host");
  std::unique_ptr<HttpSmsGateway> g(new HttpSmsGateway(std::move(options), std::move(clock)));
  g->origin_ = std::move(origin);
  g->path_ = std::move(path);
  return g;
}

Status HttpSmsGateway::Send(const std::string& id, const std::string& to, const std::string& text) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("id");
  w.String(id.c_str(), static_cast<rapidjson::SizeType>(id.size()));
  w.Key("to");
  w.String(to.c_str(), static_cast<rapidjson::SizeType>(to.size()));
  w.Key("text");
  w.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
  w.EndObject();
  std::string body(buf.GetString(), buf.GetSize());
  std::string ts = std::to_string(
      std::chrono::floor<std::chrono::seconds>(clock_->Now()).time_since_epoch().count());
  httplib::Headers headers = {{"X-Termin-Timestamp", ts},
                              {"X-Termin-Signature", "sha256=" + HmacSha256Hex(options_.secret, ts + "." + body)}};
  httplib::Client client(origin_);
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(options_.timeout);
  auto usecs = std::chrono::duration_cast<std::chrono::microseconds>(options_.timeout - secs);
  client.set_connection_timeout(secs.count(), usecs.count());
  client.set_read_timeout(secs.count(), usecs.count());
  client.set_write_timeout(secs.count(), usecs.count());
  auto res = client.Post(path_, headers, body, "application/json");
  if (!res) return Status::Unavailable("SMS gateway: " + httplib::to_string(res.error()));
  int code = res->status;
  if (code >= 200 && code < 300) return Status::Ok();
  std::string what = "SMS gateway answered " + std::to_string(code);
  if (code >= 400 && code < 500 && code != 408 && code != 429) return Status::InvalidArgument(what);
  return Status::Unavailable(what);
}

}  // namespace termin::service
