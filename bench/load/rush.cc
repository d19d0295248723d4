#include "bench/load/rush.h"

#include <algorithm>
#include <random>
#include <set>

#include "bench/load/json_fields.h"
#include "bench/load/load_threads.h"

namespace termin::bench {
namespace {

// What one connection saw; merged into a RushResult after the run.
struct ThreadTally {
  std::size_t attempts = 0, holds = 0, conflicts = 0, confirm_failed = 0, errors = 0;
  std::map<int, std::size_t> error_statuses;
  LatencyLog hold_latency, attempt_latency;
  std::vector<RushSuccess> successes;
};

// What every connection's body shares (read only).
struct Shared {
  int connections;
  std::vector<std::size_t> deal;  // attempt i goes to place deal[i]
  std::vector<std::string> hold_bodies;
};

// Connection `index` makes attempts index, index + connections, ... one
// after another (a coroutine: see bench/load/load_task.h).
LoadTask RushBody(LoadConnection& conn, const Shared& shared, ThreadTally& t, int index) {
  for (std::size_t i = static_cast<std::size_t>(index); i < shared.deal.size();
       i += static_cast<std::size_t>(shared.connections)) {
    std::size_t place = shared.deal[i];
    ++t.attempts;
    Reply hold = co_await conn.PostJson("/v1/holds", shared.hold_bodies[place]);
    t.hold_latency.Add(hold.micros);
    if (hold.status == 409) {
      ++t.conflicts;
      t.attempt_latency.Add(hold.micros);
      continue;
    }
    std::optional<TopFields> h;
    if (hold.status != 201 || !(h = ReadTopFields(hold.body)) || !h->String("id") ||
        !h->String("secret") || !h->Int("version")) {
      ++t.errors;
      ++t.error_statuses[hold.status];
      t.attempt_latency.Add(hold.micros);
      continue;
    }
    ++t.holds;
    std::string body = "{\"hold_id\":" + Quoted(*h->String("id")) +
                       ",\"hold_secret\":" + Quoted(*h->String("secret")) +
                       ",\"hold_version\":" + std::to_string(*h->Int("version")) +
                       ",\"contact\":{\"name\":\"Bench Rush\",\"email\":\"rush@example.org\"}}";
    Reply confirm = co_await conn.PostJson("/v1/appointments", body);
    t.attempt_latency.Add(hold.micros + confirm.micros);
    std::optional<TopFields> a;
    if (confirm.status != 201 || !(a = ReadTopFields(confirm.body)) ||
        !a->String("reference") || !a->String("manage_secret") || !a->String("start")) {
      ++t.confirm_failed;
      continue;
    }
    t.successes.push_back(RushSuccess{place, *a->String("reference"), *a->String("manage_secret"),
                                      *a->String("start")});
  }
}

}  // namespace

Result<RushResult> RunRush(const RushOptions& options) {
  if (options.places.empty() || options.attempts <= 0) {
    return Status::InvalidArgument("the rush needs places and attempts");
  }
  Shared shared;
  shared.connections = options.connections;
  // Attempt i goes to place deal[i]: every place equally often, shuffled.
  shared.deal.resize(static_cast<std::size_t>(options.attempts));
  for (std::size_t i = 0; i < shared.deal.size(); ++i) shared.deal[i] = i % options.places.size();
  std::mt19937_64 rng(options.seed);
  std::shuffle(shared.deal.begin(), shared.deal.end(), rng);
  for (const Place& p : options.places) {
    shared.hold_bodies.push_back("{\"office\":" + Quoted(p.office) + ",\"services\":[\"" +
                                 kBenchService + "\"],\"start\":" +
                                 Quoted(BenchInstantText(p.start)) + "}");
  }
  std::vector<ThreadTally> tallies(static_cast<std::size_t>(options.connections));
  auto timing = RunConnections(options.targets, options.connections, options.load_threads,
                               [&](LoadConnection& conn, int index) {
    return RushBody(conn, shared, tallies[static_cast<std::size_t>(index)], index);
  });
  if (!timing.ok()) return timing.status();
  RushResult out;
  out.seconds = timing->seconds;
  for (ThreadTally& t : tallies) {
    out.attempts += t.attempts;
    out.holds += t.holds;
    out.conflicts += t.conflicts;
    out.confirm_failed += t.confirm_failed;
    out.errors += t.errors;
    for (const auto& [status, n] : t.error_statuses) out.error_statuses[status] += n;
    out.hold_latency.Merge(t.hold_latency);
    out.attempt_latency.Merge(t.attempt_latency);
    for (auto& s : t.successes) out.successes.push_back(std::move(s));
  }
  return out;
}

Result<RushCheck> VerifyRush(const Target& target, const RushOptions& options,
                             const RushResult& result) {
  ApiConnection conn(target);
  RushCheck check;
  std::set<std::string> starts;
  std::size_t bad = 0;
  for (const RushSuccess& s : result.successes) {
    starts.insert(s.start);
    Reply r = conn.Get("/v1/appointments/" + s.reference, "X-Manage-Secret", s.manage_secret);
    if (r.status == 0) return Status::Unavailable("no answer while reading back");
    auto a = ReadTopFields(r.body);
    std::string want = BenchInstantText(options.places[s.place].start);
    if (r.status == 200 && a && a->String("status") == "confirmed" &&
        a->String("start") == want && a->String("office") == options.places[s.place].office) {
      ++check.read_back;
    } else {
      ++bad;
    }
  }
  check.distinct_starts = starts.size();
  check.double_bookings = (result.successes.size() - starts.size()) + bad;

  std::set<std::string> place_starts;
  std::set<std::string> days;
  for (const Place& p : options.places) {
    place_starts.insert(BenchInstantText(p.start));
    days.insert(FormatDate(BenchLocalDay(p.start)));
  }
  for (const std::string& day : days) {
    Reply r = conn.Get("/v1/availability?services=" + std::string(kBenchService) + "&office=" +
                       kRushOffice + "&from=" + day + "&to=" + day);
    if (r.status != 200) {
      return Status::Unavailable("availability read-back answered " + std::to_string(r.status));
    }
    auto offered = ReadSlotStarts(r.body);
    if (!offered) return Status::Internal("availability read-back is not the expected JSON");
    for (const std::string& s : *offered) check.places_still_offered += place_starts.count(s);
  }
  return check;
}

}  // namespace termin::bench
