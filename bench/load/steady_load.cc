#include "bench/load/steady_load.h"

#include <chrono>
#include <random>

#include "bench/load/json_fields.h"
#include "bench/load/load_threads.h"

namespace termin::bench {
namespace {

using Clock = std::chrono::steady_clock;

// What one thread saw; merged into a SteadyResult after the threads joined.
struct ThreadTally {
  std::size_t requests = 0, done = 0, conflicts = 0, errors = 0;
  std::map<int, std::size_t> error_statuses;
  LatencyLog latency, first_step;

  void Error(int status) {
    ++errors;
    ++error_statuses[status];
  }
};

// Runs `step` on every connection until the time is up, then merges.
template <typename Step>
Result<SteadyResult> RunFor(const SteadyOptions& options, Step step) {
  std::vector<ThreadTally> tallies(static_cast<std::size_t>(options.connections));
  auto timing = RunConnections(options.targets, options.connections,
                               [&](ApiConnection& conn, int index) {
    ThreadTally& t = tallies[static_cast<std::size_t>(index)];
    std::mt19937_64 rng(options.seed * 1000003 + static_cast<std::uint64_t>(index));
    auto end = Clock::now() + std::chrono::duration<double>(options.seconds);
    while (Clock::now() < end) step(conn, rng, t);
  });
  if (!timing.ok()) return timing.status();
  SteadyResult out;
  out.seconds = timing->seconds;
  for (const ThreadTally& t : tallies) {
    out.requests += t.requests;
    out.done += t.done;
    out.conflicts += t.conflicts;
    out.errors += t.errors;
    for (const auto& [status, n] : t.error_statuses) out.error_statuses[status] += n;
    out.latency.Merge(t.latency);
    out.first_step.Merge(t.first_step);
  }
  return out;
}

Place DrawPlace(const SpreadPlaces& places, std::mt19937_64& rng) {
  std::uniform_int_distribution<std::size_t> pick(0, places.size() - 1);
  return places.At(pick(rng));
}

std::string HoldBody(const Place& p) {
  return "{\"office\":" + Quoted(p.office) + ",\"services\":[\"" + kBenchService +
         "\"],\"start\":" + Quoted(BenchInstantText(p.start)) + "}";
}

}  // namespace

Result<SteadyResult> RunAvailability(const SteadyOptions& options) {
  SpreadPlaces places(options.city, options.first_day, options.days);
  return RunFor(options, [&](ApiConnection& conn, std::mt19937_64& rng, ThreadTally& t) {
    Place p = DrawPlace(places, rng);
    std::string day = FormatDate(BenchLocalDay(p.start));
    Reply r = conn.Get("/v1/availability?services=" + std::string(kBenchService) +
                       "&office=" + p.office + "&from=" + day + "&to=" + day);
    ++t.requests;
    if (r.status == 200) {
      ++t.done;
      t.latency.Add(r.micros);
    } else {
      t.Error(r.status);
    }
  });
}

Result<SteadyResult> RunWebBookings(const SteadyOptions& options) {
  SpreadPlaces places(options.city, options.first_day, options.days);
  return RunFor(options, [&](ApiConnection& conn, std::mt19937_64& rng, ThreadTally& t) {
    Place p = DrawPlace(places, rng);
    Reply hold = conn.PostJson("/v1/holds", HoldBody(p));
    ++t.requests;
    t.first_step.Add(hold.micros);
    if (hold.status == 409) {
      ++t.conflicts;
      return;
    }
    std::optional<TopFields> h;
    if (hold.status != 201 || !(h = ReadTopFields(hold.body)) || !h->String("id") ||
        !h->String("secret") || !h->Int("version")) {
      t.Error(hold.status);
      return;
    }
    std::string body = "{\"hold_id\":" + Quoted(*h->String("id")) +
                       ",\"hold_secret\":" + Quoted(*h->String("secret")) +
                       ",\"hold_version\":" + std::to_string(*h->Int("version")) +
                       ",\"contact\":{\"name\":\"Bench Citizen\",\"email\":\"bench@example.org\"}}";
    Reply confirm = conn.PostJson("/v1/appointments", body);
    ++t.requests;
    if (confirm.status == 201) {
      ++t.done;
      t.latency.Add(hold.micros + confirm.micros);
    } else {
      t.Error(confirm.status);
    }
  });
}

Result<SteadyResult> RunHotlineBookings(const SteadyOptions& options) {
  if (options.hotline_key.empty()) return Status::InvalidArgument("hotline bookings need a key");
  SpreadPlaces places(options.city, options.first_day, options.days);
  std::string auth = "Bearer " + options.hotline_key;
  return RunFor(options, [&](ApiConnection& conn, std::mt19937_64& rng, ThreadTally& t) {
    Place p = DrawPlace(places, rng);
    std::string body = "{\"office\":" + Quoted(p.office) + ",\"services\":[\"" + kBenchService +
                       "\"],\"start\":" + Quoted(BenchInstantText(p.start)) +
                       ",\"contact\":{\"name\":\"Bench Caller\",\"phone\":\"+49 7361 0000\"}}";
    Reply r = conn.PostJson("/v1/hotline/appointments", body, "Authorization", auth);
    ++t.requests;
    t.first_step.Add(r.micros);
    if (r.status == 201) {
      ++t.done;
      t.latency.Add(r.micros);
    } else if (r.status == 409) {
      ++t.conflicts;
    } else {
      t.Error(r.status);
    }
  });
}

}  // namespace termin::bench
