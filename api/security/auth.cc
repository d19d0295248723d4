#include "api/security/auth.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "api/json/json_input.h"
#include "api/security/secrets.h"

namespace termin::api {

bool Principal::Covers(const std::string& office_id) const {
  return offices.empty() || std::find(offices.begin(), offices.end(), office_id) != offices.end();
}

Result<KeyTable> KeyTable::Parse(std::string_view json) {
  rapidjson::Document doc;
  std::vector<FieldError> errors;
  if (Status s = ParseJsonBody(json, doc, &errors); !s.ok()) return s;
  if (!doc.IsArray()) return Status::InvalidArgument("keys: must be a JSON array");
  KeyTable table;
  for (rapidjson::SizeType i = 0; i < doc.Size(); ++i) {
    std::string path = "keys[" + std::to_string(i) + "]";
    ObjectReader r(doc[i], path, &errors);
    auto digest = r.String("sha256", true, 64);
    auto role = r.String("role", true, 20);
    auto offices = r.StringArray("offices", false, 1000, 40);
    auto name = r.String("name", false, 200);
    auto desk = r.String("desk", false, 40);
    r.Finish();
    if (!errors.empty()) break;
    Principal p;
    std::string d = *digest;
    std::transform(d.begin(), d.end(), d.begin(), [](char c) {
      return (c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c;
    });
    if (d.size() != 64 || d.find_first_not_of("0123456789abcdef") != std::string::npos) {
      return Status::InvalidArgument(path + ".sha256: must be 64 hex digits");
    }
    if (*role == "hotline") {
      p.role = Role::kHotline;
    } else if (*role == "kiosk") {
      p.role = Role::kKiosk;
    } else if (*role == "desk") {
      p.role = Role::kDesk;
    } else if (*role == "admin") {
      p.role = Role::kAdmin;
    } else {
      return Status::InvalidArgument(path + ".role: must be hotline, kiosk, desk or admin");
    }
    if (offices) p.offices = *offices;
    if (p.role == Role::kKiosk && p.offices.size() != 1) {
      return Status::InvalidArgument(path + ".offices: a kiosk key is bound to exactly one office");
    }
    if (p.role == Role::kDesk && p.offices.size() != 1) {
      return Status::InvalidArgument(path + ".offices: a desk key is bound to exactly one office");
    }
    if (desk) {
      if (p.role != Role::kDesk) return Status::InvalidArgument(path + ".desk: only desk keys name a desk");
      p.desk = *desk;
    }
    p.name = name.value_or(*role);
    if (!table.by_digest_.emplace(d, std::move(p)).second) {
      return Status::InvalidArgument(path + ".sha256: repeated key");
    }
  }
  if (!errors.empty()) {
    return Status::InvalidArgument(errors.front().field + ": " + errors.front().message);
  }
  return table;
}

Result<KeyTable> KeyTable::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read keys file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return Parse(ss.str());
}

Result<Principal> KeyTable::Authenticate(const std::optional<std::string>& authorization) const {
  if (!authorization) return Status::Unauthenticated("an API key is required (Authorization: Bearer <key>)");
  const std::string& h = *authorization;
  constexpr std::string_view kBearer = "Bearer ";
  if (h.size() <= kBearer.size() || h.compare(0, kBearer.size(), kBearer) != 0) {
    return Status::Unauthenticated("the Authorization header must be \"Bearer <key>\"");
  }
  std::string key = h.substr(kBearer.size());
  while (!key.empty() && key.back() == ' ') key.pop_back();
  if (key.empty() || key.size() > 512) return Status::Unauthenticated("unknown API key");
  // Looking up the digest leaks nothing useful by its timing: an attacker
  // would need to find keys whose digests share prefixes with real ones.
  auto it = by_digest_.find(Sha256Hex(key));
  if (it == by_digest_.end()) return Status::Unauthenticated("unknown API key");
  return it->second;
}

Status RequireRole(const Principal& p, Role role) {
  if (p.role != role) return Status::PermissionDenied("this API key may not use this operation");
  return Status::Ok();
}

}  // namespace termin::api
