// The catalogue codec: strict JSON in, precise field errors out, and the same
// format written back.
//
// How errors are found: every reader below gets the path of the value it
// reads and an Errors sink. A reader that finds a problem records it and
// returns nullopt; its caller carries on with the next field, so one pass
// reports every independent mistake of an admin's document (up to
// kMaxFieldErrors), not only the first. Checks that need a consistent whole
// (references between desks and services, ValidateOffice) run only when the
// parts they depend on parsed.
#include "api/domain/catalog.h"

#include "api/http/utf8.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <functional>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>

#include <rapidjson/error/en.h>

#include "scheduler/holidays.h"

namespace termin::api {
namespace {

using rapidjson::Value;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr const char* kFormat = "termin-city/1";
constexpr std::size_t kMaxFileBytes = 16 << 20;
constexpr std::int64_t kMaxDuration = 480;    // minutes: a working day
constexpr std::int64_t kMaxBuffer = 120;      // minutes
constexpr std::int64_t kMaxNotice = 7 * 1440; // minutes: a week
constexpr std::int64_t kMaxDaysAhead = 366;
constexpr std::int64_t kMaxReleaseWindowSeconds = 600;
constexpr std::int64_t kMaxHoldTtl = 60;      // minutes
constexpr std::int64_t kMaxReminder = 7 * 1440;
constexpr std::array<const char*, 7> kDayKeys = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

const BookingRules kDefaultRules{};
const std::vector<Minutes> kDefaultReminders = {Minutes{24 * 60}, Minutes{2 * 60}};

// Collects field errors; stops collecting after kMaxFieldErrors.
class Errors {
 public:
  void Add(std::string field, std::string message) {
    ++count_;
    if (list_.size() < kMaxFieldErrors) list_.push_back({std::move(field), std::move(message)});
  }
  std::size_t count() const { return count_; }

  // The first error as a Status; the whole list into *out if wanted.
  Status Finish(std::vector<FieldError>* out) {
    if (list_.empty()) Add("", "invalid document");
    std::string msg = list_.front().field.empty()
                          ? list_.front().message
                          : list_.front().field + ": " + list_.front().message;
    if (count_ > 1) msg += " (and " + std::to_string(count_ - 1) + " more errors)";
    if (out != nullptr) *out = std::move(list_);
    return Status::InvalidArgument(std::move(msg));
  }

 private:
  std::vector<FieldError> list_;
  std::size_t count_ = 0;
};

std::string Join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}
std::string Item(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

std::size_t CodePoints(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// A string value for a message: quoted and cut short, so an error never
// echoes a whole document back.
std::string Quote(std::string_view s) {
  constexpr std::size_t kMaxShown = 40;
  std::string out = "\"";
  std::size_t shown = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) != 0x80 && shown++ == kMaxShown) {
      out += "...";
      break;
    }
    if (c < 0x20) {
      out += '?';
    } else {
      if (c == '"' || c == '\\') out += '\\';
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string_view StringOf(const Value& v) { return {v.GetString(), v.GetStringLength()}; }

const char* KindOf(const Value& v) {
  if (v.IsObject()) return "an object";
  if (v.IsArray()) return "an array";
  if (v.IsString()) return "a string";
  if (v.IsNumber()) return "a number";
  if (v.IsBool()) return "a boolean";
  return "null";
}

void WrongKind(Errors& e, const std::string& path, const char* wanted, const Value& v) {
  e.Add(path, std::string("must be ") + wanted + ", not " + KindOf(v));
}

// Checks an object's keys (known, not repeated) and hands out its members.
class ObjectReader {
 public:
  ObjectReader(const Value& v, std::string path, Errors& errors,
               std::initializer_list<std::string_view> allowed)
      : value_(v), path_(std::move(path)), errors_(errors) {
    if (!v.IsObject()) {
      WrongKind(errors_, path_, "an object", v);
      ok_ = false;
      return;
    }
    std::set<std::string_view> seen;
    for (const auto& m : v.GetObject()) {
      const std::string_view key = StringOf(m.name);
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        errors_.Add(Join(path_, key), "unknown field");
      } else if (!seen.insert(key).second) {
        errors_.Add(Join(path_, key), "repeated field");
      }
    }
  }

  bool ok() const { return ok_; }
  std::string Path(std::string_view key) const { return Join(path_, key); }

  // nullptr if absent (or not an object).
  const Value* Get(std::string_view key) const {
    if (!ok_) return nullptr;
    for (const auto& m : value_.GetObject()) {
      if (StringOf(m.name) == key) return &m.value;
    }
    return nullptr;
  }
  // As Get, and records "is required" if absent.
  const Value* Require(std::string_view key) const {
    const Value* v = Get(key);
    if (v == nullptr && ok_) errors_.Add(Path(key), "is required");
    return v;
  }

 private:
  const Value& value_;
  std::string path_;
  Errors& errors_;
  bool ok_ = true;
};

enum class TextKind {
  kLine,       // one line, non-empty
  kOptional,   // one line, may be empty
  kLongText,   // may hold line breaks, may be empty
};

std::optional<std::string> ReadText(const Value* v, const std::string& path, TextKind kind,
                                    Errors& e) {
  if (v == nullptr) return std::nullopt;
  if (!v->IsString()) {
    WrongKind(e, path, "a string", *v);
    return std::nullopt;
  }
  const std::string_view s = StringOf(*v);
  const std::size_t max = kind == TextKind::kLongText ? kMaxLongTextLength : kMaxTextLength;
  if (kind == TextKind::kLine && s.empty()) {
    e.Add(path, "must not be empty");
    return std::nullopt;
  }
  if (CodePoints(s) > max) {
    e.Add(path, "is longer than " + std::to_string(max) + " characters");
    return std::nullopt;
  }
  for (char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    const bool line_break = c == '\n';
    if (u < 0x20 && !(line_break && kind == TextKind::kLongText)) {
      e.Add(path, "contains a control character");
      return std::nullopt;
    }
  }
  return std::string(s);
}

bool IsId(std::string_view s) {
  return !s.empty() && s.size() <= kMaxIdLength &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
         });
}

std::optional<std::string> ReadId(const Value* v, const std::string& path, Errors& e) {
  if (v == nullptr) return std::nullopt;
  if (!v->IsString()) {
    WrongKind(e, path, "a string", *v);
    return std::nullopt;
  }
  if (!IsId(StringOf(*v))) {
    e.Add(path, Quote(StringOf(*v)) + " is not an id (1 to 40 of a-z, 0-9 and -)");
    return std::nullopt;
  }
  return std::string(StringOf(*v));
}

std::optional<std::int64_t> ReadInt(const Value* v, const std::string& path, std::int64_t min,
                                    std::int64_t max, Errors& e) {
  if (v == nullptr) return std::nullopt;
  if (!v->IsNumber()) {
    WrongKind(e, path, "a number", *v);
    return std::nullopt;
  }
  if (!v->IsInt64()) {
    e.Add(path, "must be a whole number");
    return std::nullopt;
  }
  const std::int64_t n = v->GetInt64();
  if (n < min || n > max) {
    e.Add(path, "must be within " + std::to_string(min) + ".." + std::to_string(max) + ", not " +
                    std::to_string(n));
    return std::nullopt;
  }
  return n;
}

std::optional<bool> ReadBool(const Value* v, const std::string& path, Errors& e) {
  if (v == nullptr) return std::nullopt;
  if (!v->IsBool()) {
    WrongKind(e, path, "true or false", *v);
    return std::nullopt;
  }
  return v->GetBool();
}

std::optional<LocalDate> ReadDate(const Value* v, const std::string& path, Errors& e) {
  if (v == nullptr) return std::nullopt;
  if (!v->IsString()) {
    WrongKind(e, path, "a string", *v);
    return std::nullopt;
  }
  auto day = ParseDate(StringOf(*v));
  if (!day) {
    e.Add(path, Quote(StringOf(*v)) + " is not a date (YYYY-MM-DD, years 1970..2200)");
  }
  return day;
}

std::optional<TimeOfDay> ReadTime(const Value& v, const std::string& path, Errors& e) {
  if (!v.IsString()) {
    WrongKind(e, path, "a string", v);
    return std::nullopt;
  }
  auto t = ParseTimeOfDay(StringOf(v));
  if (!t) e.Add(path, Quote(StringOf(v)) + " is not a time of day (HH:MM, 00:00..24:00)");
  return t;
}

// [["08:00","12:00"], ["13:00","16:00"]]: sorted, disjoint (touching is fine).
std::optional<std::vector<LocalInterval>> ReadDay(const Value* v, const std::string& path,
                                                  Errors& e) {
  if (v == nullptr) return std::nullopt;
  if (!v->IsArray()) {
    WrongKind(e, path, "an array of [from, to] pairs", *v);
    return std::nullopt;
  }
  if (v->Size() > kMaxIntervalsPerDay) {
    e.Add(path, "has more than " + std::to_string(kMaxIntervalsPerDay) + " intervals");
    return std::nullopt;
  }
  std::vector<LocalInterval> out;
  bool ok = true;
  for (rapidjson::SizeType i = 0; i < v->Size(); ++i) {
    const Value& pair = (*v)[i];
    const std::string at = Item(path, i);
    if (!pair.IsArray() || pair.Size() != 2) {
      e.Add(at, "must be a pair [\"HH:MM\", \"HH:MM\"]");
      ok = false;
      continue;
    }
    auto from = ReadTime(pair[0], Item(at, 0), e);
    auto to = ReadTime(pair[1], Item(at, 1), e);
    if (!from || !to) {
      ok = false;
      continue;
    }
    if (*from >= *to) {
      e.Add(at, "ends (" + FormatTimeOfDay(*to) + ") before it begins (" +
                    FormatTimeOfDay(*from) + ")");
      ok = false;
      continue;
    }
    if (!out.empty() && out.back().to > *from) {
      e.Add(at, "overlaps or comes before the interval before it");
      ok = false;
      continue;
    }
    out.push_back({*from, *to});
  }
  if (!ok) return std::nullopt;
  return out;
}

// {"mon": [...], ..., "sun": [...]}; a missing day has no intervals.
std::optional<WeeklyHours> ReadWeek(const Value* v, const std::string& path, Errors& e) {
  if (v == nullptr) return std::nullopt;
  const std::size_t before = e.count();
  ObjectReader obj(*v, path, e, {"mon", "tue", "wed", "thu", "fri", "sat", "sun"});
  if (!obj.ok()) return std::nullopt;
  WeeklyHours week;
  bool ok = e.count() == before;
  for (std::size_t d = 0; d < kDayKeys.size(); ++d) {
    const Value* day = obj.Get(kDayKeys[d]);
    if (day == nullptr) continue;
    auto intervals = ReadDay(day, obj.Path(kDayKeys[d]), e);
    if (!intervals) {
      ok = false;
      continue;
    }
    week[d] = std::move(*intervals);
  }
  if (!ok) return std::nullopt;
  return week;
}

std::optional<LocalizedText> ReadLocalized(const Value* v, const std::string& path,
                                           TextKind de_kind, TextKind en_kind, Errors& e) {
  if (v == nullptr) return std::nullopt;
  const std::size_t before = e.count();
  ObjectReader obj(*v, path, e, {"de", "en"});
  if (!obj.ok()) return std::nullopt;
  LocalizedText text;
  const Value* de = de_kind == TextKind::kLine ? obj.Require("de") : obj.Get("de");
  if (auto s = ReadText(de, obj.Path("de"), de_kind, e)) text.de = std::move(*s);
  if (auto s = ReadText(obj.Get("en"), obj.Path("en"), en_kind, e)) text.en = std::move(*s);
  if (e.count() != before) return std::nullopt;
  return text;
}

// Unique dates, at most kMaxExceptions; `item` reads one entry.
template <typename ReadItem>
bool ReadDatedList(const Value* v, const std::string& path, Errors& e, ReadItem item) {
  if (v == nullptr) return true;
  if (!v->IsArray()) {
    WrongKind(e, path, "an array", *v);
    return false;
  }
  if (v->Size() > kMaxExceptions) {
    e.Add(path, "has more than " + std::to_string(kMaxExceptions) + " entries");
    return false;
  }
  std::set<LocalDate> days;
  bool ok = true;
  for (rapidjson::SizeType i = 0; i < v->Size(); ++i) {
    const std::string at = Item(path, i);
    std::optional<LocalDate> day = item((*v)[i], at);
    if (!day) {
      ok = false;
    } else if (!days.insert(*day).second) {
      e.Add(Join(at, "date"), FormatDate(*day) + " is listed twice");
      ok = false;
    }
  }
  return ok;
}

// The office's own holidays: [{"date": "2028-06-17" | "every_year": "08-08", "name"}].
void ReadHolidays(const Value* v, const std::string& path, std::vector<LocalHoliday>& out, Errors& e) {
  if (v == nullptr) return;
  if (!v->IsArray()) {
    WrongKind(e, path, "an array", *v);
    return;
  }
  if (v->Size() > 100) {
    e.Add(path, "has more than 100 entries");
    return;
  }
  std::set<std::tuple<int, unsigned, unsigned>> seen;
  for (rapidjson::SizeType i = 0; i < v->Size(); ++i) {
    const std::string at = Item(path, i);
    ObjectReader obj((*v)[i], at, e, {"date", "every_year", "name"});
    if (!obj.ok()) continue;
    LocalHoliday h;
    if (auto n = ReadText(obj.Require("name"), obj.Path("name"), TextKind::kLine, e)) h.name = *n;
    const Value* once = obj.Get("date");
    const Value* yearly = obj.Get("every_year");
    if ((once == nullptr) == (yearly == nullptr)) {
      e.Add(at, "needs exactly one of \"date\" (YYYY-MM-DD, once) and \"every_year\" (MM-DD)");
      continue;
    }
    if (once) {
      auto day = ReadDate(once, obj.Path("date"), e);
      if (!day) continue;
      const Date d{*day};
      h.year = static_cast<int>(d.year());
      h.month = static_cast<unsigned>(d.month());
      h.day = static_cast<unsigned>(d.day());
    } else {
      const std::string text = yearly->IsString() ? std::string(StringOf(*yearly)) : std::string();
      // A leap year, so 02-29 is a day (it is then kept in leap years only).
      auto day = text.size() == 5 ? ParseDate("2000-" + text) : std::nullopt;
      if (!day) {
        e.Add(obj.Path("every_year"), Quote(text) + " is not a day of the year (MM-DD)");
        continue;
      }
      const Date d{*day};
      h.month = static_cast<unsigned>(d.month());
      h.day = static_cast<unsigned>(d.day());
    }
    if (!seen.insert({h.year, h.month, h.day}).second) {
      e.Add(at, "this holiday is listed twice");
      continue;
    }
    out.push_back(std::move(h));
  }
}

// A desk exception: {"date", "closed": true} or {"date", "hours": [...]}.
std::optional<LocalDate> ReadException(const Value& v, const std::string& path, Errors& e,
                                       std::vector<DateException>* out) {
  const std::size_t before = e.count();
  ObjectReader obj(v, path, e, {"date", "closed", "hours"});
  if (!obj.ok()) return std::nullopt;
  auto day = ReadDate(obj.Require("date"), obj.Path("date"), e);
  auto closed = ReadBool(obj.Get("closed"), obj.Path("closed"), e);
  const Value* hours_value = obj.Get("hours");
  auto hours = ReadDay(hours_value, obj.Path("hours"), e);
  if (e.count() != before || !day) return std::nullopt;
  DateException ex;
  ex.day = *day;
  if (hours_value == nullptr) {
    if (closed.has_value() && !*closed) {
      e.Add(obj.Path("hours"), "is required when the day is not closed");
      return std::nullopt;
    }
    ex.closed = true;
  } else {
    if (closed.value_or(false)) {
      e.Add(obj.Path("hours"), "a closed day has no hours");
      return std::nullopt;
    }
    if (hours->empty()) {
      e.Add(obj.Path("hours"), "is empty: write \"closed\": true for a closed day");
      return std::nullopt;
    }
    ex.closed = false;
    ex.hours = std::move(*hours);
  }
  out->push_back(std::move(ex));
  return day;
}

// The list of service ids in `v`: ids, unique, each one of `known` (or, for
// a desk, one of the office's).
std::optional<std::vector<std::string>> ReadServiceIds(
    const Value* v, const std::string& path, const std::vector<std::string>& known,
    const char* unknown_message, Errors& e) {
  if (v == nullptr) return std::nullopt;
  if (!v->IsArray()) {
    WrongKind(e, path, "an array of service ids", *v);
    return std::nullopt;
  }
  if (v->Size() > kMaxServices) {
    e.Add(path, "has more than " + std::to_string(kMaxServices) + " entries");
    return std::nullopt;
  }
  std::vector<std::string> ids;
  bool ok = true;
  for (rapidjson::SizeType i = 0; i < v->Size(); ++i) {
    const std::string at = Item(path, i);
    auto id = ReadId(&(*v)[i], at, e);
    if (!id) {
      ok = false;
    } else if (std::find(known.begin(), known.end(), *id) == known.end()) {
      e.Add(at, Quote(*id) + " " + unknown_message);
      ok = false;
    } else if (std::find(ids.begin(), ids.end(), *id) != ids.end()) {
      e.Add(at, Quote(*id) + " is listed twice");
      ok = false;
    } else {
      ids.push_back(std::move(*id));
    }
  }
  if (!ok) return std::nullopt;
  return ids;
}

const date::time_zone* LocateZone(std::string_view name) {
  // date::locate_zone throws for an unknown name; nothing may escape here.
  if (name.empty() || name.size() > 64) return nullptr;
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return nullptr;
  }
}

// --- Services --------------------------------------------------------------

std::optional<ServiceInfo> ServiceAt(const Value& v, const std::string& path, Errors& e) {
  const std::size_t before = e.count();
  ObjectReader obj(v, path, e, {"id", "name", "bring", "duration_minutes", "buffer_minutes"});
  if (!obj.ok()) return std::nullopt;
  ServiceInfo s;
  if (auto id = ReadId(obj.Require("id"), obj.Path("id"), e)) s.id = *id;
  if (auto name = ReadLocalized(obj.Require("name"), obj.Path("name"), TextKind::kLine,
                                TextKind::kOptional, e)) {
    s.name = std::move(*name);
  }
  if (auto bring = ReadLocalized(obj.Get("bring"), obj.Path("bring"), TextKind::kLongText,
                                 TextKind::kLongText, e)) {
    s.bring = std::move(*bring);
  }
  if (auto d = ReadInt(obj.Require("duration_minutes"), obj.Path("duration_minutes"), 1,
                       kMaxDuration, e)) {
    s.duration = Minutes{*d};
  }
  if (auto b = ReadInt(obj.Get("buffer_minutes"), obj.Path("buffer_minutes"), 0, kMaxBuffer, e)) {
    s.buffer = Minutes{*b};
  }
  if (e.count() != before) return std::nullopt;
  return s;
}

// --- Offices ---------------------------------------------------------------

bool ReadRules(const Value* v, const std::string& path, OfficeInfo& office, Errors& e) {
  office.schedule.rules = kDefaultRules;
  office.reminder_offsets = kDefaultReminders;
  office.appointments_per_identity = 0;
  office.wishes_per_identity = 0;
  office.pow_above_holds_per_minute = -1;
  office.rerelease_delay = Minutes{0};
  office.waitlist_offer_ttl = Minutes{120};
  office.double_opt_in = Minutes{0};
  office.no_show_grace = kDefaultNoShowGrace;
  office.walk_in_margin = Minutes{0};
  office.release_window = std::chrono::seconds{0};
  office.release_admit_per_second = kDefaultReleaseAdmitPerSecond;
  if (v == nullptr) return true;
  const std::size_t before = e.count();
  ObjectReader obj(*v, path, e,
                   {"grid_minutes", "min_notice_minutes", "max_days_ahead", "hold_ttl_minutes",
                    "reminder_minutes_before", "appointments_per_identity", "wishes_per_identity",
                    "proof_of_work_above_holds_per_minute", "rerelease_delay_minutes",
                    "waitlist_offer_minutes", "double_opt_in_minutes",
                    "no_show_grace_minutes", "same_day_buffer_percent",
                    "same_day_buffer_release", "walk_in_margin_minutes",
                    "hotline_share_percent", "hotline_release_days_before", "release_time",
                    "release_window_seconds", "release_admit_per_second"});
  if (!obj.ok()) return false;
  BookingRules& r = office.schedule.rules;
  if (auto g = ReadInt(obj.Get("grid_minutes"), obj.Path("grid_minutes"), 1, 60, e)) {
    if (1440 % *g != 0) {
      e.Add(obj.Path("grid_minutes"), std::to_string(*g) + " does not divide 24 hours");
    }
    r.grid = Minutes{*g};
  }
  if (auto n = ReadInt(obj.Get("min_notice_minutes"), obj.Path("min_notice_minutes"), 0,
                       kMaxNotice, e)) {
    r.min_notice = Minutes{*n};
  }
  if (auto d = ReadInt(obj.Get("max_days_ahead"), obj.Path("max_days_ahead"), 0, kMaxDaysAhead,
                       e)) {
    r.max_days_ahead = static_cast<int>(*d);
  }
  if (auto t = ReadInt(obj.Get("hold_ttl_minutes"), obj.Path("hold_ttl_minutes"), 1, kMaxHoldTtl,
                       e)) {
    r.hold_ttl = Minutes{*t};
  }
  if (auto a = ReadInt(obj.Get("appointments_per_identity"), obj.Path("appointments_per_identity"), 0,
                       100, e)) {
    office.appointments_per_identity = static_cast<int>(*a);
  }
  if (auto n = ReadInt(obj.Get("wishes_per_identity"), obj.Path("wishes_per_identity"), 0, 20, e)) {
    office.wishes_per_identity = static_cast<int>(*n);
  }
  if (auto p = ReadInt(obj.Get("proof_of_work_above_holds_per_minute"),
                       obj.Path("proof_of_work_above_holds_per_minute"), -1, 100000, e)) {
    office.pow_above_holds_per_minute = static_cast<int>(*p);
  }
  if (auto d = ReadInt(obj.Get("rerelease_delay_minutes"), obj.Path("rerelease_delay_minutes"), 0,
                       1440, e)) {
    office.rerelease_delay = Minutes{*d};
  }
  if (auto t = ReadInt(obj.Get("waitlist_offer_minutes"), obj.Path("waitlist_offer_minutes"), 5,
                       2880, e)) {
    office.waitlist_offer_ttl = Minutes{*t};
  }
  if (auto d = ReadInt(obj.Get("double_opt_in_minutes"), obj.Path("double_opt_in_minutes"), 0, 1440,
                       e)) {
    if (*d != 0 && *d < 5) e.Add(obj.Path("double_opt_in_minutes"), "0 (off) or 5..1440");
    office.double_opt_in = Minutes{*d};
  }
  if (auto g = ReadInt(obj.Get("no_show_grace_minutes"), obj.Path("no_show_grace_minutes"), 0, 240,
                       e)) {
    office.no_show_grace = Minutes{*g};
  }
  if (auto m = ReadInt(obj.Get("walk_in_margin_minutes"), obj.Path("walk_in_margin_minutes"), 0, 120,
                       e)) {
    office.walk_in_margin = Minutes{*m};
  }
  if (auto b = ReadInt(obj.Get("same_day_buffer_percent"), obj.Path("same_day_buffer_percent"), 0,
                       100, e)) {
    r.same_day_buffer_percent = static_cast<int>(*b);
  }
  if (const Value* at = obj.Get("same_day_buffer_release")) {
    if (auto t = ReadTime(*at, obj.Path("same_day_buffer_release"), e)) {
      if (*t >= Minutes{24 * 60}) {
        e.Add(obj.Path("same_day_buffer_release"), "must be before 24:00");
      } else {
        r.same_day_release = *t;
      }
    }
  }
  if (auto h = ReadInt(obj.Get("hotline_share_percent"), obj.Path("hotline_share_percent"), 0, 100, e)) {
    r.hotline_share_percent = static_cast<int>(*h);
  }
  if (auto d = ReadInt(obj.Get("hotline_release_days_before"), obj.Path("hotline_release_days_before"), 0,
                       kMaxDaysAhead, e)) {
    r.hotline_release_days = static_cast<int>(*d);
  }
  if (const Value* at = obj.Get("release_time")) {
    if (auto t = ReadTime(*at, obj.Path("release_time"), e)) {
      if (*t >= Minutes{24 * 60}) {
        e.Add(obj.Path("release_time"), "must be before 24:00");
      } else {
        r.release_time = *t;
      }
    }
  }
  if (auto w = ReadInt(obj.Get("release_window_seconds"), obj.Path("release_window_seconds"), 0,
                       kMaxReleaseWindowSeconds, e)) {
    if (*w > 0 && !obj.Get("release_time")) {
      e.Add(obj.Path("release_window_seconds"), "needs a release_time");
    }
    office.release_window = std::chrono::seconds{*w};
  }
  if (auto n = ReadInt(obj.Get("release_admit_per_second"), obj.Path("release_admit_per_second"), 1,
                       1000, e)) {
    office.release_admit_per_second = static_cast<int>(*n);
  }
  if (const Value* rem = obj.Get("reminder_minutes_before")) {
    const std::string at = obj.Path("reminder_minutes_before");
    if (!rem->IsArray()) {
      WrongKind(e, at, "an array", *rem);
    } else if (rem->Size() > kMaxReminders) {
      e.Add(at, "has more than " + std::to_string(kMaxReminders) + " entries");
    } else {
      office.reminder_offsets.clear();
      for (rapidjson::SizeType i = 0; i < rem->Size(); ++i) {
        auto m = ReadInt(&(*rem)[i], Item(at, i), 1, kMaxReminder, e);
        if (!m) continue;
        if (!office.reminder_offsets.empty() && office.reminder_offsets.back() <= Minutes{*m}) {
          e.Add(Item(at, i), "reminders must be in descending order without repeats");
        }
        office.reminder_offsets.push_back(Minutes{*m});
      }
    }
  }
  return e.count() == before;
}

std::optional<Address> ReadAddress(const Value* v, const std::string& path, Errors& e) {
  if (v == nullptr) return std::nullopt;
  const std::size_t before = e.count();
  ObjectReader obj(*v, path, e, {"street", "postal_code", "city"});
  if (!obj.ok()) return std::nullopt;
  Address a;
  if (auto s = ReadText(obj.Require("street"), obj.Path("street"), TextKind::kLine, e)) a.street = *s;
  if (auto s = ReadText(obj.Require("postal_code"), obj.Path("postal_code"), TextKind::kLine, e)) {
    if (s->size() != 5 || !std::all_of(s->begin(), s->end(), [](char c) {
          return c >= '0' && c <= '9';
        })) {
      e.Add(obj.Path("postal_code"), Quote(*s) + " is not a postal code (five digits)");
    }
    a.postal_code = *s;
  }
  if (auto s = ReadText(obj.Require("city"), obj.Path("city"), TextKind::kLine, e)) a.city = *s;
  if (e.count() != before) return std::nullopt;
  return a;
}

struct DeskDefaults {
  WeeklyHours opening;
  WeeklyHours breaks;
};

bool ReadDesk(const Value& v, const std::string& path, const std::vector<std::string>& offered,
              const DeskDefaults& defaults, OfficeInfo& office, Errors& e) {
  const std::size_t before = e.count();
  ObjectReader obj(v, path, e, {"id", "name", "services", "opening", "breaks", "exceptions"});
  if (!obj.ok()) return false;
  Desk desk;
  std::string name;
  if (auto id = ReadId(obj.Require("id"), obj.Path("id"), e)) desk.id = *id;
  if (auto n = ReadText(obj.Require("name"), obj.Path("name"), TextKind::kLine, e)) name = *n;
  if (const Value* s = obj.Get("services")) {
    if (auto ids = ReadServiceIds(s, obj.Path("services"), offered,
                                  "is not offered by this office (see the office's \"services\")",
                                  e)) {
      desk.services = std::move(*ids);
    }
  } else {
    desk.services = offered;
  }
  std::sort(desk.services.begin(), desk.services.end());
  desk.opening = defaults.opening;
  if (const Value* o = obj.Get("opening")) {
    if (auto week = ReadWeek(o, obj.Path("opening"), e)) desk.opening = std::move(*week);
  }
  desk.breaks = defaults.breaks;
  if (const Value* b = obj.Get("breaks")) {
    if (auto week = ReadWeek(b, obj.Path("breaks"), e)) desk.breaks = std::move(*week);
  }
  ReadDatedList(obj.Get("exceptions"), obj.Path("exceptions"), e,
                [&](const Value& item, const std::string& at) {
                  return ReadException(item, at, e, &desk.exceptions);
                });
  if (e.count() != before) return false;
  office.schedule.desks.push_back(std::move(desk));
  office.desk_names.push_back(std::move(name));
  return true;
}

std::optional<OfficeInfo> OfficeAt(const Value& v, const std::string& path,
                                   const std::vector<ServiceInfo>& catalogue, Errors& e) {
  const std::size_t before = e.count();
  ObjectReader obj(v, path, e,
                   {"id", "name", "address", "timezone", "holiday_region", "rules", "services",
                    "opening", "breaks", "desks", "closures", "holidays", "email"});
  if (!obj.ok()) return std::nullopt;
  OfficeInfo office;
  if (auto id = ReadId(obj.Require("id"), obj.Path("id"), e)) office.id = office.schedule.id = *id;
  if (auto n = ReadText(obj.Require("name"), obj.Path("name"), TextKind::kLine, e)) {
    office.name = *n;
  }
  if (auto a = ReadAddress(obj.Require("address"), obj.Path("address"), e)) office.address = *a;
  if (auto m = ReadText(obj.Get("email"), obj.Path("email"), TextKind::kOptional, e)) {
    const std::size_t at = m->find('@');
    if (!m->empty() && (at == std::string::npos || at == 0 || at + 1 == m->size() ||
                        m->find_first_of(" <>\"") != std::string::npos)) {
      e.Add(obj.Path("email"), Quote(*m) + " is not an e-mail address");
    }
    office.email = *m;
  }
  if (auto tz = ReadText(obj.Require("timezone"), obj.Path("timezone"), TextKind::kLine, e)) {
    office.timezone = *tz;
    office.schedule.zone = LocateZone(*tz);
    if (office.schedule.zone == nullptr) {
      e.Add(obj.Path("timezone"), Quote(*tz) + " is not a time zone (IANA name, e.g. Europe/Berlin)");
    }
  }
  if (auto region = ReadText(obj.Get("holiday_region"), obj.Path("holiday_region"),
                             TextKind::kOptional, e)) {
    const auto known = KnownHolidayRegions();
    if (!region->empty() && std::find(known.begin(), known.end(), *region) == known.end()) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      e.Add(obj.Path("holiday_region"),
            Quote(*region) + " is not a known holiday region (known: " + list + "; \"\" for none)");
    }
    office.schedule.holiday_region = *region;
  }
  ReadRules(obj.Get("rules"), obj.Path("rules"), office, e);

  // Services offered here, in document order, durations from the catalogue.
  std::vector<std::string> catalogue_ids;
  for (const ServiceInfo& s : catalogue) catalogue_ids.push_back(s.id);
  std::optional<std::vector<std::string>> offered =
      ReadServiceIds(obj.Require("services"), obj.Path("services"), catalogue_ids,
                     "is not a service of the catalogue", e);
  if (offered) {
    for (const std::string& id : *offered) {
      for (const ServiceInfo& s : catalogue) {
        if (s.id == id) office.schedule.services.push_back(s.ToService());
      }
    }
  }

  DeskDefaults defaults;
  if (auto week = ReadWeek(obj.Get("opening"), obj.Path("opening"), e)) defaults.opening = *week;
  if (auto week = ReadWeek(obj.Get("breaks"), obj.Path("breaks"), e)) defaults.breaks = *week;

  if (const Value* desks = obj.Require("desks")) {
    const std::string at = obj.Path("desks");
    if (!desks->IsArray()) {
      WrongKind(e, at, "an array", *desks);
    } else if (desks->Empty() || desks->Size() > kMaxDesks) {
      e.Add(at, "must have 1.." + std::to_string(kMaxDesks) + " desks");
    } else if (offered) {
      for (rapidjson::SizeType i = 0; i < desks->Size(); ++i) {
        const std::string desk_path = Item(at, i);
        const std::size_t n = office.schedule.desks.size();
        if (!ReadDesk((*desks)[i], desk_path, *offered, defaults, office, e)) continue;
        const std::string& id = office.schedule.desks.back().id;
        for (std::size_t j = 0; j < n; ++j) {
          if (office.schedule.desks[j].id == id) {
            e.Add(Join(desk_path, "id"), Quote(id) + " is used by another desk");
          }
        }
      }
      // Every offered service needs a desk that does it, or no one can book it.
      if (office.schedule.desks.size() == desks->Size()) {
        for (std::size_t i = 0; i < offered->size(); ++i) {
          const std::string& id = (*offered)[i];
          const bool done = std::any_of(office.schedule.desks.begin(), office.schedule.desks.end(),
                                        [&](const Desk& d) { return d.CanDo(id); });
          if (!done) e.Add(Item(obj.Path("services"), i), Quote(id) + " is done by no desk");
        }
      }
    }
  }

  ReadDatedList(obj.Get("closures"), obj.Path("closures"), e,
                [&](const Value& item, const std::string& at) -> std::optional<LocalDate> {
                  // {"date", "reason"?, "hours"?}: without hours the office is
                  // closed all day; with them every desk is narrowed to those
                  // hours that day (closed the rest of it, never opened longer).
                  ObjectReader c(item, at, e, {"date", "reason", "hours"});
                  if (!c.ok()) return std::nullopt;
                  auto day = ReadDate(c.Require("date"), c.Path("date"), e);
                  const Value* hours_value = c.Get("hours");
                  std::optional<std::vector<LocalInterval>> hours;
                  if (hours_value != nullptr) {
                    hours = ReadDay(hours_value, c.Path("hours"), e);
                    if (!hours) return std::nullopt;
                    if (hours->empty()) {
                      e.Add(c.Path("hours"), "is empty: leave \"hours\" out for a day closed all day");
                      return std::nullopt;
                    }
                  }
                  std::string reason;
                  if (const Value* r = c.Get("reason")) {
                    auto text = ReadText(r, c.Path("reason"), TextKind::kOptional, e);
                    if (!text) return std::nullopt;
                    reason = std::move(*text);
                  }
                  if (!day) return std::nullopt;
                  if (hours) {
                    office.schedule.closures.push_back(DateException{*day, false, std::move(*hours)});
                  } else {
                    office.schedule.closures.push_back(DateException{*day, true, {}});
                  }
                  office.closure_reasons.push_back(std::move(reason));
                  return day;
                });

  ReadHolidays(obj.Get("holidays"), obj.Path("holidays"), office.schedule.holidays, e);

  if (e.count() != before) return std::nullopt;
  // The core's own checks: they should never fire after the ones above, and
  // if they do the document is still wrong, not the server.
  Status s = ValidateOffice(office.schedule);
  if (!s.ok()) {
    e.Add(path, s.message());
    return std::nullopt;
  }
  return office;
}

std::optional<Catalog> CatalogAt(const Value& v, Errors& e) {
  const std::size_t before = e.count();
  ObjectReader obj(v, "", e, {"format", "city", "note", "demo", "services", "offices"});
  if (!obj.ok()) return std::nullopt;
  Catalog catalog;
  if (auto f = ReadText(obj.Get("format"), "format", TextKind::kLine, e)) {
    if (*f != kFormat) e.Add("format", Quote(*f) + " is not \"" + kFormat + "\"");
  }
  if (auto c = ReadText(obj.Require("city"), "city", TextKind::kLine, e)) catalog.city = *c;
  if (auto n = ReadText(obj.Get("note"), "note", TextKind::kLongText, e)) catalog.note = *n;
  if (auto d = ReadBool(obj.Get("demo"), "demo", e)) catalog.demo = *d;

  if (const Value* services = obj.Require("services")) {
    if (!services->IsArray()) {
      WrongKind(e, "services", "an array", *services);
    } else if (services->Size() > kMaxServices) {
      e.Add("services", "has more than " + std::to_string(kMaxServices) + " entries");
    } else {
      for (rapidjson::SizeType i = 0; i < services->Size(); ++i) {
        auto s = ServiceAt((*services)[i], Item("services", i), e);
        if (!s) continue;
        if (catalog.FindService(s->id) != nullptr) {
          e.Add(Item("services", i) + ".id", Quote(s->id) + " is used by another service");
          continue;
        }
        catalog.services.push_back(std::move(*s));
      }
    }
  }
  if (const Value* offices = obj.Require("offices")) {
    if (!offices->IsArray()) {
      WrongKind(e, "offices", "an array", *offices);
    } else if (offices->Size() > kMaxOffices) {
      e.Add("offices", "has more than " + std::to_string(kMaxOffices) + " entries");
    } else {
      for (rapidjson::SizeType i = 0; i < offices->Size(); ++i) {
        auto o = OfficeAt((*offices)[i], Item("offices", i), catalog.services, e);
        if (!o) continue;
        if (catalog.FindOffice(o->id) != nullptr) {
          e.Add(Item("offices", i) + ".id", Quote(o->id) + " is used by another office");
          continue;
        }
        catalog.offices.push_back(std::move(*o));
      }
    }
  }
  if (e.count() != before) return std::nullopt;
  return catalog;
}

// Strict parse: one value, nothing after it, valid UTF-8, no recursion (a
// deeply nested body must not exhaust the stack).
Status ParseDocument(std::string_view json, rapidjson::Document& doc, Errors& e) {
  doc.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(json.data(),
                                                                                    json.size());
  if (!doc.HasParseError()) return Status::Ok();
  const std::size_t offset = std::min(doc.GetErrorOffset(), json.size());
  const std::size_t line = 1 + std::count(json.begin(), json.begin() + offset, '\n');
  const std::size_t line_start = json.rfind('\n', offset == 0 ? 0 : offset - 1);
  const std::size_t column =
      offset - (line_start == std::string_view::npos || offset == 0 ? 0 : line_start + 1) + 1;
  e.Add("", "not valid JSON at line " + std::to_string(line) + ", column " +
                std::to_string(column) + ": " + rapidjson::GetParseError_En(doc.GetParseError()));
  return Status::InvalidArgument("bad JSON");
}

// --- Writing -----------------------------------------------------------------

void Key(Writer& w, const char* key) { w.Key(key); }
void String(Writer& w, const std::string& s) {
  const std::string valid = ValidUtf8(s);
  w.String(valid.data(), static_cast<rapidjson::SizeType>(valid.size()));
}

void WriteLocalized(Writer& w, const LocalizedText& t) {
  w.StartObject();
  Key(w, "de");
  String(w, t.de);
  Key(w, "en");
  String(w, t.en);
  w.EndObject();
}

void WriteIntervals(Writer& w, const std::vector<LocalInterval>& day) {
  w.StartArray();
  for (const LocalInterval& iv : day) {
    w.StartArray();
    String(w, FormatTimeOfDay(iv.from));
    String(w, FormatTimeOfDay(iv.to));
    w.EndArray();
  }
  w.EndArray();
}

void WriteWeek(Writer& w, const WeeklyHours& week) {
  w.StartObject();
  for (std::size_t d = 0; d < kDayKeys.size(); ++d) {
    if (week[d].empty()) continue;
    Key(w, kDayKeys[d]);
    WriteIntervals(w, week[d]);
  }
  w.EndObject();
}

std::string Render(const std::function<void(Writer&)>& write) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  write(w);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

// --- Catalog -------------------------------------------------------------------

const OfficeInfo* Catalog::FindOffice(std::string_view id) const {
  for (const OfficeInfo& o : offices) {
    if (o.id == id) return &o;
  }
  return nullptr;
}

const ServiceInfo* Catalog::FindService(std::string_view id) const {
  for (const ServiceInfo& s : services) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

Result<Catalog> ParseCatalog(std::string_view json, std::vector<FieldError>* errors) {
  Errors e;
  rapidjson::Document doc;
  if (!ParseDocument(json, doc, e).ok()) return e.Finish(errors);
  auto catalog = CatalogAt(doc, e);
  if (!catalog) return e.Finish(errors);
  if (errors != nullptr) errors->clear();
  return std::move(*catalog);
}

Result<Catalog> LoadCatalogFile(const std::string& path, std::vector<FieldError>* errors) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read city file " + path);
  std::ostringstream content;
  content << in.rdbuf();
  if (!in.good() && !in.eof()) return Status::NotFound("cannot read city file " + path);
  const std::string text = content.str();
  if (text.size() > kMaxFileBytes) {
    return Status::InvalidArgument("city file " + path + " is larger than 16 MiB");
  }
  auto catalog = ParseCatalog(text, errors);
  if (!catalog.ok()) return Status::InvalidArgument(path + ": " + catalog.status().message());
  return catalog;
}

Result<ServiceInfo> ParseService(const rapidjson::Value& value, std::vector<FieldError>* errors) {
  Errors e;
  auto service = ServiceAt(value, "", e);
  if (!service) return e.Finish(errors);
  if (errors != nullptr) errors->clear();
  return std::move(*service);
}

Result<ServiceInfo> ParseServiceJson(std::string_view json, std::vector<FieldError>* errors) {
  Errors e;
  rapidjson::Document doc;
  if (!ParseDocument(json, doc, e).ok()) return e.Finish(errors);
  return ParseService(doc, errors);
}

Result<OfficeInfo> ParseOffice(const rapidjson::Value& value,
                               const std::vector<ServiceInfo>& services,
                               std::vector<FieldError>* errors) {
  Errors e;
  auto office = OfficeAt(value, "", services, e);
  if (!office) return e.Finish(errors);
  if (errors != nullptr) errors->clear();
  return std::move(*office);
}

Result<OfficeInfo> ParseOfficeJson(std::string_view json, const std::vector<ServiceInfo>& services,
                                   std::vector<FieldError>* errors) {
  Errors e;
  rapidjson::Document doc;
  if (!ParseDocument(json, doc, e).ok()) return e.Finish(errors);
  return ParseOffice(doc, services, errors);
}

void WriteService(const ServiceInfo& s, Writer& w) {
  w.StartObject();
  Key(w, "id");
  String(w, s.id);
  Key(w, "name");
  WriteLocalized(w, s.name);
  Key(w, "bring");
  WriteLocalized(w, s.bring);
  Key(w, "duration_minutes");
  w.Int64(s.duration.count());
  Key(w, "buffer_minutes");
  w.Int64(s.buffer.count());
  w.EndObject();
}

void WriteOffice(const OfficeInfo& o, Writer& w) {
  const Office& s = o.schedule;
  w.StartObject();
  Key(w, "id");
  String(w, o.id);
  Key(w, "name");
  String(w, o.name);
  Key(w, "address");
  w.StartObject();
  Key(w, "street");
  String(w, o.address.street);
  Key(w, "postal_code");
  String(w, o.address.postal_code);
  Key(w, "city");
  String(w, o.address.city);
  w.EndObject();
  Key(w, "timezone");
  String(w, o.timezone);
  if (!o.email.empty()) {
    Key(w, "email");
    String(w, o.email);
  }
  Key(w, "holiday_region");
  String(w, s.holiday_region);

  Key(w, "rules");
  w.StartObject();
  Key(w, "grid_minutes");
  w.Int64(s.rules.grid.count());
  Key(w, "min_notice_minutes");
  w.Int64(s.rules.min_notice.count());
  Key(w, "max_days_ahead");
  w.Int(s.rules.max_days_ahead);
  Key(w, "hold_ttl_minutes");
  w.Int64(s.rules.hold_ttl.count());
  Key(w, "reminder_minutes_before");
  w.StartArray();
  for (Minutes m : o.reminder_offsets) w.Int64(m.count());
  w.EndArray();
  if (o.appointments_per_identity > 0) {
    Key(w, "appointments_per_identity");
    w.Int(o.appointments_per_identity);
  }
  if (o.wishes_per_identity > 0) {
    Key(w, "wishes_per_identity");
    w.Int(o.wishes_per_identity);
  }
  if (o.pow_above_holds_per_minute >= 0) {
    Key(w, "proof_of_work_above_holds_per_minute");
    w.Int(o.pow_above_holds_per_minute);
  }
  if (o.rerelease_delay.count() > 0) {
    Key(w, "rerelease_delay_minutes");
    w.Int64(o.rerelease_delay.count());
  }
  if (o.double_opt_in.count() > 0) {
    Key(w, "double_opt_in_minutes");
    w.Int64(o.double_opt_in.count());
  }
  if (o.waitlist_offer_ttl != Minutes{120}) {
    Key(w, "waitlist_offer_minutes");
    w.Int64(o.waitlist_offer_ttl.count());
  }
  if (o.no_show_grace != kDefaultNoShowGrace) {
    Key(w, "no_show_grace_minutes");
    w.Int64(o.no_show_grace.count());
  }
  if (o.walk_in_margin.count() > 0) {
    Key(w, "walk_in_margin_minutes");
    w.Int64(o.walk_in_margin.count());
  }
  if (s.rules.same_day_buffer_percent > 0) {
    Key(w, "same_day_buffer_percent");
    w.Int(s.rules.same_day_buffer_percent);
    Key(w, "same_day_buffer_release");
    String(w, FormatTimeOfDay(s.rules.same_day_release));
  }
  if (s.rules.release_time >= Minutes{0}) {
    Key(w, "release_time");
    String(w, FormatTimeOfDay(s.rules.release_time));
  }
  if (o.release_window.count() > 0) {
    Key(w, "release_window_seconds");
    w.Int64(o.release_window.count());
  }
  if (o.release_admit_per_second != kDefaultReleaseAdmitPerSecond) {
    Key(w, "release_admit_per_second");
    w.Int(o.release_admit_per_second);
  }
  if (s.rules.hotline_share_percent > 0) {
    Key(w, "hotline_share_percent");
    w.Int(s.rules.hotline_share_percent);
    Key(w, "hotline_release_days_before");
    w.Int(s.rules.hotline_release_days);
  }
  w.EndObject();

  Key(w, "services");
  w.StartArray();
  for (const Service& service : s.services) String(w, service.id);
  w.EndArray();

  Key(w, "desks");
  w.StartArray();
  for (std::size_t i = 0; i < s.desks.size(); ++i) {
    const Desk& d = s.desks[i];
    w.StartObject();
    Key(w, "id");
    String(w, d.id);
    Key(w, "name");
    String(w, i < o.desk_names.size() ? o.desk_names[i] : d.id);
    Key(w, "services");
    w.StartArray();
    for (const std::string& id : d.services) String(w, id);
    w.EndArray();
    Key(w, "opening");
    WriteWeek(w, d.opening);
    Key(w, "breaks");
    WriteWeek(w, d.breaks);
    Key(w, "exceptions");
    w.StartArray();
    for (const DateException& ex : d.exceptions) {
      w.StartObject();
      Key(w, "date");
      String(w, FormatDate(ex.day));
      if (ex.closed) {
        Key(w, "closed");
        w.Bool(true);
      } else {
        Key(w, "hours");
        WriteIntervals(w, ex.hours);
      }
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();

  Key(w, "closures");
  w.StartArray();
  for (std::size_t i = 0; i < s.closures.size(); ++i) {
    w.StartObject();
    Key(w, "date");
    String(w, FormatDate(s.closures[i].day));
    Key(w, "reason");
    String(w, i < o.closure_reasons.size() ? o.closure_reasons[i] : std::string());
    if (!s.closures[i].closed) {
      Key(w, "hours");
      WriteIntervals(w, s.closures[i].hours);
    }
    w.EndObject();
  }
  w.EndArray();
  if (!s.holidays.empty()) {
    Key(w, "holidays");
    w.StartArray();
    for (const LocalHoliday& h : s.holidays) {
      w.StartObject();
      if (h.year != 0) {
        Key(w, "date");
        String(w, FormatDate(LocalDate{Date{date::year{h.year}, date::month{h.month}, date::day{h.day}}}));
      } else {
        char text[8];
        std::snprintf(text, sizeof text, "%02u-%02u", h.month, h.day);
        Key(w, "every_year");
        String(w, text);
      }
      Key(w, "name");
      String(w, h.name);
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
}

void WriteCatalog(const Catalog& c, Writer& w) {
  w.StartObject();
  Key(w, "format");
  w.String(kFormat);
  Key(w, "city");
  String(w, c.city);
  Key(w, "note");
  String(w, c.note);
  Key(w, "demo");
  w.Bool(c.demo);
  Key(w, "services");
  w.StartArray();
  for (const ServiceInfo& s : c.services) WriteService(s, w);
  w.EndArray();
  Key(w, "offices");
  w.StartArray();
  for (const OfficeInfo& o : c.offices) WriteOffice(o, w);
  w.EndArray();
  w.EndObject();
}

std::string ServiceToJson(const ServiceInfo& service) {
  return Render([&](Writer& w) { WriteService(service, w); });
}
std::string OfficeToJson(const OfficeInfo& office) {
  return Render([&](Writer& w) { WriteOffice(office, w); });
}
std::string CatalogToJson(const Catalog& catalog) {
  return Render([&](Writer& w) { WriteCatalog(catalog, w); });
}

void UpsertService(Catalog& catalog, ServiceInfo service) {
  for (OfficeInfo& office : catalog.offices) {
    for (Service& s : office.schedule.services) {
      if (s.id == service.id) s = service.ToService();
    }
  }
  for (ServiceInfo& s : catalog.services) {
    if (s.id == service.id) {
      s = std::move(service);
      return;
    }
  }
  catalog.services.push_back(std::move(service));
}

void UpsertOffice(Catalog& catalog, OfficeInfo office) {
  for (OfficeInfo& o : catalog.offices) {
    if (o.id == office.id) {
      o = std::move(office);
      return;
    }
  }
  catalog.offices.push_back(std::move(office));
}

}  // namespace termin::api
