#include "bench/load/api_connection.h"

#include <chrono>
#include <charconv>

#include <httplib.h>

namespace termin::bench {
namespace {

// Generous bounds: a request that needs more is an error worth seeing, and
// no benchmark can hang on a dead server.
constexpr int kConnectTimeoutSeconds = 3;
constexpr int kReadTimeoutSeconds = 10;

Reply Finish(const httplib::Result& result, std::chrono::steady_clock::time_point start) {
  Reply reply;
  reply.micros = std::chrono::duration<double, std::micro>(
                     std::chrono::steady_clock::now() - start)
                     .count();
  if (result) {
    reply.status = result->status;
    reply.body = result->body;
  }
  return reply;
}

httplib::Headers Headers(const std::string& name, const std::string& value) {
  httplib::Headers h{{"Connection", "keep-alive"}};
  if (!name.empty()) h.emplace(name, value);
  return h;
}

}  // namespace

Result<std::vector<Target>> ParseTargets(std::string_view text) {
  std::vector<Target> out;
  while (!text.empty()) {
    auto comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    auto colon = item.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
      return Status::InvalidArgument("target \"" + std::string(item) + "\" is not HOST:PORT");
    }
    Target t;
    t.host = std::string(item.substr(0, colon));
    std::string_view port = item.substr(colon + 1);
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), t.port);
    if (ec != std::errc() || end != port.data() + port.size() || t.port <= 0 || t.port > 65535) {
      return Status::InvalidArgument("target \"" + std::string(item) + "\" has a bad port");
    }
    out.push_back(std::move(t));
  }
  if (out.empty()) return Status::InvalidArgument("no targets");
  return out;
}

ApiConnection::ApiConnection(const Target& target)
    : client_(std::make_unique<httplib::Client>(target.host, target.port)) {
  client_->set_keep_alive(true);
  // cpp-httplib writes a POST's head and body in two sends; with Nagle's
  // algorithm the body waits for the ACK of the head, which the server
  // delays (40 ms on Linux): every POST would take 40 ms. Real clients
  // (browsers, curl) send without that delay too.
  client_->set_tcp_nodelay(true);
  client_->set_connection_timeout(kConnectTimeoutSeconds, 0);
  client_->set_read_timeout(kReadTimeoutSeconds, 0);
  client_->set_write_timeout(kReadTimeoutSeconds, 0);
}

ApiConnection::~ApiConnection() = default;

Reply ApiConnection::Get(const std::string& path, const std::string& header_name,
                         const std::string& header_value) {
  auto start = std::chrono::steady_clock::now();
  auto result = client_->Get(path.c_str(), Headers(header_name, header_value));
  return Finish(result, start);
}

Reply ApiConnection::PostJson(const std::string& path, const std::string& body,
                              const std::string& header_name, const std::string& header_value) {
  auto start = std::chrono::steady_clock::now();
  auto result = client_->Post(path.c_str(), Headers(header_name, header_value), body,
                              "application/json");
  return Finish(result, start);
}

}  // namespace termin::bench
