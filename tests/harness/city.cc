#include "tests/harness/city.h"

#include <algorithm>
#include <cstdio>
#include <functional>

#include <date/date.h>
#include <date/tz.h>

namespace termin::testing {

bool OfficeRef::Offers(const std::string& service) const {
  return std::find(services.begin(), services.end(), service) != services.end();
}

namespace {

// Reads `office`'s document through the admin API, lets `edit` change it
// (it answers what is missing from the document, "" if nothing), and PUTs
// it back with `query`. "" on success, else what went wrong.
std::string EditOffice(const HttpClient& client, const std::string& office, const Headers& admin,
                       const std::string& query,
                       const std::function<std::string(rapidjson::Document&)>& edit) {
  const std::string path = "/v1/admin/offices/" + office;
  Response doc = client.Get(path, admin);
  if (doc.status != 200) return "GET " + path + ": " + doc.Summary();
  rapidjson::Document d;
  d.CopyFrom(doc.json, d.GetAllocator());
  if (!d.IsObject()) return "GET " + path + ": not an object: " + doc.body.substr(0, 200);
  if (std::string missing = edit(d); !missing.empty()) {
    return "GET " + path + ": no " + missing + " in " + doc.body.substr(0, 200);
  }
  Response put = client.Put(path + query, ToJson(d), admin);
  if (put.status != 200) return "PUT " + path + ": " + put.Summary();
  return "";
}

}  // namespace

std::string OpenAllDay(const HttpClient& client, const std::string& office,
                       const Headers& admin) {
  return EditOffice(client, office, admin, "?cancel_conflicting=false", [](rapidjson::Document& d) {
    if (!d.HasMember("desks") || !d["desks"].IsArray()) return std::string("desks");
    auto& alloc = d.GetAllocator();
    auto all_day = [&alloc] {
      rapidjson::Value week(rapidjson::kObjectType);
      for (const char* day : {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}) {
        rapidjson::Value interval(rapidjson::kArrayType);
        interval.PushBack("00:00", alloc).PushBack("24:00", alloc);
        rapidjson::Value intervals(rapidjson::kArrayType);
        intervals.PushBack(interval, alloc);
        week.AddMember(rapidjson::StringRef(day), intervals, alloc);
      }
      return week;
    };
    if (d.HasMember("opening")) d["opening"] = all_day();
    for (auto& desk : d["desks"].GetArray()) {
      if (desk.HasMember("opening")) desk["opening"] = all_day();
      if (desk.HasMember("breaks")) desk["breaks"].SetObject();
    }
    return std::string();
  });
}

std::string SetSameDayBuffer(const HttpClient& client, const std::string& office, const Headers& admin,
                             int percent, const std::string& release) {
  return EditOffice(client, office, admin, "?cancel_conflicting=false", [&](rapidjson::Document& d) {
    if (!d.HasMember("rules") || !d["rules"].IsObject()) return std::string("rules");
    auto& alloc = d.GetAllocator();
    rapidjson::Value& rules = d["rules"];
    rules.RemoveMember("same_day_buffer_percent");
    rules.RemoveMember("same_day_buffer_release");
    rules.AddMember("same_day_buffer_percent", percent, alloc);
    rules.AddMember("same_day_buffer_release", rapidjson::Value(release.c_str(), alloc), alloc);
    return std::string();
  });
}

std::string CloseOfficeOn(const HttpClient& client, const std::string& office,
                          const std::string& day, const std::string& reason,
                          const Headers& admin) {
  return EditOffice(client, office, admin, "", [&](rapidjson::Document& d) {
    if (!d.HasMember("closures") || !d["closures"].IsArray()) return std::string("closures");
    auto& alloc = d.GetAllocator();
    rapidjson::Value closure(rapidjson::kObjectType);
    closure.AddMember("date", rapidjson::Value(day.c_str(), alloc), alloc);
    closure.AddMember("reason", rapidjson::Value(reason.c_str(), alloc), alloc);
    d["closures"].PushBack(closure, alloc);
    return std::string();
  });
}

const OfficeRef* City::FindOffice(const std::string& id) const {
  for (const auto& o : offices) {
    if (o.id == id) return &o;
  }
  return nullptr;
}

std::optional<std::string> City::CommonService(const std::vector<std::string>& office_ids) const {
  const ServiceRef* best = nullptr;
  for (const auto& s : services) {
    bool everywhere = true;
    for (const auto& id : office_ids) {
      const OfficeRef* o = FindOffice(id);
      if (o == nullptr || !o->Offers(s.id)) everywhere = false;
    }
    if (everywhere && (best == nullptr || s.duration_minutes < best->duration_minutes)) best = &s;
  }
  if (best == nullptr) return std::nullopt;
  return best->id;
}

City DiscoverCity(const HttpClient& client) {
  City city;
  Response offices = client.Get("/v1/offices");
  if (offices.status == 200 && offices.json_ok && offices.json.IsObject() &&
      offices.json.HasMember("offices") && offices.json["offices"].IsArray()) {
    for (const auto& o : offices.json["offices"].GetArray()) {
      if (!o.IsObject() || !o.HasMember("id") || !o["id"].IsString()) continue;
      OfficeRef ref;
      ref.id = o["id"].GetString();
      if (o.HasMember("timezone") && o["timezone"].IsString()) ref.timezone = o["timezone"].GetString();
      if (o.HasMember("services") && o["services"].IsArray()) {
        for (const auto& s : o["services"].GetArray()) {
          if (s.IsString()) ref.services.push_back(s.GetString());
        }
      }
      city.offices.push_back(std::move(ref));
    }
  }
  Response services = client.Get("/v1/services");
  if (services.status == 200 && services.json_ok && services.json.IsObject() &&
      services.json.HasMember("services") && services.json["services"].IsArray()) {
    for (const auto& s : services.json["services"].GetArray()) {
      if (!s.IsObject() || !s.HasMember("id") || !s["id"].IsString()) continue;
      ServiceRef ref;
      ref.id = s["id"].GetString();
      if (s.HasMember("duration_minutes") && s["duration_minutes"].IsInt()) {
        ref.duration_minutes = s["duration_minutes"].GetInt();
      }
      city.services.push_back(std::move(ref));
    }
  }
  return city;
}

std::vector<Slot> FreeSlots(const HttpClient& client, const std::string& office,
                            const std::vector<std::string>& services, const std::string& from,
                            const std::string& to) {
  std::string list;
  for (size_t i = 0; i < services.size(); ++i) list += (i ? "," : "") + services[i];
  Response r = client.Get("/v1/availability?services=" + list + "&office=" + office +
                          "&from=" + from + "&to=" + to);
  std::vector<Slot> out;
  if (r.status != 200 || !r.json_ok || !r.json.IsObject() || !r.json.HasMember("days") ||
      !r.json["days"].IsArray()) {
    return out;
  }
  for (const auto& day : r.json["days"].GetArray()) {
    if (!day.IsObject() || !day.HasMember("slots") || !day["slots"].IsArray()) continue;
    std::string date = day.HasMember("date") && day["date"].IsString() ? day["date"].GetString() : "";
    std::string day_office =
        day.HasMember("office") && day["office"].IsString() ? day["office"].GetString() : office;
    for (const auto& s : day["slots"].GetArray()) {
      if (!s.IsObject() || !s.HasMember("start") || !s["start"].IsString()) continue;
      int free = s.HasMember("free") && s["free"].IsInt() ? s["free"].GetInt() : 0;
      if (free <= 0) continue;
      out.push_back(Slot{day_office, date, s["start"].GetString(), free});
    }
  }
  return out;
}

std::string LocalToday(const std::string& timezone) {
  auto zoned = date::make_zoned(timezone, std::chrono::system_clock::now());
  auto day = date::floor<date::days>(zoned.get_local_time());
  return date::format("%F", day);
}

int LocalMinuteOfDay(const std::string& timezone) {
  auto zoned = date::make_zoned(timezone, std::chrono::system_clock::now());
  auto local = zoned.get_local_time();
  auto since_midnight = local - date::floor<date::days>(local);
  return static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(since_midnight).count());
}

std::string AddDays(const std::string& ymd, int days) {
  int y = 0;
  unsigned m = 0, d = 0;
  if (std::sscanf(ymd.c_str(), "%d-%u-%u", &y, &m, &d) != 3) return "";
  date::sys_days day = date::year{y} / date::month{m} / date::day{d};
  return date::format("%F", day + date::days{days});
}

std::optional<std::chrono::sys_seconds> ParseRfc3339(const std::string& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, n = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &n) != 6) {
    return std::nullopt;
  }
  std::string rest = text.substr(static_cast<size_t>(n));
  int offset_minutes = 0;
  if (rest == "Z" || rest == "z") {
    offset_minutes = 0;
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    int oh = 0, om = 0;
    if (std::sscanf(rest.c_str() + 1, "%2d:%2d", &oh, &om) != 2) return std::nullopt;
    offset_minutes = (oh * 60 + om) * (rest[0] == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(mo)},
                           date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  std::chrono::sys_seconds t = date::sys_days(ymd) + std::chrono::hours(h) +
                               std::chrono::minutes(mi) + std::chrono::seconds(s);
  return t - std::chrono::minutes(offset_minutes);
}

std::string DatePart(const std::string& rfc3339) { return rfc3339.substr(0, 10); }

std::string IcsUtc(std::chrono::sys_seconds t) { return date::format("%Y%m%dT%H%M%SZ", t); }

}  // namespace termin::testing
