// The bad-input corpus: raw HTTP requests kept as text (tests/corpus/*.txt).
//
// File format, chosen so that any byte sequence can be written and read:
//   # a comment line (at the start of a line, outside a request's text)
//   === <expect> <name>          starts an entry
//   <text lines>                 the request; file line breaks are dropped,
//                                so every \r\n is written out
// <expect> is one of
//   4xx    the server must answer, with a 4xx status
//   any    the server must answer, with a status below 500
//   maybe  the client half-closes after sending; the server may close without
//          answering (e.g. a body shorter than Content-Length), but if it
//          answers the status is below 500
// Escapes: \r \n \t \\ \# \xHH (one raw byte, e.g. \xC0\xAF overlong UTF-8).
// Macros:  {{office}} {{service}} {{start}} {{host}} (filled in from the
//          running server), {{body-length}} (length of the bytes after the
//          first \r\n\r\n), {{repeat N TEXT}} (TEXT N times; TEXT may hold
//          escapes; it ends at the first "}}", so write } as \x7d inside).
//
// Thread safety: plain functions over values.
#ifndef TERMIN_TESTS_HARNESS_CORPUS_H_
#define TERMIN_TESTS_HARNESS_CORPUS_H_

#include <map>
#include <string>
#include <vector>

namespace termin::testing {

enum class Expect { k4xx, kAny, kMaybe };

struct CorpusEntry {
  std::string file;
  int line = 0;
  std::string name;
  Expect expect = Expect::k4xx;
  std::string text;  // unexpanded
};

// Reads every entry of one corpus file; *error on malformed headers.
std::vector<CorpusEntry> ReadCorpusFile(const std::string& path, std::string* error);

// Expands escapes and macros. *error for unknown macros or bad escapes.
std::string ExpandCorpusText(const std::string& text,
                             const std::map<std::string, std::string>& vars, std::string* error);

}  // namespace termin::testing

#endif  // TERMIN_TESTS_HARNESS_CORPUS_H_
