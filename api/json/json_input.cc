#include "api/json/json_input.h"

#include <rapidjson/error/en.h>

namespace termin::api {

int JsonNestingDepth(std::string_view text, int limit) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

Status ParseJsonBody(std::string_view body, rapidjson::Document& doc,
                     std::vector<FieldError>* errors) {
  auto fail = [&](std::string message) {
    if (errors) errors->push_back(FieldError{"", message});
    return Status::InvalidArgument(std::move(message));
  };
  if (body.empty()) return fail("the request body is empty; a JSON object is expected");
  if (JsonNestingDepth(body, kMaxJsonDepth) > kMaxJsonDepth) {
    return fail("JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  constexpr unsigned kFlags = rapidjson::kParseIterativeFlag |
                              rapidjson::kParseValidateEncodingFlag |
                              rapidjson::kParseFullPrecisionFlag;
  doc.Parse<kFlags>(body.data(), body.size());
  if (doc.HasParseError()) {
    return fail(std::string("malformed JSON at byte ") + std::to_string(doc.GetErrorOffset()) +
                ": " + rapidjson::GetParseError_En(doc.GetParseError()));
  }
  return Status::Ok();
}

ObjectReader::ObjectReader(const rapidjson::Value& value, std::string path,
                           std::vector<FieldError>* errors)
    : path_(std::move(path)), errors_(errors) {
  if (value.IsObject()) {
    object_ = &value;
  } else {
    AddError(path_, "must be a JSON object");
  }
}

std::string ObjectReader::FieldPath(const char* name) const {
  return path_.empty() ? std::string(name) : path_ + "." + name;
}

void ObjectReader::AddError(const std::string& field, std::string message) {
  if (errors_ && errors_->size() < kMaxFieldErrors) {
    errors_->push_back(FieldError{field, std::move(message)});
  }
}

const rapidjson::Value* ObjectReader::Find(const char* name, bool required) {
  if (!object_) return nullptr;
  asked_.insert(name);
  auto it = object_->FindMember(name);
  if (it == object_->MemberEnd() || it->value.IsNull()) {
    if (required) AddError(FieldPath(name), "is required");
    return nullptr;
  }
  return &it->value;
}

std::optional<std::string> ObjectReader::String(const char* name, bool required,
                                                std::size_t max_length) {
  const rapidjson::Value* v = Find(name, required);
  if (!v) return std::nullopt;
  if (!v->IsString()) {
    AddError(FieldPath(name), "must be a string");
    return std::nullopt;
  }
  std::string s(v->GetString(), v->GetStringLength());
  if (s.size() > max_length) {
    AddError(FieldPath(name), "is longer than " + std::to_string(max_length) + " bytes");
    return std::nullopt;
  }
  if (s.find('\0') != std::string::npos) {
    AddError(FieldPath(name), "must not contain NUL characters");
    return std::nullopt;
  }
  return s;
}

std::optional<bool> ObjectReader::Bool(const char* name, bool required) {
  const rapidjson::Value* v = Find(name, required);
  if (!v) return std::nullopt;
  if (!v->IsBool()) {
    AddError(FieldPath(name), "must be true or false");
    return std::nullopt;
  }
  return v->GetBool();
}

std::optional<std::int64_t> ObjectReader::Int(const char* name, bool required, std::int64_t min,
                                              std::int64_t max) {
  const rapidjson::Value* v = Find(name, required);
  if (!v) return std::nullopt;
  if (!v->IsInt64()) {
    AddError(FieldPath(name), "must be an integer");
    return std::nullopt;
  }
  std::int64_t n = v->GetInt64();
  if (n < min || n > max) {
    AddError(FieldPath(name), "must be between " + std::to_string(min) + " and " +
                                  std::to_string(max));
    return std::nullopt;
  }
  return n;
}

std::optional<std::vector<std::string>> ObjectReader::StringArray(const char* name, bool required,
                                                                  std::size_t max_items,
                                                                  std::size_t max_length) {
  const rapidjson::Value* v = Find(name, required);
  if (!v) return std::nullopt;
  if (!v->IsArray()) {
    AddError(FieldPath(name), "must be an array of strings");
    return std::nullopt;
  }
  if (v->Size() > max_items) {
    AddError(FieldPath(name), "has more than " + std::to_string(max_items) + " items");
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (rapidjson::SizeType i = 0; i < v->Size(); ++i) {
    const auto& item = (*v)[i];
    std::string field = FieldPath(name) + "[" + std::to_string(i) + "]";
    if (!item.IsString()) {
      AddError(field, "must be a string");
      ok = false;
      continue;
    }
    if (item.GetStringLength() > max_length) {
      AddError(field, "is longer than " + std::to_string(max_length) + " bytes");
      ok = false;
      continue;
    }
    out.emplace_back(item.GetString(), item.GetStringLength());
  }
  if (!ok) return std::nullopt;
  return out;
}

const rapidjson::Value* ObjectReader::Object(const char* name, bool required) {
  const rapidjson::Value* v = Find(name, required);
  if (!v) return nullptr;
  if (!v->IsObject()) {
    AddError(FieldPath(name), "must be a JSON object");
    return nullptr;
  }
  return v;
}

void ObjectReader::Finish() {
  if (!object_) return;
  std::set<std::string> seen;
  for (auto it = object_->MemberBegin(); it != object_->MemberEnd(); ++it) {
    std::string key(it->name.GetString(), it->name.GetStringLength());
    if (!seen.insert(key).second) {
      AddError(FieldPath(key.c_str()), "appears more than once");
    } else if (!asked_.count(key)) {
      AddError(FieldPath(key.c_str()), "is not a known field");
    }
  }
}

}  // namespace termin::api
