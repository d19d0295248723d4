#include "bench/load/json_fields.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace termin::bench {

std::optional<std::string> TopFields::String(const std::string& name) const {
  auto it = strings.find(name);
  if (it == strings.end()) return std::nullopt;
  return it->second;
}

std::optional<std::int64_t> TopFields::Int(const std::string& name) const {
  auto it = ints.find(name);
  if (it == ints.end()) return std::nullopt;
  return it->second;
}

std::optional<TopFields> ReadTopFields(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  TopFields out;
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    std::string name(it->name.GetString(), it->name.GetStringLength());
    if (it->value.IsString()) {
      out.strings[name] = std::string(it->value.GetString(), it->value.GetStringLength());
    } else if (it->value.IsInt64()) {
      out.ints[name] = it->value.GetInt64();
    }
  }
  return out;
}

std::optional<std::vector<std::string>> ReadSlotStarts(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("days") || !doc["days"].IsArray()) {
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const auto& day : doc["days"].GetArray()) {
    if (!day.IsObject() || !day.HasMember("slots") || !day["slots"].IsArray()) return std::nullopt;
    for (const auto& slot : day["slots"].GetArray()) {
      if (!slot.IsObject() || !slot.HasMember("start") || !slot["start"].IsString()) {
        return std::nullopt;
      }
      out.emplace_back(slot["start"].GetString(), slot["start"].GetStringLength());
    }
  }
  return out;
}

std::string Quoted(std::string_view text) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace termin::bench
