#include "tests/harness/contract_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace termin::testing {

namespace {

int LogFd() {
  static const int fd = [] {
    const char* path = std::getenv("TERMIN_CONTRACT_LOG");
    if (path == nullptr || *path == '\0') return -1;
    return ::open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  }();
  return fd;
}

}  // namespace

void RecordForContract(const std::string& method, const std::string& path, int status,
                       const std::string& content_type, const std::string& body) {
  const int fd = LogFd();
  if (fd < 0) return;
  using Writer = rapidjson::Writer<rapidjson::StringBuffer, rapidjson::UTF8<>, rapidjson::UTF8<>,
                                   rapidjson::CrtAllocator, rapidjson::kWriteValidateEncodingFlag>;
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("method");
  w.String(method.c_str(), static_cast<rapidjson::SizeType>(method.size()));
  w.Key("path");
  if (!w.String(path.c_str(), static_cast<rapidjson::SizeType>(path.size()))) return;
  w.Key("status");
  w.Int(status);
  w.Key("content_type");
  w.String(content_type.c_str(), static_cast<rapidjson::SizeType>(content_type.size()));
  w.Key("body");
  if (!w.String(body.c_str(), static_cast<rapidjson::SizeType>(body.size()))) {
    // Not UTF-8: log a marker the validator reports as a failure.
    buf.Clear();
    Writer w2(buf);
    w2.StartObject();
    w2.Key("method");
    w2.String(method.c_str());
    w2.Key("path");
    w2.String(path.c_str());
    w2.Key("status");
    w2.Int(status);
    w2.Key("content_type");
    w2.String(content_type.c_str());
    w2.Key("body_invalid_utf8");
    w2.Bool(true);
    w2.EndObject();
  } else {
    w.EndObject();
  }
  std::string line(buf.GetString(), buf.GetSize());
  line += '\n';
  // One write per line; a short write on a regular file is not expected.
  [[maybe_unused]] ssize_t n = ::write(fd, line.data(), line.size());
}

}  // namespace termin::testing
