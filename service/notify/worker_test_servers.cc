#include "service/notify/worker_test_servers.h"

#include <fcntl.h>
#include <httplib.h>
#include <poll.h>
#include <rapidjson/document.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "service/child_process.h"
#include "service/notify/sms_gateway.h"

namespace termin::service {

namespace {

std::string Str(const rapidjson::Value& v, const char* key) {
  auto it = v.FindMember(key);
  if (it == v.MemberEnd() || !it->value.IsString()) return "";
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

}  // namespace

Result<std::unique_ptr<SmtpTestSink>> SmtpTestSink::Start(const std::string& script,
                                                          bool count_only) {
  ::signal(SIGPIPE, SIG_IGN);
  char tmpl[] = "/tmp/termin-smtp-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return Status::Internal("mkdtemp failed");
  std::unique_ptr<SmtpTestSink> s(new SmtpTestSink(script, tmpl, count_only));
  if (Status st = s->Launch(0); !st.ok()) return st;
  return s;
}

SmtpTestSink::~SmtpTestSink() {
  (void)Stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

Status SmtpTestSink::Launch(int port) {
  int out[2];
  if (::pipe(out) != 0) return Status::Internal("pipe failed");
  pid_t pid = ::fork();
  if (pid < 0) return Status::Internal("fork failed");
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::dup2(out[1], 1);
    ::close(out[0]);
    ::close(out[1]);
    std::string port_s = std::to_string(port);
    std::vector<std::string> args = {"python3", script_, "--dir", dir_, "--port", port_s};
    if (count_only_) args.push_back("--count-only");
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execvp("python3", argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  pid_ = pid;
  // Read "PORT <n>\n", bounded by 5 s.
  std::string line;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    pollfd p{out[0], POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    char buf[64];
    ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    line.append(buf, static_cast<std::size_t>(n));
  }
  ::close(out[0]);
  if (line.rfind("PORT ", 0) != 0) {
    (void)Stop();
    return Status::Unavailable("smtp_sink.py did not start (is python3 there?)");
  }
  port_ = std::atoi(line.c_str() + 5);
  return Status::Ok();
}

Status SmtpTestSink::Stop() {
  if (pid_ < 0) return Status::Ok();
  if (!SignalAndReap(pid_, SIGTERM, std::chrono::seconds(5))) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  pid_ = -1;
  return Status::Ok();
}

Status SmtpTestSink::Restart() {
  if (Status s = Stop(); !s.ok()) return s;
  // The port was ours a moment ago; reuse_address lets the sink bind it again.
  Status last = Status::Unavailable("restart failed");
  for (int i = 0; i < 20; ++i) {
    last = Launch(port_);
    if (last.ok()) return last;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return last;
}

std::vector<SinkMail> SmtpTestSink::Messages() const {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir_, ec)) {
    std::string name = e.path().filename().string();
    if (name.size() > 5 && name.substr(name.size() - 5) == ".json") files.push_back(name);
  }
  std::sort(files.begin(), files.end());
  std::vector<SinkMail> out;
  for (const std::string& f : files) {
    std::ifstream in(dir_ + "/" + f);
    std::stringstream ss;
    ss << in.rdbuf();
    rapidjson::Document d;
    d.Parse(ss.str().c_str());
    if (d.HasParseError() || !d.IsObject()) continue;
    SinkMail m;
    m.file = f;
    m.message_id = Str(d, "message_id");
    m.from = Str(d, "from");
    if (d.HasMember("to") && d["to"].IsArray()) {
      for (const auto& t : d["to"].GetArray()) {
        if (t.IsString()) m.to.emplace_back(t.GetString());
      }
    }
    m.subject = Str(d, "subject");
    m.text = Str(d, "text");
    m.html = Str(d, "html");
    m.ics = Str(d, "ics");
    m.ics_filename = Str(d, "ics_filename");
    m.png_cids = Str(d, "png_cids");
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<SinkMail> SmtpTestSink::WaitFor(std::size_t n, std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<SinkMail> got = Messages();
  while (got.size() < n && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    got = Messages();
  }
  return got;
}

long long SmtpTestSink::CountAtStop() const {
  std::ifstream in(dir_ + "/count");
  long long n = -1;
  in >> n;
  return n;
}

Result<std::unique_ptr<SmsTestSink>> SmsTestSink::Start(std::string secret) {
  std::unique_ptr<SmsTestSink> s(new SmsTestSink());
  s->secret_ = std::move(secret);
  s->server_ = std::make_unique<httplib::Server>();
  SmsTestSink* self = s.get();
  s->server_->Post("/sms", [self](const httplib::Request& req, httplib::Response& res) {
    std::string ts = req.get_header_value("X-Termin-Timestamp");
    std::string sig = req.get_header_value("X-Termin-Signature");
    if (sig != "sha256=" + HmacSha256Hex(self->secret_, ts + "." + req.body)) {
      ++self->bad_signatures_;
      res.status = 401;
      return;
    }
    if (self->failing_.load()) {
      res.status = 503;
      return;
    }
    rapidjson::Document d;
    d.Parse(req.body.c_str());
    if (d.HasParseError() || !d.IsObject()) {
      res.status = 400;
      return;
    }
    std::lock_guard<std::mutex> lock(self->mutex_);
    self->messages_.push_back(SinkSms{Str(d, "id"), Str(d, "to"), Str(d, "text")});
    res.set_content("{\"status\":\"queued\"}", "application/json");
  });
  s->port_ = s->server_->bind_to_any_port("127.0.0.1");
  if (s->port_ <= 0) return Status::Unavailable("cannot bind the SMS sink");
  httplib::Server* server = s->server_.get();
  s->thread_ = std::thread([server] { server->listen_after_bind(); });
  // stop() before the listener runs would be lost and the join would hang:
  // wait (bounded) until it accepts.
  for (int i = 0; i < 500 && !s->server_->is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return s;
}

SmsTestSink::~SmsTestSink() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

std::vector<SinkSms> SmsTestSink::Messages() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return messages_;
}

std::vector<SinkSms> SmsTestSink::WaitFor(std::size_t n, std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<SinkSms> got = Messages();
  while (got.size() < n && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    got = Messages();
  }
  return got;
}

}  // namespace termin::service
