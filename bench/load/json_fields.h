// Reading a few fields out of an API answer (RapidJSON), for the load
// generator: hold ids and secrets, references, starts.
//
// Thread safety: pure functions.
#ifndef TERMIN_BENCH_LOAD_JSON_FIELDS_H_
#define TERMIN_BENCH_LOAD_JSON_FIELDS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace termin::bench {

// The top-level string and integer members of a JSON object; nullopt if the
// text is not a JSON object.
struct TopFields {
  std::map<std::string, std::string> strings;
  std::map<std::string, std::int64_t> ints;
  std::optional<std::string> String(const std::string& name) const;
  std::optional<std::int64_t> Int(const std::string& name) const;
};
std::optional<TopFields> ReadTopFields(std::string_view json);

// The "start" of every slot of a GET /v1/availability answer.
std::optional<std::vector<std::string>> ReadSlotStarts(std::string_view json);

// A JSON string literal with quotes, for building request bodies.
std::string Quoted(std::string_view text);

}  // namespace termin::bench

#endif  // TERMIN_BENCH_LOAD_JSON_FIELDS_H_
