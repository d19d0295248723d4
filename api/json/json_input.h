// Strict reading of JSON request bodies.
//
// ParseJsonBody accepts exactly one JSON value: valid UTF-8 (no lone
// surrogates, no overlong forms), nesting at most kMaxJsonDepth deep
// (checked by a linear scan before RapidJSON parses, and RapidJSON parses
// iteratively, so 10,000 open brackets cost neither stack nor time), numbers
// within double range. ObjectReader then reads one object field by field and
// collects every problem as a FieldError: wrong types, missing required
// fields, repeated keys, and (at Finish) fields nobody asked for, which
// catches typos in clients.
//
// Thread safety: plain values; one ObjectReader per thread.
#ifndef TERMIN_API_JSON_JSON_INPUT_H_
#define TERMIN_API_JSON_JSON_INPUT_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "api/domain/catalog.h"
#include "scheduler/status.h"

namespace termin::api {

inline constexpr int kMaxJsonDepth = 32;

// The deepest nesting of arrays and objects in `text`, counting only
// brackets outside strings; stops counting at `limit + 1`.
int JsonNestingDepth(std::string_view text, int limit);

// Parses `body` into `doc`. InvalidArgument with one FieldError (field "")
// saying what is wrong and where.
Status ParseJsonBody(std::string_view body, rapidjson::Document& doc,
                     std::vector<FieldError>* errors);

class ObjectReader {
 public:
  // `path` prefixes field names in errors ("contact" -> "contact.email").
  ObjectReader(const rapidjson::Value& value, std::string path, std::vector<FieldError>* errors);

  // False if the value was not an object (an error was recorded).
  bool is_object() const { return object_ != nullptr; }

  // Strings are trimmed of nothing; length counts bytes of UTF-8.
  std::optional<std::string> String(const char* name, bool required, std::size_t max_length);
  std::optional<bool> Bool(const char* name, bool required);
  std::optional<std::int64_t> Int(const char* name, bool required, std::int64_t min,
                                  std::int64_t max);
  std::optional<std::vector<std::string>> StringArray(const char* name, bool required,
                                                      std::size_t max_items,
                                                      std::size_t max_length);
  // The member if it is an object (for a nested ObjectReader).
  const rapidjson::Value* Object(const char* name, bool required);

  // Records every member that no getter asked for, and repeated keys.
  void Finish();

  std::string FieldPath(const char* name) const;
  void AddError(const std::string& field, std::string message);

 private:
  const rapidjson::Value* Find(const char* name, bool required);

  const rapidjson::Value* object_ = nullptr;
  std::string path_;
  std::vector<FieldError>* errors_;
  std::set<std::string> asked_;
};

}  // namespace termin::api

#endif  // TERMIN_API_JSON_JSON_INPUT_H_
