#include "api/http/web_front.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace termin::api {
namespace {

namespace fs = std::filesystem;

std::string ContentTypeOf(const std::string& name) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {".html", "text/html; charset=utf-8"},   {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},     {".json", "application/json"},
      {".svg", "image/svg+xml"},               {".png", "image/png"},
      {".ico", "image/x-icon"},                {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"},            {".woff2", "font/woff2"},
  };
  for (const auto& [ext, type] : kTypes) {
    if (name.size() >= std::strlen(ext) && name.ends_with(ext)) return type;
  }
  return "application/octet-stream";
}

// esbuild's [name]-[hash] names: 8 characters of A-Z and 0-9 before the
// extension.
bool HashedName(const std::string& name) {
  static const std::regex kHashed(R"(.*-[A-Z0-9]{8}\.[a-z0-9]+$)");
  return std::regex_match(name, kHashed);
}

std::optional<std::string> ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool HasPrefix(std::string_view path, std::string_view prefix) {
  return path == prefix || (path.starts_with(prefix) && path.size() > prefix.size() &&
                            path[prefix.size()] == '/');
}

// The request headers a preflight may name: what the widget sends.
constexpr const char* kAllowHeaders =
    "Content-Type, Accept-Language, Idempotency-Key, X-Manage-Secret, X-Hold-Secret, "
    "X-Proof-Of-Work, X-Wish-Secret, X-Offer-Token";
constexpr const char* kExposeHeaders = "Location, Idempotent-Replayed, Retry-After, X-Request-Id";

}  // namespace

Result<WebFront> WebFront::Create(const std::string& web_root,
                                  std::vector<std::string> allowed_origins) {
  static const std::regex kOrigin(R"(^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$)");
  for (const auto& o : allowed_origins) {
    if (!std::regex_match(o, kOrigin)) {
      return Status::InvalidArgument("--allowed-origin must be scheme://host[:port] (never *): " +
                                     o);
    }
  }
  WebFront front;
  front.allowed_origins_ = std::move(allowed_origins);
  if (web_root.empty()) return front;
  std::error_code ec;
  if (!fs::is_directory(web_root, ec)) {
    return Status::InvalidArgument("--web-root is not a directory: " + web_root +
                                   " (build it with scripts/build-web.sh)");
  }
  for (auto it = fs::recursive_directory_iterator(web_root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::string rel = "/" + fs::relative(it->path(), web_root).generic_string();
    if (rel.ends_with(".gz")) continue;  // read with its original
    auto body = ReadAll(it->path());
    if (!body) return Status::InvalidArgument("cannot read " + it->path().string());
    StaticFile f;
    f.content_type = ContentTypeOf(rel);
    f.body = std::move(*body);
    f.immutable = HashedName(rel);
    fs::path gz = it->path();
    gz += ".gz";
    if (fs::exists(gz)) f.gzip = ReadAll(gz);
    front.files_.emplace(std::move(rel), std::move(f));
  }
  if (ec) return Status::InvalidArgument("cannot list " + web_root + ": " + ec.message());
  return front;
}

bool WebFront::IsApiPath(std::string_view path) {
  return HasPrefix(path, "/v1") || path == "/healthz" || path == "/readyz" || path == "/metrics";
}

bool WebFront::IsPublicApiPath(std::string_view path) {
  for (std::string_view p : {"/v1/offices", "/v1/services", "/v1/availability", "/v1/challenge", "/v1/holds",
                             "/v1/appointments"}) {
    if (HasPrefix(path, p)) return true;
  }
  return false;
}

bool WebFront::OriginAllowed(const std::optional<std::string>& origin) const {
  return origin && std::find(allowed_origins_.begin(), allowed_origins_.end(), *origin) !=
                       allowed_origins_.end();
}

const StaticFile* WebFront::FindFile(const std::string& path) const {
  for (const std::string& candidate :
       {path, path + ".html", path + (path.ends_with("/") ? "" : "/") + "index.html"}) {
    auto it = files_.find(candidate);
    if (it != files_.end()) return &it->second;
  }
  return nullptr;
}

std::optional<HttpResponse> WebFront::Before(const HttpRequest& req,
                                             const std::string& allow_for_path) const {
  if (req.method == "OPTIONS" && IsApiPath(req.path)) {
    if (allow_for_path.empty()) return std::nullopt;  // unknown path: the App's 404
    HttpResponse r;
    r.status = 204;
    r.content_type.clear();
    r.headers.emplace_back("Allow", allow_for_path + ", OPTIONS");
    if (IsPublicApiPath(req.path) && OriginAllowed(req.Header("origin"))) {
      r.headers.emplace_back("Access-Control-Allow-Origin", *req.Header("origin"));
      r.headers.emplace_back("Access-Control-Allow-Methods", allow_for_path);
      r.headers.emplace_back("Access-Control-Allow-Headers", kAllowHeaders);
      r.headers.emplace_back("Access-Control-Max-Age", "600");
    }
    if (!allowed_origins_.empty()) r.headers.emplace_back("Vary", "Origin");
    return r;
  }
  if (files_.empty() || IsApiPath(req.path)) return std::nullopt;
  if (req.method != "GET" && req.method != "HEAD") return std::nullopt;
  // A page in English: <path>?lang=en is the web root's en/<path> where
  // there is one (clients/web/build.mjs writes the English pages there);
  // other files, and pages without an English version, are as they are.
  const StaticFile* f = nullptr;
  if (auto lang = req.Query("lang"); lang && *lang == "en") f = FindFile("/en" + req.path);
  if (!f) f = FindFile(req.path);
  if (!f) return std::nullopt;
  HttpResponse r;
  r.content_type = f->content_type;
  const bool gzip = f->gzip && req.Header("accept-encoding") &&
                    req.Header("accept-encoding")->find("gzip") != std::string::npos;
  r.body = gzip ? *f->gzip : f->body;
  if (gzip) r.headers.emplace_back("Content-Encoding", "gzip");
  if (f->gzip) r.headers.emplace_back("Vary", "Accept-Encoding");
  r.headers.emplace_back("Cache-Control", f->immutable ? "public, max-age=31536000, immutable"
                                                       : "public, max-age=300");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  // The widget's script is loaded by city pages on other origins; module
  // scripts are fetched in CORS mode, so allowed origins get their echo.
  if (f->content_type.starts_with("text/javascript")) {
    r.headers.emplace_back("Cross-Origin-Resource-Policy", "cross-origin");
    if (OriginAllowed(req.Header("origin"))) {
      r.headers.emplace_back("Access-Control-Allow-Origin", *req.Header("origin"));
    }
    if (!allowed_origins_.empty()) r.headers.emplace_back("Vary", "Origin");
  }
  if (f->content_type.starts_with("text/html")) {
    r.headers.emplace_back("Content-Security-Policy",
                           "default-src 'self'; script-src 'self'; style-src 'self'; "
                           "img-src 'self' data:; worker-src blob:; frame-ancestors 'self'");
  }
  if (req.method == "HEAD") r.body.clear();
  return r;
}

void WebFront::After(const HttpRequest& req, HttpResponse& resp) const {
  if (allowed_origins_.empty() || !IsPublicApiPath(req.path)) return;
  resp.headers.emplace_back("Vary", "Origin");
  if (!OriginAllowed(req.Header("origin"))) return;
  resp.headers.emplace_back("Access-Control-Allow-Origin", *req.Header("origin"));
  resp.headers.emplace_back("Access-Control-Expose-Headers", kExposeHeaders);
}

}  // namespace termin::api
