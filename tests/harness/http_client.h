// The black-box tests' HTTP client: cpp-httplib underneath, one connection
// per call (so any thread may call at once), bounded timeouts, and every
// response recorded in the contract log (contract_log.h).
//
// Thread safety: an HttpClient is immutable after construction; its methods
// may be called from many threads at once.
#ifndef TERMIN_TESTS_HARNESS_HTTP_CLIENT_H_
#define TERMIN_TESTS_HARNESS_HTTP_CLIENT_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <rapidjson/document.h>

namespace termin::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Response {
  int status = 0;            // 0: no response at all (see error)
  std::string error;         // transport error when status == 0
  std::string content_type;  // as sent, e.g. "application/json; charset=utf-8"
  std::multimap<std::string, std::string> headers;  // names lower-cased
  std::string body;
  rapidjson::Document json;  // parsed when the body is JSON; else kNullType
  bool json_ok = false;      // the body parsed as JSON

  // The first value of a header (name case-insensitive), "" if absent.
  std::string Header(const std::string& name) const;
  // Media type without parameters, lower-cased: "application/problem+json".
  std::string MediaType() const;
  // A problem+json body with string "type", string "title", integer "status"
  // equal to the HTTP status.
  bool IsProblem() const;
  // The problem type's slug ("slot-taken"), "" if not a problem.
  std::string ProblemSlug() const;
  // String member of the JSON object body, "" if absent or not a string.
  std::string Str(const char* key) const;
  // For failure messages: status and a prefix of the body.
  std::string Summary() const;
};

class HttpClient {
 public:
  explicit HttpClient(int port) : port_(port) {}

  int port() const { return port_; }

  Response Get(const std::string& path_and_query, const Headers& headers = {}) const;
  Response Delete(const std::string& path_and_query, const Headers& headers = {}) const;
  Response Post(const std::string& path_and_query, const std::string& json_body,
                const Headers& headers = {}) const;
  Response Put(const std::string& path_and_query, const std::string& json_body,
               const Headers& headers = {}) const;
  // Any method and content type; body may be empty.
  Response Send(const std::string& method, const std::string& path_and_query,
                const std::string& body, const std::string& content_type,
                const Headers& headers) const;

 private:
  int port_;
};

// Headers for staff calls: Authorization: Bearer <key>.
Headers Bearer(const std::string& key);
// Adds one header to a copy of `headers`.
Headers With(Headers headers, std::string name, std::string value);

// A JSON string literal with quotes, escaped: Q("a\"b") == "\"a\\\"b\"".
std::string Q(const std::string& s);
// A JSON array of strings: ["a","b"].
std::string QList(const std::vector<std::string>& items);
// Percent-encodes a query parameter value (RFC 3986 unreserved kept).
std::string UrlEncode(const std::string& s);
// A value serialized back to JSON text.
std::string ToJson(const rapidjson::Value& value);

}  // namespace termin::testing

#endif  // TERMIN_TESTS_HARNESS_HTTP_CLIENT_H_
