// The contract log: every response a black-box test receives through the
// harness client is appended as one JSON line
//   {"method":"GET","path":"/v1/offices","status":200,
//    "content_type":"application/json","body":"..."}
// to the file named by the environment variable TERMIN_CONTRACT_LOG (nothing
// is written when it is unset). tests/contract/validate.mjs then checks each
// line against openapi.yaml. The path is the raw path without the query; the
// validator matches it to the spec's path templates.
//
// Thread safety: Record may be called from many threads at once; each line is
// written with one write(2) on an O_APPEND descriptor, so lines never mix,
// even between test processes sharing a file.
#ifndef TERMIN_TESTS_HARNESS_CONTRACT_LOG_H_
#define TERMIN_TESTS_HARNESS_CONTRACT_LOG_H_

#include <string>

namespace termin::testing {

void RecordForContract(const std::string& method, const std::string& path, int status,
                       const std::string& content_type, const std::string& body);

}  // namespace termin::testing

#endif  // TERMIN_TESTS_HARNESS_CONTRACT_LOG_H_
