#include "service/redis/redis_records.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>
#include <cstdlib>

namespace termin::service {
namespace {

using api::AppointmentStatus;
using api::Channel;
using api::JobType;

bool ParseInt(std::string_view text, long long* out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

std::string_view Get(const FieldMap& f, std::string_view key) {
  auto it = f.find(key);
  return it == f.end() ? std::string_view() : std::string_view(it->second);
}

bool GetMinutes(const FieldMap& f, std::string_view key, Instant* out) {
  long long v = 0;
  if (!ParseInt(Get(f, key), &v)) return false;
  *out = Instant(Minutes(v));
  return true;
}

bool GetMillis(const FieldMap& f, std::string_view key, api::TimePoint* out) {
  long long v = 0;
  std::string_view text = Get(f, key);
  if (text.empty()) {
    *out = api::TimePoint{};
    return true;
  }
  if (!ParseInt(text, &v)) return false;
  *out = api::TimePoint(std::chrono::milliseconds(v));
  return true;
}

bool ParseServices(std::string_view json, std::vector<std::string>* out) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError() || !d.IsArray()) return false;
  for (const auto& v : d.GetArray()) {
    if (!v.IsString()) return false;
    out->emplace_back(v.GetString(), v.GetStringLength());
  }
  return true;
}

bool ParseNote(std::string_view json, api::Note* out) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError() || !d.IsObject()) return false;
  auto at = d.FindMember("at");
  auto author = d.FindMember("author");
  auto text = d.FindMember("text");
  if (at == d.MemberEnd() || !at->value.IsInt64() || author == d.MemberEnd() ||
      !author->value.IsString() || text == d.MemberEnd() || !text->value.IsString()) {
    return false;
  }
  out->at = api::TimePoint(std::chrono::milliseconds(at->value.GetInt64()));
  out->author.assign(author->value.GetString(), author->value.GetStringLength());
  out->text.assign(text->value.GetString(), text->value.GetStringLength());
  return true;
}

bool BookingFrom(const FieldMap& f, api::Booking* b) {
  b->office_id = std::string(Get(f, "office"));
  b->desk_id = std::string(Get(f, "desk"));
  b->day = std::string(Get(f, "day"));
  return GetMinutes(f, "start", &b->start) && GetMinutes(f, "end", &b->end) &&
         GetMinutes(f, "claim_end", &b->claim_end) && ParseServices(Get(f, "services"), &b->services);
}

void AppendBooking(const api::Booking& b, std::vector<std::string>* out) {
  out->insert(out->end(), {"office", b.office_id, "desk", b.desk_id, "services",
                           ServicesJson(b.services), "start", MinutesText(b.start), "end",
                           MinutesText(b.end), "claim_end", MinutesText(b.claim_end), "day",
                           b.day});
}

}  // namespace

std::string MinutesText(Instant t) { return std::to_string(t.time_since_epoch().count()); }
std::string MillisText(api::TimePoint t) { return std::to_string(t.time_since_epoch().count()); }

const char* StatusWord(AppointmentStatus s) {
  switch (s) {
    case AppointmentStatus::kConfirmed: return "confirmed";
    case AppointmentStatus::kCheckedIn: return "checked_in";
    case AppointmentStatus::kDone: return "done";
    case AppointmentStatus::kCancelled: return "cancelled";
    case AppointmentStatus::kNoShow: return "no_show";
    case AppointmentStatus::kPreconfirmed: return "preconfirmed";
  }
  return "confirmed";
}

const char* ChannelWord(Channel c) {
  switch (c) {
    case Channel::kWeb: return "web";
    case Channel::kHotline: return "hotline";
    case Channel::kKiosk: return "kiosk";
  }
  return "web";
}

int JobTypeNumber(JobType t) { return static_cast<int>(t); }

std::string ServicesJson(const std::vector<std::string>& services) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartArray();
  for (const std::string& s : services) w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  w.EndArray();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string NoteJson(const api::Note& note) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("at");
  w.Int64(note.at.time_since_epoch().count());
  w.Key("author");
  w.String(note.author.data(), static_cast<rapidjson::SizeType>(note.author.size()));
  w.Key("text");
  w.String(note.text.data(), static_cast<rapidjson::SizeType>(note.text.size()));
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::vector<std::string> AppointmentFields(const api::AppointmentRecord& a) {
  std::vector<std::string> f = {
      "ref", a.reference, "secret", a.secret_hash, "status", StatusWord(a.status),
      "channel", ChannelWord(a.channel), "name", a.contact.name, "email", a.contact.email,
      "phone", a.contact.phone, "lang", a.contact.language, "rem", a.contact.reminders ? "1" : "0",
      "erased", a.contact_erased ? "1" : "0", "ticket", a.ticket, "reason", a.cancel_reason,
      "created", MillisText(a.created_at), "closed", MillisText(a.closed_at),
      "cby", MillisText(a.confirm_by)};
  AppendBooking(a.booking, &f);
  return f;
}

std::vector<std::string> HoldFields(const api::HoldRecord& h) {
  std::vector<std::string> f = {"id", h.id, "secret", h.secret_hash, "cfgver",
                                std::to_string(h.booking.office_version)};
  AppendBooking(h.booking, &f);
  return f;
}

Result<api::AppointmentRecord> ParseAppointment(const FieldMap& f,
                                                const std::vector<std::string>& notes) {
  api::AppointmentRecord a;
  a.reference = std::string(Get(f, "ref"));
  a.secret_hash = std::string(Get(f, "secret"));
  std::string_view status = Get(f, "status");
  if (status == "confirmed") a.status = AppointmentStatus::kConfirmed;
  else if (status == "checked_in") a.status = AppointmentStatus::kCheckedIn;
  else if (status == "done") a.status = AppointmentStatus::kDone;
  else if (status == "cancelled") a.status = AppointmentStatus::kCancelled;
  else if (status == "no_show") a.status = AppointmentStatus::kNoShow;
  else if (status == "preconfirmed") a.status = AppointmentStatus::kPreconfirmed;
  else return Status::Internal("stored appointment has no valid status");
  std::string_view channel = Get(f, "channel");
  if (channel == "web") a.channel = Channel::kWeb;
  else if (channel == "hotline") a.channel = Channel::kHotline;
  else if (channel == "kiosk") a.channel = Channel::kKiosk;
  else return Status::Internal("stored appointment has no valid channel");
  if (!BookingFrom(f, &a.booking)) return Status::Internal("stored appointment has a bad booking");
  a.contact.name = std::string(Get(f, "name"));
  a.contact.email = std::string(Get(f, "email"));
  a.contact.phone = std::string(Get(f, "phone"));
  a.contact.language = std::string(Get(f, "lang"));
  a.contact.reminders = Get(f, "rem") == "1";
  a.revision = static_cast<int>(std::strtol(std::string(Get(f, "rev")).c_str(), nullptr, 10));
  a.contact_erased = Get(f, "erased") == "1";
  a.ticket = std::string(Get(f, "ticket"));
  a.cancel_reason = std::string(Get(f, "reason"));
  if (!GetMillis(f, "created", &a.created_at) || !GetMillis(f, "closed", &a.closed_at) ||
      !GetMillis(f, "cby", &a.confirm_by)) {
    return Status::Internal("stored appointment has bad times");
  }
  for (const std::string& n : notes) {
    api::Note note;
    if (!ParseNote(n, &note)) return Status::Internal("stored note is malformed");
    a.notes.push_back(std::move(note));
  }
  return a;
}

Result<api::HoldRecord> ParseHold(const FieldMap& f) {
  api::HoldRecord h;
  h.id = std::string(Get(f, "id"));
  h.secret_hash = std::string(Get(f, "secret"));
  long long version = 0;
  if (!ParseInt(Get(f, "ver"), &version) || version < 0) {
    return Status::Internal("stored hold has no version");
  }
  h.version = static_cast<std::uint64_t>(version);
  if (!BookingFrom(f, &h.booking) || !GetMillis(f, "exp", &h.expires_at)) {
    return Status::Internal("stored hold is malformed");
  }
  long long placed_on = 0;
  if (ParseInt(Get(f, "cfgver"), &placed_on) && placed_on > 0) {
    h.booking.office_version = static_cast<std::uint64_t>(placed_on);
  }
  h.voided = Get(f, "void") == "1";
  h.wish_id = std::string(Get(f, "wish"));
  long long extensions = 0;
  if (ParseInt(Get(f, "ext"), &extensions) && extensions > 0) {
    h.extensions = static_cast<int>(extensions);
  }
  return h;
}

Result<api::OutboxJob> ParseOutboxMember(std::string_view m) {
  // <seq>:<type>:<due_ms>:<reference>; the reference may contain ':'.
  std::size_t a = m.find(':');
  std::size_t b = a == std::string_view::npos ? a : m.find(':', a + 1);
  std::size_t c = b == std::string_view::npos ? b : m.find(':', b + 1);
  long long type = 0;
  long long due = 0;
  if (c == std::string_view::npos || !ParseInt(m.substr(a + 1, b - a - 1), &type) ||
      !ParseInt(m.substr(b + 1, c - b - 1), &due) || type < 0 ||
      type > static_cast<long long>(JobType::kOptIn)) {
    return Status::Internal("stored outbox job is malformed");
  }
  api::OutboxJob job;
  job.type = static_cast<JobType>(type);
  job.due = api::TimePoint(std::chrono::milliseconds(due));
  job.reference = std::string(m.substr(c + 1));
  return job;
}

}  // namespace termin::service

namespace termin::service {
namespace {

using JsonObject = rapidjson::Value;

bool TextField(const JsonObject& o, const char* name, std::string* out) {
  auto it = o.FindMember(name);
  if (it == o.MemberEnd() || !it->value.IsString()) return false;
  out->assign(it->value.GetString(), it->value.GetStringLength());
  return true;
}

// cjson writes every number as a double ("1.7651e+12" never: 14 digits).
bool NumberField(const JsonObject& o, const char* name, long long* out) {
  auto it = o.FindMember(name);
  if (it == o.MemberEnd() || !it->value.IsNumber()) return false;
  *out = it->value.IsInt64() ? it->value.GetInt64() : static_cast<long long>(it->value.GetDouble());
  return true;
}

api::TimePoint Millis(long long v) { return api::TimePoint(std::chrono::milliseconds(v)); }

}  // namespace

const char* QueueStateWord(api::QueueState s) {
  switch (s) {
    case api::QueueState::kWaiting: return "waiting";
    case api::QueueState::kCalled: return "called";
    case api::QueueState::kServing: return "serving";
    case api::QueueState::kDone: return "done";
    case api::QueueState::kNoShow: return "no_show";
  }
  return "waiting";
}

std::string QueueEntryJson(const api::QueueEntry& e) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("t");
  w.String(e.ticket.c_str(), static_cast<rapidjson::SizeType>(e.ticket.size()));
  w.Key("n");
  w.Int(e.number);
  w.Key("k");
  w.String(e.kind == api::QueueKind::kAppointment ? "a" : "w");
  w.Key("r");
  w.String(e.reference.c_str(), static_cast<rapidjson::SizeType>(e.reference.size()));
  w.Key("s");
  w.StartArray();
  for (const std::string& s : e.services) w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
  w.EndArray();
  w.Key("due");
  w.Int64(e.due.time_since_epoch().count());
  w.Key("st");
  w.String(QueueStateWord(e.state));
  w.Key("d");
  w.String(e.desk.c_str(), static_cast<rapidjson::SizeType>(e.desk.size()));
  w.Key("f");
  w.String(e.for_desk.c_str(), static_cast<rapidjson::SizeType>(e.for_desk.size()));
  w.Key("ca");
  w.Int64(e.called_at.time_since_epoch().count());
  w.Key("sa");
  w.Int64(e.started_at.time_since_epoch().count());
  w.Key("c");
  w.Int(e.calls);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

bool ParseQueueEntry(std::string_view json, api::QueueEntry* out) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError() || !d.IsObject()) return false;
  const rapidjson::Value& o = d;
  std::string kind, state;
  long long number = 0, due = 0, called = 0, started = 0, calls = 0;
  if (!TextField(o, "t", &out->ticket) || !NumberField(o, "n", &number) || !TextField(o, "k", &kind) ||
      !TextField(o, "r", &out->reference) || !NumberField(o, "due", &due) ||
      !TextField(o, "st", &state) || !TextField(o, "d", &out->desk) ||
      !TextField(o, "f", &out->for_desk) || !NumberField(o, "ca", &called) ||
      !NumberField(o, "sa", &started) || !NumberField(o, "c", &calls)) {
    return false;
  }
  auto services = o.FindMember("s");
  out->services.clear();
  // cjson writes an empty array as {}: no services is never written, but read it as such.
  if (services == o.MemberEnd()) return false;
  if (services->value.IsArray()) {
    for (const auto& v : services->value.GetArray()) {
      if (!v.IsString()) return false;
      out->services.emplace_back(v.GetString(), v.GetStringLength());
    }
  }
  out->number = static_cast<int>(number);
  out->kind = kind == "a" ? api::QueueKind::kAppointment : api::QueueKind::kWalkIn;
  out->due = Millis(due);
  out->called_at = Millis(called);
  out->started_at = Millis(started);
  out->calls = static_cast<int>(calls);
  if (state == "waiting") out->state = api::QueueState::kWaiting;
  else if (state == "called") out->state = api::QueueState::kCalled;
  else if (state == "serving") out->state = api::QueueState::kServing;
  else if (state == "done") out->state = api::QueueState::kDone;
  else if (state == "no_show") out->state = api::QueueState::kNoShow;
  else return false;
  return true;
}

bool ParseQueueDesk(std::string_view json, api::QueueDesk* out) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError() || !d.IsObject()) return false;
  const rapidjson::Value& o = d;
  long long closes = 0;
  auto open = o.FindMember("open");
  if (!TextField(o, "id", &out->id) || !TextField(o, "cur", &out->current) ||
      !NumberField(o, "cl", &closes) || open == o.MemberEnd() || !open->value.IsBool()) {
    return false;
  }
  out->open = open->value.GetBool();
  out->closes_at = Millis(closes);
  return true;
}

bool ParseQueueCall(std::string_view json, api::QueueCall* out) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError() || !d.IsObject()) return false;
  const rapidjson::Value& o = d;
  long long seq = 0, at = 0;
  if (!NumberField(o, "seq", &seq) || !TextField(o, "t", &out->ticket) ||
      !TextField(o, "d", &out->desk) || !NumberField(o, "at", &at)) {
    return false;
  }
  out->seq = static_cast<std::uint64_t>(seq);
  out->at = Millis(at);
  return true;
}

}  // namespace termin::service
