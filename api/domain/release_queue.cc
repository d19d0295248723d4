#include "api/domain/release_queue.h"

#include <charconv>
#include <vector>

#include "api/security/secrets.h"
#include "scheduler/availability.h"

namespace termin::api {
namespace {

std::string PassMessage(const std::string& office_id, const ReleasePlan& plan,
                        std::string_view ticket, std::string_view client, std::int64_t from,
                        std::int64_t until) {
  std::string m = "termin release pass v1\n";
  for (std::string_view part : {std::string_view(office_id), std::string_view(plan.day), ticket,
                                client}) {
    m.append(part);
    m.push_back('\n');
  }
  m.append(std::to_string(from));
  m.push_back('\n');
  m.append(std::to_string(until));
  return m;
}

std::optional<std::int64_t> ParseMs(std::string_view text) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<ReleasePlan> TodaysReleasePlan(const OfficeInfo& office, TimePoint now) {
  if (office.release_window.count() <= 0) return std::nullopt;
  const date::time_zone* zone = office.schedule.zone;
  const BookingRules& rules = office.schedule.rules;
  const Instant minute = std::chrono::floor<Minutes>(now);
  auto release = TodaysRelease(zone, rules, minute);
  if (!release) return std::nullopt;
  ReleasePlan plan;
  plan.at = TimePoint(*release);
  plan.lobby = plan.at - kReleaseLobby;
  plan.draw = plan.at + office.release_window;
  plan.day = FormatDate(LocalDayOf(minute, zone) + date::days(rules.max_days_ahead));
  plan.admit_per_second = std::max(1, office.release_admit_per_second);
  return plan;
}

TimePoint AdmitAt(const ReleasePlan& plan, std::int64_t rank) {
  return plan.draw + std::chrono::milliseconds(rank * 1000 / plan.admit_per_second);
}

bool ReleaseGated(const ReleasePlan& plan, std::int64_t queued, TimePoint now) {
  if (now < plan.at) return false;  // the day has not opened
  if (now < plan.draw) return true;
  return queued > 0 && now < AdmitAt(plan, queued - 1);
}

std::string MakeReleasePass(std::string_view key, const std::string& office_id,
                            const ReleasePlan& plan, const std::string& ticket,
                            const std::string& client, TimePoint from, TimePoint until) {
  const std::int64_t f = from.time_since_epoch().count();
  const std::int64_t u = until.time_since_epoch().count();
  return std::to_string(f) + "." + std::to_string(u) + "." + ticket + "." +
         MacToken(key, PassMessage(office_id, plan, ticket, client, f, u));
}

bool CheckReleasePass(std::string_view key, const std::string& office_id, const ReleasePlan& plan,
                      const std::string& client, std::string_view pass, TimePoint now,
                      std::string* why) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (parts.size() < 4) {
    std::size_t dot = parts.size() < 3 ? pass.find('.', start) : pass.size();
    if (dot == std::string_view::npos) break;
    parts.push_back(pass.substr(start, dot - start));
    start = dot + 1;
  }
  auto from = parts.size() == 4 ? ParseMs(parts[0]) : std::nullopt;
  auto until = parts.size() == 4 ? ParseMs(parts[1]) : std::nullopt;
  if (!from || !until || parts[2].empty() ||
      !ConstantTimeEquals(parts[3], MacToken(key, PassMessage(office_id, plan, parts[2], client,
                                                              *from, *until)))) {
    *why = "this pass is not valid for this office, day and address; join the queue again";
    return false;
  }
  const std::int64_t t = now.time_since_epoch().count();
  if (t < *from) {
    *why = "this pass is not valid yet";
    return false;
  }
  if (t >= *until) {
    *why = "this pass has expired; read your ticket again for a new one";
    return false;
  }
  return true;
}

}  // namespace termin::api
