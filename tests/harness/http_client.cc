#include "tests/harness/http_client.h"

#include <algorithm>
#include <cctype>

#include <httplib.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "tests/harness/contract_log.h"

namespace termin::testing {

namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string PathOnly(const std::string& path_and_query) {
  auto q = path_and_query.find('?');
  return q == std::string::npos ? path_and_query : path_and_query.substr(0, q);
}

}  // namespace

std::string Response::Header(const std::string& name) const {
  auto it = headers.find(Lower(name));
  return it == headers.end() ? std::string() : it->second;
}

std::string Response::MediaType() const {
  std::string m = content_type.substr(0, content_type.find(';'));
  while (!m.empty() && m.back() == ' ') m.pop_back();
  return Lower(m);
}

bool Response::IsProblem() const {
  if (MediaType() != "application/problem+json" || !json_ok || !json.IsObject()) return false;
  auto type = json.FindMember("type");
  auto title = json.FindMember("title");
  auto st = json.FindMember("status");
  return type != json.MemberEnd() && type->value.IsString() && title != json.MemberEnd() &&
         title->value.IsString() && st != json.MemberEnd() && st->value.IsInt() &&
         st->value.GetInt() == status;
}

std::string Response::ProblemSlug() const {
  if (!IsProblem()) return "";
  std::string type = json["type"].GetString();
  auto slash = type.rfind('/');
  return slash == std::string::npos ? type : type.substr(slash + 1);
}

std::string Response::Str(const char* key) const {
  if (!json_ok || !json.IsObject()) return "";
  auto it = json.FindMember(key);
  if (it == json.MemberEnd() || !it->value.IsString()) return "";
  return it->value.GetString();
}

std::string Response::Summary() const {
  if (status == 0) return "no response: " + error;
  std::string s = "HTTP " + std::to_string(status) + " [" + content_type + "] ";
  s += body.size() > 600 ? body.substr(0, 600) + "..." : body;
  return s;
}

Response HttpClient::Send(const std::string& method, const std::string& path_and_query,
                          const std::string& body, const std::string& content_type,
                          const Headers& headers) const {
  httplib::Client cli("127.0.0.1", port_);
  cli.set_connection_timeout(5, 0);
  cli.set_read_timeout(30, 0);  // generous: the ASan build is slow
  cli.set_write_timeout(10, 0);
  httplib::Headers h;
  for (const auto& [k, v] : headers) h.emplace(k, v);

  httplib::Request req;
  req.method = method;
  req.path = path_and_query;
  req.headers = h;
  if (!body.empty() || !content_type.empty()) {
    req.body = body;
    if (!content_type.empty()) req.set_header("Content-Type", content_type);
  }
  Response out;
  auto res = cli.send(req);
  if (!res) {
    out.error = httplib::to_string(res.error());
    return out;
  }
  out.status = res->status;
  out.body = res->body;
  for (const auto& [k, v] : res->headers) out.headers.emplace(Lower(k), v);
  out.content_type = res->get_header_value("Content-Type");
  const std::string media = out.MediaType();
  if (media == "application/json" || media == "application/problem+json") {
    out.json.Parse(out.body.c_str(), out.body.size());
    out.json_ok = !out.json.HasParseError();
    if (!out.json_ok) out.json.SetNull();
  }
  RecordForContract(method, PathOnly(path_and_query), out.status, out.content_type, out.body);
  return out;
}

Response HttpClient::Get(const std::string& path_and_query, const Headers& headers) const {
  return Send("GET", path_and_query, "", "", headers);
}

Response HttpClient::Delete(const std::string& path_and_query, const Headers& headers) const {
  return Send("DELETE", path_and_query, "", "", headers);
}

Response HttpClient::Post(const std::string& path_and_query, const std::string& json_body,
                          const Headers& headers) const {
  return Send("POST", path_and_query, json_body, "application/json", headers);
}

Response HttpClient::Put(const std::string& path_and_query, const std::string& json_body,
                         const Headers& headers) const {
  return Send("PUT", path_and_query, json_body, "application/json", headers);
}

Headers Bearer(const std::string& key) { return {{"Authorization", "Bearer " + key}}; }

Headers With(Headers headers, std::string name, std::string value) {
  headers.emplace_back(std::move(name), std::move(value));
  return headers;
}

std::string Q(const std::string& s) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
  return std::string(buf.GetString(), buf.GetSize());
}

std::string QList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += Q(items[i]);
  }
  return out + "]";
}

std::string UrlEncode(const std::string& s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string ToJson(const rapidjson::Value& value) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  value.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace termin::testing
